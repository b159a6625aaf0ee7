"""The audit trail (app.audit_log): which Record writes each table, and reading the lines.

Every form write leaves a line (who, when, table, row, action, before, after), written by
`models.base.Record` in the write's own transaction. This module is the registry of the Records
behind the tables and the reading of the log (admin and finance only). How a line is shown in
French is `models.audit_display`; undoing a line is `models.audit_undo`.

Which Record undoes a table — the registry. A Record subclass is found by its `table` without
any registration, as long as its module is imported by the `models` package (`models/__init__.py`):
the registry walks `Record.__subclasses__()`. `register(Record)` chooses a class explicitly (when
several classes share a table); `register(Child, parent=Parent, link="parent_id")` declares a
child table saved through its parent, like the instalments below. Tables written outside the
Record machinery (app.users, by `alambic users`) are listed but not undoable.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import pandas as pd

from models import permissions
from models.base import Record, fetch_dicts
from models.errors import Forbidden, NotFound
from models.subsidy import Instalment, Subsidy
from models.transfer import InternalTransfer

JOURNAL_ROLES = (permissions.ADMIN, permissions.FINANCE)
ACTIONS = ("insert", "update", "delete", "undo_insert", "undo_update", "undo_delete")
# What a line did to its row: an undo of a delete re-creates the row, of an insert removes it.
EFFECT = {
    "insert": "insert", "update": "update", "delete": "delete",
    "undo_insert": "delete", "undo_update": "update", "undo_delete": "insert",
}
ACTION_LABELS = {
    "insert": "Création",
    "update": "Modification",
    "delete": "Suppression",
    "undo_insert": "Annulation d'une création",
    "undo_update": "Annulation d'une modification",
    "undo_delete": "Annulation d'une suppression",
}
# -- the registry: table → Record ------------------------------------------------------------------

_explicit: dict[str, type[Record]] = {}
_parents: dict[str, tuple[str, str]] = {}  # child table → (parent table, link column)
_batches: dict[str, tuple[str, str]] = {}  # table → (column, what the batch is, in French)


def register(record_type: type[Record], *, parent: type[Record] | None = None, link: str | None = None,
             batch: str | None = None, batch_label: str = ""):
    """Make `record_type` the Record that undoes changes of its table (usable as a decorator).

    parent/link: the rows of `record_type` are saved only through `parent` (e.g. a subsidy's
    instalments), `link` being their column holding the parent's id; they are undone with it.
    batch: rows of this table written in one transaction by one person with the same non-empty
    value in this column are one change, undone together (e.g. the transfers of a soirée's
    dispatch, by their event_id); `batch_label` names it in messages (« la répartition … »).
    """
    if not record_type.table:
        raise ValueError(f"{record_type.__name__} has no table")
    if (parent is None) != (link is None):
        raise ValueError("give both parent and link, or neither")
    _explicit[record_type.table] = record_type
    if parent is not None:
        _explicit.setdefault(parent.table, parent)
        _parents[record_type.table] = (parent.table, link)
    if batch is not None:
        _batches[record_type.table] = (batch, batch_label or "un même enregistrement")
    return record_type


def _all_subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_all_subclasses(sub))
    return found


def records() -> dict[str, type[Record]]:
    """Every table an undo can reach, with its Record: explicit registrations first, then each
    Record subclass of the `models` package by its `table` (the most general class of a table)."""
    import models  # noqa: F401 — imports every record module the package exports

    found: dict[str, list[type[Record]]] = {}
    for cls in _all_subclasses(Record):
        if cls.table and cls.__module__.split(".")[0] == "models":
            found.setdefault(cls.table, []).append(cls)
    chosen = {}
    for table, classes in found.items():
        roots = [c for c in classes if not any(issubclass(c, other) and c is not other for other in classes)]
        if len(roots) == 1:
            chosen[table] = roots[0]
    chosen.update(_explicit)
    return chosen


def record_type(table: str) -> type[Record] | None:
    return records().get(table)


def parent_of(table: str) -> tuple[str, str] | None:
    """(parent table, link column) when `table`'s rows are saved through a parent."""
    return _parents.get(table)


def children_of(table: str) -> list[tuple[str, str]]:
    """(child table, link column) of every table whose rows are saved through `table`'s rows."""
    return [(child, link) for child, (parent, link) in _parents.items() if parent == table]


def batch_of(table: str) -> tuple[str, str] | None:
    """(column, what the batch is, in French) when `table`'s rows are written in batches."""
    return _batches.get(table)


register(Instalment, parent=Subsidy, link="subsidy_id")
# models.dispatch writes a soirée's dispatch as transfers (event_id = the soirée) in one transaction,
# replacing the previous ones: undoing one of them alone would break « the parts add up to the takings ».
register(InternalTransfer, batch="event_id", batch_label="la répartition des recettes d'une soirée")


# -- reading ---------------------------------------------------------------------------------------


def require_reader(who) -> None:
    """The change log is for admin and finance (whatever a page shows or hides)."""
    if not getattr(who, "login", None):
        raise Forbidden("Connectez-vous pour consulter le journal des modifications.")
    if getattr(who, "role", None) not in JOURNAL_ROLES:
        raise Forbidden(
            "Le journal des modifications est réservé au groupe finances et aux administrateur·rices : "
            "vous ne pouvez ni le consulter ni y annuler une modification."
        )


@dataclass(frozen=True)
class AuditEntry:
    """One line of app.audit_log, its JSON decoded."""

    audit_id: int
    changed_at: dt.datetime
    who: str
    table_name: str
    row_id: int
    action: str
    before: dict | None
    after: dict | None
    undoes: int | None = None

    @property
    def effect(self) -> str:
        """'insert' | 'update' | 'delete': what the line did to the row."""
        return EFFECT.get(self.action, self.action)

    @property
    def is_undo(self) -> bool:
        return self.action.startswith("undo_")

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)

    @classmethod
    def from_row(cls, row: dict) -> AuditEntry:
        def decode(value):
            # A NULL before/after (a creation, a deletion) arrives as None from DuckDB's rows but
            # as NaN from a data frame: both mean « no row ».
            if isinstance(value, str):
                return json.loads(value)
            return value if isinstance(value, dict) else None

        return cls(
            audit_id=int(row["audit_id"]), changed_at=row["changed_at"], who=row["who"],
            table_name=row["table_name"], row_id=int(row["row_id"]), action=row["action"],
            before=decode(row["before"]), after=decode(row["after"]),
            undoes=None if row.get("undoes") is None or pd.isna(row.get("undoes")) else int(row["undoes"]),
        )


AUDIT_COLUMNS = "audit_id, changed_at, who, table_name, row_id, action, before::VARCHAR AS before, " \
                "after::VARCHAR AS after, undoes"

# Filters are optional ($x IS NULL: no filter). The period is read in the organisation's time
# zone (ref.settings), half-open like every period: date_from ≤ day < date_to. The unit keeps the
# lines whose row (after, else before) names that unit or a unit below it (marts.org_rollup), in
# unit_code, from_unit or to_unit; lines of rows without a unit are left out when a unit is chosen.
AUDIT_SQL = f"""
WITH scope AS (SELECT unit_code FROM marts.org_rollup WHERE ancestor_code = $unit),
zone AS (SELECT coalesce(max(value), 'UTC') AS tz FROM ref.settings WHERE key = 'timezone')
SELECT {AUDIT_COLUMNS}
FROM app.audit_log, zone
WHERE ($table IS NULL OR table_name = $table)
  AND ($who IS NULL OR who = $who)
  AND ($date_from IS NULL OR timezone(zone.tz, changed_at)::DATE >= $date_from)
  AND ($date_to IS NULL OR timezone(zone.tz, changed_at)::DATE < $date_to)
  AND ($unit IS NULL OR list_has_any(
        [json_extract_string(coalesce(after, before), '$.unit_code'),
         json_extract_string(coalesce(after, before), '$.from_unit'),
         json_extract_string(coalesce(after, before), '$.to_unit')],
        (SELECT list(unit_code) FROM scope)))
ORDER BY audit_id DESC
LIMIT $limit
"""

RUNS_SQL = """
WITH zone AS (SELECT coalesce(max(value), 'UTC') AS tz FROM ref.settings WHERE key = 'timezone')
SELECT run_id, kind, target, started_at, finished_at,
       date_diff('millisecond', started_at, finished_at) / 1000.0 AS seconds,
       rows_in, rows_new, rows_changed, rows_unchanged, outcome, message
FROM meta.runs, zone
WHERE ($date_from IS NULL OR timezone(zone.tz, started_at)::DATE >= $date_from)
  AND ($date_to IS NULL OR timezone(zone.tz, started_at)::DATE < $date_to)
ORDER BY run_id DESC
LIMIT $limit
"""


def read_audit(warehouse, reader, *, table: str | None = None, who: str | None = None,
               date_from: dt.date | None = None, date_to: dt.date | None = None,
               unit: str | None = None, limit: int = 1000) -> pd.DataFrame:
    """The latest audit lines (newest first), filtered; JSON columns as text (see AuditEntry).

    Cached by the warehouse's data version, like the page queries; the frame is shared: copy it
    before changing it.
    """
    require_reader(reader)
    return warehouse.query(AUDIT_SQL, {"table": table, "who": who, "date_from": date_from,
                                       "date_to": date_to, "unit": unit, "limit": int(limit)})


def read_runs(warehouse, reader, *, date_from: dt.date | None = None, date_to: dt.date | None = None,
              limit: int = 200) -> pd.DataFrame:
    """The latest flow loads, builds and migrations recorded in meta.runs (newest first)."""
    require_reader(reader)
    return warehouse.query(RUNS_SQL, {"date_from": date_from, "date_to": date_to, "limit": int(limit)})


def filter_choices(warehouse, reader) -> tuple[list[str], list[str]]:
    """(tables, authors) present in the audit, for the page's filters."""
    require_reader(reader)
    tables = warehouse.query("SELECT DISTINCT table_name FROM app.audit_log ORDER BY 1")["table_name"].tolist()
    authors = warehouse.query("SELECT DISTINCT who FROM app.audit_log ORDER BY 1")["who"].tolist()
    return tables, authors


def entry_in(con, audit_id: int) -> AuditEntry:
    rows = fetch_dicts(con, f"SELECT {AUDIT_COLUMNS} FROM app.audit_log WHERE audit_id = ?", [int(audit_id)])
    if not rows:
        raise NotFound(f"La ligne n° {audit_id} du journal n'existe pas.")
    return AuditEntry.from_row(rows[0])


def entry(warehouse, reader, audit_id: int) -> AuditEntry:
    require_reader(reader)
    with permissions.connection(warehouse, "journal des modifications") as con:
        return entry_in(con, audit_id)
