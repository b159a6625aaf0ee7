"""The SQL console page: a SELECT shows exactly the rows DuckDB gives, hostile statements get a
French message through the page (the query stays in the editor), and a member is refused by the
page class itself, whatever the shell does."""

import asyncio
import concurrent.futures
import contextvars
import io

import pandas as pd
import panel as pn
import pytest

from alambic.users import User
from dashboards import console_sql
from dashboards.app import AppContext
from dashboards.console_sql import EXAMPLES, ConsoleSql
from dashboards.session import acting_as

FINANCE = User("compta", role="finance")
ADMIN = User("admin", role="admin")
MEMBER = User("membre", role="member")


def console(warehouse, user=FINANCE, **params) -> ConsoleSql:
    with acting_as(user):
        return ConsoleSql(context=AppContext(warehouse=warehouse), **params)


def run(page: ConsoleSql, sql: str, user=FINANCE):
    page.sql = sql
    with acting_as(user):
        return page.run()


def shown_table(page: ConsoleSql) -> pn.widgets.Tabulator:
    tables = page.__panel__().select(pn.widgets.Tabulator)
    assert len(tables) == 1
    return tables[0]


def test_a_select_shows_the_rows_duckdb_gives(sandbox_warehouse):
    sql = ("SELECT unit_code, category_code, sum(reel) AS reel, count(*) AS months "
           "FROM marts.budget_vs_actual GROUP BY ALL ORDER BY unit_code, category_code")
    page = console(sandbox_warehouse)
    outcome = run(page, sql)
    assert outcome.error == "" and not outcome.result.truncated
    expected = sandbox_warehouse.query(sql)
    table = shown_table(page).value
    assert list(table.columns) == ["unit_code", "category_code", "reel", "months"]
    assert len(table) == len(expected) > 10
    assert table["unit_code"].tolist() == expected["unit_code"].tolist()
    assert table["category_code"].tolist() == expected["category_code"].tolist()
    assert table["reel"].round(2).tolist() == expected["reel"].astype(float).round(2).tolist()
    assert table["months"].tolist() == expected["months"].astype(float).tolist()
    rows = len(expected)
    assert f'data-rows="{rows}"' in page.status_html(outcome)
    assert f"{rows} lignes en " in page.status_html(outcome)
    assert page.notice_html(outcome) == ""
    help_html = page.__panel__().objects[0].object
    assert '« <a href="/reference-donnees" target="_self">Référence des données</a> »' in help_html


def test_numbers_stay_numbers_and_the_rest_is_french_text(sandbox_warehouse):
    page = console(sandbox_warehouse)
    run(page, "SELECT 1234.5::DECIMAL(10,2) AS montant, 7 AS n, 0.125::DOUBLE AS ratio, DATE '2025-03-01' AS jour, "
              "TIMESTAMP '2025-03-01 18:30:00' AS instant, true AS vrai, NULL AS rien, 'a' AS x, 'b' AS x")
    table = shown_table(page)
    assert table.value.to_dict("records") == [{
        "montant": 1234.5, "n": 7.0, "ratio": 0.125, "jour": "01/03/2025", "instant": "01/03/2025 18:30:00",
        "vrai": "oui", "rien": "", "x": "a", "x (2)": "b"}]
    assert table.formatters["montant"]["precision"] == 2 and table.formatters["montant"]["decimal"] == ","
    assert table.formatters["n"]["precision"] == 0
    assert table.formatters["ratio"]["precision"] is False


def test_the_csv_is_the_answer_in_french_excel_form(sandbox_warehouse):
    sql = "SELECT month, closing_balance, below_threshold FROM marts.treasury_plan ORDER BY month"
    page = console(sandbox_warehouse)
    outcome = run(page, sql)
    download = page._download_view(outcome)
    assert isinstance(download, pn.widgets.FileDownload)
    data = download.callback().read()
    assert data.startswith("\ufeff".encode())
    frame = pd.read_csv(io.BytesIO(data), sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    expected = sandbox_warehouse.query(sql)
    assert list(frame.columns) == ["month", "closing_balance", "below_threshold"]
    assert frame["month"].tolist() == [d.strftime("%d/%m/%Y") for d in expected["month"]]
    assert frame["closing_balance"].tolist() == [f"{v:.2f}".replace(".", ",") for v in expected["closing_balance"]]
    assert frame["below_threshold"].tolist() == ["oui" if v else "non" for v in expected["below_threshold"]]


@pytest.mark.parametrize("key", list(EXAMPLES))
def test_every_example_runs_and_shows_what_duckdb_gives(sandbox_warehouse, key):
    page = console(sandbox_warehouse)
    page.example = key
    assert page.sql == EXAMPLES[key][1]
    outcome = run(page, page.sql)
    assert outcome.error == ""
    with sandbox_warehouse.read() as con:  # the same SQL on a plain connection
        rows = con.execute(page.sql).fetchall()
        columns = [d[0] for d in con.description]
    assert len(rows) > 0
    pd.testing.assert_frame_equal(outcome.result.frame, pd.DataFrame(rows, columns=columns))
    assert len(shown_table(page).value) == len(rows)


def test_the_row_cap_is_said(sandbox_warehouse):
    page = console(sandbox_warehouse, row_cap=10)
    outcome = run(page, "SELECT range AS n FROM range(25)")
    assert outcome.result.truncated and len(outcome.result.frame) == 10
    assert shown_table(page).value["n"].tolist() == list(map(float, range(10)))
    notice = page.notice_html(outcome)
    assert "seules les 10 premières sont affichées" in notice and 'role="status"' in notice


HOSTILE = [
    ("DROP TABLE marts.budget_lines", "Seules les lectures (SELECT) sont permises"),
    ("INSERT INTO marts.org_tree (unit_code) VALUES ('X')", "Seules les lectures (SELECT) sont permises"),
    ("COPY marts.budget_lines TO '/tmp/fuite.csv'", "Seules les lectures (SELECT) sont permises"),
    ("SELECT * FROM read_csv('/etc/passwd')", "n'a accès ni aux fichiers ni au réseau"),
    ("ATTACH '/tmp/autre.duckdb' AS autre", "Seules les lectures (SELECT) sont permises"),
    ("SET enable_external_access = true", "Seules les lectures (SELECT) sont permises"),
    ("INSTALL httpfs", "Seules les lectures (SELECT) sont permises"),
    ("LOAD httpfs", "Seules les lectures (SELECT) sont permises"),
    ("SELECT * FROM app.users", "les comptes (app.users) ne se lisent pas"),
    ("SELECT 1; DROP TABLE marts.budget_lines", "Une seule requête à la fois"),
    ("SELEC 1", "Requête illisible"),
]


@pytest.mark.parametrize("sql, message", HOSTILE, ids=[h[0][:24] for h in HOSTILE])
def test_hostile_statements_get_a_french_message_and_the_query_stays(sandbox_warehouse, sql, message):
    page = console(sandbox_warehouse)
    outcome = run(page, sql)
    assert outcome.result is None and message in outcome.error
    notice = page.notice_html(outcome)
    assert 'role="alert"' in notice and message.replace("'", "&#x27;") in notice
    assert page.sql == sql  # kept, to correct it
    assert page.__panel__().select(pn.widgets.CodeEditor)[0].value == sql
    assert page.__panel__().select(pn.widgets.Tabulator) == []
    # nothing changed: the marts are all there
    assert sandbox_warehouse.query("SELECT count(*) AS n FROM marts.budget_lines")["n"][0] > 0


def test_a_query_that_runs_forever_is_stopped_with_a_message(sandbox_warehouse):
    page = console(sandbox_warehouse, time_limit=0.5)
    sql = "SELECT count(*) FROM range(10000000000) a, range(1000) b"
    outcome = run(page, sql)
    assert outcome.result is None
    assert "Requête arrêtée : plus de 0.5 s d'exécution." in outcome.error
    assert outcome.seconds < 10
    assert page.sql == sql


def test_an_sql_error_from_duckdb_is_a_message_not_a_crash(sandbox_warehouse):
    page = console(sandbox_warehouse)
    outcome = run(page, "SELECT * FROM marts.budget_vs_actual JOIN marts.org_tree USING (unit_code) LIMIT 1")
    # either DuckDB answers, or the page says why in French: never an exception
    assert outcome.result is not None or outcome.error.startswith(("Erreur SQL", "Requête"))
    outcome = run(page, "SELECT * FROM marts.absente")
    assert outcome.error.startswith("Erreur SQL")
    outcome = run(page, "   ")
    assert outcome.error == "Saisissez d'abord une requête, par exemple l'un des exemples."


def run_in_own_loop(coroutine):
    """asyncio.run in a thread of its own, with this context (the acting user): the browser tests'
    Playwright keeps an event loop running in the main thread for the rest of the session."""
    context = contextvars.copy_context()
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(context.run, asyncio.run, coroutine).result()


def test_the_button_runs_the_query_off_the_event_loop(sandbox_warehouse):
    page = console(sandbox_warehouse, user=ADMIN)
    page.sql = "SELECT 41 + 1 AS answer"
    with acting_as(ADMIN):
        run_in_own_loop(page._run_clicked())
    assert page.outcome.result.frame["answer"].tolist() == [42]
    assert not page.running


def test_a_member_is_refused_by_the_page_and_no_sql_runs(sandbox_warehouse, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("the console ran SQL for a member")

    monkeypatch.setattr(console_sql, "run_readonly", forbidden)
    page = console(sandbox_warehouse, user=MEMBER)
    assert page.refused
    layout = page.__panel__()
    assert layout.select(pn.widgets.CodeEditor) == [] and layout.select(pn.widgets.Button) == []
    alerts = layout.select(pn.pane.Alert)
    assert [a.object for a in alerts] == ["Cette page est réservée au groupe finances et aux administrateur·rices."]
    outcome = run(page, "SELECT 1", user=MEMBER)
    assert outcome.result is None and "réservée" in outcome.error
    # a page opened by the finance group, then run in a session that is a member's: refused too
    page = console(sandbox_warehouse, user=FINANCE)
    outcome = run(page, "SELECT 1", user=MEMBER)
    assert outcome.result is None and "réservée" in outcome.error
