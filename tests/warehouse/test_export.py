import duckdb

from warehouse.export import export_marts
from warehouse.migrations import migrate


def test_every_mart_is_exported_and_reads_back(warehouse, tmp_path):
    migrate(warehouse)
    with warehouse.write() as con:
        con.execute("CREATE TABLE marts.a AS SELECT 1.50::DECIMAL(14,2) AS montant, 'Potager' AS unite")
        con.execute("CREATE TABLE marts.b AS SELECT range AS n FROM range(3)")
    files = export_marts(warehouse, tmp_path / "out", "parquet")
    assert [f.name for f in files] == ["a.parquet", "b.parquet"]
    assert duckdb.sql(f"SELECT * FROM '{files[0]}'").fetchall()[0][1] == "Potager"
    csv = export_marts(warehouse, tmp_path / "csv", "csv")[0].read_text()
    assert csv.splitlines() == ["montant;unite", "1.50;Potager"]
