"""Pentest findings on the SQL console and on the files the warehouse writes (issue #15)."""

from __future__ import annotations

import pytest

from alambic.auth import AccountStore
from warehouse.migrations import migrate
from warehouse.sql_console import LOCKED_SETTINGS, QueryRefused, run_readonly

PASSWORD = "un mot de passe assez long"


@pytest.fixture
def with_account(warehouse):
    migrate(warehouse)
    AccountStore(warehouse).add("ana", "ana@example.org", "admin", PASSWORD, who="test")
    with warehouse.write() as con:
        con.execute("CREATE TABLE marts.t AS SELECT range AS n FROM range(50)")
    return warehouse


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT login, password_hash FROM alambic.app.users",
        'SELECT login, password_hash FROM "alambic"."app"."users"',
        'SELECT * FROM "APP"."Users"',
        "SUMMARIZE alambic.app.users",
        "SUMMARIZE app.users",
        "SELECT * FROM (SUMMARIZE app.users)",
        "FROM alambic.app.users",
        "WITH a AS (SELECT * FROM alambic.app.users), b AS (SELECT * FROM a) SELECT * FROM b",
        "SELECT (SELECT max(password_hash) FROM alambic.app.users) AS h",
        "SELECT * FROM marts.t WHERE n IN (SELECT length(password_hash) FROM app.users)",
        "SELECT * FROM query_table('alambic.app.users')",
        "SELECT * FROM query_table(['app.users'])",
        "SELECT * FROM query('SELECT password_hash FROM alambic.app.users')",
        "SELECT * FROM app.users JOIN app.users AS u2 USING (login)",
        "SELECT * FROM app.users UNION ALL SELECT * FROM app.users",
        "SELECT * FROM pragma_storage_info('app.users')",
    ],
)
def test_the_accounts_never_come_out_of_the_console_however_named(with_account, sql):
    with pytest.raises(QueryRefused, match="^Refusé"):
        run_readonly(with_account, sql)


@pytest.mark.parametrize(
    "sql",
    [
        "PIVOT app.users ON login USING count(*)",
        "ATTACH 'alambic.duckdb' AS copie",
        "COPY app.users TO 'fuite.csv'",
        "EXPORT DATABASE 'fuite'",
        "SET enable_external_access = true",
        "PRAGMA table_info('app.users')",
        "SELECT * FROM read_blob('alambic.duckdb')",
        "SELECT * FROM read_text('alambic.duckdb')",
        "FROM 'alambic.duckdb'",
        "SELECT * FROM read_parquet('backups/*/app/users.parquet')",
    ],
)
def test_other_ways_to_the_accounts_are_refused(with_account, sql):
    with pytest.raises(QueryRefused) as refused:
        run_readonly(with_account, sql)
    assert "argon2" not in str(refused.value)


def test_listing_the_catalogue_shows_no_hash(with_account):
    for sql in ("SELECT * FROM duckdb_tables()", "SELECT * FROM duckdb_columns()", "DESCRIBE app.users",
                "SELECT * FROM information_schema.columns"):
        frame = run_readonly(with_account, sql).frame
        assert "argon2" not in frame.to_csv()


def test_what_worked_still_works(with_account):
    assert run_readonly(with_account, "SELECT sum(n) AS s FROM marts.t;").frame["s"].tolist() == [1225]
    result = run_readonly(with_account, "SELECT n FROM marts.t ORDER BY n DESC -- the biggest first")
    assert result.frame["n"].tolist()[:3] == [49, 48, 47] and not result.truncated
    # a table merely called like the accounts elsewhere is not refused
    with with_account.write() as con:
        con.execute("CREATE TABLE marts.users AS SELECT 1 AS x")
    assert run_readonly(with_account, "SELECT x FROM marts.users").frame["x"].tolist() == [1]
    capped = run_readonly(with_account, "SELECT * FROM marts.t", row_cap=10)
    assert len(capped.frame) == 10 and capped.truncated and "10 premières lignes" in capped.limit_message


def test_the_console_connection_bounds_memory_threads_and_spilling(with_account):
    frame = run_readonly(with_account, """SELECT current_setting('memory_limit') AS m,
        current_setting('threads') AS t, current_setting('max_temp_directory_size') AS d""").frame
    assert frame["t"].tolist() == [1]
    assert frame["m"].tolist()[0].startswith(("953", "1.0", "1000")), frame  # 1 GB as DuckDB shows it
    assert frame["d"].tolist()[0].startswith("0"), frame
    assert LOCKED_SETTINGS["lock_configuration"] is True


def test_a_huge_answer_is_cut_by_its_size_with_a_french_message(with_account):
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = run_readonly(with_account, "SELECT repeat('x', 1e7::INT) AS s FROM range(150)")
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert result.truncated and result.cut_by_size
    assert "trop volumineuse" in result.limit_message and "Mo" in result.limit_message
    assert 1 <= len(result.frame) <= 5
    assert grown_kib < 800_000, f"the answer took {grown_kib / 1e6:.1f} GB"  # 1.5 GB before the fix


# -- formula injection in every export (#15.12) --------------------------------------------------

HOSTILE = ["=HYPERLINK(\"http://evil\",\"x\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\t=1", "\r=1"]


def _hostile_frame():
    import pandas as pd

    return pd.DataFrame({"label": HOSTILE + ["Plants"], "amount": [-12.5] * len(HOSTILE) + [3.0]})


def _columns():
    from dashboards.components import Column

    return [Column("label", "Libellé"), Column("amount", "Montant", "money")]


def test_page_csv_downloads_neutralise_formulas_and_keep_numbers():
    from dashboards.components import csv_bytes

    lines = csv_bytes(_hostile_frame(), _columns()).decode("utf-8-sig").split("\r\n")
    import csv
    import io

    rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=";"))
    labels = [r[0] for r in rows[1:] if r]
    assert labels[:len(HOSTILE)] == ["'" + v for v in HOSTILE]
    assert labels[-1] == "Plants"
    assert [r[1] for r in rows[1:] if r][0] == "-12,50"  # a negative amount stays a number


def test_page_workbooks_store_text_cells_never_formulas():
    import io

    from openpyxl import load_workbook

    from dashboards.workbook import workbook_bytes

    data = workbook_bytes({"Lignes": (_hostile_frame(), _columns())}, title="=titre")
    sheet = load_workbook(io.BytesIO(data))["Lignes"]
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells if c.column == 1 and c.value not in ("Libellé", "Plants", "'=titre")]
    # (XML keeps no bare carriage return: "\r=1" reads back as "\n=1", still behind its quote)
    assert [t.replace("\n", "\r") for t in texts] == ["'" + v for v in HOSTILE]
    amounts = [c.value for c in cells if c.column == 2 and isinstance(c.value, float)]
    assert amounts[0] == -12.5


def test_alambic_export_neutralises_formulas_in_csv(warehouse, tmp_path):
    from warehouse.export import export_marts

    migrate(warehouse)
    with warehouse.write() as con:
        con.execute("CREATE TABLE marts.lines (label VARCHAR, amount DECIMAL(14,2))")
        con.executemany("INSERT INTO marts.lines VALUES (?, -12.5)", [[v] for v in HOSTILE])
    export_marts(warehouse, tmp_path / "x", "csv")
    import csv

    with (tmp_path / "x" / "lines.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))[1:]
    assert [r[0] for r in rows] == ["'" + v for v in HOSTILE]
    assert {r[1] for r in rows} == {"-12,50"}


# -- files private to their owner (#15.15) -------------------------------------------------------

import os  # noqa: E402
import stat  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

KILLED_WITH_ITS_WAL = """
import os, signal, sys
from warehouse.connection import Warehouse
original = Warehouse._make_private
def then_die(self):
    original(self)
    if self.path.with_name(self.path.name + ".wal").exists():
        os.kill(os.getpid(), signal.SIGKILL)  # committed, WAL on disk, never closed
Warehouse._make_private = then_die
os.umask(0o022)
with Warehouse(sys.argv[1]).write() as con:
    con.execute("INSERT INTO app.forecasts (unit_code, category_code, period_start, period_end, amount, label) "
                "VALUES ('303', 'ventes', '2025-01-01', '2025-03-31', 1, 'x')")
"""


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask():
    previous = os.umask(0o022)  # what most accounts have: files 0644, readable by everyone
    yield
    os.umask(previous)


def test_the_warehouse_and_its_wal_are_private(warehouse, open_umask):
    migrate(warehouse)
    assert mode(warehouse.path) == 0o600
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    done = subprocess.run([sys.executable, "-c", KILLED_WITH_ITS_WAL, str(warehouse.path)],
                          env={**os.environ, "PYTHONPATH": repo}, timeout=60)
    assert done.returncode == -9
    wal = warehouse.path.with_name(warehouse.path.name + ".wal")
    assert wal.exists() and mode(wal) == 0o600


def test_backups_and_exports_are_private(warehouse, config, tmp_path, open_umask):
    from warehouse.backup import backup
    from warehouse.export import export_marts

    migrate(warehouse)
    target = backup(warehouse, config.backups_path)
    assert mode(config.backups_path) == 0o700 and mode(target) == 0o700 and mode(target / "app") == 0o700
    files = [p for p in target.rglob("*") if p.is_file()]
    assert files and all(mode(p) == 0o600 for p in files), [(p.name, oct(mode(p))) for p in files]
    for fmt in ("csv", "parquet"):
        written = export_marts(warehouse, tmp_path / f"export-{fmt}", fmt)
        assert written and all(mode(p) == 0o600 for p in written)


def test_the_cookie_secret_is_private(tmp_path, open_umask, monkeypatch):
    from alambic.auth.settings import AuthSettings, cookie_secret

    monkeypatch.delenv("ALAMBIC_COOKIE_SECRET", raising=False)
    path = tmp_path / "alambic.cookie_secret"
    cookie_secret(AuthSettings(cookie_secret_file=path))
    assert mode(path) == 0o600


def test_the_console_csv_neutralises_formulas_and_keeps_negative_numbers():
    import pandas as pd

    from dashboards.components import csv_bytes
    from dashboards.console_sql import csv_frame

    frame, columns = csv_frame(pd.DataFrame({"label": ["=HYPERLINK(\"http://evil\")", "Plants"],
                                             "amount": [-983.52, 12.0]}))
    lines = csv_bytes(frame, columns).decode("utf-8-sig").split("\r\n")
    assert lines[1].startswith("\"'=HYPERLINK") and lines[1].endswith(";-983,52")
