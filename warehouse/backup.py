"""`alambic backup` / `alambic restore`: a consistent copy of the warehouse and of what users entered.

A backup is a folder `<backups>/<AAAAMMJJ-HHMMSS>/` (mode 0700, files 0600: the warehouse holds
the accounts' password hashes) holding:
- `alambic.duckdb`: a copy of the whole warehouse, taken under the writer lock right after a
  CHECKPOINT: whatever was committed, even by a process that died before closing the file (its
  changes then wait in the `.wal` file beside it), is in the copy;
- `app/<table>.parquet`: every app.* table (what users entered, which exists nowhere else), in a
  format any tool reads, should the DuckDB copy ever be unusable by a newer DuckDB.

`restore` never discards committed data: under the writer lock, the current warehouse is first
checkpointed and kept as a backup of its own (`<stamp>-avant-restauration`), then the copy is put
back. With `app_only`, it replaces only the app.* rows of the current warehouse from the Parquet
files (raw data and marts come back with the next sync and build). The audit log is append-only
history: a restore keeps the audit lines written after the backup, and adds its own line (who,
what, from which backup).
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import duckdb

from warehouse.app_rows import advance_id_sequence, app_tables
from warehouse.connection import Warehouse, private_dir, private_file
from warehouse.migrations import migrate

WAREHOUSE_COPY = "alambic.duckdb"
BEFORE_RESTORE = "avant-restauration"


class BackupError(RuntimeError):
    pass


def _new_folder(backups_dir: Path, suffix: str = "") -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target, n = backups_dir / (stamp + suffix), 1
    while target.exists():  # two backups within one second
        n += 1
        target = backups_dir / f"{stamp}-{n}{suffix}"
    private_dir(backups_dir)
    private_dir(target)
    private_dir(target / "app")
    return target


def _checkpointed(warehouse: Warehouse, what: str, deadline: float) -> duckdb.DuckDBPyConnection:
    """A read-write connection (under the caller's writer lock) after a CHECKPOINT: opening the
    file replays a WAL left by a process that died, CHECKPOINT writes it into the main file."""
    con = warehouse._connect(False, what, deadline)
    con.execute("CHECKPOINT")
    return con


def _write_backup(con: duckdb.DuckDBPyConnection, warehouse: Warehouse, target: Path) -> None:
    """Parquet of every app table, then (connection closed, nothing left in the WAL) the file."""
    try:
        for table in app_tables(con):
            path = target / "app" / f"{table}.parquet"
            con.execute(f"COPY app.{table} TO '{_quoted(path)}' (FORMAT parquet)").fetchall()
            private_file(path)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    shutil.copyfile(warehouse.path, target / WAREHOUSE_COPY)
    private_file(target / WAREHOUSE_COPY)
    wal = _wal(warehouse.path)
    if wal.exists() and wal.stat().st_size:  # never expected after CHECKPOINT and close; kept if so
        shutil.copyfile(wal, _wal(target / WAREHOUSE_COPY))
        private_file(_wal(target / WAREHOUSE_COPY))


def backup(warehouse: Warehouse, backups_dir: Path) -> Path:
    if not warehouse.path.exists():
        raise BackupError(f"L'entrepôt {warehouse.path} n'existe pas : rien à sauvegarder.")
    target = _new_folder(backups_dir)
    # Under the writer lock: nobody writes between the CHECKPOINT and the end of the copy.
    with warehouse.exclusive("sauvegarde") as deadline:
        _write_backup(_checkpointed(warehouse, "sauvegarde", deadline), warehouse, target)
    return target


def latest_backup(backups_dir: Path) -> Path:
    candidates = sorted(
        p for p in backups_dir.glob("*")
        if (p / WAREHOUSE_COPY).exists() and not p.name.endswith(BEFORE_RESTORE)
    )
    if not candidates:
        raise BackupError(f"Aucune sauvegarde dans {backups_dir}")
    return candidates[-1]


def restore(
    warehouse: Warehouse, source: Path, *, app_only: bool = False, who: str = "cli",
    backups_dir: Path | None = None,
) -> Path | None:
    """Put a backup back; returns the folder where the warehouse as it was before is kept (full
    restore of an existing warehouse), else None. `backups_dir`: where to keep it (default: beside
    the backup restored)."""
    if not (source / WAREHOUSE_COPY).exists():
        raise BackupError(f"{source} n'est pas une sauvegarde Alambic (pas de {WAREHOUSE_COPY})")
    if app_only:
        _restore_app_rows(warehouse, source / "app", source, who)
        return None
    kept = None
    with warehouse.exclusive("restauration") as deadline:
        later_audit = []
        if warehouse.path.exists():
            con = _checkpointed(warehouse, "restauration", deadline)
            later_audit = _audit_lines(con)
            kept = _new_folder(backups_dir or source.parent, f"-{BEFORE_RESTORE}")
            _write_backup(con, warehouse, kept)
        warehouse.unpublish()  # the figures published came from the file replaced: pages read the restored one
        _wal(warehouse.path).unlink(missing_ok=True)  # checkpointed above: it holds nothing committed
        shutil.copyfile(source / WAREHOUSE_COPY, warehouse.path)
        if _wal(source / WAREHOUSE_COPY).exists():
            shutil.copyfile(_wal(source / WAREHOUSE_COPY), _wal(warehouse.path))
        private_file(warehouse.path)
        con = warehouse._connect(False, "restauration", deadline)
        try:
            con.begin()
            _append_missing_audit(con, later_audit)
            _audit_restore(con, who, source, "full", kept)
            con.commit()
            con.execute("CHECKPOINT")
        finally:
            con.close()
    return kept


def _restore_app_rows(warehouse: Warehouse, folder: Path, source: Path, who: str) -> None:
    migrate(warehouse)
    with warehouse.write("restauration des saisies") as con:
        for table in app_tables(con):
            parquet = folder / f"{table}.parquet"
            if not parquet.exists():
                continue
            path = _quoted(parquet)
            if table == "audit_log":
                # Append-only history: the lines written since the backup stay; only lines missing
                # from the current log come back.
                con.execute(f"""INSERT INTO app.audit_log BY NAME
                                SELECT * FROM read_parquet('{path}')
                                WHERE audit_id NOT IN (SELECT audit_id FROM app.audit_log)""")
                continue
            con.execute(f"DELETE FROM app.{table}")
            con.execute(f"INSERT INTO app.{table} BY NAME SELECT * FROM read_parquet('{path}')")
        advance_id_sequence(con)
        _advance_audit_sequence(con)
        _audit_restore(con, who, source, "app", None)


def _audit_lines(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    if "audit_log" not in app_tables(con):
        return []
    return con.execute(
        "SELECT audit_id, changed_at, who, table_name, row_id, action, before::VARCHAR, after::VARCHAR "
        "FROM app.audit_log ORDER BY audit_id").fetchall()


def _append_missing_audit(con: duckdb.DuckDBPyConnection, lines: list[tuple]) -> None:
    """Put back the audit lines the restored copy does not have (written after the backup)."""
    if not lines or "audit_log" not in app_tables(con):
        return
    present = {r[0] for r in con.execute("SELECT audit_id FROM app.audit_log").fetchall()}
    missing = [line for line in lines if line[0] not in present]
    if missing:
        con.executemany(
            """INSERT INTO app.audit_log (audit_id, changed_at, who, table_name, row_id, action, before, after)
               VALUES (?, ?, ?, ?, ?, ?, ?::JSON, ?::JSON)""",
            missing,
        )
    _advance_audit_sequence(con)


def _advance_audit_sequence(con: duckdb.DuckDBPyConnection) -> None:
    highest = con.execute("SELECT coalesce(max(audit_id), 0) FROM app.audit_log").fetchall()[0][0]
    if highest:
        con.execute("SELECT max(nextval('app.audit_seq')) FROM range(?)", [int(highest)]).fetchall()


def _audit_restore(con, who: str, source: Path, scope: str, kept: Path | None) -> None:
    if "audit_log" not in app_tables(con):
        return
    after = {"backup": str(source), "scope": scope}
    if kept is not None:
        after["previous_warehouse_kept_in"] = str(kept)
    con.execute(
        """INSERT INTO app.audit_log (who, table_name, row_id, action, before, after)
           VALUES (?, 'warehouse', 0, 'restore', NULL, ?::JSON)""",
        [who, json.dumps(after, ensure_ascii=False)],
    )


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")



