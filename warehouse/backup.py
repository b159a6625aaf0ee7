"""`alambic backup` / `alambic restore`: a consistent copy of the warehouse and of what users entered.

A backup is a folder `<backups>/<AAAAMMJJ-HHMMSS>/` holding:
- `alambic.duckdb`: a copy of the whole warehouse, taken while no writer can run (reader lock);
- `app/<table>.parquet`: every app.* table (what users entered, which exists nowhere else), in a
  format any tool reads, should the DuckDB copy ever be unusable by a newer DuckDB.

`restore` puts the warehouse copy back (under the writer lock); with `app_only`, it replaces
only the app.* rows of the current warehouse from the Parquet files (raw data and marts come
back with the next sync and build).
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

from warehouse.app_rows import advance_id_sequence, app_tables
from warehouse.connection import Warehouse
from warehouse.migrations import migrate

WAREHOUSE_COPY = "alambic.duckdb"


class BackupError(RuntimeError):
    pass


def backup(warehouse: Warehouse, backups_dir: Path) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target, n = backups_dir / stamp, 1
    while target.exists():  # two backups within one second
        n += 1
        target = backups_dir / f"{stamp}-{n}"
    (target / "app").mkdir(parents=True)
    with warehouse.read("sauvegarde") as con:
        for table in app_tables(con):
            path = str(target / "app" / f"{table}.parquet").replace("'", "''")
            con.execute(f"COPY app.{table} TO '{path}' (FORMAT parquet)").fetchall()
        # Still under the reader lock: no writer can change the file while it is copied.
        shutil.copy2(warehouse.path, target / WAREHOUSE_COPY)
    return target


def latest_backup(backups_dir: Path) -> Path:
    candidates = sorted(p for p in backups_dir.glob("*") if (p / WAREHOUSE_COPY).exists())
    if not candidates:
        raise BackupError(f"Aucune sauvegarde dans {backups_dir}")
    return candidates[-1]


def restore(warehouse: Warehouse, source: Path, *, app_only: bool = False) -> None:
    if not (source / WAREHOUSE_COPY).exists():
        raise BackupError(f"{source} n'est pas une sauvegarde Alambic (pas de {WAREHOUSE_COPY})")
    if app_only:
        _restore_app_rows(warehouse, source / "app")
        return
    with warehouse.exclusive("restauration"):
        warehouse.path.with_name(warehouse.path.name + ".wal").unlink(missing_ok=True)
        shutil.copy2(source / WAREHOUSE_COPY, warehouse.path)


def _restore_app_rows(warehouse: Warehouse, folder: Path) -> None:
    migrate(warehouse)
    with warehouse.write("restauration des saisies") as con:
        for table in app_tables(con):
            parquet = folder / f"{table}.parquet"
            if parquet.exists():
                con.execute(f"DELETE FROM app.{table}")
                path = str(parquet).replace("'", "''")
                con.execute(f"INSERT INTO app.{table} BY NAME SELECT * FROM read_parquet('{path}')")
        advance_id_sequence(con)
