"""The whole ledger, counted once (tests/sql/ledger_books.py): plans, non affecté, eliminations and
the reconciliation with the books, each figure computed by hand, for Odoo 15 and Odoo 17 books
served by the simulated Odoo server and read by the real connector."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

from alambic.config import ConfigError, parse_config
from flows.sources.odoo import EXTRACTS, OdooSource
from sandbox.servers import serve_in_thread
from sandbox.servers.odoo import OdooBooks, odoo_app
from tests.flows.conftest import ODOO_DB, ODOO_LOGIN, ODOO_PASSWORD
from tests.sql.ledger_books import CONFIG, insert_app_rows, odoo_books
from warehouse.build import BuildError, build
from warehouse.connection import Warehouse
from warehouse.load import load_records
from warehouse.migrations import migrate

REPO = Path(__file__).resolve().parents[2]
D = Decimal
JUNE = "2025-06-01"


def make_config(directory: Path, **changes):
    example = tomllib.loads((REPO / "alambic.example.toml").read_text(encoding="utf-8"))
    data = dict(CONFIG, categories=example["categories"],
                warehouse={"path": str(directory / "w.duckdb"), "lock_timeout_seconds": 10})
    data.update(changes)
    return parse_config(data, directory / "alambic.toml")


def sync_and_build(directory: Path, version: str, books: dict | None = None, **changes) -> Warehouse:
    """Serve the books as Odoo `version`, sync every resource through the connector, build."""
    directory.mkdir(parents=True, exist_ok=True)
    warehouse = Warehouse(directory / "w.duckdb")
    migrate(warehouse)
    app = odoo_app({ODOO_DB: OdooBooks(version, books or odoo_books(version), login=ODOO_LOGIN,
                                        password=ODOO_PASSWORD)})
    with serve_in_thread(app) as server:
        client = OdooSource(server.url, ODOO_DB, ODOO_LOGIN, ODOO_PASSWORD)
        for resource in EXTRACTS:
            batch = client.fetch(resource)
            assert not batch.rejected, resource
            load_records(warehouse, "odoo", resource, batch.records, watermark=batch.watermark,
                         delete_missing=batch.complete)
    with warehouse.write("saisies de test") as con:
        insert_app_rows(con)
    build(warehouse, make_config(directory, **changes).settings())
    return warehouse


def rows(warehouse: Warehouse, sql: str, *params) -> list[tuple]:
    with warehouse.read() as con:
        return con.execute(sql, list(params)).fetchall()


@pytest.fixture(scope="module", params=["15", "17"])
def books(request, tmp_path_factory):
    return sync_and_build(tmp_path_factory.mktemp(f"ledger{request.param}"), request.param)


def rollup(warehouse, unit: str) -> dict[tuple[str, str], tuple]:
    """(category, direction) → (engage, reel, elimine) of the unit with its subtree, June."""
    return {(c, d): (e, r, x) for c, d, e, r, x in rows(
        warehouse, "SELECT category_code, direction, engage, reel, elimine FROM marts.budget_rollup"
                   " WHERE unit_code = ? AND month = ?", unit, JUNE)}


# -- plans: a euro counts once, the tree plan first, other plans for what it leaves ---------------

def test_accounts_map_by_code_or_id_and_plans_get_their_roles(books):
    got = rows(books, """SELECT analytic_account_id, unit_code, plan_role, plan_rank, is_dimension
                         FROM staging.stg_odoo__analytic_accounts ORDER BY 1""")
    assert got == [
        (20, "303", "arbre", 0, False),      # by code (the unit's own code, by default)
        (21, "401", "arbre", 0, False),      # by id (id:21), its code CULT is no unit's
        (29, None, "arbre", 0, False),
        (30, "101", "unites", 1, False),     # another plan, by id
        (31, "102", "unites", 1, False),     # another plan, by code
        (40, None, "dimension", None, True),
    ]


def test_each_line_counts_once_on_the_units(books):
    """budget_lines summed per unit, reference and allocation (15 and 17 split lines differently)."""
    got = rows(books, """SELECT unit_code, reference, counts_as, allocation, sum(amount), any_value(dimension)
                         FROM marts.budget_lines WHERE source = 'odoo' GROUP BY ALL ORDER BY ALL""")
    assert got == [
        # L4: income booked only on the second plan (Administration)
        ("101", "INV/2025/06/0001", "reel", "autre_plan", D("300.00"), None),
        # L2: what the tree plan leaves (50 %) goes to Communication
        ("102", "BILL/2025/06/0002", "reel", "autre_plan", D("100.00"), None),
        # L1: Potager 100 % + Administration 100 % → Potager only
        ("303", "BILL/2025/06/0001", "reel", "arbre", D("120.00"), None),
        # L7: 70 % on Potager
        ("303", "BILL/2025/06/0003", "reel", "arbre", D("70.00"), None),
        # L5 (draft, 15's tag distributions too): 25 % Potager
        ("303", "brouillon n° 5", "engage", "arbre", D("100.00"), "Région Réunion"),
        ("401", "BILL/2025/06/0002", "reel", "arbre", D("100.00"), None),
        ("401", "MISC/2025/06/0001", "reel", "arbre", D("1000.00"), "Région Réunion"),
        ("401", "brouillon n° 5", "engage", "arbre", D("300.00"), "Région Réunion"),
        # non affecté, on the organisation: L3's bank fees, L7's other 30 %
        ("R", "BILL/2025/06/0003", "reel", "non_affecte", D("30.00"), None),
        ("R", "BNK1/2025/0001", "reel", "non_affecte", D("12.50"), None),
    ]


def test_a_line_is_allocated_exactly_its_amount(books):
    got = rows(books, """SELECT move_line_id, sum(amount), any_value(line_total) FROM marts.ledger_allocation
                         GROUP BY 1 ORDER BY 1""")
    assert got == [(11, D("-120.00"), D("-120.00")), (21, D("-200.00"), D("-200.00")),
                   (31, D("-12.50"), D("-12.50")), (41, D("300.00"), D("300.00")),
                   (51, D("-400.00"), D("-400.00")), (61, D("1000.00"), D("1000.00")),
                   (71, D("-100.00"), D("-100.00")), (81, D("-50.00"), D("-50.00"))]


# -- eliminations ---------------------------------------------------------------------------------

def test_the_organisation_counts_each_euro_once_and_eliminates_internal_flows(books):
    assert rollup(books, "R") == {
        # L1 120 + L2 200 + L3 12.50 + L7 100; L5 engagé 400; L8 (681) has no category
        ("prestations_externes_achats", "depense"): (D("400.00"), D("432.50"), D("0.00")),
        ("prestations", "recette"): (D("0.00"), D("300.00"), D("0.00")),
        ("subventions", "recette"): (D("0.00"), D("1000.00"), D("0.00")),
        # the dispatch (150) and the transfer (80): both ends inside La Raffinerie
        ("depenses_internes", "depense"): (D("0.00"), D("0.00"), D("230.00")),
        ("recettes_internes", "recette"): (D("0.00"), D("0.00"), D("230.00")),
    }


def test_a_unit_sees_its_own_internal_flows_and_a_node_holding_both_ends_cancels_them(books):
    assert rollup(books, "401") == {
        ("prestations_externes_achats", "depense"): (D("300.00"), D("100.00"), D("0.00")),
        ("subventions", "recette"): (D("0.00"), D("1000.00"), D("0.00")),
        ("depenses_internes", "depense"): (D("0.00"), D("80.00"), D("0.00")),
        ("recettes_internes", "recette"): (D("0.00"), D("150.00"), D("0.00")),
    }
    assert rollup(books, "30") == {
        ("prestations_externes_achats", "depense"): (D("100.00"), D("190.00"), D("0.00")),
        ("depenses_internes", "depense"): (D("0.00"), D("150.00"), D("0.00")),
    }
    assert rollup(books, "10") == {
        ("prestations_externes_achats", "depense"): (D("0.00"), D("100.00"), D("0.00")),
        ("prestations", "recette"): (D("0.00"), D("300.00"), D("0.00")),
        ("recettes_internes", "recette"): (D("0.00"), D("80.00"), D("0.00")),
    }


def test_the_page_queries_show_the_rollup_with_eliminations(books):
    from dashboards.queries import run_query

    params = {"unit": "R", "date_from": "2025-01-01", "date_to": "2026-01-01"}
    kpis = run_query(books, "suivi_budgetaire/indicateurs", **params).iloc[0]
    assert (kpis["depenses_reel"], kpis["recettes_reel"]) == (D("432.50"), D("1300.00"))
    lines = run_query(books, "suivi_budgetaire/lignes", category="", **params)
    assert not (lines["allocation"] == "interne").any()   # eliminated at the organisation
    assert sorted(lines.loc[lines["allocation"] == "non_affecte", "amount"]) == [D("12.50"), D("30.00")]
    pole = run_query(books, "suivi_budgetaire/lignes", category="", **dict(params, unit="401"))
    assert sorted(pole.loc[pole["allocation"] == "interne", "amount"]) == [D("80.00"), D("150.00")]


# -- the whole ledger -----------------------------------------------------------------------------

def test_the_ledger_pnl_is_the_trial_balance(books):
    assert rows(books, "SELECT account_code, debit, credit, amount FROM marts.ledger_pnl ORDER BY 1") == [
        ("606300", D("220.00"), D("0.00"), D("220.00")),   # L1 + L7 (the draft L5 is not in the books)
        ("623000", D("200.00"), D("0.00"), D("200.00")),
        ("627000", D("12.50"), D("0.00"), D("12.50")),
        ("681100", D("50.00"), D("0.00"), D("50.00")),
        ("706000", D("0.00"), D("300.00"), D("300.00")),
        ("741000", D("0.00"), D("1000.00"), D("1000.00")),
    ]


def test_the_reconciliation_explains_the_organisation_real_against_the_books(books):
    got = rows(books, """SELECT direction, ledger, analytique, non_affecte, hors_categories, sans_ecriture,
                                interne, elimine, reel_budget, ecart
                         FROM marts.ledger_reconciliation ORDER BY direction""")
    assert got == [
        # 482.50 in the books = 390 on units + 42.50 non affecté + 50 on 681 (no category)
        ("depense", D("482.50"), D("390.00"), D("42.50"), D("50.00"), D("0.00"), D("230.00"), D("230.00"),
         D("432.50"), D("-50.00")),
        ("recette", D("1300.00"), D("1300.00"), D("0.00"), D("0.00"), D("0.00"), D("230.00"), D("230.00"),
         D("1300.00"), D("0.00")),
    ]


def test_with_every_class_in_a_category_the_organisation_real_is_the_ledger(tmp_path):
    example = tomllib.loads((REPO / "alambic.example.toml").read_text(encoding="utf-8"))
    categories = example["categories"] + [{"code": "dotations", "label": "Dotations", "direction": "depense",
                                           "accounts": ["68"]}]
    warehouse = sync_and_build(tmp_path, "17", categories=categories)
    got = rows(warehouse, "SELECT direction, ledger, reel_budget, ecart FROM marts.ledger_reconciliation ORDER BY 1")
    assert got == [("depense", D("482.50"), D("482.50"), D("0.00")), ("recette", D("1300.00"), D("1300.00"), D("0.00"))]


def test_odoo_15_and_17_give_the_same_marts(tmp_path_factory):
    def figures(version):
        warehouse = sync_and_build(tmp_path_factory.mktemp(f"same{version}"), version)
        return {
            "budget_rollup": rows(warehouse, "SELECT * FROM marts.budget_rollup ORDER BY ALL"),
            "budget_vs_actual": rows(warehouse, "SELECT * FROM marts.budget_vs_actual ORDER BY ALL"),
            "ledger_pnl": rows(warehouse, "SELECT * FROM marts.ledger_pnl ORDER BY ALL"),
            "ledger_reconciliation": rows(warehouse, "SELECT * FROM marts.ledger_reconciliation ORDER BY ALL"),
            "by_line": rows(warehouse, """SELECT unit_code, category_code, reference, status, counts_as, allocation,
                                                 dimension, sum(amount) FROM marts.budget_lines GROUP BY ALL ORDER BY ALL"""),
        }
    assert figures("15") == figures("17")


# -- per-plan percentages -------------------------------------------------------------------------

@pytest.mark.parametrize("version", ["15", "17"])
def test_percentages_are_checked_per_plan_not_across_plans(tmp_path, version):
    """100 % in two plans builds (above); more than 100 % within one plan stops the build."""
    books = odoo_books(version)
    line = next(r for r in books["account_move_line"] if r["id"] == 51)   # the draft L5
    if version == "17":
        line["analytic_distribution"] = {"20": 70.0, "21": 50.0}       # Potager 70 % + Concerts 50 %: one plan
    else:
        line["analytic_account_id"] = [20, "Potager"]                 # 100 % + the tag's 25 % + 75 %
    with pytest.raises(BuildError, match="analytic_split_at_most_100_pct"):
        sync_and_build(tmp_path, version, books)


def test_a_unit_account_written_id_must_be_a_number(tmp_path):
    units = [dict(u) for u in CONFIG["units"]]
    units[2]["analytic_accounts"] = ["id:ADM"]
    with pytest.raises(ConfigError, match="id:"):
        make_config(tmp_path, units=units)


def test_without_tree_plan_the_plan_holding_most_units_is_the_tree(tmp_path):
    warehouse = sync_and_build(tmp_path, "15", analytic={})
    roles = dict(rows(warehouse, "SELECT root_plan_name, any_value(plan_role) FROM staging.stg_odoo__analytic_accounts"
                                 " GROUP BY 1"))
    # Pôles has 303 and id:21; Fonctions support id:30 and COM: a tie, the lowest id wins
    assert roles == {"Pôles": "arbre", "Fonctions support": "unites", "Financeurs": "autre"}
