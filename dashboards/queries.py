"""Run the page queries of `sql/queries/<page>/<name>.sql` through the warehouse cache.

Every figure a page shows comes from one of these files (docs/architecture.md §4.1): the Python
code only chooses the parameters ($unit, $date_from, $date_to …) and formats the answer.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pandas as pd

from warehouse import SQL_DIR
from warehouse.connection import Warehouse

QUERIES_DIR = SQL_DIR / "queries"


def query_path(name: str) -> Path:
    """`suivi_budgetaire/recap` → sql/queries/suivi_budgetaire/recap.sql"""
    return QUERIES_DIR / f"{name}.sql"


INCLUDE = re.compile(r"^-- include: (\S+\.sql)$", re.MULTILINE)


@cache
def query_sql(name: str) -> str:
    """The query's text, with each `-- include: <page>/<fragment>.sql` line replaced by that file
    (CTEs several queries of a page share; fragment files start with `_` and may include others).

    Read once per process; `alambic serve --dev` calls `reload_sql()` when a file of sql/ changes."""
    return _expanded(query_path(name).read_text(encoding="utf-8"), seen=(name,))


@cache
def file_sql(path: Path) -> str:
    """The text of a page query outside sql/queries (a declared page's sql/pages/<slug>.sql), read once."""
    return _expanded(Path(path).read_text(encoding="utf-8"), seen=(str(path),))


def reload_sql() -> None:
    """Forget the query texts read so far: the next page opened reads the files again."""
    query_sql.cache_clear()
    file_sql.cache_clear()


def _expanded(text: str, seen: tuple[str, ...]) -> str:
    def fragment(match: re.Match) -> str:
        name = match.group(1).removesuffix(".sql")
        if name in seen:
            raise ValueError(f"sql/queries: inclusion circulaire de {match.group(1)} ({' → '.join(seen)})")
        return _expanded(query_path(name).read_text(encoding="utf-8").rstrip(), seen=(*seen, name))

    return INCLUDE.sub(fragment, text)


def run_query(warehouse: Warehouse, name: str, **params) -> pd.DataFrame:
    """The answer of one page query, cached until the warehouse's data version changes.

    The frame is shared with other sessions: copy it before changing it.
    """
    return warehouse.query(query_sql(name), params)


PARAMETER = re.compile(r"\$([A-Za-z_]\w*)")


def run_sql(warehouse: Warehouse, sql: str, **params) -> pd.DataFrame:
    """`run_query` for a query text: only the parameters the text uses are passed ($unit …)."""
    used = set(PARAMETER.findall(sql))
    return warehouse.query(sql, {key: value for key, value in params.items() if key in used})
