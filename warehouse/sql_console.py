"""Read-only SQL for analysts (`alambic sql`, the SQL console page), safe on a shared warehouse.

Defence in depth: only one SELECT statement is accepted; the connection is read-only, with file
and network access switched off, extensions neither installed nor loaded, memory, threads and
spilling bounded, and its configuration locked (no SET); a time limit interrupts a query that
runs too long; a row cap and a size cap bound the answer.

The accounts (`app.users`: password hashes) are refused from what DuckDB's own binder and
optimizer resolve, not from the text: before running, the console asks DuckDB for the plan of the
query (`EXPLAIN (FORMAT json)`, bound plan before and after optimisation) and refuses it if
any scan in it reads a private table.
However the table is named (catalog-qualified, quoted, any case, through a CTE, a view, SUMMARIZE,
PIVOT, `query_table('…')`, `query('…')`), the plan names the table actually read. Table functions
that show a table's stored statistics (minimum and maximum values) are refused likewise.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import duckdb

from warehouse.connection import Warehouse

if TYPE_CHECKING:
    import pandas as pd

LOCKED_SETTINGS = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    # One analyst's query must not starve the server or the flows sharing the machine.
    "memory_limit": "1GB",
    "threads": 1,
    "max_temp_directory_size": "0B",  # nothing spilled to disk: over the memory limit, the query fails
    # EXPLAIN shows the plan as bound, before the optimizer: a scan the optimizer would prune
    # from the tables' statistics (an empty result) is still seen, and refused.
    "explain_output": "all",
    "lock_configuration": True,
}
DEFAULT_ROW_CAP = 10_000
DEFAULT_BYTE_CAP = 50_000_000  # about 50 MB of values in an answer
# Tables the console never reads: the accounts hold password hashes. "schema.table", lower case.
PRIVATE_TABLES = {"app.users"}
# Table functions that read a table's stored statistics (min / max of each column segment).
PRIVATE_FUNCTIONS = {"PRAGMA_STORAGE_INFO", "STORAGE_INFO"}
DEFAULT_TIME_LIMIT = 30.0
ACCOUNTS_REFUSED = "les comptes (app.users) ne se lisent pas depuis la console."


class QueryRefused(ValueError):
    """The query is not allowed or failed; the message says why, in French (without « Refusé : »
    twice: messages that refuse start with it, callers print them as they are)."""


@dataclass(frozen=True)
class ConsoleResult:
    columns: list[str]
    rows: tuple  # the rows as DuckDB gives them (Python values: ints stay ints, NULL is None)
    truncated: bool  # more rows than the cap (or than the size cap): only the first ones are shown
    limit_message: str = ""  # why the answer was cut, in French ("" when it was not)
    cut_by_size: bool = False  # cut because of its size in bytes (not its number of rows)

    @cached_property
    def frame(self) -> pd.DataFrame:
        """The rows as a DataFrame (pandas imported only when asked: `alambic sql` can do without)."""
        import pandas as pd

        return pd.DataFrame(self.rows, columns=self.columns)


def check_statement(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryRefused(f"Requête illisible : {_first_line(exc)}") from exc
    if len(statements) != 1:
        raise QueryRefused(f"Une seule requête à la fois, s'il vous plaît ({len(statements)} trouvées).")
    kind = statements[0].type
    if kind != duckdb.StatementType.SELECT:
        raise QueryRefused(
            f"Seules les lectures (SELECT) sont permises ici ; refusé : {kind.name}. "
            "L'entrepôt se modifie par les formulaires et les flux, pas par la console."
        )
    check_plan(con, sql)


def check_plan(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Refuse a SELECT whose bound plan reads a private table or a table's statistics."""
    try:
        rows = con.execute(f"EXPLAIN (FORMAT json) {sql}").fetchall()
    except duckdb.Error as exc:
        raise _refused(exc) from exc
    for _, plan in rows:
        for node in _nodes(json.loads(plan)):
            if node.get("name", "").upper() in PRIVATE_FUNCTIONS:
                raise QueryRefused("Refusé : les statistiques stockées des tables ne se lisent pas depuis la console.")
            table = (node.get("extra_info") or {}).get("Table")
            if isinstance(table, str) and _is_private(table):
                raise QueryRefused(f"Refusé : {ACCOUNTS_REFUSED}")


def _nodes(plan) -> list[dict]:
    found, stack = [], [plan]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            found.append(item)
            stack.extend(item.get("children") or [])
    return found


def _is_private(qualified: str) -> bool:
    # The plan names a table catalog.schema.table (identifiers as stored: lower case here).
    parts = [p.strip('"').lower() for p in qualified.split(".")]
    return len(parts) >= 2 and f"{parts[-2]}.{parts[-1]}" in PRIVATE_TABLES


def reads_private_table(con: duckdb.DuckDBPyConnection, sql: str) -> bool:
    """Whether the SELECT reads a private table (from its bound plan)."""
    try:
        check_plan(con, sql)
    except QueryRefused as exc:
        return ACCOUNTS_REFUSED in str(exc)
    return False


def _value_size(value) -> int:
    if value is None:
        return 1
    if isinstance(value, str | bytes | bytearray):
        return len(value)
    if isinstance(value, list | tuple):
        return sum(_value_size(v) for v in value) + 8
    if isinstance(value, dict):
        return sum(_value_size(k) + _value_size(v) for k, v in value.items()) + 8
    return 8


def bounded_query(sql: str, row_cap: int, byte_cap: int) -> str:
    """The query wrapped so that DuckDB itself stops at `row_cap` + 1 rows and about `byte_cap`
    bytes of values (each row measured as text): an answer too big for memory is never built.
    The first row past the size cap comes back with its values NULL and `__alambic_size` above the
    cap, so the caller knows the answer was cut. Order and types are kept."""
    return f"""SELECT CASE WHEN __alambic_size <= {int(byte_cap)}
                 THEN COLUMNS(__alambic_q.* EXCLUDE (__alambic_size, __alambic_row)) END,
       __alambic_size
FROM (SELECT *, sum(__alambic_row) OVER (ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS __alambic_size
      FROM (SELECT *, strlen(CAST(__alambic_inner AS VARCHAR)) AS __alambic_row
            FROM (
{sql}
) AS __alambic_inner)) AS __alambic_q
WHERE __alambic_size - __alambic_row <= {int(byte_cap)}
LIMIT {int(row_cap) + 1}"""


def run_readonly(
    warehouse: Warehouse,
    sql: str,
    *,
    row_cap: int = DEFAULT_ROW_CAP,
    time_limit: float = DEFAULT_TIME_LIMIT,
    byte_cap: int = DEFAULT_BYTE_CAP,
) -> ConsoleResult:
    with warehouse.read("console SQL", settings=LOCKED_SETTINGS) as con:
        check_statement(con, sql)
        statement = con.extract_statements(sql)[0].query.strip().rstrip(";")
        timer = threading.Timer(time_limit, con.interrupt)
        timer.start()
        try:
            try:
                names = con.sql(statement).columns  # bound, not run: the names as the query gives them
                con.execute(bounded_query(statement, row_cap, byte_cap))
            except (duckdb.BinderException, duckdb.ParserException, duckdb.ConversionException):
                # A query the wrapper cannot hold (e.g. a column type without a text form): run it
                # as it is, rows still capped (the size is then checked on the rows received).
                con.execute(statement)
                rows = con.fetchmany(row_cap + 1)
                return _capped(con, rows, row_cap, byte_cap, sized=False)
            rows = con.fetchall()
            return _capped(con, rows, row_cap, byte_cap, sized=True, names=names)
        except duckdb.InterruptException as exc:
            raise QueryRefused(f"Requête arrêtée : plus de {time_limit:g} s d'exécution.") from exc
        except duckdb.OutOfMemoryException as exc:
            raise QueryRefused(
                f"Requête arrêtée : elle demande plus de mémoire que la console n'en accorde "
                f"({LOCKED_SETTINGS['memory_limit']}). Filtrez ou agrégez davantage."
            ) from exc
        except duckdb.Error as exc:
            raise _refused(exc) from exc
        finally:
            timer.cancel()


def _capped(
    con, rows: list[tuple], row_cap: int, byte_cap: int, *, sized: bool, names: list[str] | None = None
) -> ConsoleResult:
    columns = [d[0] for d in con.description or []]
    kept, size, over_size = [], 0, False
    for row in rows:
        if sized:
            *values, size = row
            if size > byte_cap:
                over_size = True
                break
        else:
            values = row
            size += sum(_value_size(v) for v in row)
            if size > byte_cap:
                over_size = True
                break
        kept.append(tuple(values))
    if sized:
        columns = list(names) if names is not None and len(names) == len(columns) - 1 else columns[:-1]
    message = ""
    if over_size:
        message = (
            f"réponse trop volumineuse (plus de {byte_cap / 1e6:g} Mo) : seules les {len(kept)} "
            "premières lignes sont affichées. Sélectionnez moins de colonnes ou des valeurs plus courtes."
        )
    elif len(kept) > row_cap:
        kept = kept[:row_cap]
        message = f"seules les {row_cap} premières lignes sont affichées."
    return ConsoleResult(columns, tuple(kept), bool(message), message, over_size)


def _refused(exc: duckdb.Error) -> QueryRefused:
    """DuckDB's refusal of a file or network access, or its SQL error, in French."""
    if isinstance(exc, duckdb.PermissionException):
        return QueryRefused("Refusé : la console n'a accès ni aux fichiers ni au réseau, seulement à l'entrepôt.")
    return QueryRefused(f"Erreur SQL : {_first_line(exc)}")


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0]
