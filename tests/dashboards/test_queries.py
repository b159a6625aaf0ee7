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
    assert fragment in text and text.index(fragment) < text.lower().index("shown as (")  # any casing


def test_fragments_may_include_fragments_but_not_in_a_circle(tmp_path, monkeypatch):
    import pytest

    from dashboards import queries

    text = query_sql("explorateur/lignes")  # lignes → _facts → _units
    lowered = text.lower()  # the SQL's casing is sqlfluff's (./dev lint)
    assert "with units as (" in lowered and lowered.index("with units as (") < lowered.index("facts as (")

    (tmp_path / "page").mkdir()
    (tmp_path / "page" / "_a.sql").write_text("-- include: page/_b.sql\n")
    (tmp_path / "page" / "_b.sql").write_text("-- include: page/_a.sql\n")
    (tmp_path / "page" / "q.sql").write_text("-- include: page/_a.sql\nSELECT 1\n")
    monkeypatch.setattr(queries, "QUERIES_DIR", tmp_path)
    with pytest.raises(ValueError, match="circulaire"):
        queries._expanded((tmp_path / "page" / "q.sql").read_text(), seen=("page/q",))


def test_every_query_named_in_the_code_exists():
    """A renamed query file (`sql/queries/<page>/<name>.sql`, named in French like the folders)
    leaves no caller behind: each « <page>/<name> » string of the code and tests names a file."""
    import re

    from dashboards.queries import QUERIES_DIR

    root = QUERIES_DIR.parents[1]
    folders = "|".join(p.name for p in QUERIES_DIR.iterdir() if p.is_dir())
    named = re.compile(rf"""["'`](?:sql/queries/)?({folders})/(\w+)(?:\.sql)?["'`]""")
    sources = [*(root / "dashboards").rglob("*.py"), *(root / "tests").rglob("*.py"),
               *(root / "benchmarks").glob("*.py"), *QUERIES_DIR.rglob("*.sql")]
    missing, seen = [], 0
    for path in sources:
        for folder, name in named.findall(path.read_text()):
            seen += 1
            if not (QUERIES_DIR / folder / f"{name}.sql").is_file():
                missing.append(f"{path.relative_to(root)}: {folder}/{name}")
    mine = [n for path in sources if path.suffix == ".py" for n in re.findall(r'\.mine\("(\w+)"\)', path.read_text())]
    missing += [f"mon_tableau_de_bord/{n}" for n in mine if not (QUERIES_DIR / "mon_tableau_de_bord" / f"{n}.sql").is_file()]
    assert seen > 50 and mine
    assert not missing, missing


def test_marts_ready_is_true_only_when_every_mart_named_is_built(tmp_path):
    """The one « marts ready » check (dashboards.components.marts_ready) of the pages."""
    from dashboards.components import marts_ready
    from warehouse.connection import Warehouse
    from warehouse.migrations import migrate

    warehouse = Warehouse(tmp_path / "w.duckdb")
    migrate(warehouse)
    assert not marts_ready(warehouse, "people")  # before the first build
    with warehouse.write("essai") as con:
        con.execute("CREATE TABLE marts.people (x INTEGER)")
        con.execute("CREATE TABLE staging.people_conflicts (x INTEGER)")  # not a mart
    assert marts_ready(warehouse, "people")
    assert not marts_ready(warehouse, "people", "people_conflicts")
    with warehouse.write("essai") as con:
        con.execute("CREATE TABLE marts.people_conflicts (x INTEGER)")
    assert marts_ready(warehouse, "people", "people_conflicts")
