"""Issue 6 in a real browser: a member who is the budget référent·e of some pôles is offered only
those pôles' units (and the units below them) in the entry forms, and sees no SQL console. A save
forged for another pôle is refused by the server: tests/dashboards/test_budget_entries.py and
test_subsidy_entries.py send one through the pages' own form objects."""

from __future__ import annotations

import re

import pytest

from tests.browser.helpers import log_in, open_tool, page_text, wait_text
from tests.dashboards.alambic_test_server import external_requests
from warehouse.connection import Warehouse

pytestmark = pytest.mark.browser


def a_budget_referent(warehouse) -> tuple[str, set[str], set[str]]:
    """A member holding the budget role on some pôles: (e-mail, names of the units they may edit,
    names of the units they may not)."""
    email = warehouse.query(
        """SELECT a.person_email FROM app.role_assignments AS a JOIN ref.units AS u USING (unit_code)
           WHERE a.role_code = 'referent_budget_subvention' AND a.ended_on IS NULL AND u.level = 'pole'
           GROUP BY 1 ORDER BY count(*), 1 LIMIT 1""")["person_email"][0]
    under = """SELECT r.unit_code FROM app.role_assignments AS a JOIN marts.org_rollup AS r ON r.ancestor_code = a.unit_code
               WHERE a.person_email = ? AND a.role_code = 'referent_budget_subvention' AND a.ended_on IS NULL"""
    mine = warehouse.query(f"SELECT name FROM ref.units WHERE unit_code IN ({under})", [email])
    others = warehouse.query(f"SELECT name FROM ref.units WHERE unit_code NOT IN ({under}) AND parent_code IS NOT NULL",
                             [email])
    return email, set(mine["name"]), set(others["name"])


@pytest.fixture(scope="module")
def site(sandbox_template, sandbox_site):
    _org, template = sandbox_template
    email, mine, others = a_budget_referent(Warehouse(template))
    with sandbox_site([("referente", email, "member", "Référente Test")]) as (base, warehouse, _config):
        yield base, warehouse, mine, others


def form_units(page, table: str) -> set[str]:
    """The unit names a form's first select offers (« Potager (pôle) » → « Potager »; the empty
    « — » choice left out)."""
    options = page.locator(f".form-{table} select").first.locator("option").all_inner_texts()
    return {re.sub(r"\s*\([^)]*\)$", "", text.strip()) for text in options if text.strip() not in ("", "—")}


def test_a_member_is_offered_only_their_units_and_no_console(page, site):
    base, warehouse, mine, others = site
    log_in(page, base, "referente", "/suivi-budgetaire?periode=2025&unite=R")
    open_tool(page, "Saisir ou modifier une ligne de prévisionnel", ".form-forecasts select")
    offered = form_units(page, "forecasts")
    assert offered and offered <= mine and not (offered & others)

    page.goto(base + "/suivi-subventions?periode=2025&unite=R")
    open_tool(page, "Saisir ou modifier une subvention", ".form-subsidies select")
    offered = form_units(page, "subsidies")
    assert offered <= mine and not (offered & others)

    assert "Console SQL" not in page_text(page)
    page.goto(base + "/console-sql")
    wait_text(page, "réservée au groupe finances")
    assert external_requests(page.requests) == []
