"""Undo one line of the audit trail (app.audit_log) through the form model that made it.

Every form write leaves a line (who, when, table, row, action, before, after), written by
`models.base.Record` in the write's own transaction. Admin and finance may undo one of them. An
undo is an ordinary write of the same Record:

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
undoes the whole subsidy save it belonged to (`plan_in()` says so before the user confirms); an
instalment line without its subsidy's line in the same transaction is refused (`NotUndoable`).
"""

from __future__ import annotations

from dataclasses import dataclass

from models import permissions
from models.audit import (
    AUDIT_COLUMNS,
    AuditEntry,
    batch_of,
    children_of,
    entry_in,
    parent_of,
    record_type,
    require_reader,
)
from models.audit_display import noun_stem
from models.base import BOOKKEEPING, Record, cls_agree, fetch_dicts, when
from models.errors import Conflict

NOT_RECORDS = {
    "users": "Les comptes de connexion ne s'annulent pas depuis le journal : utilisez « alambic users » "
    "(passwd, disable, enable). Rien n'a été modifié.",
    "warehouse": "Une restauration ne s'annule pas depuis le journal : l'entrepôt d'avant est gardé dans "
    "le dossier « …-avant-restauration » des sauvegardes (« alambic restore <dossier> »). Rien n'a été modifié.",
}


class NotUndoable(RuntimeError):
    """This line cannot be undone from the change log (the message, French, says why and what to do)."""


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
    for child_table, link in children_of(parent.table_name):
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
    noun = noun_stem(rtype.noun) if rtype is not None else line.table_name
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
                f"({noun_stem(parent.noun)}). Rien n'a été modifié."
            )
        head = parents[-1]
        note = (f"{child.noun.capitalize()} (n° {line.row_id}) faisait partie d'un enregistrement de "
                f"{noun_stem(parent.noun)} n° {head.row_id} (ligne n° {head.audit_id} du journal) : tout cet "
                "enregistrement est annulé. ")
    lines = [head, *_children_in(con, head)]
    batch = batch_of(line.table_name)
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
