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
