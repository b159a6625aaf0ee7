"""Référent·e of a soirée: who takes a TiBillet event on (app.event_referents).

The row carries the unit the soirée is booked on (`unit_code`): it is how Alambic knows a
soirée's analytic code (marts.soiree_units), since neither TiBillet nor Odoo says it.

Who may add or remove a référent·e (checked on the server in `authorise`):
- 'admin' and 'finance': every soirée;
- a 'member' holding `referent_budget_subvention` on the unit given in the row AND on the unit
  the soirée is already booked on (if it is), or on a unit above them — so nobody can move
  another pôle's soirée to their own unit by naming themselves its référent·e;
- anyone else: nothing.
It is the rule of models/permissions.py (`require`), applied to both units.
"""

from __future__ import annotations

from models import permissions
from models.base import Record, fetch_dicts
from models.errors import Forbidden
from models.fields import Email, Reference, Text


def soiree(con, event_id: str) -> dict | None:
    """The soirée as marts.soiree_results has it (None if TiBillet has no such event, or it is cancelled)."""
    rows = fetch_dicts(
        con,
        "SELECT event_id, event_name, soiree_day, unit_code, takings FROM marts.soiree_results WHERE event_id = ?",
        [event_id],
    )
    return rows[0] if rows else None


class EventReferent(Record):
    """One référent·e of one soirée."""

    table = "event_referents"
    key = "referent_id"
    noun = "ce ou cette référent·e de soirée"
    subject = "les référent·es des soirées"

    event_id = Text(required=True, label="Soirée (TiBillet)", doc="Identifiant de l'évènement TiBillet.")
    person_email = Email(required=True, label="Référent·e (e-mail)", doc="L'adresse e-mail de la personne.")
    unit_code = Reference(ref="units", required=True, label="Unité de la soirée",
                          doc="L'unité (code analytique) sur laquelle la soirée est comptée.")

    def check(self, con):
        values, errors = super().check(con)
        if con is None or values.get("event_id") is None:
            return values, errors
        if soiree(con, values["event_id"]) is None:
            errors.setdefault("event_id", "Soirée (TiBillet) : cette soirée n'existe pas dans TiBillet "
                                          "(ou elle a été annulée)")
        elif values.get("person_email") is not None:
            same = con.execute(
                "SELECT count(*) FROM app.event_referents WHERE event_id = ? AND lower(person_email) = ? "
                "AND referent_id IS DISTINCT FROM ?",
                [values["event_id"], values["person_email"], self.id],
            ).fetchall()[0][0]
            if same:
                errors.setdefault("person_email", f"Référent·e (e-mail) : {values['person_email']} est déjà "
                                                  "référent·e de cette soirée")
        return values, errors

    def permission_units(self, row: dict) -> list[str]:
        return [row.get("unit_code")]

    def authorise(self, con, who, before, after) -> None:
        units = [u for row in (before, after) if row is not None for u in self.permission_units(row)]
        event_id = (after or before or {}).get("event_id")
        current = soiree(con, event_id) if event_id else None
        if current is not None and current["unit_code"] is not None:
            units.append(current["unit_code"])  # the unit the soirée is booked on today
        if getattr(who, "login", None) and any(u is None for u in units) \
                and getattr(who, "role", None) not in permissions.EDIT_EVERY_UNIT:
            raise Forbidden("Cette soirée n'a pas encore d'unité : seul le groupe finance peut la lui donner. "
                            "Rien n'a été enregistré.")
        permissions.require(con, who, units, self.subject)
