"""Page queries: every file reads, and shared fragments are included where a query names them."""

from dashboards.queries import INCLUDE, QUERIES_DIR, query_sql


def test_every_page_query_reads_with_its_fragments_included():
    names = [str(p.relative_to(QUERIES_DIR).with_suffix("")) for p in QUERIES_DIR.rglob("*.sql")
             if not p.name.startswith("_")]
    assert names
    for name in names:
        text = query_sql(name)
        assert not INCLUDE.search(text), name  # nothing left to include


def test_a_fragment_is_included_in_place():
    text = query_sql("plan_de_tresorerie/plan")
    fragment = (QUERIES_DIR / "plan_de_tresorerie" / "_scenario.sql").read_text(encoding="utf-8").rstrip()
    assert fragment in text and text.index(fragment) < text.index("shown AS (")


def test_fragments_may_include_fragments_but_not_in_a_circle(tmp_path, monkeypatch):
    import pytest

    from dashboards import queries

    text = query_sql("explorateur/lignes")  # lignes → _facts → _units
    assert "WITH units AS (" in text and text.index("WITH units AS (") < text.index("facts AS (")

    (tmp_path / "page").mkdir()
    (tmp_path / "page" / "_a.sql").write_text("-- include: page/_b.sql\n")
    (tmp_path / "page" / "_b.sql").write_text("-- include: page/_a.sql\n")
    (tmp_path / "page" / "q.sql").write_text("-- include: page/_a.sql\nSELECT 1\n")
    monkeypatch.setattr(queries, "QUERIES_DIR", tmp_path)
    with pytest.raises(ValueError, match="circulaire"):
        queries._expanded((tmp_path / "page" / "q.sql").read_text(), seen=("page/q",))
