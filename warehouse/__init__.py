"""The DuckDB warehouse: sharing policy, migrations, raw loads and the SQL model build."""

from pathlib import Path

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
