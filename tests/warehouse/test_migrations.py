from warehouse.migrations import MIGRATIONS_DIR, migrate


def test_migrations_apply_once_and_are_recorded(warehouse):
    applied = migrate(warehouse)
    assert applied == sorted(p.stem for p in MIGRATIONS_DIR.glob("*.sql"))
    assert migrate(warehouse) == []  # idempotent: nothing pending the second time
    with warehouse.read() as con:
        versions = [r[0] for r in con.execute("SELECT version FROM meta.migrations ORDER BY 1").fetchall()]
        schemas = {r[0] for r in con.execute("SELECT schema_name FROM duckdb_schemas()").fetchall()}
    assert versions == applied
    assert {"raw_odoo", "raw_tibillet", "raw_oceco", "app", "staging", "marts", "meta", "ref"} <= schemas


def test_second_migrate_does_not_touch_the_file(warehouse):
    migrate(warehouse)
    version = warehouse.data_version()
    migrate(warehouse)
    assert warehouse.data_version() == version


def test_amounts_are_exact_decimals(warehouse):
    migrate(warehouse)
    with warehouse.read() as con:
        types = con.execute(
            """SELECT DISTINCT data_type FROM duckdb_columns()
               WHERE schema_name = 'app' AND (column_name LIKE 'amount%' OR column_name = 'hourly_rate')"""
        ).fetchall()
    assert types and all(t[0].startswith("DECIMAL") for t in types)


import shutil

import pytest

import warehouse.migrations as migrations
from alambic.cli import main
from warehouse.migrations import MigrationError


@pytest.fixture
def own_migrations(tmp_path, monkeypatch):
    """A copy of sql/migrations that the test may edit."""
    folder = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, folder)
    monkeypatch.setattr(migrations, "MIGRATIONS_DIR", folder)
    return folder


def test_an_edited_applied_migration_is_refused_with_what_to_do(warehouse, own_migrations):
    migrate(warehouse)
    edited = own_migrations / "0002_app_tables.sql"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nCREATE TABLE app.oops (x INTEGER);\n", encoding="utf-8")
    (own_migrations / "0099_next.sql").write_text("CREATE TABLE app.next_one (x INTEGER);\n", encoding="utf-8")
    with pytest.raises(MigrationError) as refused:
        migrate(warehouse)
    message = str(refused.value)
    assert "sql/migrations/0002_app_tables.sql" in message and "modifiée" in message
    assert "nouvelle migration" in message and "alambic migrations --accept 0002_app_tables" in message
    with warehouse.read() as con:  # nothing was applied: neither the edit nor the pending one
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'app'").fetchall()}
        versions = {r[0] for r in con.execute("SELECT version FROM meta.migrations").fetchall()}
    assert not {"oops", "next_one"} & tables and "0099_next" not in versions


def test_an_edit_accepted_knowingly_lets_the_next_migrations_through(warehouse, own_migrations):
    migrate(warehouse)
    edited = own_migrations / "0001_schemas.sql"
    edited.write_text("-- a comment only\n" + edited.read_text(encoding="utf-8"), encoding="utf-8")
    (own_migrations / "0099_next.sql").write_text("CREATE TABLE app.next_one (x INTEGER);\n", encoding="utf-8")
    with pytest.raises(MigrationError):
        migrate(warehouse)
    migrations.accept_migration(warehouse, "0001_schemas")
    assert migrate(warehouse) == ["0099_next"]
    assert migrate(warehouse) == []


def test_the_command_line_shows_the_edit_and_accepts_it(config, own_migrations, capsys):
    from warehouse.build import build
    from warehouse.connection import Warehouse

    migrate(Warehouse.from_config(config))
    edited = own_migrations / "0004_users.sql"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n-- reformatted\n", encoding="utf-8")
    with pytest.raises(MigrationError):  # what every build and sync meets first
        build(Warehouse.from_config(config), config.settings())
    assert main(["--config", str(config.path), "migrations"]) == 1
    assert "0004_users : MODIFIÉE depuis son application" in capsys.readouterr().out
    assert main(["--config", str(config.path), "migrations", "--accept", "0099_none"]) == 1
    assert "Migration inconnue : 0099_none" in capsys.readouterr().err
    assert main(["--config", str(config.path), "migrations", "--accept", "0004_users"]) == 0
    assert main(["--config", str(config.path), "migrations"]) == 0
    assert "MODIFIÉE" not in capsys.readouterr().out


def test_the_numbering_gap_is_only_unused_numbers():
    """0006 and 0007 were never used; versions are whole file names, so the gap is harmless, and
    no two files share a number."""
    numbers = [p.name[:4] for p in MIGRATIONS_DIR.glob("*.sql")]
    assert len(numbers) == len(set(numbers))
