"""Roles (organigramme): a role needed at the unit's level, one holder at a time (several
bienveillant·es), an end not before the start, history kept; assigned by an administrator or the
garant·e du cadre of the unit or of a unit above it.

Roles held in the fixture (tests/models/conftest.py): membre@ is garant·e du cadre of the pôle 303
since 2023; jardin@ is référent·e budget of the groupe 30 (not garant·e); communs@ référent·e
budget of the pôle 101.
"""

from __future__ import annotations

from datetime import date

import pytest

from models import Forbidden, Invalid, RoleAssignment, assignable_units, can_assign
from tests.models.helpers import ADMIN, COMMUNS, FINANCE, JARDIN, NOBODY, audit_rows, count, rows

GARANT_303 = NOBODY  # membre@exemple.re holds garant_cadre on 303

NEW = dict(unit_code="303", role_code="referent_taches_planning", person_email="Zoe@Exemple.re",
           started_on="01/02/2025")


def held(wh, unit, role):
    return rows(wh, "SELECT person_email, started_on, ended_on FROM app.role_assignments "
                    "WHERE unit_code = ? AND role_code = ? ORDER BY started_on", [unit, role])


def test_admin_assigns_a_vacant_role_audited(wh):
    form = RoleAssignment(**NEW)
    saved = form.save(wh, ADMIN)
    assert held(wh, "303", "referent_taches_planning") == [("zoe@exemple.re", date(2025, 2, 1), None)]
    audit = audit_rows(wh)
    assert [(a["who"], a["table"], a["action"], a["row_id"]) for a in audit] == [
        ("admin", "role_assignments", "insert", saved.id)]
    assert audit[0]["after"]["person_email"] == "zoe@exemple.re"


def test_the_garant_of_the_unit_assigns_there_and_below_only(wh):
    assert assignable_units(wh, GARANT_303) == {"303", "30301"}
    assert can_assign(wh, GARANT_303, "303") and not can_assign(wh, GARANT_303, "101")
    assert assignable_units(wh, ADMIN) is None
    RoleAssignment(**NEW).save(wh, GARANT_303)
    assert count(wh, "role_assignments") == 5

    form = RoleAssignment(**{**NEW, "unit_code": "101"})
    with pytest.raises(Forbidden) as refused:
        form.save(wh, GARANT_303)
    assert str(refused.value) == (
        "Vous ne pouvez pas attribuer ni terminer les rôles de l'unité 101 (Outils communs) : seul·es les "
        "garant·es du cadre de cette unité (ou d'une unité qui la contient) et les administrateur·rices le "
        "peuvent. Rien n'a été enregistré.")
    assert count(wh, "role_assignments") == 5
    assert form.unit_code == "101" and form.person_email == "Zoe@Exemple.re"  # input kept


@pytest.mark.parametrize("who", [JARDIN, COMMUNS, FINANCE], ids=["referent-budget-du-groupe", "autre-pole", "finance"])
def test_members_who_are_not_garant_are_refused(wh, who):
    assert assignable_units(wh, who) == set()
    with pytest.raises(Forbidden, match="seul·es les garant·es du cadre"):
        RoleAssignment(**NEW).save(wh, who)
    assert count(wh, "role_assignments") == 4
    assert audit_rows(wh) == []


def test_a_second_holder_of_a_single_holder_role_is_refused(wh):
    form = RoleAssignment(unit_code="303", role_code="garant_cadre", person_email="zoe@exemple.re",
                          started_on="2025-01-01")
    errors = form.validate(wh)
    assert errors == {"started_on": (
        "Depuis le : membre@exemple.re tient ce rôle sur cette unité depuis le 01/01/2023, et il ne se tient "
        "qu'à une personne à la fois : terminez d'abord son attribution (date de fin), ou commencez celle-ci après")}
    with pytest.raises(Invalid):
        form.save(wh, ADMIN)
    assert form.started_on == "2025-01-01"  # input kept

    # end the current holder's role, then the successor starts the next day
    (current_id,) = rows(wh, "SELECT assignment_id FROM app.role_assignments WHERE unit_code = '303' "
                             "AND role_code = 'garant_cadre'")[0]
    ending = RoleAssignment.load(wh, current_id)
    ending.ended_on = "31/03/2025"
    ending.save(wh, ADMIN)
    form.started_on = "01/04/2025"
    form.save(wh, ADMIN)
    assert held(wh, "303", "garant_cadre") == [
        ("membre@exemple.re", date(2023, 1, 1), date(2025, 3, 31)),
        ("zoe@exemple.re", date(2025, 4, 1), None),
    ]


def test_several_bienveillants_but_not_the_same_person_twice(wh):
    RoleAssignment(unit_code="303", role_code="bienveillant", person_email="a@exemple.re", started_on="2025-01-01").save(wh, ADMIN)
    RoleAssignment(unit_code="303", role_code="bienveillant", person_email="b@exemple.re", started_on="2025-02-01").save(wh, ADMIN)
    again = RoleAssignment(unit_code="303", role_code="bienveillant", person_email="A@exemple.re",
                           started_on="2025-03-01", ended_on="2025-03-31")
    assert again.validate(wh) == {"started_on": "Depuis le : a@exemple.re tient déjà ce rôle sur cette unité "
                                                "depuis le 01/01/2025 ; les périodes se chevauchent"}
    assert count(wh, "role_assignments") == 6


@pytest.mark.parametrize(
    "changes, errors",
    [
        ({"ended_on": "31/01/2025"},
         {"ended_on": "Jusqu'au : la date (31/01/2025) est avant celle du champ « Depuis le » (01/02/2025)"}),
        ({"unit_code": "30"},
         {"role_code": "Rôle : « Référent·e tâches / planning » ne s'attribue pas sur Jardin (les groupes) ; "
                       "la configuration le prévoit pour les pôles"}),
        ({"role_code": "tresorier"}, {"role_code": "Rôle : « tresorier » n'est pas un rôle de la configuration"}),
        ({"person_email": "zoe"}, {"person_email": "Personne (e-mail) : adresse e-mail invalide, par exemple prenom@exemple.re"}),
        ({"started_on": ""}, {"started_on": "Depuis le : champ obligatoire"}),
    ],
)
def test_wrong_assignments_are_refused_and_the_input_kept(wh, changes, errors):
    form = RoleAssignment(**{**NEW, **changes})
    assert form.validate(wh) == errors
    with pytest.raises(Invalid):
        form.save(wh, ADMIN)
    assert count(wh, "role_assignments") == 4
    assert {k: getattr(form, k) for k in changes} == changes


def test_history_is_kept(wh):
    (started_id,) = rows(wh, "SELECT assignment_id FROM app.role_assignments WHERE person_email = 'ancien@exemple.re'")[0]
    past = RoleAssignment.load(wh, started_id)
    with pytest.raises(Invalid, match="fait partie de l'historique : elle ne se supprime pas"):
        past.delete(wh, ADMIN)
    past.person_email = "quelquun@exemple.re"
    assert past.validate(wh) == {"person_email": (
        "Personne (e-mail) : cette attribution a commencé le 01/01/2023 et fait partie de l'historique ; "
        "terminez-la (date de fin) et créez-en une nouvelle pour la suite")}
    assert count(wh, "role_assignments") == 4

    future = RoleAssignment(**{**NEW, "started_on": "01/01/2099"})
    future.save(wh, ADMIN)
    future.delete(wh, ADMIN)  # not started yet: entered by mistake, it may go
    assert count(wh, "role_assignments") == 4
    assert [a["action"] for a in audit_rows(wh)] == ["insert", "delete"]
