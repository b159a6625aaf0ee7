"""Who holds which role on which unit (the organigramme), since when — history kept.

A role (garant·e du cadre, référent·e budget / subvention …) comes from the configuration's
catalogue (`[[roles]]`, in `ref.roles`) and is needed on units of given levels (by default the
pôles). An assignment says that a person (by e-mail, the key Odoo, TiBillet and Oceco share) holds
a role on a unit from `started_on` to `ended_on` (both included; empty: still held).

Rules, each refused with a French message and the input kept:

- the role must be one the configuration asks for at the unit's level;
- the end date is not before the start date;
- one holder at a time: two assignments of the same role on the same unit may not overlap,
  except for the roles the configuration marks `several = true` (bienveillant·es: a pôle may
  have several; ref.roles.several), where only the same person twice is refused;
- history is kept: « ending » a role sets its end date; an assignment that has started is never
  deleted, nor handed to another person, unit or role (end it and enter the successor's).

Who may assign or end a role (`authorise`, checked on the server): an administrator, or the
garant·e du cadre of the unit or of a unit above it (held today, app.role_assignments by e-mail).
The finance group edits budgets, not the organisation: it assigns roles only if it holds the
garant·e role. Anybody else is refused, nothing is written.
"""

from __future__ import annotations

import datetime as dt

from alambic import formatting
from models import permissions
from models.base import Record, fetch_dicts
from models.errors import Forbidden, Invalid
from models.fields import Day, Email, Reference

GARANT_ROLE = "garant_cadre"
FAR_FUTURE = dt.date(9999, 12, 31)


def assignable_units(source, who) -> set[str] | None:
    """The unit codes whose roles `who` may assign or end; None means every unit (admin)."""
    if getattr(who, "role", None) == permissions.ADMIN:
        return None
    if not getattr(who, "login", None):
        return set()
    return permissions.units_under_role(source, getattr(who, "email", None), GARANT_ROLE)


def can_assign(source, who, unit_code: str) -> bool:
    units = assignable_units(source, who)
    return units is None or unit_code in units


def _period(start: dt.date, end: dt.date | None) -> str:
    return (f"depuis le {formatting.date(start)}" if end is None
            else f"du {formatting.date(start)} au {formatting.date(end)}")


class RoleAssignment(Record):
    """One person holding one role on one unit over a period."""

    table = "role_assignments"
    key = "assignment_id"
    noun = "cette attribution de rôle"
    subject = "les rôles"

    unit_code = Reference(ref="units", required=True, label="Unité")
    role_code = Reference(ref="roles", required=True, label="Rôle")
    person_email = Email(required=True, label="Personne (e-mail)",
                         doc="L'adresse e-mail de la personne, celle de son compte Odoo, TiBillet ou Oceco.")
    started_on = Day(required=True, label="Depuis le", doc="Premier jour où la personne tient le rôle.")
    ended_on = Day(label="Jusqu'au", doc="Dernier jour où elle le tient ; vide : elle le tient toujours.")

    # -- validation ----------------------------------------------------------------------------

    def rules(self, values: dict) -> dict[str, str]:
        return self.not_before(values, "ended_on", "started_on")

    def check(self, con) -> tuple[dict, dict[str, str]]:
        values, errors = super().check(con)
        if con is not None:
            found = {}
            if "role_code" not in errors and "unit_code" not in errors:
                found.update(self._level_errors(con, values))
            if not errors.keys() & {"unit_code", "role_code", "started_on", "ended_on"} and not found:
                found.update(self._overlap_errors(con, values))
            if self.id is not None:
                found.update(self._history_errors(con, values))
            errors.update({k: v for k, v in found.items() if k not in errors})
            order = {name: index for index, name in enumerate(self.fields())}
            errors = dict(sorted(errors.items(), key=lambda item: order.get(item[0], len(order))))
        return values, errors

    def _level_errors(self, con, values: dict) -> dict[str, str]:
        """The configuration asks for this role on units of this level."""
        unit = con.execute("SELECT name, level FROM ref.units WHERE unit_code = ?", [values["unit_code"]]).fetchall()
        levels = con.execute("SELECT label, level FROM ref.roles WHERE role_code = ? ORDER BY sort, level",
                             [values["role_code"]]).fetchall()
        if not unit or not levels or unit[0][1] in {level for _label, level in levels}:
            return {}
        names = {"organisation": "l'organisation", "groupe": "les groupes", "pole": "les pôles",
                 "projet": "les projets", "action": "les actions"}
        wanted = ", ".join(names.get(level, level) for _label, level in levels)
        return {"role_code": f"{self.param.role_code.label} : « {levels[0][0]} » ne s'attribue pas sur "
                             f"{unit[0][0]} ({names.get(unit[0][1], unit[0][1])}) ; la configuration le prévoit "
                             f"pour {wanted}"}

    def _overlap_errors(self, con, values: dict) -> dict[str, str]:
        """One holder at a time (several when ref.roles says so, but never the same person twice)."""
        others = fetch_dicts(
            con,
            """SELECT person_email, started_on, ended_on FROM app.role_assignments
               WHERE unit_code = ? AND role_code = ? AND assignment_id IS DISTINCT FROM ?
                 AND started_on <= ? AND coalesce(ended_on, DATE '9999-12-31') >= ?
               ORDER BY started_on""",
            [values["unit_code"], values["role_code"], self.id, values["ended_on"] or FAR_FUTURE,
             values["started_on"]],
        )
        several = any(row["several"] for row in fetch_dicts(
            con, "SELECT several FROM ref.roles WHERE role_code = ?", [values["role_code"]]))
        if several:
            others = [o for o in others if o["person_email"].strip().lower() == values["person_email"]]
        if not others:
            return {}
        other = others[0]
        label = self.param.started_on.label
        if several:
            return {"started_on": f"{label} : {other['person_email']} tient déjà ce rôle sur cette unité "
                                  f"{_period(other['started_on'], other['ended_on'])} ; les périodes se chevauchent"}
        return {"started_on": f"{label} : {other['person_email']} tient ce rôle sur cette unité "
                              f"{_period(other['started_on'], other['ended_on'])}, et il ne se tient qu'à une "
                              "personne à la fois : terminez d'abord son attribution (date de fin), ou "
                              "commencez celle-ci après"}

    def _history_errors(self, con, values: dict) -> dict[str, str]:
        """An assignment that has started is history: its person, unit and role stay as they were."""
        before = self.current(con)
        if before is None or before["started_on"] > dt.date.today():
            return {}
        for name in ("person_email", "unit_code", "role_code"):
            stored = str(before[name]).strip()
            stored = stored.lower() if name == "person_email" else stored
            if values.get(name) is not None and values[name] != stored:
                return {name: f"{self.fields()[name].label} : cette attribution a commencé le "
                              f"{formatting.date(before['started_on'])} et fait partie de l'historique ; "
                              "terminez-la (date de fin) et créez-en une nouvelle pour la suite"}
        return {}

    # -- permission ----------------------------------------------------------------------------

    def authorise(self, con, who, before: dict | None, after: dict | None) -> None:
        """An administrator, or the garant·e du cadre of the unit or of a unit above it."""
        if not getattr(who, "login", None):
            raise Forbidden("Connectez-vous pour enregistrer une modification.")
        allowed = assignable_units(con, who)
        if allowed is None:
            return
        units = {row["unit_code"] for row in (before, after) if row is not None}
        refused = sorted(units - allowed)
        if refused:
            raise Forbidden(
                f"Vous ne pouvez pas attribuer ni terminer les rôles de l'unité "
                f"{permissions.unit_name(con, refused[0])} : seul·es les garant·es du cadre de cette unité "
                "(ou d'une unité qui la contient) et les administrateur·rices le peuvent. Rien n'a été enregistré."
            )

    # -- history is kept -----------------------------------------------------------------------

    def delete_in(self, con, who, *, authorise: bool = True) -> dict:
        """Only an assignment that has not started yet may be deleted (entered by mistake)."""
        before = self.current(con) if self.id is not None else None
        if before is not None:
            self.check_version(con, before, {self.key: self.id, "row_version": self.row_version})
            if authorise:
                self.authorise(con, who, before, None)
        if before is not None and before["started_on"] <= dt.date.today():
            raise Invalid({"ended_on": "Cette attribution a commencé le "
                                       f"{formatting.date(before['started_on'])} et fait partie de l'historique : "
                                       "elle ne se supprime pas. Terminez-la en indiquant une date de fin."})
        return super().delete_in(con, who, authorise=False)  # already authorised above
