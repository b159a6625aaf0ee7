import pytest

from warehouse.backup import BackupError, backup, latest_backup, restore
from warehouse.migrations import migrate

FORECAST = """INSERT INTO app.forecasts (unit_code, category_code, period_start, period_end, amount, label)
              VALUES ('303', 'ventes', '2025-01-01', '2025-03-31', ?, ?)"""


def labels(warehouse):
    with warehouse.read() as con:
        return con.execute("SELECT forecast_id, label FROM app.forecasts ORDER BY 1").fetchall()


def test_restore_brings_back_the_whole_warehouse(warehouse, config):
    migrate(warehouse)
    with warehouse.write() as con:
        con.execute(FORECAST, [300, "Plants"])
    saved = backup(warehouse, config.backups_path)
    with warehouse.write() as con:
        con.execute("DELETE FROM app.forecasts")
    restore(warehouse, latest_backup(config.backups_path))
    assert saved == latest_backup(config.backups_path)
    assert [label for _, label in labels(warehouse)] == ["Plants"]


def test_restoring_only_the_app_rows_keeps_ids_and_the_sequence(warehouse, config):
    migrate(warehouse)
    with warehouse.write() as con:
        con.execute(FORECAST, [300, "Plants"])
        con.execute(FORECAST, [100, "Graines"])
    saved = backup(warehouse, config.backups_path)
    warehouse.path.unlink()
    restore(warehouse, saved, app_only=True)
    before = labels(warehouse)
    assert [label for _, label in before] == ["Plants", "Graines"]
    with warehouse.write() as con:  # a new row gets a fresh id, not one already used
        con.execute(FORECAST, [50, "Terreau"])
    assert labels(warehouse)[-1][0] > before[-1][0]


def test_no_backup_is_a_clear_error(tmp_path):
    with pytest.raises(BackupError, match="Aucune sauvegarde"):
        latest_backup(tmp_path)


KILLED_AFTER_SAVE = """
import duckdb, os, signal, sys
con = duckdb.connect(sys.argv[1])
con.execute("INSERT INTO app.forecasts (unit_code, category_code, period_start, period_end, amount, label) "
            "VALUES ('303', 'ventes', '2025-01-01', '2025-03-31', 42, 'Sauvé avant la panne')")
os.kill(os.getpid(), signal.SIGKILL)  # committed, never closed: the save waits in the WAL
"""


def _save_then_die(warehouse):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", KILLED_AFTER_SAVE, str(warehouse.path)], timeout=60)
    assert done.returncode == -9
    wal = warehouse.path.with_name(warehouse.path.name + ".wal")
    assert wal.exists() and wal.stat().st_size > 0  # the situation of the report


def test_a_backup_right_after_a_save_whose_process_was_killed_restores_that_save(warehouse, config):
    migrate(warehouse)
    with warehouse.write() as con:
        con.execute(FORECAST, [300, "Plants"])
    _save_then_die(warehouse)
    saved = backup(warehouse, config.backups_path)
    # the warehouse is lost: only the backup remains
    for leftover in warehouse.path.parent.glob(warehouse.path.name + "*"):
        leftover.unlink()
    restore(warehouse, saved)
    assert [label for _, label in labels(warehouse)] == ["Plants", "Sauvé avant la panne"]


def test_restore_keeps_the_current_warehouse_and_its_wal_before_replacing_it(warehouse, config):
    migrate(warehouse)
    old = backup(warehouse, config.backups_path)
    _save_then_die(warehouse)
    kept = restore(warehouse, old)
    assert labels(warehouse) == []
    assert kept is not None and kept.name.endswith("avant-restauration")
    assert latest_backup(config.backups_path) == old  # `alambic restore` alone never picks it
    restore(warehouse, kept)
    assert [label for _, label in labels(warehouse)] == ["Sauvé avant la panne"]


def audit_lines(warehouse):
    with warehouse.read() as con:
        return con.execute("SELECT who, table_name, action, after::VARCHAR FROM app.audit_log ORDER BY audit_id").fetchall()


def test_a_restore_is_audited_and_app_only_keeps_the_audit_lines_written_after_the_backup(warehouse, config):
    from types import SimpleNamespace

    from models.base import audit

    def write_audit(con, login, *args):
        audit(con, SimpleNamespace(login=login), *args)

    migrate(warehouse)
    with warehouse.write() as con:
        write_audit(con, "ana", "forecasts", 1, "insert", None, {"label": "avant"})
    saved = backup(warehouse, config.backups_path)
    with warehouse.write() as con:
        write_audit(con, "bea", "forecasts", 1, "update", {"label": "avant"}, {"label": "après"})
    restore(warehouse, saved, app_only=True)
    lines = audit_lines(warehouse)
    assert [(who, action) for who, _, action, _ in lines] == [("ana", "insert"), ("bea", "update"), ("cli", "restore")]
    assert str(saved) in lines[-1][3] and '"app"' in lines[-1][3]
    restore(warehouse, saved)  # the whole warehouse: the history written since comes along too
    lines = audit_lines(warehouse)
    assert [(who, action) for who, _, action, _ in lines] == [
        ("ana", "insert"), ("bea", "update"), ("cli", "restore"), ("cli", "restore")]
    assert '"full"' in lines[-1][3] and "avant-restauration" in lines[-1][3]
    with warehouse.write() as con:  # the sequence is past every line: a new one gets a fresh id
        write_audit(con, "ana", "forecasts", 2, "insert", None, {"label": "encore"})
    assert len(audit_lines(warehouse)) == 5
