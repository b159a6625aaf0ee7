"""Numbered migrations from sql/migrations, applied once each, in order, and recorded.

Each applied migration is recorded in meta.migrations with the SHA-256 of its text. An applied
migration is never edited: the change would reach no existing warehouse (it is not run again),
and new warehouses would differ from old ones. `migrate` therefore refuses to go on when an
applied file no longer matches its checksum, and says what to do: put the file back and write
the change as a new migration, or, when the edit changes nothing in the warehouse (a comment),
accept it knowingly with `alambic migrations --accept <version>` (`accept_migration`).

Numbers: a file is known by its whole name (`0008_audit_undo`), so a gap in the numbering is
harmless; 0006 and 0007 were never used. A new migration takes the number after the highest.
"""

from __future__ import annotations

import hashlib

from warehouse import SQL_DIR
from warehouse.connection import Warehouse

MIGRATIONS_DIR = SQL_DIR / "migrations"


class MigrationError(RuntimeError):
    """An applied migration was edited, or an unknown one was named; the message says what to do."""


def checksum(sql: str) -> str:
    return hashlib.sha256(sql.encode()).hexdigest()


def migration_files() -> list[tuple[str, str]]:
    """(version, sql) of every migration file, by number. File names: NNNN_what.sql."""
    files = sorted(MIGRATIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.sql"))
    return [(f.stem, f.read_text(encoding="utf-8")) for f in files]


def pending_migrations(applied: set[str] | dict[str, str]) -> list[tuple[str, str]]:
    """(version, sql) of the files not applied yet, by number."""
    return [(version, sql) for version, sql in migration_files() if version not in applied]


def applied_migrations(warehouse: Warehouse) -> dict[str, str]:
    """version → recorded checksum of the migrations applied to this warehouse."""
    if not warehouse.path.exists():
        return {}
    with warehouse.read("état des migrations") as con:
        return _recorded(con)


def _recorded(con) -> dict[str, str]:
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'meta' AND table_name = 'migrations'"
    ).fetchall()[0][0]
    return dict(con.execute("SELECT version, checksum FROM meta.migrations").fetchall()) if exists else {}


def edited_migrations(applied: dict[str, str]) -> list[str]:
    """The applied migrations whose file no longer has the recorded checksum."""
    return [version for version, sql in migration_files()
            if version in applied and applied[version] != checksum(sql)]


def check_applied(warehouse: Warehouse, applied: dict[str, str]) -> None:
    edited = edited_migrations(applied)
    if not edited:
        return
    files = ", ".join(f"sql/migrations/{v}.sql" for v in edited)
    raise MigrationError(
        f"Migration(s) modifiée(s) après avoir été appliquée(s) à l'entrepôt {warehouse.path} : {files}. "
        "Une migration appliquée ne se modifie pas : elle ne serait pas rejouée sur cet entrepôt. "
        f"Remettez le fichier tel qu'il était (par exemple `git checkout -- {files.split(', ')[0]}`) "
        "et écrivez le changement dans une nouvelle migration, numérotée après la dernière "
        "(sql/migrations/NNNN_quoi.sql). Si la modification ne change rien à l'entrepôt (un commentaire, "
        f"une mise en forme) et que vous l'acceptez en connaissance de cause : "
        f"`alambic migrations --accept {edited[0]}`."
    )


def migrate(warehouse: Warehouse) -> list[str]:
    """Apply what is pending, all in one transaction; returns the versions applied.

    Refuses (MigrationError) when an applied migration's file was edited since."""
    applied = applied_migrations(warehouse)
    check_applied(warehouse, applied)
    if not pending_migrations(applied):
        return []
    with warehouse.write("migrations") as con:
        con.execute("CREATE SCHEMA IF NOT EXISTS meta")
        con.execute(
            """CREATE TABLE IF NOT EXISTS meta.migrations (
                   version VARCHAR PRIMARY KEY, checksum VARCHAR NOT NULL,
                   applied_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)"""
        )
        applied = _recorded(con)  # another process may have migrated meanwhile
        check_applied(warehouse, applied)
        done = []
        for version, sql in pending_migrations(applied):
            con.execute(sql)
            con.execute("INSERT INTO meta.migrations (version, checksum) VALUES (?, ?)", [version, checksum(sql)])
            done.append(version)
        return done


def accept_migration(warehouse: Warehouse, version: str) -> str:
    """Record the current checksum of an applied migration whose file was edited on purpose
    (the edit changes nothing in the warehouse). Returns the new checksum."""
    files = dict(migration_files())
    if version not in files:
        raise MigrationError(f"Migration inconnue : {version} (fichiers : {', '.join(files)})")
    with warehouse.write("acceptation d'une migration modifiée") as con:
        applied = _recorded(con)
        if version not in applied:
            raise MigrationError(f"La migration {version} n'est pas encore appliquée à {warehouse.path} : "
                                 "rien à accepter, elle le sera telle qu'elle est.")
        new = checksum(files[version])
        con.execute("UPDATE meta.migrations SET checksum = ? WHERE version = ?", [new, version])
    return new
