"""A declared page (sql/pages/depassements.*) in a real browser: in the menu, its rows in French
formats, as many as the overruns of the mart counted here, and a period change that follows."""

from __future__ import annotations

import pytest

from tests.browser.helpers import page_text, wait_until

pytestmark = pytest.mark.browser


def overruns(warehouse, start: str, end: str) -> int:
    """Straight from marts.budget_vs_actual, not through the page's SQL."""
    frame = warehouse.query(
        """SELECT unit_code, category_code, sum(previsionnel) AS p, sum(engage) AS e, sum(reel) AS r
           FROM marts.budget_vs_actual WHERE direction = 'depense' AND month >= ? AND month < ?
           GROUP BY ALL""", [start, end])
    return int(((frame["r"] + frame["e"]) > frame["p"]).sum())


def test_the_declared_page_in_the_browser(page, app_url, browser_warehouse):
    expected = overruns(browser_warehouse, "2025-01-01", "2026-01-01")
    assert expected > 0
    page.goto(f"{app_url}/depassements?periode=2025&unite=R")
    page.locator(".declared-table .tabulator-row").first.wait_for(timeout=60000)
    assert page.locator('.alambic-nav a[data-page="depassements"]').inner_text() == "Dépassements"
    wait_until(lambda: page.locator(".declared-table .tabulator-row").count() == expected, "one row per overrun")
    text = page_text(page)
    assert "Dépassement" in text and "\u00a0€" in text
    assert page.get_by_text("Télécharger").count() >= 2  # CSV and XLSX
