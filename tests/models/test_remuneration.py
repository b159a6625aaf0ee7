"""Propositions de rémunération: proposing (for oneself), the amount from hours × rate, each legal
and illegal transition, who may validate or refuse, the refusal's comment, the audit, lost updates."""

from __future__ import annotations

from decimal import Decimal

import pytest

from models import Conflict, Forbidden, Invalid, RemunerationProposal
from tests.models.helpers import ADMIN, COMMUNS, FINANCE, FORMER, JARDIN, NOBODY, audit_rows, count, rows

# Tree: R → 10 → 101 ; R → 30 → 303 → 30301. JARDIN: référent·e budget of 30; COMMUNS of 101;
# FORMER held it on 303 until 2024; NOBODY (membre@) is garant·e du cadre of 303 only.


def proposal(**changes) -> RemunerationProposal:
    values = dict(person_email="membre@exemple.re", unit_code="30301", kind="bienveillance", mission="Bienveillance bar – mars",
                  hours="12", hourly_rate="25,50", start_date="01/03/2025", end_date="31/03/2025")
    return RemunerationProposal(**{**values, **changes})


def proposed(wh, who=NOBODY, **changes) -> RemunerationProposal:
    form = proposal(**changes)
    form.save(wh, who)
    return form


def stored(wh, proposal_id: int) -> tuple:
    return rows(wh, "SELECT status, decided_by, decision_comment, odoo_move_id, amount FROM app.remuneration_proposals "
                    "WHERE proposal_id = ?", [proposal_id])[0]


def test_a_member_proposes_for_themself_and_the_amount_is_hours_times_rate(wh):
    form = proposed(wh, person_email="")  # blank: the person proposing
    assert rows(wh, "SELECT person_email, unit_code, kind, hours, hourly_rate, amount, status, created_by "
                    "FROM app.remuneration_proposals") == [
        ("membre@exemple.re", "30301", "bienveillance", Decimal("12.00"), Decimal("25.50"), Decimal("306.00"),
         "proposee", "membre")]
    (line,) = audit_rows(wh)
    assert (line["who"], line["action"], line["row_id"], line["after"]["amount"]) == ("membre", "insert", form.id, "306.00")


def test_a_lump_sum_without_hours(wh):
    proposed(wh, hours="", hourly_rate="", amount="1 200,00", kind="Prestation interne")
    assert rows(wh, "SELECT kind, hours, hourly_rate, amount FROM app.remuneration_proposals") == [
        ("prestation_interne", None, None, Decimal("1200.00"))]


@pytest.mark.parametrize(
    "changes, errors",
    [
        ({"end_date": "28/02/2025"},
         {"end_date": "Fin : la date (28/02/2025) est avant celle du champ « Début » (01/03/2025)"}),
        ({"hourly_rate": ""}, {"hourly_rate": "Taux horaire : indiquez le taux pour les heures saisies"}),
        ({"hours": "", "hourly_rate": ""},
         {"amount": "Montant (forfait) : saisissez des heures et un taux horaire, ou une somme forfaitaire"}),
        ({"amount": "300"},
         {"amount": "Montant (forfait) : heures × taux font 306,00\u00a0€ ; laissez le montant vide (il est calculé) "
                    "ou saisissez une somme sans heures ni taux"}),
        ({"hours": "douze"}, {"hours": "Heures : saisissez un nombre, par exemple 1 234,56"}),
        ({"mission": " "}, {"mission": "Mission : champ obligatoire"}),
        ({"unit_code": "999"}, {"unit_code": "Unité : « 999 » n'est pas une unité de l'organisation"}),
    ],
)
def test_wrong_input_is_refused_and_kept(wh, changes, errors):
    form = proposal(**changes)
    got = form.validate(wh)
    assert {k: v.replace("\u202f", " ") for k, v in got.items()} == errors
    with pytest.raises(Invalid):
        form.save(wh, NOBODY)
    assert count(wh, "remuneration_proposals") == 0
    assert {k: getattr(form, k) for k in changes} == changes


def test_nobody_to_pay_is_refused(wh):
    form = proposal(person_email=" ")
    with pytest.raises(Invalid, match="indiquez l'adresse e-mail de la personne rémunérée"):
        form.save(wh, ADMIN.__class__("robot", None, "admin"))
    assert count(wh, "remuneration_proposals") == 0 and form.person_email == " "


def test_a_member_cannot_propose_for_somebody_else_but_finance_can(wh):
    with pytest.raises(Forbidden, match="que pour vous-même"):
        proposal(person_email="jardin@exemple.re").save(wh, NOBODY)
    assert count(wh, "remuneration_proposals") == 0
    form = proposed(wh, FINANCE, person_email="Jardin@Exemple.re")
    assert rows(wh, "SELECT person_email, created_by FROM app.remuneration_proposals") == [
        ("jardin@exemple.re", "tresoriere")]
    assert form.person_email == "Jardin@Exemple.re"


def test_the_referent_of_the_unit_or_above_validates(wh):
    form = proposed(wh)
    saved = form.validate_by(wh, JARDIN, "Validé en cercle")  # référent·e of the groupe 30, above 30301
    assert stored(wh, form.id)[:3] == ("validee", "jardin", "Validé en cercle")
    assert form.row_version == saved.row_version == 2
    steps = audit_rows(wh)
    assert [s["action"] for s in steps] == ["insert", "update"]
    assert (steps[1]["who"], steps[1]["before"]["status"], steps[1]["after"]["status"]) == ("jardin", "proposee", "validee")


@pytest.mark.parametrize("who, reason", [
    (COMMUNS, "référent·es budget et subventions de l'unité 30301"),  # référent·e of another pôle
    (FORMER, "référent·es budget et subventions de l'unité 30301"),   # role ended
    (NOBODY, "votre propre proposition"),                               # the proposer
])
def test_who_may_not_validate(wh, who, reason):
    form = proposed(wh, FINANCE, person_email=NOBODY.email)
    for action in (lambda: form.validate_by(wh, who), lambda: form.refuse(wh, who, "Non")):
        with pytest.raises(Forbidden, match=reason):
            action()
    assert stored(wh, form.id)[0] == "proposee"
    assert len(audit_rows(wh)) == 1


def test_the_proposer_cannot_validate_even_as_finance(wh):
    form = proposed(wh, FINANCE, person_email=FINANCE.email)
    with pytest.raises(Forbidden, match="votre propre proposition"):
        form.validate_by(wh, FINANCE)
    form.validate_by(wh, ADMIN)
    assert stored(wh, form.id)[:2] == ("validee", "admin")


def test_a_refusal_needs_and_keeps_its_comment(wh):
    form = proposed(wh)
    with pytest.raises(Invalid, match="dites pourquoi"):
        form.refuse(wh, JARDIN, "  ")
    assert stored(wh, form.id)[0] == "proposee"
    form.refuse(wh, JARDIN, "Mission déjà couverte par le budget de la soirée.")
    assert stored(wh, form.id)[:3] == ("refusee", "jardin", "Mission déjà couverte par le budget de la soirée.")
    assert audit_rows(wh)[-1]["after"]["decision_comment"] == "Mission déjà couverte par le budget de la soirée."


def test_legal_and_illegal_transitions(wh):
    refused = proposed(wh)
    refused.refuse(wh, JARDIN, "Non")
    for action in (lambda: refused.validate_by(wh, ADMIN), lambda: refused.refuse(wh, ADMIN, "Encore"),
                   lambda: refused.mark_paid(wh, ADMIN)):
        with pytest.raises(Forbidden, match="refusée ne peut pas devenir"):
            action()
    form = proposed(wh)
    with pytest.raises(Forbidden, match="proposée ne peut pas devenir payée"):
        form.mark_paid(wh, ADMIN)
    form.validate_by(wh, JARDIN)
    with pytest.raises(Forbidden, match="validée ne peut pas devenir validée"):
        form.validate_by(wh, ADMIN)
    with pytest.raises(Forbidden, match="validée ne peut pas devenir payée"):
        form.mark_paid(wh, ADMIN)
    assert [s["after"]["status"] for s in audit_rows(wh)] == ["proposee", "refusee", "proposee", "validee"]


def test_invoiced_then_paid_with_a_synced_bill(wh):
    with wh.write("une facture synchronisée") as con:
        con.execute("DROP VIEW staging.stg_odoo__account_moves")
        con.execute("CREATE TABLE staging.stg_odoo__account_moves AS "
                    "SELECT 42::BIGINT AS move_id, 'in_invoice' AS move_type, 'posted' AS state "
                    "UNION ALL SELECT 43, 'out_invoice', 'posted'")
    form = proposed(wh)
    with pytest.raises(Forbidden, match="proposée ne peut pas devenir facturée"):
        form.mark_invoiced(wh, FINANCE, 42)
    form.validate_by(wh, JARDIN)
    with pytest.raises(Forbidden, match="Seul le groupe finance"):
        form.mark_invoiced(wh, JARDIN, 42)
    with pytest.raises(Invalid, match="n'est pas une facture fournisseur"):
        form.mark_invoiced(wh, FINANCE, 43)
    form.mark_invoiced(wh, FINANCE, 42)
    other = proposed(wh)
    other.validate_by(wh, JARDIN)
    with pytest.raises(Invalid, match=f"déjà celle de la proposition n° {form.id}"):
        other.mark_invoiced(wh, FINANCE, 42)
    form.mark_paid(wh, FINANCE)
    assert stored(wh, form.id)[0::3] == ("payee", 42)
    with pytest.raises(Forbidden, match="payée ne peut pas devenir"):
        form.mark_paid(wh, FINANCE)
    steps = [s for s in audit_rows(wh) if s["row_id"] == form.id]
    assert [(s["who"], s["action"], s["after"]["status"]) for s in steps] == [
        ("membre", "insert", "proposee"), ("jardin", "update", "validee"),
        ("tresoriere", "update", "facturee"), ("tresoriere", "update", "payee")]


def test_a_decision_on_a_stale_proposal_is_refused(wh):
    form = proposed(wh)
    other_tab = RemunerationProposal.load(wh, form.id)
    form.mission = "Bienveillance bar – mars et avril"
    form.save(wh, NOBODY)
    with pytest.raises(Conflict, match="a été modifiée par membre"):
        other_tab.validate_by(wh, JARDIN)
    assert stored(wh, form.id)[0] == "proposee"


def test_only_a_proposed_proposal_is_edited_by_its_author(wh):
    form = proposed(wh)
    form.amount, form.hours, form.hourly_rate = "400", "", ""
    with pytest.raises(Forbidden, match="que pour vous-même"):
        form.save(wh, JARDIN)
    form.save(wh, NOBODY)
    assert stored(wh, form.id)[4] == Decimal("400.00")
    RemunerationProposal.load(wh, form.id).validate_by(wh, JARDIN)
    form = RemunerationProposal.load(wh, form.id)
    form.amount = "4000"
    with pytest.raises(Forbidden, match="validée : elle ne se modifie plus"):
        form.save(wh, ADMIN)
    assert stored(wh, form.id)[4] == Decimal("400.00")
