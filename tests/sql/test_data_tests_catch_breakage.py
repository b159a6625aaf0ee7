"""Every data test (sql/tests/*.sql) catches the fault it exists for.

On a copy of the built sandbox: the data test returns no row on the clean marts; then, in a
transaction rolled back afterwards, one small breakage of the built tables (BREAKAGES, written
after reading the rule's SQL: the kind of fault the rule guards against) makes it return at least
one row. A data test that passes whatever the marts hold would prove nothing at build time.

The data tests not listed here are shown to catch a breakage by another test file (they are named
there); test_every_data_test_is_shown_to_catch_a_breakage fails for a new data test with neither.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.conftest import sandbox_copy
from warehouse import SQL_DIR
from warehouse.build import create_macros, discover

TESTS_DIR = Path(__file__).resolve().parents[1]

# One line of marts.budget_lines, chosen once (the smallest key) so that each breakage is small.
FIRST_LINE = "(select min(line_key) from marts.budget_lines)"

BREAKAGES: dict[str, str] = {
    # a line booked on a category the configuration does not know (renamed, removed)
    "budget_lines_categories_known": f"""
        update marts.budget_lines set category_code = 'categorie_inconnue' where line_key = {FIRST_LINE}""",
    # the same source line read twice
    "budget_lines_key_unique": f"""
        insert into marts.budget_lines select * from marts.budget_lines where line_key = {FIRST_LINE}""",
    # a proposal still awaiting validation counted as spent
    "budget_lines_status_valid": """
        update marts.budget_lines set counts_as = 'reel' where status = 'a_valider'""",
    # a line entered for a unit since removed from the tree
    "budget_lines_units_in_org_tree": f"""
        update marts.budget_lines set unit_code = 'unite_supprimee' where line_key = {FIRST_LINE}""",
    # a real line lost between budget_lines and budget_vs_actual
    "budget_vs_actual_matches_budget_lines": """
        delete from marts.budget_lines where line_key = (
            select min(line_key) from marts.budget_lines where counts_as = 'reel' and amount <> 0)""",
    # a forecast entered for a unit since removed from the configuration
    "forecasts_known_unit_and_category": """
        update app.forecasts set unit_code = 'unite_supprimee'
        where forecast_id = (select min(forecast_id) from app.forecasts)""",
    # spreading a forecast over months gains a cent
    "forecasts_spread_exactly": """
        update marts.budget_vs_actual set previsionnel = previsionnel + 0.01
        where rowid = (select min(rowid) from marts.budget_vs_actual where previsionnel <> 0)""",
    # a month's analytic amounts counted twice over (the books no longer reconcile)
    "ledger_reconciliation_adds_up": """
        update marts.ledger_reconciliation set analytique = analytique + 10
        where rowid = (select min(rowid) from marts.ledger_reconciliation)""",
    # the deepest unit loses its links to the units above it
    "org_rollup_reaches_root": """
        delete from marts.org_rollup
        where unit_code = (select unit_code from marts.org_tree order by depth desc, unit_code limit 1)
          and ancestor_code <> unit_code""",
    # one source record tied to two people
    "people_links_one_row_per_record": """
        insert into marts.people_links
        select * replace (person_key || '-bis' as person_key) from marts.people_links
        where rowid = (select min(rowid) from marts.people_links)""",
    # a record matched, without any decision, to a person of another e-mail
    "people_never_guessed": """
        update marts.people_links set person_email = 'quelqu-un-d-autre@example.org'
        where rowid = (select min(rowid) from marts.people_links where resolution = 'email')""",
    # a person listed twice
    "people_one_row_per_person": """
        insert into marts.people select * from marts.people
        where person_key = (select min(person_key) from marts.people)""",
    # a proposal billed in Odoo while its own budget line still counts (counted twice)
    "remuneration_budget_lines_once": """
        update marts.remuneration_proposals set status = 'facturee', odoo_move_id = 999999
        where proposal_id = (
            select min(p.proposal_id) from marts.remuneration_proposals as p
            join marts.budget_lines as l on l.line_key = 'alambic:proposal:' || p.proposal_id)""",
    # a vacant role left out of the chart
    "role_chart_every_needed_role_shown": """
        delete from marts.role_chart
        where rowid = (select min(rowid) from marts.role_chart where vacant)""",
    # a held role shown as vacant
    "role_chart_vacant_means_no_holder": """
        update marts.role_chart set vacant = true
        where rowid = (select min(rowid) from marts.role_chart where not vacant)""",
    # an assignment lost from the history
    "role_history_one_row_per_assignment": """
        delete from marts.role_history
        where assignment_id = (select min(assignment_id) from marts.role_history)""",
    # a bar product counted twice in its soirée's detail
    "soiree_figures_add_up": """
        insert into marts.soiree_products select * from marts.soiree_products
        where rowid = (select min(rowid) from marts.soiree_products where family = 'bar' and net <> 0)""",
    # refunds taken with the wrong sign
    "soiree_net_is_gross_plus_refunds": """
        update marts.soiree_products set refunds = -refunds where refunds <> 0""",
    # one sale line attributed to two soirées
    "soiree_sale_lines_attributed_once": """
        insert into marts.soiree_sale_lines
        select * replace ((select max(event_id) from marts.soiree_sales) as event_id)
        from marts.soiree_sale_lines
        where rowid = (select min(rowid) from marts.soiree_sale_lines
                       where event_id <> (select max(event_id) from marts.soiree_sales))""",
    # a month missing from the plan de trésorerie
    "treasury_months_contiguous": """
        delete from marts.treasury_plan
        where month = (select month from marts.treasury_plan order by month limit 1 offset 2)""",
    # the same alert raised twice
    "unit_alerts_valid": """
        insert into marts.unit_alerts select * from marts.unit_alerts
        where alert_key = (select min(alert_key) from marts.unit_alerts)""",
    # a month of validated hours lost from the monthly rows
    "volunteer_hours_add_up": """
        delete from marts.volunteer_hours
        where rowid = (select min(rowid) from marts.volunteer_hours where hours_validated > 0)""",
    # hours valued at another rate
    "volunteer_valuation_is_hours_times_rate": """
        update marts.volunteer_hours set valuation = valuation * 2 + 1
        where rowid = (select min(rowid) from marts.volunteer_hours where hours_validated > 0)""",
}

DATA_TESTS = {test.name: test for test in discover("tests")}


@pytest.fixture(scope="module")
def built_copy(sandbox_template, tmp_path_factory) -> Path:
    """A copy of the built sandbox (the main file, where the build published its marts), with the
    figures' macros in place as the build leaves them."""
    config, _warehouse = sandbox_copy(sandbox_template, tmp_path_factory.mktemp("bac-a-sable-casse"))
    with duckdb.connect(str(config.warehouse_path)) as con:
        create_macros(con)
    return config.warehouse_path


def failing_rows(con: duckdb.DuckDBPyConnection, name: str) -> list:
    """The rows data test `name` returns, run as the build runs it."""
    return con.execute(f"SELECT * FROM ({DATA_TESTS[name].sql}\n)").fetchall()


@pytest.mark.parametrize("name", sorted(BREAKAGES))
def test_data_test_catches_its_breakage(built_copy: Path, name: str):
    with duckdb.connect(str(built_copy)) as con:
        assert failing_rows(con, name) == [], f"{name} fails on the clean sandbox"
        con.begin()
        try:
            con.execute(BREAKAGES[name])
            rows = failing_rows(con, name)
        finally:
            con.rollback()
        assert rows, f"sql/tests/{name}.sql does not catch its breakage: {BREAKAGES[name].strip()}"
        assert failing_rows(con, name) == [], f"{name}: the breakage was not rolled back"


def test_every_data_test_is_shown_to_catch_a_breakage():
    assert DATA_TESTS, f"no data test found in {SQL_DIR / 'tests'}"
    assert set(BREAKAGES) <= set(DATA_TESTS), "BREAKAGES names a data test that no longer exists"
    this = Path(__file__).resolve()
    others = "\n".join(p.read_text(encoding="utf-8") for p in sorted(TESTS_DIR.rglob("*.py"))
                       if p.resolve() != this)
    unshown = sorted(name for name in DATA_TESTS if name not in BREAKAGES and name not in others)
    assert unshown == [], (
        f"data tests never shown to catch a breakage (add one to BREAKAGES in {this.name}): {unshown}"
    )
