import stat

import duckdb

from warehouse.export import export_marts
from warehouse.migrations import migrate


def test_every_mart_is_exported_and_reads_back(warehouse, tmp_path):
    migrate(warehouse)
    with warehouse.write() as con:
        con.execute("CREATE TABLE marts.a AS SELECT 1.50::DECIMAL(14,2) AS montant, 'Potager' AS unite")
        con.execute("CREATE TABLE marts.b AS SELECT range AS n FROM range(3)")
    files = [f for f in export_marts(warehouse, tmp_path / "out", "parquet") if f.parent == tmp_path / "out"]
    assert [f.name for f in files] == ["a.parquet", "b.parquet"]
    assert duckdb.sql(f"SELECT * FROM '{files[0]}'").fetchall()[0][1] == "Potager"
    csv = export_marts(warehouse, tmp_path / "csv", "csv")[0].read_text(encoding="utf-8-sig")
    assert csv.splitlines() == ["montant;unite", "1,50;Potager"]


def test_csv_is_french_and_parquet_stays_typed(warehouse, tmp_path):
    migrate(warehouse)
    with warehouse.write() as con:
        con.execute("""CREATE TABLE marts.f AS SELECT -1234.5::DECIMAL(14,2) AS montant, 0.25::DOUBLE AS ratio,
                       7::INTEGER AS n, DATE '2026-11-27' AS jour,
                       TIMESTAMPTZ '2026-11-27 16:30:00+00' AS instant, true AS vrai, NULL::VARCHAR AS rien""")
    out = export_marts(warehouse, tmp_path / "csv", "csv", zone="Indian/Reunion")
    text = (tmp_path / "csv" / "f.csv").read_bytes()
    assert text.startswith("\ufeff".encode())
    lines = text.decode("utf-8-sig").splitlines()
    assert lines == ["montant;ratio;n;jour;instant;vrai;rien",
                     "-1234,50;0,25;7;27/11/2026;27/11/2026 20:30:00;oui;"]
    assert all(p.exists() for p in out)
    export_marts(warehouse, tmp_path / "pq", "parquet")
    row = duckdb.sql(f"SELECT * FROM '{tmp_path / 'pq' / 'f.parquet'}'").fetchall()[0]
    assert str(row[0]) == "-1234.50" and row[2] == 7 and str(row[3]) == "2026-11-27"


def test_export_includes_app_and_ref_but_never_the_accounts(warehouse, tmp_path):
    from alambic.auth import AccountStore

    migrate(warehouse)
    AccountStore(warehouse).add("ana", "ana@example.org", "admin", "un mot de passe assez long", who="test")
    with warehouse.write() as con:
        con.execute("CREATE TABLE marts.m AS SELECT 1 AS x")
        con.execute("CREATE TABLE IF NOT EXISTS ref.units AS SELECT '303' AS unit_code")
    for fmt in ("csv", "parquet"):
        files = export_marts(warehouse, tmp_path / fmt, fmt)
        names = {str(f.relative_to(tmp_path / fmt)) for f in files}
        assert f"m.{fmt}" in names and f"app/forecasts.{fmt}" in names and f"app/audit_log.{fmt}" in names
        assert f"ref/units.{fmt}" in names, names
        assert not any("users" in n for n in names)
        for f in files:
            assert b"argon2" not in f.read_bytes()
            assert stat.S_IMODE(f.stat().st_mode) == 0o600
        assert stat.S_IMODE((tmp_path / fmt).stat().st_mode) == 0o700
