"""`alambic export`: the marts as Parquet or CSV files, for Excel, the DuckDB CLI or other tools."""

from __future__ import annotations

from pathlib import Path

from warehouse.connection import Warehouse

FORMATS = {
    "parquet": "(FORMAT parquet)",
    # French Excel opens ';'-separated UTF-8 with a byte-order mark without an import wizard.
    "csv": "(FORMAT csv, HEADER, DELIMITER ';')",
}


def export_marts(warehouse: Warehouse, directory: Path, fmt: str = "parquet") -> list[Path]:
    """Write one file per mart into `directory`; returns the files written."""
    if fmt not in FORMATS:
        raise ValueError(f"Format inconnu : {fmt} (attendu : {', '.join(FORMATS)})")
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    with warehouse.read("export des marts") as con:
        marts = [r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts' ORDER BY 1").fetchall()]
        for name in marts:
            target = directory / f"{name}.{fmt}"
            con.execute(f"COPY (SELECT * FROM marts.{name}) TO '{_quoted(target)}' {FORMATS[fmt]}").fetchall()
            written.append(target)
    return written


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")
