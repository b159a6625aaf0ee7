"""Suivi budgétaire in a real browser: French figures that match the marts, filters that follow
the URL and travel with the navigation, and not a single request to another host."""

from __future__ import annotations

import re

import pytest

from alambic import formatting
from dashboards.pages import PAGES
from tests.browser.helpers import page_text, wait_for_kpi
from tests.dashboards.alambic_test_server import external_requests

pytestmark = pytest.mark.browser

SCREENSHOT = "/tmp/alambic-suivi-budgetaire.png"


def mart_kpis(warehouse, unit, start, end):
    """Straight from the mart, not through the page's SQL."""
    row = warehouse.query(
        """SELECT coalesce(sum(reel) FILTER (WHERE direction = 'depense'), 0)::DOUBLE AS spent,
                  coalesce(sum(previsionnel) FILTER (WHERE direction = 'recette'), 0)::DOUBLE
                - coalesce(sum(reel) FILTER (WHERE direction = 'recette'), 0)::DOUBLE AS to_collect
           FROM marts.budget_vs_actual
           WHERE unit_code IN (SELECT unit_code FROM marts.org_rollup WHERE ancestor_code = ?)
             AND month >= ? AND month < ?""",
        [unit, start, end],
    ).iloc[0]
    return formatting.money(round(row["spent"], 2)), formatting.money(round(row["to_collect"], 2))


def test_budget_page_in_the_browser(page, app_url, browser_warehouse):
    page.goto(f"{app_url}/suivi-budgetaire?periode=2025&unite=R")
    page.locator('[data-kpi="depenses_reel"]').wait_for(timeout=30000)

    spent, to_collect = mart_kpis(browser_warehouse, "R", "2025-01-01", "2026-01-01")
    wait_for_kpi(page, "depenses_reel", spent)
    assert "\u202f" in spent and spent.endswith("\u00a0€")
    wait_for_kpi(page, "reste_a_encaisser", to_collect)

    # change the unit: Jardin (groupe)
    unit_select = page.get_by_label("Unité", exact=True).first  # the filter bar's, not the forms' unit lists
    unit_select.select_option(value="30") if unit_select.locator("option[value='30']").count() else \
        unit_select.select_option(label=unit_select.locator("option", has_text="Jardin (groupe)").inner_text())
    spent, to_collect = mart_kpis(browser_warehouse, "30", "2025-01-01", "2026-01-01")
    wait_for_kpi(page, "depenses_reel", spent)
    wait_for_kpi(page, "reste_a_encaisser", to_collect)

    # change the period by typing it, as in Fava
    period_input = page.locator("input[type='text']").first
    period_input.fill("2025-Q3")
    period_input.press("Enter")
    spent, to_collect = mart_kpis(browser_warehouse, "30", "2025-07-01", "2025-10-01")
    wait_for_kpi(page, "depenses_reel", spent)
    wait_for_kpi(page, "reste_a_encaisser", to_collect)

    # the view is in the URL, and the navigation carries it to the other pages
    page.wait_for_function("() => window.location.search.includes('periode=2025-Q3')")
    assert "unite=30" in page.url
    link = page.locator('a[data-page="plan-de-tresorerie"]')
    assert link.get_attribute("href") == "/plan-de-tresorerie?periode=2025-T3&unite=30"

    # French everywhere, no raw Python in the page
    body = page_text(page)
    for label in ("Suivi budgétaire", "Récap dépenses", "Récap recettes", "Reste à dépenser",
                  "Reste à encaisser", "Prévisionnel", "Mois par mois", "Détail des lignes",
                  "T3 2025", "Dépassement", "Télécharger le récap (CSV)"):
        assert label in body, label
    for raw in (" nan ", "None", "NaT", "Timestamp(", "<NA>", "functools"):
        assert raw not in body, raw
    assert re.search(r"\d{2}/\d{2}/2025", body)  # line dates as 27/11/2026
    assert re.search(r"\d\u202f\d{3},\d{2}\u00a0€", body)  # a table amount as 1 234,56 €

    page.set_viewport_size({"width": 1400, "height": 3000})  # Panel's main area scrolls inside
    page.wait_for_timeout(1500)
    page.screenshot(path=SCREENSHOT, full_page=True)
    assert external_requests(page.requests) == []


def test_bad_period_gets_a_french_message(page, app_url):
    page.goto(f"{app_url}/suivi-budgetaire?periode=hier&unite=R")
    page.locator(".filter-error").first.wait_for(timeout=30000)
    page.get_by_text("Période non reconnue").first.wait_for(timeout=10000)
    assert "« hier »" in page_text(page)


@pytest.mark.parametrize("slug", [""] + [spec.slug for spec in PAGES])
def test_no_page_calls_another_host(page, app_url, slug):
    page.goto(f"{app_url}/{slug}?periode=2025&unite=303")
    page.wait_for_load_state("networkidle")
    page.locator(".alambic-nav").first.wait_for(timeout=30000)
    page.wait_for_timeout(500)
    assert external_requests(page.requests) == []
    assert any(url.startswith(app_url) for url in page.requests)
