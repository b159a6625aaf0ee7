"""The audit trail in French: labels of tables and columns, values as the journal shows them
(dates, amounts, units by their names), and a line's changes column by column.

The Records behind the tables come from the registry (`models.audit`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from alambic import formatting
from models.audit import AuditEntry, parent_of, record_type
from models.fields import REFERENCES, Amount, Day, FieldError, Reference

BOOKKEEPING_LABELS = {
    "created_at": "Créé le",
    "created_by": "Créé par",
    "updated_at": "Modifié le",
    "updated_by": "Modifié par",
    "row_version": "Version",
}

# -- labels ----------------------------------------------------------------------------------------


def noun_stem(noun: str) -> str:
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
    label = getattr(rtype, "table_label", "") or noun_stem(rtype.subject)
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
        stem = noun_stem(parent.noun) if parent is not None else link[0]
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
