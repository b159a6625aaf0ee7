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
