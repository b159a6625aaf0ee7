"""The `alambic` command as a user runs it (a real subprocess)."""

import subprocess
import sys


def alambic(*args, **kwargs):
    return subprocess.run(
        [sys.executable, "-m", "alambic.cli", *args], capture_output=True, text=True, timeout=120, **kwargs
    )


def test_help_lists_every_command_in_french():
    result = alambic("--help")
    assert result.returncode == 0
    for command in ["demo", "serve", "sync", "build", "schedule", "sql", "backup", "restore", "users", "export"]:
        assert command in result.stdout
    assert "l'outil de gestion interne" in result.stdout


def test_users_needs_an_action():
    result = alambic("users")
    assert result.returncode == 2
    assert "add" in result.stderr  # the usage names the actions (tests/auth/test_users_cli.py for the rest)


def test_a_missing_configuration_is_a_clear_error(tmp_path):
    result = alambic("--config", str(tmp_path / "absent.toml"), "build")
    assert result.returncode == 1
    assert "Fichier de configuration introuvable" in result.stderr


def test_sql_reads_and_refuses_writes(tmp_path):
    from tests.conftest import small_config
    from warehouse.build import build
    from warehouse.connection import Warehouse

    config = small_config(tmp_path)
    build(Warehouse.from_config(config), config.settings())
    config_file = config.path
    result = alambic("--config", str(config_file), "sql", "SELECT name FROM ref.units WHERE unit_code = '303'", "--csv")
    assert result.returncode == 0 and result.stdout.splitlines() == ["name", "Potager"]
    refused = alambic("--config", str(config_file), "sql", "DROP TABLE ref.units")
    assert refused.returncode == 1 and "Seules les lectures" in refused.stderr


def test_backup_then_restore_after_the_warehouse_is_deleted_gives_back_every_edit(tmp_path):
    from tests.conftest import small_config
    from warehouse.connection import Warehouse
    from warehouse.migrations import migrate

    config = small_config(tmp_path)
    warehouse = Warehouse.from_config(config)
    migrate(warehouse)
    with warehouse.write() as con:
        con.execute("""INSERT INTO app.forecasts (unit_code, category_code, period_start, period_end, amount, label, created_by)
                       VALUES ('303', 'ventes', '2025-01-01', '2025-12-31', 1234.56, 'Vente de plants', 'ana@exemple.re')""")
    assert alambic("--config", str(config.path), "backup").returncode == 0
    for path in tmp_path.glob("alambic.duckdb*"):
        path.unlink()
    restored = alambic("--config", str(config.path), "restore")
    assert restored.returncode == 0, restored.stderr
    with warehouse.read() as con:
        assert con.execute("SELECT label, amount::VARCHAR FROM app.forecasts").fetchall() == [("Vente de plants", "1234.56")]
