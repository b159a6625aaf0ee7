"""Read-only SQL for analysts (`alambic sql`, the SQL console page), safe on a shared warehouse.

Defence in depth: only one SELECT statement is accepted; the connection is read-only, with file
and network access switched off, extensions neither installed nor loaded, and its configuration
locked (no SET); a time limit interrupts a query that runs too long; a row cap bounds the answer.
"""

from __future__ import annotations

import re
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
    "lock_configuration": True,
}
DEFAULT_ROW_CAP = 10_000
# Tables the console never reads: the accounts hold password hashes.
PRIVATE_TABLES = {"app.users"}
# Table functions that run a query given as a string, out of reach of the check on table names.
QUERY_FUNCTIONS = re.compile(r"\bquery(_table)?\s*\(", re.IGNORECASE)
DEFAULT_TIME_LIMIT = 30.0


class QueryRefused(ValueError):
    """The query is not allowed or failed; the message says why, in French."""


@dataclass(frozen=True)
class ConsoleResult:
    columns: list[str]
    rows: list[tuple]
    truncated: bool  # more rows than the cap: only the first `row_cap` are shown

    @cached_property
    def frame(self) -> "pd.DataFrame":
        """The rows as a DataFrame (pandas imported only when asked: `alambic sql` can do without)."""
        import pandas as pd

        return pd.DataFrame(self.rows, columns=self.columns)

    def text(self) -> str:
        """The rows as an aligned text table (no pandas), « (aucune ligne) » when there is none."""
        if not self.rows:
            return "(aucune ligne)"
        cells = [list(map(str, self.columns))] + [["NULL" if v is None else str(v) for v in row] for row in self.rows]
        widths = [max(len(row[i]) for row in cells) for i in range(len(self.columns))]
        return "\n".join("  ".join(cell.rjust(width) for cell, width in zip(row, widths)) for row in cells)

    def write_csv(self, out) -> None:
        """The rows as CSV with a header line (no pandas)."""
        import csv

        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.columns)
        writer.writerows(["" if v is None else v for v in row] for row in self.rows)


def check_statement(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryRefused(f"Requête illisible : {_first_line(exc)}") from exc
    if len(statements) != 1:
        raise QueryRefused(f"Une seule requête à la fois, s'il vous plaît ({len(statements)} trouvées).")
    kind = statements[0].type
    if kind == duckdb.StatementType.SELECT:
        if reads_private_table(sql) or QUERY_FUNCTIONS.search(sql):
            raise QueryRefused("Refusé : les comptes (app.users) ne se lisent pas depuis la console.")
    if kind != duckdb.StatementType.SELECT:
        raise QueryRefused(
            f"Seules les lectures (SELECT) sont permises ici ; refusé : {kind.name}. "
            "L'entrepôt se modifie par les formulaires et les flux, pas par la console."
        )


def reads_private_table(sql: str) -> bool:
    """Whether the SELECT names a private table. DuckDB's table-name reader binds joins without
    the catalogue and fails on some valid queries (`JOIN … USING (col)`): then any mention of a
    private table's name, in any case or quoting, counts — refusing too much rather than too little."""
    try:
        read = {name.split(" AS ")[0].lower() for name in duckdb.get_table_names(sql, qualified=True)}
    except duckdb.Error:
        names = {table.split(".")[-1] for table in PRIVATE_TABLES}
        return any(re.search(rf"\b{re.escape(name)}\b", sql, re.IGNORECASE) for name in names)
    return bool(read & PRIVATE_TABLES)


def run_readonly(
    warehouse: Warehouse, sql: str, *, row_cap: int = DEFAULT_ROW_CAP, time_limit: float = DEFAULT_TIME_LIMIT
) -> ConsoleResult:
    with warehouse.read("console SQL", settings=LOCKED_SETTINGS) as con:
        check_statement(con, sql)
        timer = threading.Timer(time_limit, con.interrupt)
        timer.start()
        try:
            con.execute(sql)
            columns = [d[0] for d in con.description or []]
            rows = con.fetchmany(row_cap + 1)
        except duckdb.InterruptException as exc:
            raise QueryRefused(f"Requête arrêtée : plus de {time_limit:g} s d'exécution.") from exc
        except duckdb.PermissionException as exc:
            raise QueryRefused(
                "Refusé : la console n'a accès ni aux fichiers ni au réseau, seulement à l'entrepôt."
            ) from exc
        except duckdb.Error as exc:
            raise QueryRefused(f"Erreur SQL : {_first_line(exc)}") from exc
        finally:
            timer.cancel()
    return ConsoleResult(columns, rows[:row_cap], len(rows) > row_cap)


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0]
