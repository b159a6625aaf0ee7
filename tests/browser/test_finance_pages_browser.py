"""Plan de trésorerie and Suivi subventions in a real browser, over the sandbox organisation built
through the real pipeline: French figures equal to the marts, a what-if that changes a closing
balance at once, and not a single request to another host."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from alambic import formatting
from tests.browser.helpers import page_text, wait_text, wait_until
from tests.dashboards.alambic_test_server import external_requests

pytestmark = pytest.mark.browser

PLAN_SCREENSHOT = "/tmp/alambic-plan-de-tresorerie.png"
SUBSIDIES_SCREENSHOT = "/tmp/alambic-suivi-subventions.png"

@pytest.fixture(scope="module")
def finance_site(sandbox_site):
    """The sandbox organisation (a third of La Raffinerie's size), loaded and built as the demo
    does, served without a login: (base URL, warehouse)."""
    with sandbox_site(auth=False) as (base, warehouse, _config):
        yield base, warehouse


@pytest.fixture(scope="module")
def finance_warehouse(finance_site):
    return finance_site[1]


@pytest.fixture(scope="module")
def finance_url(finance_site):
    return finance_site[0]


def closing_cell(page, title: str):
    """The « Solde fin de mois » cell of a month column of the plan."""
    row = page.locator(".treasury-plan .tabulator-row").filter(has_text="Solde fin de mois")
    return row.locator(f'.tabulator-cell[tabulator-field="{title}"]')


def wait_for_cell(page, title: str, expected: str, timeout: float = 30.0) -> None:
    cell = closing_cell(page, title)
    shown = lambda: cell.inner_text() if cell.count() else ""  # noqa: E731
    wait_until(lambda: shown() == expected, lambda: f"solde fin {title}: {shown()!r} != {expected!r}", timeout)


def select_by_label(page, label: str) -> None:
    select = page.locator("select").filter(has=page.locator("option", has_text=label))
    select.first.select_option(label=label)


def test_treasury_plan_and_its_what_if(page, finance_url, finance_warehouse):
    from dashboards.app import AppContext
    from dashboards.components import Filters
    from dashboards.plan_de_tresorerie import PlanDeTresorerie

    plan = finance_warehouse.query(
        "SELECT month, kind, closing_balance::DOUBLE AS closing FROM marts.treasury_plan ORDER BY month")
    forecast = plan[plan["kind"] == "previsionnel"].reset_index(drop=True)
    instalment = finance_warehouse.query(
        """SELECT instalment_id, amount::DOUBLE AS amount, treasury_month
           FROM marts.subsidy_instalments_timeline
           WHERE received_on IS NULL AND treasury_month <= (SELECT max(month) FROM marts.treasury_plan)
           ORDER BY treasury_month, instalment_id LIMIT 1""").iloc[0]
    source = pd.Timestamp(instalment["treasury_month"])
    target = forecast["month"].iloc[-1]
    assert source < target
    source_title = formatting.month(source) + " (prév.)"
    closing = round(float(plan.set_index("month").loc[source, "closing"]), 2)
    moved = round(closing - float(instalment["amount"]), 2)
    # the labels of the what-if's choices, as the page builds them
    helper = PlanDeTresorerie(context=AppContext(warehouse=finance_warehouse,
                                             filters=Filters.from_warehouse(finance_warehouse)))
    instalment_label = next(label for label, value in helper.param.moved_instalment.names.items()
                            if value == int(instalment["instalment_id"]))

    period = f"{forecast['month'].iloc[0]:%Y-%m}..{forecast['month'].iloc[-1]:%Y-%m}"
    page.goto(f"{finance_url}/plan-de-tresorerie?periode={period}&unite=R")
    page.locator(".treasury-plan").first.wait_for(timeout=30000)
    wait_for_cell(page, source_title, formatting.money(closing))

    # move the instalment to the plan's last month: the closing balance drops by its amount
    page.get_by_role("button", name="Et si… ? Simulation", exact=True).click()  # the form is built when opened
    select_by_label(page, instalment_label)
    select_by_label(page, formatting.month(target))
    wait_for_cell(page, source_title, formatting.money(moved))
    assert "\u202f" in formatting.money(moved) or abs(moved) < 1000
    last_title = formatting.month(target) + " (prév.)"
    wait_for_cell(page, last_title, formatting.money(round(float(forecast["closing"].iloc[-1]), 2)))

    # a one-off payment in the same month lowers it again
    amount = page.locator("input[placeholder='1 500,00']")
    amount.fill("1 000")
    amount.press("Enter")
    oneoff_month = page.locator("select").filter(has=page.locator("option", has_text="— choisir un mois —")).nth(1)
    oneoff_month.select_option(label=formatting.month(source))
    wait_for_cell(page, source_title, formatting.money(round(moved - 1000, 2)))

    body = page_text(page)
    for label in ("Plan de trésorerie", "Solde début de mois", "Encaissements", "Décaissements",
                  "Solde fin de mois", "Simulation : rien n'est enregistré.", "Seuil d'alerte",
                  "Mois prévisionnels", "Échéance de subvention à déplacer", "Mouvement ponctuel",
                  "Télécharger le plan (CSV)", "Mouvements"):
        assert label in body, label
    for raw in (" nan ", "None", "NaT", "Timestamp(", "<NA>", "functools"):
        assert raw not in body, raw
    assert re.search(r"\d\u202f\d{3},\d{2}\u00a0€", body)

    # the movements of a month, with their source in French; the simulated ones among them
    page.locator("select").filter(has=page.locator("option", has_text="Tous les mois affichés")).first.select_option(
        label=source_title)
    summary = page.locator(".lines-summary").first
    wait_until(lambda: source_title in summary.inner_text(), lambda: summary.inner_text())
    lines = " ".join(page.locator(".treasury-lines .tabulator-cell").all_inner_texts())
    assert "Mouvement ponctuel" in lines or "Simulation" in lines
    assert any(source in lines for source in ("Banque", "Facture ouverte", "Prévision", "Brouillon"))

    page.set_viewport_size({"width": 1400, "height": 3400})
    page.wait_for_timeout(1500)
    page.screenshot(path=PLAN_SCREENSHOT, full_page=True)
    assert external_requests(page.requests) == []


def test_subsidy_tracking_in_the_browser(page, finance_url, finance_warehouse):
    exercice = int(finance_warehouse.query("SELECT max(exercice) AS e FROM marts.subsidy_tracking "
                                           "WHERE exercice <= (SELECT year(CAST(value AS DATE)) FROM ref.settings "
                                           "WHERE key = 'as_of')")["e"][0])
    totals = finance_warehouse.query(
        """SELECT coalesce(sum(accorde), 0)::DOUBLE AS accorde, coalesce(sum(reste_a_percevoir), 0)::DOUBLE AS rap
           FROM marts.subsidy_tracking WHERE exercice = ?""", [exercice]).iloc[0]
    page.goto(f"{finance_url}/suivi-subventions?periode={exercice}&unite=R")
    page.locator(".subsidies").first.wait_for(timeout=30000)
    page.locator('[data-kpi="accorde"]').wait_for(timeout=30000)
    assert page.locator('[data-kpi="accorde"] .kpi-value').inner_text() == formatting.money(round(totals["accorde"], 2))
    assert page.locator('[data-kpi="reste_a_percevoir"] .kpi-value').inner_text() == \
        formatting.money(round(totals["rap"], 2))
    wait_text(page, "Comptée au plan de trésorerie")  # the instalments come after the first screen
    body = page_text(page)
    for label in ("Suivi subventions", "Exercice", "Financeur", "Demandé", "Accordé", "Versé",
                  "Reste à percevoir", "Dépensé", "Reste à dépenser", "Compte rendu dû le", "Échéancier",
                  "Prévue le", "Comptée au plan de trésorerie", "Télécharger les subventions (CSV)"):
        assert label in body, label
    for raw in (" nan ", "None", "NaT", "Timestamp(", "<NA>"):
        assert raw not in body, raw
    assert re.search(r"\d{2}/\d{2}/20\d{2}", body)
    # links into the budget of the funded unit and into the treasury plan
    budget_links = page.locator(".subsidies a[href^='/suivi-budgetaire?unite=']")
    assert budget_links.count() > 0
    assert f"periode={exercice}" in budget_links.first.get_attribute("href")
    late = page.locator(".instalments [data-status='en retard']")
    if late.count():
        assert late.first.inner_text() == "En retard"
        plan_link = page.locator(".instalments a[href^='/plan-de-tresorerie?']").first
        href = plan_link.get_attribute("href")
        plan_link.click()
        page.wait_for_url(re.compile(r".*/plan-de-tresorerie\?.*mois=\d{4}-\d{2}.*"), timeout=30000)
        page.locator(".treasury-plan").first.wait_for(timeout=30000)
        month = re.search(r"mois=(\d{4}-\d{2})", href)[1]
        summary = page.locator(".lines-summary").first  # the movements come after the first screen
        wait_until(lambda: summary.count() and formatting.month(pd.Timestamp(month + "-01")) in summary.inner_text(),
                   lambda: f"the movements of {month}: {summary.inner_text() if summary.count() else ''!r}")
        page.go_back()
        page.locator(".subsidies").first.wait_for(timeout=30000)
        page.wait_for_timeout(1000)
    page.set_viewport_size({"width": 1400, "height": 2600})
    page.wait_for_timeout(1500)
    page.screenshot(path=SUBSIDIES_SCREENSHOT, full_page=True)
    assert external_requests(page.requests) == []
