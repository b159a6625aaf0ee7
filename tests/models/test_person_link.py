"""Correspondances de personnes: only an admin settles one; French messages keep the input; each
decision is audited; a record is decided once (a stale page cannot decide it a second time)."""

from __future__ import annotations

import pytest

from models import Forbidden, Invalid, PersonLink
from tests.models.helpers import ADMIN, FINANCE, JARDIN, audit_rows, count, rows


def test_an_admin_links_an_oceco_citizen_to_an_email(wh):
    form = PersonLink(source="oceco", source_id="5e8a1b2c3d4e5f6071829305", decision="link",
                      person_email=" Alice.Payet@Exemple.re ", comment="même personne, vu en AG")
    saved = form.save(wh, ADMIN)
    assert rows(wh, "SELECT source, source_id, decision, person_email, comment, decided_by, created_by "
                    "FROM app.person_links") == [
        ("oceco", "5e8a1b2c3d4e5f6071829305", "link", "alice.payet@exemple.re", "même personne, vu en AG",
         "admin", "admin")]
    [entry] = audit_rows(wh)
    assert (entry["who"], entry["table"], entry["row_id"], entry["action"]) == ("admin", "person_links", saved.id, "insert")
    assert entry["after"]["person_email"] == "alice.payet@exemple.re"


def test_a_distinct_person_takes_no_email(wh):
    PersonLink(source="Odoo", source_id="12", decision="Personne distincte").save(wh, ADMIN)
    assert rows(wh, "SELECT source, decision, person_email FROM app.person_links") == [("odoo", "distinct", None)]


@pytest.mark.parametrize("who", [JARDIN, FINANCE], ids=["member", "finance"])
def test_only_an_admin_settles(wh, who):
    form = PersonLink(source="oceco", source_id="c1", decision="link", person_email="alice@exemple.re")
    with pytest.raises(Forbidden, match="Seul·es les administrateur·rices"):
        form.save(wh, who)
    assert count(wh, "person_links") == 0
    assert audit_rows(wh) == []


@pytest.mark.parametrize(
    "changes, errors",
    [
        ({"person_email": ""},
         {"person_email": "E-mail de la personne : indiquez l'e-mail de la personne à qui rattacher cette fiche"}),
        ({"person_email": "alice@"},
         {"person_email": "E-mail de la personne : adresse e-mail invalide, par exemple prenom@exemple.re"}),
        ({"decision": "distinct"},
         {"person_email": "E-mail de la personne : laissez ce champ vide pour une personne distincte"}),
        ({"source": "Grist"}, {"source": "Source : choisissez parmi : Oceco, Odoo, TiBillet"}),
        ({"source_id": " "}, {"source_id": "Identifiant dans la source : champ obligatoire"}),
    ],
)
def test_wrong_decisions_are_refused_and_the_input_kept(wh, changes, errors):
    values = dict(source="oceco", source_id="c1", decision="link", person_email="alice@exemple.re")
    form = PersonLink(**{**values, **changes})
    assert form.validate(wh) == errors
    with pytest.raises(Invalid):
        form.save(wh, ADMIN)
    assert count(wh, "person_links") == 0
    assert {k: getattr(form, k) for k in changes} == changes


def test_a_record_is_decided_once(wh):
    PersonLink(source="oceco", source_id="c1", decision="distinct").save(wh, ADMIN)
    late = PersonLink(source="oceco", source_id="c1", decision="link", person_email="alice@exemple.re")
    assert late.validate(wh) == {
        "source_id": "Identifiant dans la source : cette fiche a déjà été tranchée par admin ; rechargez la page"}
    with pytest.raises(Invalid):
        late.save(wh, ADMIN)
    assert rows(wh, "SELECT decision FROM app.person_links") == [("distinct",)]
    # the decision itself can be changed (it is the same row, version-checked and audited)
    first = PersonLink.load(wh, rows(wh, "SELECT link_id FROM app.person_links")[0][0])
    first.decision, first.person_email = "link", "alice@exemple.re"
    first.save(wh, ADMIN)
    assert rows(wh, "SELECT decision, person_email, row_version FROM app.person_links") == [
        ("link", "alice@exemple.re", 2)]
    assert [e["action"] for e in audit_rows(wh)] == ["insert", "update"]
