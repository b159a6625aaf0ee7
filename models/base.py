"""One row of an app.* table as a form — the single mechanism behind every form.

docs/architecture.md §4.3: users' data is sacred. So every form, whatever its fields:

- validates with French messages and keeps the input on error (`validate()`; fields in
  `models.fields` hold what was typed, rules never reset it);
- writes in one transaction (`save()` / `delete()` each run in one `warehouse.write()`);
- checks the permission on the server (`models.permissions.require`) before writing;
- refuses lost updates: the row's `row_version` must still be the one the form was opened at,
  else `Conflict` carries both versions and nothing is overwritten;
- records who, when, before and after in app.audit_log, in the same transaction.

A form only declares its table, its fields (`models.fields`) and its cross-field `rules()`.
The `*_in(con, who)` methods do the same work inside a transaction the caller holds, so that a
batch (copy a year, import a file, a subsidy with its instalments) is still one transaction.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb
import param

from alambic import formatting
from models import permissions
from models.errors import Conflict, Forbidden, Invalid, NotFound
from models.fields import REFERENCES, Field, FieldError, Reference

BOOKKEEPING = ("created_at", "created_by", "updated_at", "updated_by", "row_version")


@dataclass(frozen=True)
class Saved:
    """What a save left in the warehouse: the row id, its new version and the whole row."""

    id: int
    row_version: int
    row: dict
    children: tuple[Saved, ...] = ()


def fetch_dicts(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    """Rows as {column: value}, fully fetched (DuckDB wants that before the next statement)."""
    cursor = con.execute(sql, params or [])
    rows = cursor.fetchall()
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in rows]


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)  # exact, as stored: "1234.50"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {value!r}")


def to_json(row: dict | None) -> str | None:
    return None if row is None else json.dumps(row, default=_json_value, ensure_ascii=False, sort_keys=True)


def audit(con, who, table: str, row_id: int, action: str, before: dict | None, after: dict | None) -> None:
    """One line of app.audit_log; written in the caller's transaction, so it exists iff the change does."""
    con.execute(
        "INSERT INTO app.audit_log (who, table_name, row_id, action, before, after) VALUES (?, ?, ?, ?, ?, ?)",
        [who.login, table, row_id, action, to_json(before), to_json(after)],
    )


def when(con, stamp) -> str:
    """« 27/11/2026 à 14:02 », in the organisation's time zone (ref.settings) when the stamp has one."""
    if not isinstance(stamp, dt.datetime):
        return ""
    if stamp.tzinfo is not None:
        try:
            zone = con.execute("SELECT value FROM ref.settings WHERE key = 'timezone'").fetchall()
            stamp = stamp.astimezone(ZoneInfo(zone[0][0])) if zone else stamp
        except (duckdb.CatalogException, ZoneInfoNotFoundError):
            pass
    return f"{formatting.date(stamp)} à {stamp:%H:%M}"



def cls_agree(noun: str, participle: str) -> str:
    """A past participle agreeing with a record's noun: « cette subvention » → « modifiée »,
    « ce prévisionnel » → « modifié », « ce ou cette référent·e » → « modifié·e »."""
    if noun.startswith("ce ou cette "):
        return participle + "·e"
    if noun.startswith("cette "):
        return participle + "e"
    return participle

class Record(param.Parameterized):
    """A form for one row of `app.<table>`. Subclasses declare fields, `rules()` and the unit(s)
    whose rights govern the row (`permission_units`)."""

    table: ClassVar[str] = ""
    key: ClassVar[str] = ""
    noun: ClassVar[str] = "cette ligne"  # « ce prévisionnel », for messages
    subject: ClassVar[str] = "les saisies"  # « les prévisionnels », for permission messages

    id = param.Integer(default=None, allow_None=True, doc="Row id in the warehouse; None until first saved.")
    row_version = param.Integer(
        default=None, allow_None=True, doc="The row's version when the form was opened; a save checks it is unchanged."
    )

    # -- fields and validation -----------------------------------------------------------------

    @classmethod
    def fields(cls) -> dict[str, Field]:
        return {name: p for name, p in cls.param.objects("existing").items() if isinstance(p, Field)}

    def rules(self, values: dict) -> dict[str, str]:
        """Cross-field rules on the cleaned values (a field that failed is None); field → message."""
        return {}

    def check(self, con: duckdb.DuckDBPyConnection | None) -> tuple[dict, dict[str, str]]:
        """(cleaned values, errors). References are checked only when a connection is given."""
        values, errors = {}, {}
        for name, field in self.fields().items():
            try:
                values[name] = field.clean(getattr(self, name))
            except FieldError as exc:
                values[name] = None
                errors[name] = f"{field.label} : {exc}"
        if con is not None:
            errors.update({k: v for k, v in self._reference_errors(con, values).items() if k not in errors})
        errors.update({k: v for k, v in self.rules(values).items() if k not in errors})
        order = {name: index for index, name in enumerate(self.fields())}  # messages in the form's order
        return values, dict(sorted(errors.items(), key=lambda item: order.get(item[0], len(order))))

    def validate(self, warehouse=None) -> dict[str, str]:
        """Field → French message; empty when the form can be saved. The input is left as typed.

        With a warehouse (or an open connection), unit and category codes are checked against it.
        """
        with permissions.connection(warehouse, "vérification d'un formulaire") as con:
            return self.check(con)[1]

    def _reference_errors(self, con, values: dict) -> dict[str, str]:
        errors = {}
        for name, field in self.fields().items():
            if not isinstance(field, Reference) or values.get(name) is None:
                continue
            table, column, _label, wrong = REFERENCES[field.ref]
            try:
                found = con.execute(f"SELECT count(*) FROM {table} WHERE {column} = ?", [values[name]]).fetchall()
            except duckdb.CatalogException:
                errors[name] = f"{field.label} : la liste n'est pas encore dans l'entrepôt, lancez « alambic build »"
                continue
            if not found[0][0]:
                errors[name] = f"{field.label} : " + wrong.format(code=values[name])
        return errors

    def not_before(self, values: dict, later: str, earlier: str) -> dict[str, str]:
        """The rule « `later` is on or after `earlier` », e.g. a period's end and start."""
        first, last = values.get(earlier), values.get(later)
        if first is None or last is None or last >= first:
            return {}
        fields = self.fields()
        return {
            later: f"{fields[later].label} : la date ({formatting.date(last)}) est avant celle du champ "
            f"« {fields[earlier].label} » ({formatting.date(first)})"
        }

    # -- permission ----------------------------------------------------------------------------

    def permission_units(self, row: dict) -> list[str]:
        """The units whose rights govern this row (values being saved, or the row as stored)."""
        return [row["unit_code"]]

    def authorise(self, con, who, before: dict | None, after: dict | None) -> None:
        units = [u for row in (before, after) if row is not None for u in self.permission_units(row)]
        permissions.require(con, who, units, self.subject)

    # -- reading -------------------------------------------------------------------------------

    @classmethod
    def load(cls, warehouse, id: int) -> Record:
        """The form as the row is now, remembering its version for the lost-update check."""
        with permissions.connection(warehouse, f"ouverture : {cls.noun}") as con:
            rows = fetch_dicts(con, f"SELECT * FROM app.{cls.table} WHERE {cls.key} = ?", [id])
            if not rows:
                raise NotFound(f"{cls.noun.capitalize()} n'existe plus (n° {id}) : quelqu'un l'a sans doute {cls_agree(cls.noun, 'supprimé')}.")
            return cls.from_row(con, rows[0])

    @classmethod
    def from_row(cls, con, row: dict) -> Record:
        values = {name: row[name] for name in cls.fields()}
        return cls(id=row[cls.key], row_version=row["row_version"], **values)

    def current(self, con) -> dict | None:
        rows = fetch_dicts(con, f"SELECT * FROM app.{self.table} WHERE {self.key} = ?", [self.id])
        return rows[0] if rows else None

    # -- writing -------------------------------------------------------------------------------

    def save(self, warehouse, who) -> Saved:
        """Validate, check rights and version, write and audit — one transaction.

        Raises Invalid, Forbidden or Conflict (French messages) and then writes nothing.
        """
        with warehouse.write(f"enregistrement : {self.noun}") as con:
            saved = self.save_in(con, who)
        self.adopt(saved)
        return saved

    def delete(self, warehouse, who) -> None:
        """Delete the row (rights and version checked, audited) — one transaction."""
        with warehouse.write(f"suppression : {self.noun}") as con:
            self.delete_in(con, who)
        self.id = None
        self.row_version = None

    def keep_mine(self, conflict: Conflict) -> None:
        """After the user has seen theirs and chosen to keep this version: the next save overwrites
        the version they saw (and only that one)."""
        self.row_version = conflict.theirs_version

    def adopt(self, saved: Saved) -> None:
        """Take the id and version of a committed save (never before the commit)."""
        self.id = saved.id
        self.row_version = saved.row_version

    def save_in(self, con, who, *, authorise: bool = True, extra: dict | None = None) -> Saved:
        """`save()` inside the caller's transaction; `extra` adds columns that are not fields."""
        values, errors = self.check(con)
        row = {**values, **(extra or {})}
        before = self.current(con) if self.id is not None else None
        if authorise:
            # Rights first: validation and version messages may quote stored rows of others (who
            # holds a role, their version of a line); someone who may not make this change learns
            # only that, or what their own input gets wrong.
            try:
                self.authorise(con, who, before, row)
            except Forbidden:
                own = {name: message for name, message in errors.items()
                       if name in self.fields() and values.get(name) is None}
                if own:  # the refusal may come from a field left empty or mistyped: say that
                    raise Invalid(own) from None
                raise
            except Exception:
                if not errors:
                    raise
        if errors:
            raise Invalid(errors)
        if self.id is not None:
            self.check_version(con, before, {**row, self.key: self.id, "row_version": self.row_version})
        if before is None:
            columns = [*row, "created_by", "updated_by"]
            sql = (
                f"INSERT INTO app.{self.table} ({', '.join(columns)}) "
                f"VALUES ({', '.join('?' for _ in columns)}) RETURNING *"
            )
            after = fetch_dicts(con, sql, [*row.values(), who.login, who.login])[0]
        else:
            sets = ", ".join(f"{c} = ?" for c in row)
            sql = (
                f"UPDATE app.{self.table} SET {sets}, updated_by = ?, updated_at = current_timestamp, "
                f"row_version = row_version + 1 WHERE {self.key} = ? RETURNING *"
            )
            after = fetch_dicts(con, sql, [*row.values(), who.login, self.id])[0]
        audit(con, who, self.table, after[self.key], "insert" if before is None else "update", before, after)
        return Saved(after[self.key], after["row_version"], after)

    def delete_in(self, con, who, *, authorise: bool = True) -> dict:
        """`delete()` inside the caller's transaction; returns the row as it was."""
        if self.id is None:
            raise NotFound(f"{self.noun.capitalize()} n'est pas encore {cls_agree(self.noun, 'enregistré')} : rien à supprimer.")
        before = self.current(con)
        if authorise and before is not None:
            self.authorise(con, who, before, None)  # rights before the version check (it shows theirs)
        self.check_version(con, before, {self.key: self.id, "row_version": self.row_version})
        con.execute(f"DELETE FROM app.{self.table} WHERE {self.key} = ?", [self.id])
        audit(con, who, self.table, self.id, "delete", before, None)
        return before

    def check_version(self, con, theirs: dict | None, yours: dict) -> None:
        """Raise Conflict unless the stored row is still the version this form was opened at."""
        if theirs is None:
            deleted = con.execute(
                "SELECT who, changed_at FROM app.audit_log WHERE table_name = ? AND row_id = ? "
                "AND action IN ('delete', 'undo_insert') ORDER BY audit_id DESC LIMIT 1",
                [self.table, self.id],
            ).fetchall()
            by = f" : {deleted[0][0]} l'a {cls_agree(self.noun, 'supprimé')} le {when(con, deleted[0][1])}" if deleted else ""
            raise Conflict(
                f"{self.noun.capitalize()} n'existe plus{by}, après l'ouverture de votre formulaire. "
                "Rien n'a été enregistré ; votre saisie est conservée.",
                None,
                yours,
            )
        if theirs["row_version"] != self.row_version:
            raise Conflict(
                f"{self.noun.capitalize()} a été {cls_agree(self.noun, 'modifié')} par {theirs['updated_by']} le "
                f"{when(con, theirs['updated_at'])}, après l'ouverture de votre formulaire (leur version : "
                f"{theirs['row_version']}, la vôtre : {self.row_version}). Rien n'a été écrasé : comparez "
                "les deux versions, puis gardez la leur ou enregistrez la vôtre à nouveau.",
                theirs,
                yours,
            )
