"""Suivi évènements in a real browser, on the sandbox: choose a soirée, see its figures (equal to
the mart), submit a dispatch that does not add up (French message, input kept), then one that
does (saved as internal transfers, the marts rebuilt)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from alambic import formatting
from tests.browser.helpers import log_in, page_text
from tests.dashboards.alambic_test_server import external_requests

pytestmark = pytest.mark.browser

SCREENSHOT = "/tmp/alambic-suivi-evenements.png"
RECEIVERS = ("101", "202")  # Outils communs, Cuisine: never a soirée's own unit in the sandbox
PATH = "/suivi-evenements?periode=2025&unite=R"


@pytest.fixture(scope="module")
def sandbox(sandbox_site):
    """A fresh copy of the sandbox, served with its configuration (a save rebuilds the marts) and a
    finance account."""
    with sandbox_site([("tresoriere", "tresoriere@exemple.re", "finance", "Trésorière")]) as (base, warehouse, _):
        yield base, warehouse


def wait_for(page, predicate, what: str, timeout: float = 20000) -> None:
    waited = 0
    while not predicate():
        if waited > timeout:
            text = " ".join(page_text(page).split())
            at = text.find("Ligne ") if "Ligne " in text else text.find("Reste à répartir")
            raise AssertionError(f"waited for {what}; the page reads: {text[max(at - 300, 0):max(at, 0) + 600]}")
        page.wait_for_timeout(250)
        waited += 250


def test_dispatch_a_soiree_in_the_browser(page, sandbox):
    base, warehouse = sandbox
    soiree = warehouse.query("""
        SELECT * FROM marts.soiree_results
        WHERE soiree_day >= DATE '2025-01-01' AND soiree_day < DATE '2026-01-01' AND takings > 0
          AND dispatch_count = 0 AND unit_code IS NOT NULL AND unit_code NOT IN ('101', '202')
        ORDER BY start_at LIMIT 1""").iloc[0]
    event_id = soiree["event_id"]
    label = f"{formatting.date(soiree['soiree_day'])} · {soiree['event_name']}"

    log_in(page, base, "tresoriere", PATH)
    page.locator('[data-kpi="season_takings"]').wait_for(timeout=30000)
    page.get_by_label("Soirée", exact=True).select_option(label=label)
    takings = formatting.money(soiree["takings"])
    wait_for(page, lambda: page.locator('[data-kpi="takings"] .kpi-value').inner_text() == takings,
             "the soirée's takings")
    page.get_by_role("button", name="Répartir les recettes entre les pôles", exact=True).click()  # built when opened
    day = formatting.date(soiree["soiree_day"])  # the dispatch form has the soirée loaded
    wait_for(page, lambda: page.get_by_label("Date des transferts", exact=True).input_value() == day,
             "the soirée's dispatch form")
    body = page_text(page)
    for text in ("Billets par tarif", "Bar et cashless par produit", "Adhésions vendues", "Coûts enregistrés dans Odoo",
                 "Répartir les recettes entre les pôles", "Reste à répartir"):
        assert text in body, text
    assert page.locator('[data-kpi="attendance"] .kpi-value').inner_text() == \
        f"{int(soiree['attendance'])} / {int(soiree['capacity'])}"

    pole_1, pole_2 = (page.get_by_label(f"Pôle {n}", exact=True) for n in (1, 2))
    share_1, share_2 = (page.get_by_label(f"Part {n}", exact=True) for n in (1, 2))
    pole_1.select_option(label="Outils communs (101)")
    share_1.fill("60")
    pole_2.select_option(label="Cuisine (202)")
    share_2.fill("30")
    share_2.press("Tab")
    wait_for(page, lambda: "Reste à répartir : 10,00\u00a0%" in page_text(page), "the live remainder")
    page.get_by_role("button", name="Enregistrer la répartition").click()
    wait_for(page, lambda: "Les pourcentages font 90\u00a0%" in page_text(page), "the refusal")
    assert share_1.input_value() == "60" and share_2.input_value() == "30"  # the input stays
    assert warehouse.query("SELECT count(*) AS n FROM app.internal_transfers WHERE event_id = ?",
                           [event_id]).iloc[0]["n"] == 0

    share_2.fill("40")
    share_2.press("Tab")
    wait_for(page, lambda: "Reste à répartir : 0,00\u00a0%" in page_text(page), "nothing left to dispatch")
    page.get_by_role("button", name="Enregistrer la répartition").click()
    wait_for(page, lambda: "Répartition enregistrée" in page_text(page), "the confirmation", timeout=40000)
    saved = warehouse.query("SELECT to_unit, amount FROM app.internal_transfers WHERE event_id = ? "
                            "ORDER BY to_unit", [event_id])
    assert list(saved["to_unit"]) == list(RECEIVERS)
    assert sum(Decimal(str(a)) for a in saved["amount"]) == Decimal(str(soiree["takings"]))
    wait_for(page, lambda: page.locator('[data-kpi="dispatched"] .kpi-value').inner_text() == takings,
             "the dispatched KPI after the rebuild")
    page.set_viewport_size({"width": 1400, "height": 4200})  # Panel's main area scrolls inside
    page.wait_for_timeout(1000)
    page.screenshot(path=SCREENSHOT, full_page=True)
    assert external_requests(page.requests) == []
