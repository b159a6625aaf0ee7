"""Co-rémunération: a member proposes a remuneration for a mission; the unit's référent·e budget
et subventions validates or refuses it; the member invoices (a supplier bill in Odoo, account
604 on the unit's analytic account); Odoo pays it (docs/domaine.md §1.3, §3.1).

    proposée ─┬─► validée ─► facturée ─► payée
              └─► refusée (the comment is kept)

- `save()` (the form) proposes, or corrects a proposal while it is still « proposée ».
- Each transition is one method, one transaction, audited, refused on a stale `row_version`:
  `validate_by` / `refuse` (the unit's référent·es, or admin / finance — never the proposer),
  `mark_invoiced` / `mark_paid` (admin / finance, or the Odoo reconciliation below).
  (`validate_by`, not `validate`: `Record.validate()` already checks a form's fields.)
- « facturée » and « payée » are not typed by anybody: marts.remuneration_proposals derives them
  from Odoo at each build (the matching rule is in its header), from the Odoo books and the
  proposals as members wrote them; nothing writes them back here (the data flows one way:
  sources → raw → staging → marts → pages). An ambiguous match is never guessed: the finance group
  attaches the right bill with `mark_invoiced(odoo_move_id)`, which also makes a match permanent.
"""

from __future__ import annotations

import datetime as dt

import duckdb

from alambic import formatting
from models import permissions
from models.base import Record, Saved, audit, fetch_dicts
from models.errors import Forbidden, Invalid, NotFound
from models.fields import CENT, Amount, Choice, Day, Email, Reference, Text

KINDS = {"Bienveillance": "bienveillance", "Prestation interne": "prestation_interne"}
STATUSES = ("proposee", "validee", "refusee", "facturee", "payee")
STATUS_LABELS = {
    "proposee": "proposée", "validee": "validée", "refusee": "refusée", "facturee": "facturée", "payee": "payée",
}
# The only moves: from → the statuses it may go to.
TRANSITIONS = {
    "proposee": ("validee", "refusee"),
    "validee": ("facturee",),
    "facturee": ("payee",),
    "refusee": (),
    "payee": (),
}


def _same_person(who, email: str | None) -> bool:
    mine = (getattr(who, "email", None) or "").strip().lower()
    return bool(mine) and mine == (email or "").strip().lower()


class RemunerationProposal(Record):
    """One proposition de rémunération (app.remuneration_proposals)."""

    table = "remuneration_proposals"
    key = "proposal_id"
    noun = "cette proposition de rémunération"
    subject = "les propositions de rémunération"

    person_email = Email(label="Personne (e-mail)",
                         doc="Qui sera rémunéré·e ; vide : vous-même. Seul le groupe finance propose pour quelqu'un d'autre.")
    unit_code = Reference(ref="units", required=True, label="Unité", doc="Le projet ou pôle qui rémunère la mission.")
    kind = Choice(objects=KINDS, default="bienveillance", required=True, label="Type")
    mission = Text(required=True, label="Mission", doc="Ce qui a été fait, par exemple « Bienveillance bar – soirées de mars ».")
    hours = Amount(bounds=(0, 999999), inclusive_bounds=(False, True), label="Heures",
                   doc="Nombre d'heures ; avec un taux horaire, le montant est calculé.")
    hourly_rate = Amount(bounds=(0, 99999999), inclusive_bounds=(False, True), label="Taux horaire",
                         doc="Euros par heure.")
    amount = Amount(bounds=(0, None), inclusive_bounds=(False, True), label="Montant (forfait)",
                    doc="Une somme forfaitaire, si la mission ne se compte pas en heures.")
    start_date = Day(required=True, label="Début")
    end_date = Day(required=True, label="Fin", doc="Dernier jour de la mission (inclus).")

    # -- validation ----------------------------------------------------------------------------

    def rules(self, values: dict) -> dict[str, str]:
        errors = self.not_before(values, later="end_date", earlier="start_date")
        if values.get("person_email") is None and not self._typed("person_email"):
            errors["person_email"] = (f"{self.param.person_email.label} : indiquez l'adresse e-mail de la "
                                      "personne rémunérée")
        hours, rate, amount = values.get("hours"), values.get("hourly_rate"), values.get("amount")
        fields = self.fields()
        if hours is not None and rate is None and "hourly_rate" not in errors:
            errors["hourly_rate"] = f"{fields['hourly_rate'].label} : indiquez le taux pour les heures saisies"
        elif rate is not None and hours is None:
            errors["hours"] = f"{fields['hours'].label} : indiquez le nombre d'heures pour ce taux"
        elif hours is not None and rate is not None:
            computed = (hours * rate).quantize(CENT)
            if amount is not None and amount != computed:
                errors["amount"] = (
                    f"{fields['amount'].label} : heures × taux font {formatting.money(computed)} ; laissez le "
                    "montant vide (il est calculé) ou saisissez une somme sans heures ni taux")
        elif amount is None and not self._typed("amount"):
            errors["amount"] = (f"{fields['amount'].label} : saisissez des heures et un taux horaire, "
                                "ou une somme forfaitaire")
        return errors

    def _typed(self, name: str) -> bool:
        raw = getattr(self, name)
        return raw is not None and not (isinstance(raw, str) and not raw.strip())

    def check(self, con) -> tuple[dict, dict[str, str]]:
        """As Record.check; the amount is hours × rate when both are given (the model computes it)."""
        values, errors = super().check(con)
        if values.get("hours") is not None and values.get("hourly_rate") is not None and "amount" not in errors:
            values["amount"] = (values["hours"] * values["hourly_rate"]).quantize(CENT)
        return values, errors

    # -- proposing -----------------------------------------------------------------------------

    def save_in(self, con, who, *, authorise: bool = True, extra: dict | None = None) -> Saved:
        """Propose (or correct a proposal still « proposée »). A blank person is the one proposing."""
        if not self._typed("person_email") and getattr(who, "email", None):
            self.person_email = who.email
        if self.id is None:
            extra = {"status": "proposee", **(extra or {})}
        return super().save_in(con, who, authorise=authorise, extra=extra)

    def authorise(self, con, who, before: dict | None, after: dict | None) -> None:
        if not getattr(who, "login", None):
            raise Forbidden("Connectez-vous pour enregistrer une modification.")
        role = getattr(who, "role", None)
        if before is not None and before["status"] != "proposee":
            raise Forbidden(
                f"Cette proposition est {STATUS_LABELS.get(before['status'], before['status'])} : elle ne se "
                "modifie plus. Rien n'a été enregistré.")
        if role in permissions.EDIT_EVERY_UNIT:
            return
        if role != permissions.MEMBER:
            raise Forbidden("Votre compte ne permet pas de proposer une rémunération. Rien n'a été enregistré.")
        for row in (before, after):
            if row is not None and not _same_person(who, row["person_email"]):
                raise Forbidden(
                    "Vous ne pouvez proposer une rémunération que pour vous-même (votre adresse "
                    f"{getattr(who, 'email', '') or '—'}) ; le groupe finance peut le faire pour quelqu'un "
                    "d'autre. Rien n'a été enregistré.")

    # -- workflow ------------------------------------------------------------------------------

    def validate_by(self, warehouse, who, comment: str = "") -> Saved:
        """proposée → validée, by a référent·e of the unit (or above) or admin / finance; one transaction."""
        with warehouse.write(f"validation : {self.noun}") as con:
            saved = self.validate_in(con, who, comment)
        self.adopt(saved)
        return saved

    def refuse(self, warehouse, who, comment: str) -> Saved:
        """proposée → refusée, with a comment (required, kept); same rights as validating."""
        with warehouse.write(f"refus : {self.noun}") as con:
            saved = self.refuse_in(con, who, comment)
        self.adopt(saved)
        return saved

    def mark_invoiced(self, warehouse, who, odoo_move_id: int) -> Saved:
        """validée → facturée: the member's bill in Odoo (attached by the finance group, or found
        by the reconciliation). The bill must be a supplier bill in the warehouse, of no other proposal."""
        with warehouse.write(f"facture : {self.noun}") as con:
            saved = self.mark_invoiced_in(con, who, odoo_move_id)
        self.adopt(saved)
        return saved

    def mark_paid(self, warehouse, who) -> Saved:
        """facturée → payée (the reconciliation, once Odoo says the bill is paid)."""
        with warehouse.write(f"paiement : {self.noun}") as con:
            saved = self.mark_paid_in(con, who)
        self.adopt(saved)
        return saved

    def validate_in(self, con, who, comment: str = "") -> Saved:
        return self._decide(con, who, "validee", (comment or "").strip() or None)

    def refuse_in(self, con, who, comment: str) -> Saved:
        text = (comment or "").strip()
        if not text:
            raise Invalid({"decision_comment": "Commentaire : dites pourquoi la proposition est refusée "
                                               "(il est gardé et montré à la personne)"})
        return self._decide(con, who, "refusee", text)

    def mark_invoiced_in(self, con, who, odoo_move_id) -> Saved:
        before = self._stored(con)
        self._finance_only(who, "rattacher une facture")
        try:
            move_id = int(odoo_move_id)
        except (TypeError, ValueError):
            raise Invalid({"odoo_move_id": "Facture Odoo : choisissez une facture"}) from None
        self._check_move(con, before, move_id)
        return self._move_to(con, who, before, "facturee", {"odoo_move_id": move_id})

    def mark_paid_in(self, con, who) -> Saved:
        before = self._stored(con)
        self._finance_only(who, "marquer une proposition payée")
        return self._move_to(con, who, before, "payee", {})

    # -- internals -----------------------------------------------------------------------------

    def _stored(self, con) -> dict:
        if self.id is None:
            raise NotFound("Cette proposition n'est pas encore enregistrée.")
        before = self.current(con)
        self.check_version(con, before, {self.key: self.id, "row_version": self.row_version})
        return before

    @staticmethod
    def _finance_only(who, what: str) -> None:
        if not getattr(who, "login", None):
            raise Forbidden("Connectez-vous pour enregistrer une modification.")
        if getattr(who, "role", None) not in permissions.EDIT_EVERY_UNIT:
            raise Forbidden(f"Seul le groupe finance peut {what}. Rien n'a été enregistré.")

    def _decide(self, con, who, to: str, comment: str | None) -> Saved:
        before = self._stored(con)
        if not getattr(who, "login", None):
            raise Forbidden("Connectez-vous pour enregistrer une modification.")
        if _same_person(who, before["person_email"]):
            raise Forbidden("Vous ne pouvez pas décider de votre propre proposition : un·e autre "
                            "référent·e de l'unité ou le groupe finance le fera. Rien n'a été enregistré.")
        allowed = permissions.editable_units(con, who)
        if allowed is not None and before["unit_code"] not in allowed:
            raise Forbidden(
                f"Seul·es les référent·es budget et subventions de l'unité {permissions.unit_name(con, before['unit_code'])} "
                "(ou d'une unité qui la contient) et le groupe finance peuvent valider ou refuser cette "
                "proposition. Rien n'a été enregistré.")
        return self._move_to(con, who, before, to, {
            "decided_by": who.login, "decided_at": dt.datetime.now(dt.UTC), "decision_comment": comment})

    def _move_to(self, con, who, before: dict, to: str, columns: dict) -> Saved:
        if to not in TRANSITIONS[before["status"]]:
            raise Forbidden(
                f"Une proposition {STATUS_LABELS[before['status']]} ne peut pas devenir "
                f"{STATUS_LABELS[to]}. Rien n'a été enregistré.")
        values = {"status": to, **columns}
        sets = ", ".join(f"{c} = ?" for c in values)
        after = fetch_dicts(
            con,
            f"UPDATE app.{self.table} SET {sets}, updated_by = ?, updated_at = current_timestamp, "
            f"row_version = row_version + 1 WHERE {self.key} = ? RETURNING *",
            [*values.values(), who.login, self.id],
        )[0]
        audit(con, who, self.table, self.id, "update", before, after)
        return Saved(after[self.key], after["row_version"], after)

    def _check_move(self, con, before: dict, move_id: int) -> None:
        try:
            found = con.execute(
                "SELECT move_type, state FROM staging.stg_odoo__account_moves WHERE move_id = ?", [move_id]).fetchall()
        except duckdb.CatalogException:
            found = []
        if not found or found[0][0] != "in_invoice":
            raise Invalid({"odoo_move_id": f"Facture Odoo : n° {move_id} n'est pas une facture fournisseur "
                                           "synchronisée dans l'entrepôt"})
        if found[0][1] == "cancel":
            raise Invalid({"odoo_move_id": f"Facture Odoo : n° {move_id} est annulée dans Odoo"})
        taken = con.execute(
            f"SELECT {self.key} FROM app.{self.table} WHERE odoo_move_id = ? AND {self.key} <> ?",
            [move_id, self.id]).fetchall()
        if taken:
            raise Invalid({"odoo_move_id": f"Facture Odoo : n° {move_id} est déjà celle de la proposition "
                                           f"n° {taken[0][0]}"})
