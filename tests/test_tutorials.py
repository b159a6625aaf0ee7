"""The README's « Adapter Alambic » tutorials, followed literally: each test reads the marked code
blocks of its tutorial from README.md, applies them to a copy of sql/ and of the sandbox's
configuration and warehouse, then builds (or opens the page) in a fresh process pointed at that
copy (ALAMBIC_SQL_DIR) and checks what the tutorial promises."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from warehouse import SQL_DIR

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
BLOCK = re.compile(r"<!-- tutoriel (\w) : (.+?) -->\n```\w+\n(.*?)```", re.DOTALL)


def steps(letter: str) -> list[tuple[str, str]]:
    found = [(what.strip(), body) for tutorial, what, body in BLOCK.findall(README.read_text(encoding="utf-8"))
             if tutorial == letter]
    assert found, f"README: no block marked « tutoriel {letter} »"
    return found


def targets(letter: str) -> set[str]:
    return {re.search(r"(\S+)$", what).group(1) for what, _ in steps(letter)}


@pytest.fixture
def copy(tmp_path, sandbox_template):
    """A copy of sql/ and of the built sandbox (its alambic.toml names the warehouse beside it)."""
    _org, warehouse_file = sandbox_template
    shutil.copytree(SQL_DIR, tmp_path / "sql")
    shutil.copy(warehouse_file, tmp_path / "alambic.duckdb")
    shutil.copy(Path(warehouse_file).parent / "alambic.toml", tmp_path / "alambic.toml")
    return tmp_path


def apply(letter: str, root: Path) -> None:
    """Do what the tutorial says, block by block."""
    for what, body in steps(letter):
        path = root / re.search(r"(\S+)$", what).group(1)
        if what.startswith("fichier "):
            assert not path.exists(), f"{path} exists already"
            path.write_text(body, encoding="utf-8")
        elif what.startswith("ajout "):
            path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + body, encoding="utf-8")
        elif what.startswith("remplace "):
            name = what.split()[1]
            text = path.read_text(encoding="utf-8")
            definition = re.compile(rf"create or replace macro {re.escape(name)}\(.*?;\n", re.DOTALL | re.IGNORECASE)
            assert len(definition.findall(text)) == 1, f"{name} in {path}"
            path.write_text(definition.sub(lambda _m: body, text), encoding="utf-8")
        elif what.startswith("section "):
            section = what.split()[1]
            text = path.read_text(encoding="utf-8")
            assert f"\n[{section}]\n" in text
            path.write_text(text.replace(f"\n[{section}]\n", f"\n[{section}]\n{body}", 1), encoding="utf-8")
        else:
            raise AssertionError(f"README: unknown step « {what} »")


def run(root: Path, code: str) -> dict:
    """Run `code` in a new Python process on the copy; it prints one JSON object as its last line."""
    prelude = textwrap.dedent("""
        import json, sys
        from alambic.config import load_config
        from warehouse.connection import Warehouse
        config = load_config(sys.argv[1])
        warehouse = Warehouse.from_config(config)
        def rows(sql, params=None):
            with warehouse.read() as con:
                return con.execute(sql, params or []).fetchall()
    """)
    done = subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(code), str(root / "alambic.toml")],
                          cwd=REPO, env={**__import__("os").environ, "ALAMBIC_SQL_DIR": str(root / "sql")},
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


BUILD = """
from warehouse.build import BuildError, build
try:
    result = build(warehouse, config.settings())
    outcome = {"ok": True, "marts": sorted(result.marts), "tests": result.tests}
except BuildError as exc:
    outcome = {"ok": False, "error": str(exc)}
"""


def test_a_new_mart_with_its_data_test(copy):
    assert targets("a") == {"sql/marts/fournisseurs.sql", "sql/tests/fournisseurs_retombe_sur_les_lignes.sql",
                            "sql/tests/descriptions.toml"}
    apply("a", copy)
    got = run(copy, BUILD + """
from warehouse.catalogue import mart_docs
doc = next(d for d in mart_docs() if d.name.endswith("fournisseurs"))
outcome.update(rows=rows("SELECT count(*), sum(total) FROM marts.fournisseurs")[0][0],
               columns=[c.name for c in doc.columns])
print(json.dumps(outcome, default=str))
""")
    assert got["ok"], got
    assert "fournisseurs" in got["marts"] and "fournisseurs_retombe_sur_les_lignes" in got["tests"]
    assert got["rows"] > 0
    assert got["columns"] == ["partner", "year", "total", "line_count"]
    # the data test catches a breakage: totals counted twice
    mart = copy / "sql" / "marts" / "fournisseurs.sql"
    mart.write_text(mart.read_text(encoding="utf-8").replace("sum(amount)", "sum(amount) * 2"), encoding="utf-8")
    broken = run(copy, BUILD + "print(json.dumps(outcome))")
    assert not broken["ok"]
    assert "fournisseurs_retombe_sur_les_lignes" in broken["error"]
    assert "les dépenses par fournisseur ne retombent pas sur les lignes de budget" in broken["error"]


def test_a_new_page_in_two_files(copy):
    files = targets("b")
    assert files == {"sql/pages/factures-a-payer.sql", "sql/pages/factures-a-payer.toml"}
    assert sum(len(body.splitlines()) for _what, body in steps("b")) <= 40
    apply("b", copy)
    got = run(copy, """
import panel as pn
from dashboards.app import AppContext, nav_html, page_app
from dashboards.documentation import page_text
from dashboards.pages import PAGES, page
from alambic.users import User
from dashboards.session import acting_as
with acting_as(User("membre", role="member")):
    menu = nav_html("tableau-de-bord", "", lambda slug: "/" + slug)
    template = page_app("factures-a-payer", AppContext(warehouse=warehouse, config=config))
tables = [t for col in template.main for t in col.select(pn.widgets.Tabulator)]
spec = page("factures-a-payer")
from dashboards.components import Filters
period = Filters.from_warehouse(warehouse).current  # the page's default: the fiscal year of the build
expected = rows("SELECT count(*) FROM marts.budget_lines WHERE status = 'a_payer'"
                " AND line_date >= ? AND line_date < ?", [period.start, period.end])[0][0]
print(json.dumps({"menu": 'data-page="factures-a-payer">Factures à payer</a>' in menu,
                  "section": spec.section, "tables": [len(t.value) for t in tables],
                  "headers": [list(t.value.columns) for t in tables], "expected": expected,
                  "doc": page_text("factures-a-payer")}))
""")
    assert got["menu"] and got["section"] == "Budget tracking"
    assert got["expected"] > 0, "the sandbox has bills to pay in the default period"
    assert got["tables"] == [got["expected"]]
    assert got["headers"] == [["Date", "Unité", "Libellé", "Fournisseur", "Montant"]]
    assert "pas encore payées" in got["doc"] and "sql/pages/factures-a-payer.sql" in got["doc"]


def test_a_new_budget_category_by_configuration_only(copy):
    assert targets("c") == {"alambic.toml"}
    apply("c", copy)
    external = "SELECT count(*) FROM marts.budget_lines WHERE category_code = 'prestations_externes_achats'"
    got = run(copy, f"external_before = rows({external!r})[0][0]" + BUILD + f"""
from dashboards.queries import run_query
outcome["lines"] = rows("SELECT count(*) FROM marts.budget_lines WHERE category_code = 'deplacements'")[0][0]
outcome["moved"] = external_before - rows({external!r})[0][0]
recap = run_query(warehouse, "suivi_budgetaire/recap", unit="R", date_from="2000-01-01", date_to="2100-01-01",
                  direction="depense")
outcome["recap"] = {{row.label: float(row.reel) for row in recap.itertuples()}}
print(json.dumps(outcome, default=str))
""")
    assert got["ok"], got
    assert got["lines"] > 0 and got["moved"] == got["lines"]  # the 625… lines left « achats » for it
    assert got["recap"]["Déplacements"] > 0


def test_changing_a_rule_the_overrun_tolerance(copy):
    assert targets("d") == {"sql/macros/figures.sql", "alambic.toml"}
    count = """
outcome["overruns"] = rows("SELECT count(*) FROM marts.budget_vs_actual WHERE depassement")[0][0]
outcome["between"] = rows("SELECT count(*) FROM marts.budget_vs_actual WHERE direction = 'depense'"
                          " AND reel + engage > previsionnel AND reel + engage <= previsionnel * 1.1")[0][0]
outcome["beyond"] = rows("SELECT count(*) FROM marts.budget_vs_actual WHERE direction = 'depense'"
                         " AND reel + engage > previsionnel * 1.1")[0][0]
print(json.dumps(outcome, default=str))
"""
    sql_steps = [(what, body) for what, body in steps("d") if "figures.sql" in what]
    config_steps = [(what, body) for what, body in steps("d") if "alambic.toml" in what]
    assert len(sql_steps) == 1 and len(config_steps) == 1
    apply("d", copy)
    # without the configuration line the tolerance is its default, 0: the same overruns as before
    config = (copy / "alambic.toml").read_text(encoding="utf-8")
    (copy / "alambic.toml").write_text(config.replace(config_steps[0][1], ""), encoding="utf-8")
    before = run(copy, BUILD + count)
    assert before["ok"], before
    assert before["overruns"] == before["between"] + before["beyond"]
    assert before["between"] > 0, "the sandbox has overruns within 10 %"
    (copy / "alambic.toml").write_text(config, encoding="utf-8")
    after = run(copy, BUILD + count)
    assert after["ok"], after
    assert after["overruns"] == after["beyond"] == before["beyond"]
