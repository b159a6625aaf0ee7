"""Transfert interne: budget moved from one unit to another.

E.g. a soirée's bar takings dispatched to Culture, Cuisine and Communs. A « dépense interne » for
the unit it comes from, a « recette interne » for the unit it goes to; the two net to zero for
the organisation.
"""

from __future__ import annotations

from models.base import Record
from models.fields import Amount, Day, Reference, Text


class InternalTransfer(Record):
    """A transfer between two units. It moves no cash: no bank movement, no invoice, nothing in
    the plan de trésorerie; only the units' budgets change. Editing it needs the rights on the
    unit the money comes from."""

    table = "internal_transfers"
    key = "transfer_id"
    noun = "ce transfert interne"
    subject = "les transferts internes"

    from_unit = Reference(ref="units", required=True, label="Depuis l'unité", doc="L'unité qui cède le budget.")
    to_unit = Reference(ref="units", required=True, label="Vers l'unité", doc="L'unité qui le reçoit.")
    transfer_date = Day(required=True, label="Date")
    amount = Amount(bounds=(0, None), inclusive_bounds=(False, True), required=True, label="Montant")
    reason = Text(required=True, label="Motif", doc="Pourquoi ce transfert, par exemple « recettes du bar ».")
    event_id = Text(empty=None, label="Soirée (TiBillet)", doc="Identifiant de l'évènement TiBillet, s'il y en a un.")

    def rules(self, values: dict) -> dict[str, str]:
        if values["from_unit"] is not None and values["from_unit"] == values["to_unit"]:
            return {"to_unit": f"{self.param.to_unit.label} : choisissez une autre unité que celle d'origine"}
        return {}

    def permission_units(self, row: dict) -> list[str]:
        return [row["from_unit"]]
