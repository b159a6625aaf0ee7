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
