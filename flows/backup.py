"""The `backup` flow: a copy of the warehouse and of what users entered (warehouse/backup.py)."""

from __future__ import annotations

from prefect import flow, get_run_logger

from alambic.config import load_config
from warehouse.backup import backup
from warehouse.connection import Warehouse


@flow(name="backup")
def backup_warehouse(config_path: str | None = None) -> str:
    """A consistent copy of the warehouse and of what users entered (see warehouse/backup.py)."""
    config = load_config(config_path)
    target = backup(Warehouse.from_config(config), config.backups_path)
    get_run_logger().info(f"Sauvegarde écrite dans {target}")
    return str(target)
