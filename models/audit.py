"""The audit trail (app.audit_log): read it, and undo one change through the form model that made it.

Issue 6, « Audit »: every form write leaves a line (who, when, table, row, action, before, after),
written by `models.base.Record` in the write's own transaction. This module lets admin and finance
read those lines and undo one of them. An undo is an ordinary write of the same Record:

- the row goes back to the line's `before` (undo of an insert: the row is deleted; of a delete:
  the row is inserted again with the same id; of an update: the values before are restored);
- the Record validates it, checks the user's rights on the units (`authorise`) and its
  `row_version`, and audits it, all in one transaction;
- only the latest change of a row can be undone: if the row changed after the line (a later
  audit line, or a version that is not the line's `after`), the undo is refused with `Conflict`
  and a French message saying what changed since, and nothing is written;
- the undo's own audit lines say they are undos: `action` is 'undo_insert' | 'undo_update' |
  'undo_delete' (the kind of change reversed) and `undoes` is the audit_id reversed
  (migration 0008). An undo can itself be undone (that redoes the change).

Children saved through a parent (a subsidy's instalments, saved with `Subsidy.save_in`) are undone
with their parent: a parent's line and its children's lines written in the same transaction (same
`changed_at` — DuckDB's current_timestamp is the transaction's start — same author, the child's
link column naming the parent) form one change, undone together. Undoing an instalment's line
undoes the whole subsidy save it belonged to (`plan()` says so before the user confirms); an
instalment line without its subsidy's line in the same transaction is refused (`NotUndoable`).

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
from decimal import Decimal
from zoneinfo import ZoneInfo

import pandas as pd

from dashboards import formatting
from models import permissions
from models.base import BOOKKEEPING, Record, cls_agree, fetch_dicts, when
from models.errors import Conflict, Forbidden, NotFound
from models.fields import REFERENCES, Amount, Day, FieldError, Reference
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
BOOKKEEPING_LABELS = {
    "created_at": "Créé le",
    "created_by": "Créé par",
    "updated_at": "Modifié le",
    "updated_by": "Modifié par",
    "row_version": "Version",
}
NOT_RECORDS = {
    "users": "Les comptes de connexion ne s'annulent pas depuis le journal : utilisez « alambic users » "
    "(passwd, disable, enable). Rien n'a été modifié.",
    "warehouse": "Une restauration ne s'annule pas depuis le journal : l'entrepôt d'avant est gardé dans "
    "le dossier « …-avant-restauration » des sauvegardes (« alambic restore <dossier> »). Rien n'a été modifié.",
}


class NotUndoable(RuntimeError):
    """This line cannot be undone from the change log (the message, French, says why and what to do)."""


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


register(Instalment, parent=Subsidy, link="subsidy_id")
# models.dispatch writes a soirée's dispatch as transfers (event_id = the soirée) in one transaction,
# replacing the previous ones: undoing one of them alone would break « the parts add up to the takings ».
register(InternalTransfer, batch="event_id", batch_label="la répartition des recettes d'une soirée")


# -- labels ----------------------------------------------------------------------------------------


def _noun_stem(noun: str) -> str:
    """« ce prévisionnel » → « prévisionnel »; « cette échéance » → « échéance »."""
    for article in ("cette ", "cet ", "ce ", "la ", "le ", "l'", "les "):
        if noun.startswith(article):
            return noun[len(article):]
    return noun


def table_label(table: str) -> str:
    """What a table holds, for the journal: a Record's `table_label` if it declares one, else its
    `subject` without the article (« les prévisionnels » → « Prévisionnels »), else the name."""
    rtype = record_type(table)
    if rtype is None:
        return table
    label = getattr(rtype, "table_label", "") or _noun_stem(rtype.subject)
    return label[:1].upper() + label[1:]


def field_labels(table: str) -> dict[str, str]:
    """column → French label: the Record's field labels, its key, the link to a parent, bookkeeping."""
    labels = {}
    rtype = record_type(table)
    if rtype is not None:
        labels[rtype.key] = "N°"
        labels.update({name: field.label or name for name, field in rtype.fields().items()})
    link = parent_of(table)
    if link is not None:
        parent = record_type(link[0])
        stem = _noun_stem(parent.noun) if parent is not None else link[0]
        labels[link[1]] = f"{stem[:1].upper()}{stem[1:]} (n°)"
    labels.update(BOOKKEEPING_LABELS)
    return labels


def typed(table: str, row: dict | None) -> dict | None:
    """A row of the audit's JSON with its fields back to their stored types (dates, Decimal)."""
    if not isinstance(row, dict):
        return None
    rtype = record_type(table)
    fields = rtype.fields() if rtype is not None else {}
    out = {}
    for name, value in row.items():
        field = fields.get(name)
        if field is not None and value is not None:
            try:
                value = field.clean(value)
            except FieldError:
                pass
        elif name in ("created_at", "updated_at") and isinstance(value, str):
            try:
                value = dt.datetime.fromisoformat(value)
            except ValueError:
                pass
        out[name] = value
    return out


def reference_labels(warehouse) -> dict[str, dict[str, str]]:
    """ref → {code: label} for every Reference field (units, categories, roles): the journal shows
    « Jardin partagé », not « 303 »."""
    out = {}
    for ref, (source, code, label, _message) in REFERENCES.items():
        try:
            frame = warehouse.query(f"SELECT {code} AS code, {label} AS label FROM {source}")
        except Exception:  # noqa: BLE001 - a warehouse not built yet: codes stay codes
            frame = None
        out[ref] = {} if frame is None else dict(zip(frame["code"].astype(str), frame["label"].astype(str)))
    return out


def display(table: str, name: str, value, zone: str | None = None,
            labels: dict[str, dict[str, str]] | None = None) -> str:
    """A value as the journal shows it: dates and amounts in French, empty as « — », a unit or a
    category by its name when `labels` (reference_labels) knows it; a time stamp in the time zone
    `zone` (the organisation's) when given."""
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return "—"
    rtype = record_type(table)
    field = rtype.fields().get(name) if rtype is not None else None
    if isinstance(field, Reference) and labels is not None:
        return labels.get(field.ref, {}).get(str(value), str(value))
    if isinstance(value, dt.datetime):
        if zone and value.tzinfo is not None:
            value = value.astimezone(ZoneInfo(zone))
        return f"{formatting.date(value)} à {value:%H:%M}"
    if isinstance(field, Amount) or isinstance(value, Decimal):
        return formatting.money(value)
    if isinstance(field, Day) or isinstance(value, dt.date):
        return formatting.date(value)
    if isinstance(value, bool):
        return "oui" if value else "non"
    return str(value)


def row_summary(table: str, row: dict | None, labels: dict[str, dict[str, str]] | None = None) -> str:
    """Which row, in a few words: its first filled fields (« Jardin · Fournitures · 01/01/2025 »)."""
    row = typed(table, row)
    if not row:
        return ""
    rtype = record_type(table)
    names = list(rtype.fields()) if rtype is not None else [n for n in ("login", "email", "role") if n in row]
    parts = [display(table, n, row.get(n), labels=labels) for n in names if row.get(n) not in (None, "")]
    return " · ".join(parts[:4])


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
    def from_row(cls, row: dict) -> "AuditEntry":
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


@dataclass(frozen=True)
class Change:
    """One column of a line, before and after, as the journal compares them."""

    name: str
    label: str
    before: object
    after: object

    @property
    def changed(self) -> bool:
        return self.before != self.after


def changes(line: AuditEntry) -> list[Change]:
    """Every column of the row, before and after the change, labelled; the form's fields first."""
    before, after = typed(line.table_name, line.before) or {}, typed(line.table_name, line.after) or {}
    labels = field_labels(line.table_name)
    names = [n for n in labels if n in before or n in after]
    names += sorted(n for n in {*before, *after} if n not in labels)
    rtype = record_type(line.table_name)
    first = list(rtype.fields()) if rtype is not None else []
    position = {n: i for i, n in enumerate(names)}
    names = sorted(names, key=lambda n: (0, first.index(n)) if n in first else (1, position[n]))
    return [Change(n, labels.get(n, n), before.get(n), after.get(n)) for n in names]


# -- undo ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UndoPlan:
    """What undoing a line will do: the lines reversed (the line, or its parent's whole save) and
    a French sentence for the confirmation."""

    line: AuditEntry
    lines: tuple[AuditEntry, ...]  # the parent line first, then its children
    message: str


@dataclass(frozen=True)
class Undone:
    audit_id: int
    lines: tuple[int, ...]  # the audit lines the undo wrote
    tables: tuple[str, ...]
    message: str


def _lines_in(con, where: str, params: list) -> list[AuditEntry]:
    return [AuditEntry.from_row(r) for r in
            fetch_dicts(con, f"SELECT {AUDIT_COLUMNS} FROM app.audit_log WHERE {where} ORDER BY audit_id", params)]


def _children_in(con, parent: AuditEntry) -> list[AuditEntry]:
    """The lines of the rows saved through `parent`'s row in the same transaction."""
    found = []
    for child_table, (parent_table, link) in _parents.items():
        if parent_table != parent.table_name:
            continue
        path = f"$.{link}"
        found += _lines_in(
            con,
            "table_name = ? AND changed_at = ? AND who = ? "
            "AND coalesce(json_extract_string(after, ?), json_extract_string(before, ?)) = ?",
            [child_table, parent.changed_at, parent.who, path, path, str(parent.row_id)],
        )
    return found


def _describe(line: AuditEntry, done: bool = False) -> str:
    """« prévisionnel n° 12 sera supprimé·e (…) » — or, once done, « … est supprimé·e »."""
    rtype = record_type(line.table_name)
    noun = _noun_stem(rtype.noun) if rtype is not None else line.table_name
    full = rtype.noun if rtype is not None else ""
    deleted, recreated = cls_agree(full, "supprimé"), cls_agree(full, "recréé")
    what = {
        "insert": (f"sera {deleted} (sa création est annulée)", f"est {deleted} (sa création est annulée)"),
        "update": ("reprendra ses valeurs d'avant", "a repris ses valeurs d'avant"),
        "delete": (f"sera {recreated} avec le même numéro", f"est {recreated} avec le même numéro"),
    }[line.effect][done]
    return f"{noun} n° {line.row_id} {what}"


def plan_in(con, audit_id: int) -> UndoPlan:
    """The lines an undo of `audit_id` reverses; raises NotFound or NotUndoable."""
    line = entry_in(con, audit_id)
    if line.table_name in NOT_RECORDS:
        raise NotUndoable(NOT_RECORDS[line.table_name])
    if record_type(line.table_name) is None:
        raise NotUndoable(
            f"Les modifications de la table « {line.table_name} » ne peuvent pas être annulées depuis le "
            "journal : aucun formulaire ne l'enregistre. Rien n'a été modifié."
        )
    head, note = line, ""
    link = parent_of(line.table_name)
    if link is not None:
        parent_table, column = link
        row = line.after or line.before or {}
        parents = _lines_in(con, "table_name = ? AND row_id = ? AND changed_at = ? AND who = ?",
                            [parent_table, int(row.get(column) or -1), line.changed_at, line.who])
        child, parent = record_type(line.table_name), record_type(parent_table)
        if not parents:
            raise NotUndoable(
                f"{child.noun.capitalize()} (n° {line.row_id}) n'a pas été enregistré·e en même temps que "
                f"{parent.noun} : l'annuler seul·e ne serait pas sûr. Corrigez-la depuis le formulaire "
                f"({_noun_stem(parent.noun)}). Rien n'a été modifié."
            )
        head = parents[-1]
        note = (f"{child.noun.capitalize()} (n° {line.row_id}) faisait partie d'un enregistrement de "
                f"{_noun_stem(parent.noun)} n° {head.row_id} (ligne n° {head.audit_id} du journal) : tout cet "
                "enregistrement est annulé. ")
    lines = [head, *_children_in(con, head)]
    batch = _batches.get(line.table_name)
    value = (line.after or line.before or {}).get(batch[0]) if batch else None
    if batch and value not in (None, ""):
        path = f"$.{batch[0]}"
        lines = _lines_in(
            con,
            "table_name = ? AND changed_at = ? AND who = ? "
            "AND coalesce(json_extract_string(after, ?), json_extract_string(before, ?)) = ?",
            [line.table_name, line.changed_at, line.who, path, path, str(value)],
        )
        head = lines[0]
        if len(lines) > 1:
            note = (f"Cette ligne fait partie de {batch[1]} ({value}), enregistrée en une fois "
                    f"({len(lines)} lignes du journal) : tout cet enregistrement est annulé. ")
    parts = [_describe(head)]
    parts += [_describe(c) for c in lines[1:]]
    message = (note + f"Annuler la modification n° {head.audit_id} ({head.action_label.lower()} par "
               f"{head.who}, le {when(con, head.changed_at)}) : " + " ; ".join(parts) + ".")
    return UndoPlan(line, tuple(lines), message)


def _current(con, rtype: type[Record], row_id: int) -> dict | None:
    rows = fetch_dicts(con, f"SELECT * FROM app.{rtype.table} WHERE {rtype.key} = ?", [row_id])
    return rows[0] if rows else None


def check_in(con, plan: UndoPlan) -> None:
    """Refuse (Conflict) unless each row is still as its line left it: the line is the row's latest
    and the stored version is the line's `after` (or, after a delete, the row is still absent)."""
    for line in plan.lines:
        rtype = record_type(line.table_name)
        noun = rtype.noun
        current = _current(con, rtype, line.row_id)
        later = _lines_in(con, "table_name = ? AND row_id = ? AND audit_id > ?",
                          [line.table_name, line.row_id, line.audit_id])
        if later:
            since = "; ".join(
                f"{l.action_label.lower()} par {l.who} le {when(con, l.changed_at)} (n° {l.audit_id})"
                for l in later[-3:]
            )
            more = f" (et {len(later) - 3} autres)" if len(later) > 3 else ""
            raise Conflict(
                f"{noun.capitalize()} (n° {line.row_id}) a changé depuis la modification n° {line.audit_id} : "
                f"{since}{more}. Seule la dernière modification d'une ligne peut être annulée : annulez "
                "d'abord les plus récentes, ou corrigez la ligne depuis son formulaire. Rien n'a été modifié.",
                current, line.before,
            )
        expected = None if line.effect == "delete" else (line.after or {}).get("row_version")
        if line.effect == "delete" and current is not None:
            raise Conflict(
                f"{noun.capitalize()} (n° {line.row_id}) existe de nouveau, sans trace au journal (une "
                "restauration ?) : la suppression ne peut pas être annulée. Rien n'a été modifié.",
                current, line.before,
            )
        if line.effect != "delete" and current is None:
            raise Conflict(
                f"{noun.capitalize()} (n° {line.row_id}) n'existe plus, sans trace au journal (une "
                "restauration ?) : cette modification ne peut pas être annulée. Rien n'a été modifié.",
                None, line.before,
            )
        if current is not None and expected is not None and current.get("row_version") != expected:
            raise Conflict(
                f"{noun.capitalize()} (n° {line.row_id}) n'est plus dans l'état laissé par la modification "
                f"n° {line.audit_id} (version {current.get('row_version')} au lieu de {expected}), sans trace "
                "au journal : elle ne peut pas être annulée. Rien n'a été modifié.",
                current, line.before,
            )


def _split(rtype: type[Record], row: dict, stored: dict | None) -> tuple[dict, dict]:
    """(field values, other columns to write as `extra`) from an audit row."""
    fields = rtype.fields()
    values = {name: row.get(name) for name in fields}
    columns = stored.keys() if stored is not None else row.keys()
    extra = {c: row[c] for c in columns
             if c in row and c not in fields and c != rtype.key and c not in BOOKKEEPING}
    return values, extra


def _reverse(con, line: AuditEntry, who, *, authorise: bool) -> None:
    """Bring one row back to `line.before` through its Record (validated, authorised, audited)."""
    rtype = record_type(line.table_name)
    current = _current(con, rtype, line.row_id)
    if line.effect == "insert":  # undo a creation: delete the row
        rtype.from_row(con, current).delete_in(con, who, authorise=authorise)
    elif line.effect == "update":
        record = rtype.from_row(con, current)
        values, extra = _split(rtype, line.before, current)
        record.param.update(**values)
        record.save_in(con, who, authorise=authorise, extra=extra)
    else:  # undo a deletion: the row comes back with the same id
        values, extra = _split(rtype, line.before, None)
        rtype(**values).save_in(con, who, authorise=authorise, extra={**extra, rtype.key: line.row_id})


def preview(warehouse, audit_id: int, who) -> UndoPlan:
    """What an undo would do, checked as the undo will check it (rights, row unchanged since),
    without writing: for the confirmation. Raises Forbidden, NotFound, NotUndoable or Conflict."""
    require_reader(who)
    with permissions.connection(warehouse, "journal des modifications") as con:
        plan = plan_in(con, audit_id)
        check_in(con, plan)
        for line in plan.lines:
            if parent_of(line.table_name) is not None:
                continue  # a child row: its parent's rights govern it
            rtype = record_type(line.table_name)
            current = _current(con, rtype, line.row_id)
            rtype().authorise(con, who, current, None if line.effect == "insert" else line.before)
        return plan


def undo(warehouse, audit_id: int, who) -> Undone:
    """Undo the change of audit line `audit_id` — one transaction, audited as an undo.

    Raises Forbidden (not admin/finance, or no rights on the row's unit), NotFound, NotUndoable,
    Conflict (the row changed since: only its latest change can be undone) or Invalid (the values
    before are no longer valid, e.g. a unit removed from the configuration); nothing is written then.
    """
    require_reader(who)
    with warehouse.write(f"annulation de la modification n° {audit_id}") as con:
        return undo_in(con, audit_id, who)


def undo_in(con, audit_id: int, who) -> Undone:
    """`undo()` inside the caller's transaction."""
    require_reader(who)
    plan = plan_in(con, audit_id)
    check_in(con, plan)
    start = con.execute("SELECT coalesce(max(audit_id), 0) FROM app.audit_log").fetchall()[0][0]
    head, children = plan.lines[0], list(plan.lines[1:])
    if parent_of(head.table_name) is None and children and all(c.table_name == head.table_name for c in children):
        for line in reversed(plan.lines):  # a batch: each row back, newest change first, each authorised
            _reverse(con, line, who, authorise=True)
    elif head.effect == "delete":  # the parent exists again before its children come back
        _reverse(con, head, who, authorise=True)
        for child in children:
            _reverse(con, child, who, authorise=False)
    else:  # children first: the parent is saved (or deleted) with its échéancier as it was
        if children:  # rights first, so that nothing is attempted for someone without them
            rtype = record_type(head.table_name)
            rtype().authorise(con, who, _current(con, rtype, head.row_id),
                              None if head.effect == "insert" else head.before)
        for child in reversed(children):
            _reverse(con, child, who, authorise=False)
        _reverse(con, head, who, authorise=True)
    reversed_by_row = {(l.table_name, l.row_id): l for l in plan.lines}
    written = _lines_in(con, "audit_id > ?", [start])
    for new in written:
        undone = reversed_by_row.get((new.table_name, new.row_id))
        if undone is None:  # the Record touched a row outside the change: do not risk it
            raise NotUndoable(
                f"L'annulation de la modification n° {head.audit_id} toucherait une autre ligne "
                f"({new.table_name} n° {new.row_id}) : elle est abandonnée, rien n'a été modifié."
            )
        con.execute("UPDATE app.audit_log SET action = ?, undoes = ? WHERE audit_id = ?",
                    ["undo_" + undone.effect, undone.audit_id, new.audit_id])
    message = (f"Modification n° {head.audit_id} annulée : "
               + " ; ".join(_describe(l, done=True) for l in plan.lines) + ".")
    return Undone(plan.line.audit_id, tuple(l.audit_id for l in written),
                  tuple(sorted({l.table_name for l in plan.lines})), message)
