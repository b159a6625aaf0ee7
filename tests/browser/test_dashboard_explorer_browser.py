"""Tableau de bord and Explorateur in a real browser, on the sandbox organisation: the alerts of a
pôle, one followed to its detail, a pivot figure that matches SQL, a cell clicked down to its
lines — and not a single request to another host."""

from __future__ import annotations

import re

import pytest

from alambic import formatting
from tests.browser.helpers import page_text, wait_for_kpi, wait_until
from tests.dashboards.alambic_test_server import external_requests

pytestmark = pytest.mark.browser

SHOTS = {"dashboard": "/tmp/alambic-tableau-de-bord.png", "detail": "/tmp/alambic-alerte-detail.png",
         "explorer": "/tmp/alambic-explorateur.png", "root": "/tmp/alambic-racine.png"}


@pytest.fixture(scope="module")
def sandbox_url(sandbox_site):
    """The sandbox organisation built through the real pipeline, served on loopback without a login."""
    with sandbox_site(auth=False) as (base, warehouse, _config):
        yield base, warehouse


NOT_ELIMINATED_AT_R = ("AND NOT coalesce(counterpart_unit IN "
                       "(SELECT unit_code FROM marts.org_rollup WHERE ancestor_code = 'R'), false)")


def busiest_pole(warehouse):
    return warehouse.query(
        """SELECT r.ancestor_code AS unit_code, count(*) AS n
           FROM marts.unit_alerts a JOIN marts.org_rollup r USING (unit_code)
           JOIN marts.org_tree t ON t.unit_code = r.ancestor_code
           WHERE t.level = 'pole' AND a.link LIKE 'suivi-budgetaire%'
           GROUP BY ALL ORDER BY n DESC, unit_code LIMIT 1""").iloc[0]


def test_dashboard_alert_link_and_explorer(page, sandbox_url):
    base, warehouse = sandbox_url
    pole = busiest_pole(warehouse)
    unit = pole["unit_code"]
    as_of_year = warehouse.query("SELECT year(value::DATE) AS y FROM ref.settings WHERE key = 'as_of'").iloc[0]["y"]
    period = str(as_of_year)

    # -- Tableau de bord of a pôle ---------------------------------------------------------------
    page.goto(f"{base}/tableau-de-bord?periode={period}&unite={unit}")
    page.locator('[data-kpi="depenses_reel"]').wait_for(timeout=30000)
    spent = warehouse.query(
        """SELECT coalesce(sum(reel) FILTER (WHERE direction = 'depense'), 0)::DOUBLE AS s
           FROM marts.budget_vs_actual
           WHERE unit_code IN (SELECT unit_code FROM marts.org_rollup WHERE ancestor_code = ?)
             AND year(month) = ?""", [unit, int(as_of_year)]).iloc[0]["s"]
    wait_for_kpi(page, "depenses_reel", formatting.money(round(spent, 2)))
    alerts = warehouse.query(
        """SELECT a.label, a.link FROM marts.unit_alerts a JOIN marts.org_rollup r USING (unit_code)
           WHERE r.ancestor_code = ?""", [unit])
    page.locator(".alert-item").first.wait_for(timeout=20000)
    assert page.locator(".alert-item").count() == pole["n"] == len(alerts)
    body = page_text(page)
    for label in ("Tableau de bord", "Budget consommé", "Trésorerie", "Solde actuel",
                  "Solde prévisionnel le plus bas", "Subventions accordées", "Reste à percevoir", "Alertes",
                  "Télécharger le classeur (XLSX)"):
        assert label in body, label
    for label in alerts["label"]:
        assert label in body, label
    for raw in (" nan ", "None", "NaT", "Timestamp(", "<NA>"):
        assert raw not in body, raw
    page.set_viewport_size({"width": 1400, "height": 2200})
    page.wait_for_timeout(800)
    page.screenshot(path=SHOTS["dashboard"], full_page=True)

    # -- follow the first budget alert to its detail ----------------------------------------------
    first = alerts[alerts["link"].str.startswith("suivi-budgetaire")].iloc[0]
    link = page.locator(".alert-item a", has_text=first["label"]).first
    href = link.get_attribute("href")
    assert href == "/" + first["link"]
    link.click()
    page.wait_for_url(re.compile(r"/suivi-budgetaire\?"), timeout=20000)
    target_unit = re.search(r"unite=([^&]+)", first["link"])[1]
    assert f"unite={target_unit}" in page.url and f"periode={period}" in page.url
    page.locator('[data-kpi="depenses_reel"]').wait_for(timeout=30000)
    wait_until(lambda: "Suivi budgétaire" in page_text(page), "the budget page")
    page.wait_for_timeout(800)
    page.screenshot(path=SHOTS["detail"], full_page=True)

    # -- Explorateur: a figure, then the lines behind a cell --------------------------------------
    page.goto(f"{base}/explorateur?periode={period}&unite=R")
    page.locator(".pivot-table").first.wait_for(timeout=30000)
    total = warehouse.query(
        # the Explorateur opens on the expenses (#12.7: no total of expenses plus income), and
        # internal flows with both ends inside La Raffinerie are eliminated there (as in the Suivi)
        f"""SELECT sum(amount)::DOUBLE AS t FROM marts.budget_lines WHERE year(line_date) = ?
            AND direction = 'depense' {NOT_ELIMINATED_AT_R}""",
        [int(as_of_year)]).iloc[0]["t"]
    expected_total = formatting.money(round(total, 2))
    wait_until(lambda: expected_total in page_text(page), f"the pivot's grand total {expected_total}")
    by_category = warehouse.query(
        f"""SELECT c.label, sum(l.amount)::DOUBLE AS t FROM marts.budget_lines l JOIN ref.categories c USING (category_code)
           WHERE year(l.line_date) = ? {NOT_ELIMINATED_AT_R}
           GROUP BY ALL ORDER BY min(c.sort) LIMIT 1""", [int(as_of_year)]).iloc[0]
    cell = page.locator(".pivot-table .tabulator-row").first.locator('.tabulator-cell[tabulator-field="Total"]')
    assert cell.inner_text().strip() == formatting.money(round(by_category["t"], 2))
    cell.click()
    count = warehouse.query(
        f"""SELECT count(*) AS n FROM marts.budget_lines l JOIN ref.categories c USING (category_code)
           WHERE year(l.line_date) = ? AND c.label = ? {NOT_ELIMINATED_AT_R}""", [int(as_of_year), by_category["label"]]).iloc[0]["n"]
    summary = f"{count} lignes — Catégorie : {by_category['label']}"
    wait_until(lambda: summary in page_text(page), f"the drill-down summary « {summary} »")
    body = page_text(page)
    for label in ("Explorateur", "Lignes derrière le chiffre", "Télécharger le tableau (CSV)",
                  "Télécharger le tableau (XLSX)", "Agrégat", "Colonnes", "Montant (somme)"):
        assert label in body, label
    page.set_viewport_size({"width": 1400, "height": 2400})
    page.wait_for_timeout(800)
    page.screenshot(path=SHOTS["explorer"], full_page=True)

    # -- the root URL is the Tableau de bord ------------------------------------------------------
    page.goto(f"{base}/?unite={unit}&periode={period}")
    page.locator(".alert-item").first.wait_for(timeout=30000)
    page.screenshot(path=SHOTS["root"], full_page=False)

    # -- a unit without any alert says so ---------------------------------------------------------
    quiet = warehouse.query(
        """SELECT t.unit_code FROM marts.org_tree t
           WHERE t.level = 'pole' AND NOT EXISTS (
               SELECT 1 FROM marts.org_rollup r JOIN marts.unit_alerts a USING (unit_code)
               WHERE r.ancestor_code = t.unit_code) ORDER BY t.sort LIMIT 1""")
    if len(quiet):
        page.goto(f"{base}/tableau-de-bord?periode={period}&unite={quiet.iloc[0]['unit_code']}")
        page.locator(".no-alert").first.wait_for(timeout=30000)
        assert "Aucune alerte" in page_text(page)
        assert page.locator(".alert-item").count() == 0

    assert external_requests(page.requests) == []
    assert all(url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:"))
               for url in page.requests)
