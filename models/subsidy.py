"""Suivi des subventions: what Odoo does not hold of a subsidy — amount requested, dates, the
échéancier (avance / acompte / solde) and the compte rendu financier due date (docs/domaine.md §2.3).

A subsidy and its instalments are one form and one transaction: the subsidy's `row_version`
guards the whole échéancier, so two people editing the same subsidy cannot lose each other's
instalments either.
"""

from __future__ import annotations

from decimal import Decimal

import param

from alambic import formatting
from models.base import Record, Saved, fetch_dicts
from models.fields import Amount, Choice, Day, Email, Reference, Text, WholeNumber

NATURES = {"Fonctionnement": "fonctionnement", "Investissement": "investissement"}
KINDS = {"Avance": "avance", "Acompte": "acompte", "Solde": "solde"}


class Instalment(Record):
    """One payment expected from the funder; matched to the Odoo payment once received.
    Saved and deleted only through its Subsidy."""

    table = "subsidy_instalments"
    key = "instalment_id"
    noun = "cette échéance"
    subject = "les subventions"

    kind = Choice(objects=KINDS, default="avance", required=True, label="Type")
    amount = Amount(bounds=(0, None), inclusive_bounds=(False, True), required=True, label="Montant")
    expected_on = Day(required=True, label="Date prévue")
    received_on = Day(label="Date reçue")
    odoo_payment_id = WholeNumber(label="Paiement Odoo", doc="Identifiant du paiement dans Odoo, une fois reçu.")

    def save(self, warehouse, who):
        raise TypeError("An instalment is saved with its subsidy: append it to Subsidy.instalments, then save the subsidy.")

    def delete(self, warehouse, who):
        raise TypeError("An instalment is deleted with its subsidy: remove it from Subsidy.instalments, then save the subsidy.")


class Subsidy(Record):
    """A subsidy requested or granted, for a unit, with its échéancier."""

    table = "subsidies"
    key = "subsidy_id"
    noun = "cette subvention"
    subject = "les subventions"

    funder = Text(required=True, label="Financeur", doc="Par exemple « Région Réunion ».")
    scheme = Text(label="Dispositif / AAP", doc="Le dispositif ou l'appel à projets.")
    referent_email = Email(label="Référent·e (e-mail)", doc="Qui suit ce dossier dans le collectif.")
    unit_code = Reference(ref="units", required=True, label="Unité financée")
    nature = Choice(objects=NATURES, default="fonctionnement", required=True, label="Nature")
    amount_requested = Amount(bounds=(0, None), required=True, label="Montant demandé")
    amount_granted = Amount(bounds=(0, None), label="Montant accordé", doc="Vide tant que la subvention n'est pas accordée.")
    requested_on = Day(label="Date de demande")
    granted_on = Day(label="Date d'accord")
    notified_on = Day(label="Date de notification")
    period_start = Day(label="Début de réalisation")
    period_end = Day(label="Fin de réalisation")
    report_due_on = Day(label="Compte rendu financier dû le", doc="CERFA 15059, dans les 6 mois après la fin de l'exercice.")
    odoo_partner_id = WholeNumber(label="Financeur dans Odoo", doc="Identifiant du partenaire Odoo, pour rapprocher les paiements.")
    odoo_move_id = WholeNumber(label="Subvention dans Odoo", doc="L'identifiant de la pièce Odoo de cette subvention "
                               "(colonne « Pièce Odoo » du Suivi subventions). Vide : rapprochée seule si une seule "
                               "pièce a le même financeur, le même montant accordé et le même exercice.")
    links = Text(label="Liens", doc="Demande, convention… une adresse par ligne.")

    instalments = param.List(default=[], item_type=Instalment, doc="L'échéancier : avance, acomptes, solde.")

    def rules(self, values: dict) -> dict[str, str]:
        errors = {
            **self.not_before(values, later="period_end", earlier="period_start"),
            **self.not_before(values, later="granted_on", earlier="requested_on"),
            **self.not_before(values, later="notified_on", earlier="requested_on"),
        }
        amounts = [i.check(None)[0]["amount"] for i in self.instalments]
        granted, requested = values["amount_granted"], values["amount_requested"]
        ceiling = granted if granted is not None else requested
        total = sum((a for a in amounts if a is not None), Decimal("0"))
        if ceiling is not None and total > ceiling:
            what = "le montant accordé" if granted is not None else "le montant demandé (la subvention n'est pas encore accordée)"
            errors["instalments"] = (
                f"Échéancier : le total des échéances ({formatting.money(total)}) dépasse {what} "
                f"({formatting.money(ceiling)})"
            )
        elif sum(1 for i in self.instalments if i.kind == "solde") > 1:
            errors["instalments"] = "Échéancier : une seule échéance peut être le solde"
        return errors

    def check(self, con):
        """The subsidy's fields and rules, then each instalment's, keyed « instalments.<n>.<field> »."""
        values, errors = super().check(con)
        if con is not None and values.get("odoo_move_id") is not None:
            other = con.execute(
                "SELECT subsidy_id, funder FROM app.subsidies WHERE odoo_move_id = ? AND subsidy_id IS DISTINCT FROM ?",
                [values["odoo_move_id"], self.id]).fetchone()
            if other:
                errors["odoo_move_id"] = (f"Cette pièce Odoo est déjà suivie par la subvention n° {other[0]} "
                                          f"({other[1]}) : une subvention Odoo n'a qu'un suivi")
        for index, instalment in enumerate(self.instalments):
            for name, message in instalment.check(con)[1].items():
                errors[f"instalments.{index}.{name}"] = f"Échéance {index + 1} — {message}"
        return values, errors

    @classmethod
    def from_row(cls, con, row: dict) -> Subsidy:
        subsidy = super().from_row(con, row)
        rows = fetch_dicts(
            con,
            "SELECT * FROM app.subsidy_instalments WHERE subsidy_id = ? ORDER BY expected_on, instalment_id",
            [row["subsidy_id"]],
        )
        subsidy.instalments = [Instalment.from_row(con, r) for r in rows]
        return subsidy

    def save_in(self, con, who, *, authorise: bool = True, extra: dict | None = None) -> Saved:
        """The subsidy row (always: its version guards the échéancier), then the instalments
        added, changed or removed since the form was opened."""
        saved = super().save_in(con, who, authorise=authorise, extra=extra)
        stored = {
            r["instalment_id"]: r
            for r in fetch_dicts(con, "SELECT * FROM app.subsidy_instalments WHERE subsidy_id = ?", [saved.id])
        }
        children = []
        for instalment in self.instalments:
            if instalment.id is not None and instalment.id not in stored:  # deleted meanwhile, or not ours
                instalment.check_version(con, None, {"instalment_id": instalment.id})
            if instalment.id is not None:
                row = stored.pop(instalment.id)
                values = instalment.check(con)[0]
                if all(row[k] == v for k, v in values.items()):
                    children.append(Saved(row["instalment_id"], row["row_version"], row))
                    continue
            children.append(instalment.save_in(con, who, authorise=False, extra={"subsidy_id": saved.id}))
        for row in stored.values():  # removed from the échéancier
            Instalment.from_row(con, row).delete_in(con, who, authorise=False)
        return Saved(saved.id, saved.row_version, saved.row, tuple(children))

    def delete_in(self, con, who, *, authorise: bool = True) -> dict:
        if self.id is None:
            return super().delete_in(con, who, authorise=authorise)  # says there is nothing to delete
        before = self.current(con)
        self.check_version(con, before, {self.key: self.id, "row_version": self.row_version})
        if authorise:
            self.authorise(con, who, before, None)
        for row in fetch_dicts(con, "SELECT * FROM app.subsidy_instalments WHERE subsidy_id = ?", [self.id]):
            Instalment.from_row(con, row).delete_in(con, who, authorise=False)
        return super().delete_in(con, who, authorise=False)

    def adopt(self, saved: Saved) -> None:
        super().adopt(saved)
        for instalment, child in zip(self.instalments, saved.children):
            instalment.adopt(child)
