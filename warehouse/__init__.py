"""The DuckDB warehouse: sharing policy, migrations, raw loads and the SQL model build."""

import os
from pathlib import Path

# In a checkout, sql/ is beside this package; an installed wheel carries it inside the package
# (pyproject.toml, [tool.hatch.build.targets.wheel.force-include]).
_HERE = Path(__file__).resolve().parent
SQL_DIR = _HERE / "sql" if (_HERE / "sql").is_dir() else _HERE.parent / "sql"
# ALAMBIC_SQL_DIR: another sql/ folder (a copy being edited, the tutorials' tests), read at import.
if os.environ.get("ALAMBIC_SQL_DIR"):
    SQL_DIR = Path(os.environ["ALAMBIC_SQL_DIR"]).resolve()
