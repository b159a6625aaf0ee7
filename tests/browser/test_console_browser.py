"""The SQL console and the data reference in a real browser, login on: the finance group runs a
query and sees its rows; a member sees no « Console SQL » link and is refused when opening it
directly; the reference lists budget_vs_actual with its columns. Nothing loads from elsewhere."""

from __future__ import annotations

import re

import pytest

from tests.browser.helpers import log_in
from tests.dashboards.alambic_test_server import external_requests

pytestmark = pytest.mark.browser

QUERY = ("SELECT unit_code, count(*) AS mois, sum(reel) AS reel FROM marts.budget_vs_actual "
         "GROUP BY unit_code ORDER BY unit_code")


@pytest.fixture(scope="module")
def served(budget_site):
    accounts = [("bruno", "bruno@exemple.re", "finance", "Bruno Hoarau"),
                ("ana", "ana@exemple.re", "member", "Ana Payet")]
    with budget_site(accounts) as site:
        yield site


def test_finance_runs_a_query_and_sees_the_table(page, served):
    base, warehouse = served
    log_in(page, base, "bruno", "/console-sql")
    assert page.locator('.alambic-nav a[data-page="console-sql"]').count() == 1
    editor = page.locator(".ace_editor")
    editor.wait_for(timeout=30000)
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(QUERY)
    page.get_by_role("button", name="Exécuter").click()
    status = page.locator(".console-status")
    status.wait_for(timeout=30000)
    expected = warehouse.query(QUERY)
    assert status.get_attribute("data-rows") == str(len(expected))
    assert status.inner_text().startswith(f"{len(expected)} lignes en ")
    table = page.locator(".console-result")
    table.locator(".tabulator-row").first.wait_for(timeout=30000)
    headers = [t.strip() for t in table.locator(".tabulator-col-title").all_inner_texts()]
    assert [t for t in headers if t] == ["unit_code", "mois", "reel"]
    cells = table.locator('.tabulator-cell[tabulator-field="unit_code"]').all_inner_texts()
    assert cells == expected["unit_code"].tolist()[:len(cells)] and len(cells) == min(len(expected), 25)
    assert page.get_by_role("button", name="Télécharger le résultat (CSV)").count() == 1

    # a hostile statement: the French message, the query kept in the editor
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text("COPY marts.budget_lines TO '/tmp/fuite.csv'")
    page.get_by_role("button", name="Exécuter").click()
    alert = page.locator(".console-error")
    alert.wait_for(timeout=30000)
    assert alert.inner_text().startswith("Seules les lectures (SELECT) sont permises ici ; refusé : COPY.")
    assert "COPY marts.budget_lines TO" in editor.inner_text()
    assert external_requests(page.requests) == []


def test_a_member_sees_no_console_link_and_is_refused(page, served):
    base, _warehouse = served
    log_in(page, base, "ana", "/reference-donnees")
    nav = page.locator(".alambic-nav")
    assert nav.locator('a[data-page="reference-donnees"]').count() == 1
    assert nav.locator('a[data-page="console-sql"]').count() == 0
    assert "Console SQL" not in nav.inner_text()
    page.goto(base + "/console-sql")
    page.get_by_text("Cette page est réservée au groupe finances et aux administrateur·rices.").wait_for(timeout=30000)
    assert page.locator(".ace_editor").count() == 0
    assert page.get_by_role("button", name="Exécuter").count() == 0


def test_the_reference_lists_budget_vs_actual_with_its_columns(page, served):
    base, warehouse = served
    log_in(page, base, "ana", "/reference-donnees")
    section = page.locator('.ref-table[data-table="marts.budget_vs_actual"]')
    section.wait_for(timeout=30000)
    real = warehouse.query("SELECT column_name FROM duckdb_columns() WHERE schema_name = 'marts' "
                           "AND table_name = 'budget_vs_actual' ORDER BY column_index")["column_name"].tolist()
    assert section.locator("td.ref-name").all_inner_texts() == real
    # « % consommé » is documented with its rule: (réel + engagé) over the prévisionnel
    row = section.locator("tr", has=page.locator("td.ref-name", has_text="pct_consomme")).inner_text()
    assert "engag" in row and re.search(r"pr[ée]visionnel", row), row
    page.get_by_label("Rechercher").fill("pct_consomme")
    page.locator(".ref-summary", has_text="1 tables, 1 colonnes").wait_for(timeout=30000)
    assert page.locator(".ref-table").count() == 1
    assert page.locator("td.ref-name").all_inner_texts() == ["pct_consomme"]
    assert external_requests(page.requests) == []
