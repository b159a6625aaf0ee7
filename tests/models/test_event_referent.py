"""Référent·es of a soirée: who may add or remove them, and what is refused."""

from __future__ import annotations

import pytest

from models import EventReferent, Forbidden, Invalid
from tests.models import test_dispatch
from tests.models.helpers import ADMIN, COMMUNS, JARDIN, audit_rows, count, rows
from tests.sql.test_soiree_marts import ATELIER, KABAR

soiree_file, soiree_wh = test_dispatch.soiree_file, test_dispatch.soiree_wh  # the soirée's fixtures


def test_a_referent_is_added_and_removed_with_audit(soiree_wh):
    wh, _ = soiree_wh
    form = EventReferent(event_id=KABAR, person_email=" Bob@Example.org ", unit_code="30301")
    form.save(wh, JARDIN)  # référent·e budget of the groupe 30, above the soirée's unit
    assert rows(wh, "SELECT event_id, person_email, unit_code, created_by FROM app.event_referents "
                    "WHERE person_email = 'bob@example.org'") == [(KABAR, "bob@example.org", "30301", "jardin")]
    form.delete(wh, JARDIN)
    assert count(wh, "event_referents") == 1  # Alice, from the fixture
    assert [(a["action"], a["table"]) for a in audit_rows(wh)] == [("insert", "event_referents"),
                                                                  ("delete", "event_referents")]


@pytest.mark.parametrize(
    "values, errors",
    [
        ({"person_email": "alice@example.org"},
         {"person_email": "Référent·e (e-mail) : alice@example.org est déjà référent·e de cette soirée"}),
        ({"event_id": "inconnue"},
         {"event_id": "Soirée (TiBillet) : cette soirée n'existe pas dans TiBillet (ou elle a été annulée)"}),
        ({"person_email": "pas-une-adresse"},
         {"person_email": "Référent·e (e-mail) : adresse e-mail invalide, par exemple prenom@exemple.re"}),
        ({"unit_code": ""}, {"unit_code": "Unité de la soirée : champ obligatoire"}),
    ],
)
def test_wrong_referents_are_refused(soiree_wh, values, errors):
    wh, _ = soiree_wh
    form = EventReferent(**{"event_id": KABAR, "person_email": "bob@example.org", "unit_code": "30301", **values})
    assert form.validate(wh) == errors
    with pytest.raises(Invalid):
        form.save(wh, ADMIN)
    assert count(wh, "event_referents") == 1 and count(wh, "audit_log") == 0


def test_a_member_cannot_take_another_units_soiree(soiree_wh):
    wh, _ = soiree_wh
    # COMMUNS holds the budget role on 101 only; the soirée is booked on 30301
    form = EventReferent(event_id=KABAR, person_email="communs@exemple.re", unit_code="101")
    with pytest.raises(Forbidden) as refused:
        form.save(wh, COMMUNS)
    assert "30301 (Jardin partagé)" in str(refused.value)
    assert count(wh, "event_referents") == 1


def test_a_soiree_without_unit_can_be_taken_by_a_budget_referent(soiree_wh):
    wh, config = soiree_wh
    EventReferent(event_id=ATELIER, person_email="communs@exemple.re", unit_code="101").save(wh, COMMUNS)
    from warehouse.build import build

    build(wh, config.settings())
    assert rows(wh, f"SELECT unit_code FROM marts.soiree_results WHERE event_id = '{ATELIER}'") == [("101",)]
