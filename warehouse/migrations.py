"""Numbered migrations from sql/migrations, applied once each, in order, and recorded."""

from __future__ import annotations

import hashlib

from warehouse import SQL_DIR
from warehouse.connection import Warehouse

MIGRATIONS_DIR = SQL_DIR / "migrations"


def pending_migrations(applied: set[str]) -> list[tuple[str, str]]:
    """(version, sql) of the files not applied yet, by number. File names: NNNN_what.sql."""
    files = sorted(MIGRATIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.sql"))
    return [(f.stem, f.read_text(encoding="utf-8")) for f in files if f.stem not in applied]


def applied_migrations(warehouse: Warehouse) -> set[str]:
    if not warehouse.path.exists():
        return set()
    with warehouse.read("état des migrations") as con:
        exists = con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'meta' AND table_name = 'migrations'"
        ).fetchall()[0][0]
        return {r[0] for r in con.execute("SELECT version FROM meta.migrations").fetchall()} if exists else set()


def migrate(warehouse: Warehouse) -> list[str]:
    """Apply what is pending, all in one transaction; returns the versions applied."""
    if not pending_migrations(applied_migrations(warehouse)):
        return []
    with warehouse.write("migrations") as con:
        con.execute("CREATE SCHEMA IF NOT EXISTS meta")
        con.execute(
            """CREATE TABLE IF NOT EXISTS meta.migrations (
                   version VARCHAR PRIMARY KEY, checksum VARCHAR NOT NULL,
                   applied_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)"""
        )
        applied = {row[0] for row in con.execute("SELECT version FROM meta.migrations").fetchall()}
        done = []
        for version, sql in pending_migrations(applied):
            con.execute(sql)
            checksum = hashlib.sha256(sql.encode()).hexdigest()
            con.execute("INSERT INTO meta.migrations (version, checksum) VALUES (?, ?)", [version, checksum])
            done.append(version)
        return done
