"""Transferts internes: two different units, an amount above zero."""

from __future__ import annotations

from decimal import Decimal

import pytest

from models import InternalTransfer, Invalid
from tests.models.helpers import ADMIN, audit_rows, count, rows


def test_a_transfer_is_saved_with_its_optional_event(wh):
    form = InternalTransfer(from_unit="30", to_unit="101", transfer_date="14/02/2025", amount="450,50",
                            reason="Recettes du bar", event_id="evt-42")
    form.save(wh, ADMIN)
    assert rows(wh, "SELECT from_unit, to_unit, amount, reason, event_id FROM app.internal_transfers") == [
        ("30", "101", Decimal("450.50"), "Recettes du bar", "evt-42")
    ]
    assert audit_rows(wh)[0]["after"]["event_id"] == "evt-42"


@pytest.mark.parametrize(
    "changes, errors",
    [
        ({"to_unit": "30"}, {"to_unit": "Vers l'unité : choisissez une autre unité que celle d'origine"}),
        ({"amount": "0"}, {"amount": "Montant : saisissez un montant supérieur à 0"}),
        ({"reason": "  "}, {"reason": "Motif : champ obligatoire"}),
        ({"from_unit": "Jardin"}, {"from_unit": "Depuis l'unité : « Jardin » n'est pas une unité de l'organisation"}),
    ],
)
def test_wrong_transfers_are_refused(wh, changes, errors):
    values = dict(from_unit="30", to_unit="101", transfer_date="2025-02-14", amount="10", reason="Bar")
    form = InternalTransfer(**{**values, **changes})
    assert form.validate(wh) == errors
    with pytest.raises(Invalid):
        form.save(wh, ADMIN)
    assert count(wh, "internal_transfers") == 0
    assert {k: getattr(form, k) for k in changes} == changes
