"""Hostile statements on the SQL console are refused or stopped, with a clear French message."""

import pytest

from warehouse.migrations import migrate
from warehouse.sql_console import QueryRefused, run_readonly


@pytest.fixture
def ready(warehouse):
    migrate(warehouse)
    with warehouse.write() as con:
        con.execute("CREATE TABLE marts.t AS SELECT range AS n FROM range(50)")
    return warehouse


def test_a_select_returns_a_table(ready):
    result = run_readonly(ready, "SELECT sum(n) AS total FROM marts.t")
    assert result.frame.to_dict("records") == [{"total": 1225}]
    assert not result.truncated


def test_rows_are_capped(ready):
    result = run_readonly(ready, "SELECT * FROM marts.t", row_cap=10)
    assert len(result.frame) == 10 and result.truncated


@pytest.mark.parametrize(
    "sql, message",
    [
        ("DROP TABLE marts.t", "Seules les lectures"),
        ("INSERT INTO marts.t VALUES (1)", "Seules les lectures"),
        ("COPY marts.t TO '/tmp/fuite.csv'", "Seules les lectures"),
        ("ATTACH '/tmp/autre.duckdb'", "Seules les lectures"),
        ("SET threads = 1", "Seules les lectures"),
        ("INSTALL httpfs", "Seules les lectures"),
        ("LOAD httpfs", "Seules les lectures"),
        ("SELECT 1; DROP TABLE marts.t", "Une seule requête"),
        ("SELECT * FROM read_csv('/etc/passwd')", "ni aux fichiers ni au réseau"),
        ("SELECT * FROM read_text('/etc/hostname')", "ni aux fichiers ni au réseau"),
        ("SELECT * FROM 'https://example.org/x.parquet'", "ni aux fichiers ni au réseau"),
        ("SELEC 1", "Requête illisible"),
        ("SELECT * FROM app.users", "comptes"),
        ('SELECT password_hash FROM app."users" u', "comptes"),
        ("WITH x AS (FROM app.users) SELECT * FROM x", "comptes"),
        ("SELECT * FROM query_table('app.users')", "comptes"),
        ("SELECT * FROM query('SELECT * FROM app.users')", "comptes"),
        # DuckDB's table-name reader cannot bind this join: any mention of the table is refused
        ("SELECT * FROM app.users JOIN app.users AS u2 USING (login)", "comptes"),
        ("SELECT * FROM marts.absente", "Erreur SQL"),
    ],
)
def test_hostile_or_wrong_statements_are_refused(ready, sql, message):
    with pytest.raises(QueryRefused, match=message):
        run_readonly(ready, sql)
    assert run_readonly(ready, "SELECT count(*) AS n FROM marts.t").frame["n"].tolist() == [50]


def test_a_join_using_a_column_runs(ready):
    result = run_readonly(ready, "SELECT count(*) AS n FROM marts.t AS a JOIN marts.t AS b USING (n)")
    assert result.frame["n"].tolist() == [50]


def test_a_query_that_runs_forever_is_stopped(ready):
    with pytest.raises(QueryRefused, match="plus de 0.5 s"):
        run_readonly(ready, "SELECT count(*) FROM range(10000000000) a, range(1000) b", time_limit=0.5)
