"""`alambic export`: the marts, what users entered (`app.*`) and the reference tables (`ref.*`)
as Parquet or CSV files, for Excel, the DuckDB CLI or other tools.

- Parquet keeps every type as it is.
- CSV is French Excel's: `;` separator, decimal comma, dates `dd/mm/yyyy`, times in the
  organisation's zone, `oui` / `non`, UTF-8 with a byte-order mark (so Excel reads the accents).
- Text that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a
  carriage return: `=HYPERLINK(…)`, `+cmd|…`, `@SUM(…)`), typed by a member in a label, is
  written with a leading `'`; numbers stay numbers (a negative amount is not text).
- The accounts (`app.users`: password hashes) are never exported.

Marts go at the top of the folder (`<mart>.<format>`), the others in `app/` and `ref/`.
Files are private to their owner (0600, folders 0700), like the warehouse.
"""

from __future__ import annotations

from pathlib import Path

from warehouse.connection import Warehouse, private_dir, private_file

FORMATS = {
    "parquet": "(FORMAT parquet)",
    "csv": "(FORMAT csv, HEADER, DELIMITER ';')",
}
SCHEMAS = ("marts", "app", "ref")
NEVER_EXPORTED = {("app", "users")}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff".encode()


def spreadsheet_safe(value):
    """A text value a spreadsheet would take for a formula, prefixed with `'`; anything else as is."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _safe_text_sql(expression: str) -> str:
    return (f"CASE WHEN regexp_matches({expression}, '^[=+\\-@\\t\\r]') "
            f"THEN '''' || {expression} ELSE {expression} END")


def french_column_sql(name: str, column_type: str, zone: str) -> str:
    """The SQL that writes one column as French CSV text (or as is, for integers)."""
    col = '"' + name.replace('"', '""') + '"'
    kind = column_type.upper()
    zone_sql = zone.replace("'", "''")
    if kind.startswith(("DECIMAL", "DOUBLE", "FLOAT", "REAL", "NUMERIC")):
        value = f"replace(CAST({col} AS VARCHAR), '.', ',')"
    elif kind in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
                  "UINTEGER", "UBIGINT", "UHUGEINT"):
        value = col
    elif kind == "DATE":
        value = f"strftime({col}, '%d/%m/%Y')"
    elif kind in ("TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ"):
        value = f"strftime(timezone('{zone_sql}', {col}), '%d/%m/%Y %H:%M:%S')"
    elif kind.startswith("TIMESTAMP"):
        value = f"strftime(CAST({col} AS TIMESTAMP), '%d/%m/%Y %H:%M:%S')"
    elif kind == "BOOLEAN":
        value = f"CASE WHEN {col} THEN 'oui' WHEN NOT {col} THEN 'non' END"
    else:  # text, JSON, lists…: as text, never a formula
        value = _safe_text_sql(f"CAST({col} AS VARCHAR)")
    return f"{value} AS {col}"


def export_marts(warehouse: Warehouse, directory: Path, fmt: str = "parquet",
                 zone: str = "Indian/Reunion") -> list[Path]:
    """Write one file per mart, app table (accounts excepted) and ref table into `directory`;
    returns the files written."""
    if fmt not in FORMATS:
        raise ValueError(f"Format inconnu : {fmt} (attendu : {', '.join(FORMATS)})")
    private_dir(directory)
    written = []
    with warehouse.read("export") as con:
        tables = con.execute(
            f"""SELECT schema_name, table_name FROM duckdb_tables()
                WHERE schema_name IN ({', '.join('?' for _ in SCHEMAS)})
                ORDER BY list_position(?, schema_name), table_name""",
            [*SCHEMAS, list(SCHEMAS)],
        ).fetchall()
        for schema, name in tables:
            if (schema, name) in NEVER_EXPORTED:
                continue
            folder = directory if schema == "marts" else directory / schema
            private_dir(folder)
            target = folder / f"{name}.{fmt}"
            source = f'"{schema}"."{name}"'
            if fmt == "csv":
                columns = con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()
                select = ", ".join(french_column_sql(c[0], c[1], zone) for c in columns)
                query = f"SELECT {select} FROM {source}"
            else:
                query = f"SELECT * FROM {source}"
            con.execute(f"COPY ({query}) TO '{_quoted(target)}' {FORMATS[fmt]}").fetchall()
            if fmt == "csv":
                _prepend_bom(target)
            private_file(target)
            written.append(target)
    return written


def _prepend_bom(path: Path) -> None:
    staged = path.with_name(path.name + ".part")
    with path.open("rb") as source, staged.open("wb") as target:
        target.write(BOM)
        while chunk := source.read(1 << 20):
            target.write(chunk)
    staged.replace(path)


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")
