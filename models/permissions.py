"""Who may change what (docs/architecture.md §4.3), checked in `save`/`delete` on the server.

- 'admin' and 'finance' edit every unit;
- a 'member' edits a unit's forecasts, transfers and subsidies only while holding the budget role
  ([permissions] budget_role, by default `referent_budget_subvention`; app.role_assignments, by
  e-mail) on that unit or on a unit above it in the tree (ref.units.parent_code);
- anyone else, or nobody logged in, edits nothing.

Pages may use `can_edit` / `editable_units` to hide buttons, but hiding is not the rule: a forged
write still goes through `require`, which refuses it before anything is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

import duckdb

from alambic.users import ADMIN, FINANCE, MEMBER
from models.errors import Forbidden
from warehouse.connection import Warehouse

EDIT_EVERY_UNIT = {ADMIN, FINANCE}
BUDGET_ROLE = "referent_budget_subvention"  # default of [permissions] budget_role (alambic/config.py)


class Who(Protocol):
    login: str
    email: str | None
    role: str


@dataclass(frozen=True)
class Actor:
    """Who writes: the login goes into the audit, the e-mail finds the roles held, the role gives
    the rights. `alambic.users.User` carries the same attributes."""

    login: str
    email: str | None = None
    role: str = MEMBER


@contextmanager
def connection(source: Warehouse | duckdb.DuckDBPyConnection | None, what: str = "lecture") -> Iterator:
    """A connection from a Warehouse (opened for reading, closed after) or the one given."""
    if isinstance(source, Warehouse):
        with source.read(what) as con:
            yield con
    else:
        yield source


def editable_units(source, who: Who | None) -> set[str] | None:
    """The unit codes `who` may edit; None means every unit."""
    role = getattr(who, "role", None)
    if role in EDIT_EVERY_UNIT:
        return None
    if role != MEMBER:
        return set()
    if isinstance(source, Warehouse):  # a page: both reads through its query cache
        return units_under_role(source, getattr(who, "email", None), budget_role(source))
    with connection(source, "droits de saisie") as con:
        return units_under_role(con, getattr(who, "email", None), budget_role(con))


def _rows(source, sql: str, params: list) -> list[tuple]:
    """A Warehouse answers from its page-query cache (kept until the next committed write, so a
    right granted or ended shows at once); a connection (a write's transaction) reads live."""
    if isinstance(source, Warehouse):
        return list(source.query(sql, params).itertuples(index=False, name=None))
    with connection(source, "droits de saisie") as con:
        return con.execute(sql, params).fetchall()


def budget_role(source) -> str:
    """The role that gives budget rights: [permissions] budget_role, as the last build wrote it
    to ref.settings (the configuration checks that [[roles]] has it); BUDGET_ROLE before any build."""
    try:
        rows = _rows(source, "SELECT value FROM ref.settings WHERE key = 'budget_role'", [])
    except duckdb.CatalogException:
        rows = []
    return rows[0][0] if rows and rows[0][0] else BUDGET_ROLE


def units_under_role(source, email: str | None, role_code: str) -> set[str]:
    """The units where `email` holds `role_code` today, and every unit below them."""
    if not email:
        return set()
    today = dt.date.today()
    rows = _rows(
            source,
            """
            WITH RECURSIVE held(unit_code) AS (
                SELECT unit_code FROM app.role_assignments
                WHERE lower(trim(person_email)) = lower(trim(?)) AND role_code = ?
                  AND started_on <= ?::DATE AND (ended_on IS NULL OR ended_on >= ?::DATE)
                UNION
                SELECT units.unit_code FROM ref.units AS units JOIN held ON units.parent_code = held.unit_code
            )
            SELECT unit_code FROM held
            """,
            # today as a parameter, not current_date: a cached answer is never one of yesterday's
            [email, role_code, today, today],
        )
    return {r[0] for r in rows}


def can_edit(source, who: Who | None, unit_code: str) -> bool:
    units = editable_units(source, who)
    return units is None or unit_code in units


def require(con: duckdb.DuckDBPyConnection, who: Who | None, unit_codes: Iterable[str], subject: str) -> None:
    """Raise Forbidden unless `who` may edit every unit of `unit_codes`; `subject` e.g. « les prévisionnels »."""
    if not getattr(who, "login", None):
        raise Forbidden("Connectez-vous pour enregistrer une modification.")
    allowed = editable_units(con, who)
    if allowed is None:
        return
    refused = sorted({code for code in unit_codes if code is not None} - allowed)
    if refused:
        raise Forbidden(
            f"Vous ne pouvez pas modifier {subject} de l'unité {unit_name(con, refused[0])} : seul·es "
            "les référent·es budget et subventions de cette unité (ou d'une unité qui la contient) "
            "et le groupe finance le peuvent. Rien n'a été enregistré."
        )


def unit_name(con: duckdb.DuckDBPyConnection, code: str) -> str:
    """« 303 (Potager) », or the bare code when the unit is unknown."""
    rows = con.execute("SELECT name FROM ref.units WHERE unit_code = ?", [code]).fetchall()
    return f"{code} ({rows[0][0]})" if rows else code
