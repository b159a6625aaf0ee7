"""Mon tableau de bord in a real browser, with two members logged in side by side: each reads
their own figures (equal to the marts) and nothing of the other's. The change log is for the
finance group and the administrators only."""

from __future__ import annotations

import pytest

from dashboards import formatting
from tests.browser.helpers import log_in, page_text, wait_text, wait_until
from tests.dashboards.alambic_test_server import external_requests
from tests.dashboards.test_mon_tableau_de_bord import two_members
from warehouse.connection import Warehouse

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(sandbox_template, sandbox_site):
    _org, template = sandbox_template
    first, second = two_members(Warehouse(template))
    accounts = [("une", first, "member", "Membre Une"), ("deux", second, "member", "Membre Deux"),
                ("admin", "admin@exemple.re", "admin", "Admin")]
    with sandbox_site(accounts) as (base, warehouse, _config):
        yield base, warehouse, {"une": first, "deux": second}


def own_figures(warehouse, email: str) -> dict[str, str]:
    """The KPIs as the mart gives them, in French (through the page's own SQL file)."""
    from dashboards.queries import run_query

    row = run_query(warehouse, "mon_tableau_de_bord/summary", email=email).iloc[0]
    return {"potential": formatting.money(row.potential), "valuation": formatting.money(row.valuation),
            "hours": formatting.hours(row.hours_validated)}


def test_two_members_each_see_their_own_dashboard(browser, site):
    base, warehouse, emails = site
    tabs, requests = {}, []
    for login in ("une", "deux"):
        tab = browser.new_context(viewport={"width": 1400, "height": 2400}, locale="fr-FR").new_page()
        tab.on("request", lambda request: requests.append(request.url))
        log_in(tab, base, login, "/mon-tableau-de-bord")
        wait_text(tab, "Mes rôles")
        tabs[login] = tab
    figures = {login: own_figures(warehouse, email) for login, email in emails.items()}
    assert figures["une"] != figures["deux"]
    for login, tab in tabs.items():
        for key, expected in figures[login].items():
            # the cards are drawn once the page body has been built (after « Chargement… »)
            value = tab.locator(f'[data-kpi="{key}"] .kpi-value')
            wait_until(lambda: value.inner_text() == expected,
                       lambda: f"{login} {key}: {value.inner_text()!r} instead of {expected!r}", 60)
        first_role = warehouse.query(
            "SELECT unit_name, role_label FROM marts.role_history WHERE person_email = ? AND status = 'en_cours' "
            "ORDER BY tree_key, role_sort, started_on LIMIT 1", [emails[login]]).iloc[0]
        wait_text(tab, first_role.role_label)
        wait_text(tab, first_role.unit_name)
        text = page_text(tab)
        assert "Console SQL" not in text and "Journal des modifications" not in text  # not in the menu
    assert external_requests(requests) == []


def test_the_change_log_is_for_admins(page, site):
    base, _warehouse, _emails = site
    log_in(page, base, "admin", "/journal")
    wait_text(page, "Journal des modifications")
    wait_text(page, "Chargements et constructions")
    member = page.context.browser.new_context(locale="fr-FR").new_page()
    log_in(member, base, "une", "/journal")
    wait_text(member, "réservée au groupe finances")
