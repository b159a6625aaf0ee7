"""Subventions and their échéancier: one form, one transaction, instalments within the ceiling."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from models import Conflict, Invalid, Subsidy
from models.subsidy import Instalment
from tests.models.helpers import ADMIN, FINANCE, JARDIN, audit_rows, count, rows

D = Decimal


def region(**changes) -> Subsidy:
    values = dict(
        funder="Région Réunion", scheme="Économie circulaire", referent_email="Jardin@Exemple.re",
        unit_code="303", nature="fonctionnement", amount_requested="12 000", amount_granted="10 000",
        requested_on="15/01/2025", granted_on="01/03/2025", notified_on="10/03/2025",
        period_start="01/01/2025", period_end="31/12/2025", report_due_on="30/06/2026",
        links="https://exemple.re/convention.pdf",
        instalments=[
            Instalment(kind="avance", amount="5 000", expected_on="01/04/2025", received_on="03/04/2025",
                       odoo_payment_id="812"),
            Instalment(kind="solde", amount="5 000", expected_on="30/06/2026"),
        ],
    )
    return Subsidy(**{**values, **changes})


def test_a_subsidy_and_its_instalments_are_saved_together_and_audited(wh):
    form = region()
    assert form.validate(wh) == {}
    saved = form.save(wh, JARDIN)
    assert form.id == saved.id and [i.id for i in form.instalments] == [c.id for c in saved.children]
    assert rows(wh, "SELECT funder, referent_email, amount_requested, amount_granted, period_end FROM app.subsidies") == [
        ("Région Réunion", "jardin@exemple.re", D("12000.00"), D("10000.00"), dt.date(2025, 12, 31))
    ]
    assert rows(wh, "SELECT subsidy_id, kind, amount, received_on, odoo_payment_id FROM app.subsidy_instalments "
                    "ORDER BY expected_on") == [
        (saved.id, "avance", D("5000.00"), dt.date(2025, 4, 3), 812),
        (saved.id, "solde", D("5000.00"), None, None),
    ]
    assert [(a["table"], a["action"]) for a in audit_rows(wh)] == [
        ("subsidies", "insert"), ("subsidy_instalments", "insert"), ("subsidy_instalments", "insert")
    ]
    loaded = Subsidy.load(wh, saved.id)
    assert [i.kind for i in loaded.instalments] == ["avance", "solde"]
    assert loaded.instalments[0].odoo_payment_id == 812


def test_instalments_above_the_granted_amount_are_refused_and_the_input_stays(wh):
    form = region()
    form.instalments[1].amount = "6 000"
    errors = form.validate(wh)
    assert errors == {
        "instalments": "Échéancier : le total des échéances (11\u202f000,00\u00a0€) dépasse le montant accordé "
        "(10\u202f000,00\u00a0€)"
    }
    with pytest.raises(Invalid):
        form.save(wh, ADMIN)
    assert form.instalments[1].amount == "6 000"
    assert count(wh, "subsidies") == 0 and count(wh, "subsidy_instalments") == 0 and count(wh, "audit_log") == 0


def test_before_the_grant_the_ceiling_is_the_requested_amount(wh):
    form = region(amount_granted=None, granted_on=None, notified_on=None, amount_requested="9 000")
    assert "le montant demandé (la subvention n'est pas encore accordée)" in form.validate(wh)["instalments"]
    form.amount_requested = "10 000"
    assert form.validate(wh) == {}


@pytest.mark.parametrize(
    "change, key, message",
    [
        (lambda s: setattr(s, "period_end", "31/12/2024"), "period_end",
         "Fin de réalisation : la date (31/12/2024) est avant celle du champ « Début de réalisation » (01/01/2025)"),
        (lambda s: setattr(s, "amount_granted", "-10 000"), "amount_granted",
         "Montant accordé : un montant négatif n'est pas accepté"),
        (lambda s: setattr(s, "amount_requested", "beaucoup"), "amount_requested",
         "Montant demandé : saisissez un nombre, par exemple 1 234,56"),
        (lambda s: setattr(s, "unit_code", "404"), "unit_code",
         "Unité financée : « 404 » n'est pas une unité de l'organisation"),
        (lambda s: setattr(s, "referent_email", "jardin"), "referent_email",
         "Référent·e (e-mail) : adresse e-mail invalide, par exemple prenom@exemple.re"),
        (lambda s: setattr(s, "nature", "autre"), "nature",
         "Nature : choisissez parmi : Fonctionnement, Investissement"),
        (lambda s: setattr(s.instalments[0], "amount", "0"), "instalments.0.amount",
         "Échéance 1 — Montant : saisissez un montant supérieur à 0"),
        (lambda s: setattr(s.instalments[1], "expected_on", ""), "instalments.1.expected_on",
         "Échéance 2 — Date prévue : champ obligatoire"),
        (lambda s: setattr(s.instalments[0], "kind", "solde"), "instalments",
         "Échéancier : une seule échéance peut être le solde"),
    ],
)
def test_wrong_subsidy_input(wh, change, key, message):
    form = region()
    change(form)
    assert form.validate(wh) == {key: message}
    with pytest.raises(Invalid):
        form.save(wh, ADMIN)
    assert count(wh, "subsidies") == 0


def test_changing_the_schedule_writes_only_what_changed(wh):
    form = region()
    form.save(wh, ADMIN)
    avance, solde = form.instalments
    form.instalments = [
        avance,
        Instalment(kind="acompte", amount="3 000", expected_on="01/10/2025"),
    ]
    form.amount_granted = "8 000"
    form.save(wh, FINANCE)
    assert form.row_version == 2 and avance.row_version == 1  # the avance did not change
    stored = rows(wh, "SELECT kind, amount FROM app.subsidy_instalments ORDER BY expected_on")
    assert stored == [("avance", D("5000.00")), ("acompte", D("3000.00"))]
    actions = [(a["table"], a["action"]) for a in audit_rows(wh)[3:]]
    assert actions == [("subsidies", "update"), ("subsidy_instalments", "insert"), ("subsidy_instalments", "delete")]
    deleted = audit_rows(wh)[-1]
    assert deleted["row_id"] == solde.id and deleted["before"]["kind"] == "solde"


def test_two_sessions_on_one_subsidy_cannot_lose_each_others_instalments(wh):
    region().save(wh, ADMIN)
    [subsidy_id] = [r[0] for r in rows(wh, "SELECT subsidy_id FROM app.subsidies")]
    first, second = Subsidy.load(wh, subsidy_id), Subsidy.load(wh, subsidy_id)
    first.instalments[0].received_on = "05/04/2025"
    first.save(wh, JARDIN)
    second.instalments = second.instalments[:1]  # would drop the solde
    with pytest.raises(Conflict) as told:
        second.save(wh, FINANCE)
    assert (told.value.theirs_version, told.value.yours_version) == (2, 1)
    assert count(wh, "subsidy_instalments") == 2
    assert rows(wh, "SELECT received_on FROM app.subsidy_instalments WHERE kind = 'avance'") == [(dt.date(2025, 4, 5),)]


def test_deleting_a_subsidy_deletes_its_instalments_with_audit(wh):
    form = region()
    form.save(wh, ADMIN)
    form.delete(wh, FINANCE)
    assert count(wh, "subsidies") == 0 and count(wh, "subsidy_instalments") == 0
    assert [(a["table"], a["action"]) for a in audit_rows(wh)[3:]] == [
        ("subsidy_instalments", "delete"), ("subsidy_instalments", "delete"), ("subsidies", "delete")
    ]


def test_an_instalment_is_not_saved_on_its_own(wh):
    with pytest.raises(TypeError):
        Instalment(kind="solde", amount="1", expected_on="2025-01-01").save(wh, ADMIN)
