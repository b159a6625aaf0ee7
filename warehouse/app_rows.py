"""Bulk rows into app.* tables (demo seed, restore), keeping their ids and the id sequence right."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pandas as pd


def app_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'app' ORDER BY 1").fetchall()]


def primary_key(con: duckdb.DuckDBPyConnection, table: str) -> str:
    return con.execute(
        """SELECT constraint_column_names[1] FROM duckdb_constraints()
           WHERE schema_name = 'app' AND table_name = ? AND constraint_type = 'PRIMARY KEY'""",
        [table],
    ).fetchall()[0][0]


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    """Insert `frame` into app.<table>, matching columns by name (missing ones take their default).

    Decimal columns go as text and are cast by the table's own DECIMAL(14,2): DuckDB would infer
    a narrower DECIMAL from the first values and overflow on a larger one further down.
    """
    frame = frame.apply(lambda column: column.map(_exact) if column.dtype == object else column)
    con.register("rows_frame", frame)
    try:
        con.execute(f"INSERT INTO app.{table} BY NAME SELECT * FROM rows_frame")
    finally:
        con.unregister("rows_frame")


def _exact(value):
    return str(value) if isinstance(value, Decimal) else value


def advance_id_sequence(con: duckdb.DuckDBPyConnection) -> None:
    """Move app.id_seq past every id in the app tables that share it, so new rows never collide."""
    parts = [f"SELECT max({primary_key(con, t)}) AS id FROM app.{t}" for t in app_tables(con) if t != "audit_log"]
    highest = con.execute(f"SELECT coalesce(max(id), 0) FROM ({' UNION ALL '.join(parts)})").fetchall()[0][0]
    if highest:
        # nextval called `highest` times leaves the sequence at or past `highest`, wherever it was.
        con.execute("SELECT max(nextval('app.id_seq')) FROM range(?)", [int(highest)]).fetchall()
