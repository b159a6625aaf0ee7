"""Mon tableau de bord in a real browser, with two members logged in side by side: each reads
their own figures (equal to the marts) and nothing of the other's. The change log is for the
finance group and the administrators only."""

from __future__ import annotations

import pytest

from alambic import formatting
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
    """The KPIs computed here from the marts, not through the page's SQL: what I may earn (my
    proposals proposed or validated), my volunteer hours and their valuation over the current
    exercice (the one the build's as_of falls in), in French."""
    settings = warehouse.query("SELECT as_of, fiscal_year_start_month FROM staging.stg_ref__settings").iloc[0]
    as_of, start = settings.as_of, int(settings.fiscal_year_start_month or 1)
    exercice = as_of.year if as_of.month >= start else as_of.year - 1
    proposals = warehouse.query("SELECT status, amount FROM marts.remuneration_proposals "
                                "WHERE lower(person_email) = ?", [email])
    potential = proposals.loc[proposals.status.isin(["proposee", "validee"]), "amount"].sum()
    hours = warehouse.query("SELECT hours_validated, valuation FROM marts.volunteer_hours "
                            "WHERE lower(person_email) = ? AND exercice = ?", [email, exercice])
    return {"potential": formatting.money(potential), "valuation": formatting.money(hours.valuation.sum()),
            "hours": formatting.hours(hours.hours_validated.sum())}


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
