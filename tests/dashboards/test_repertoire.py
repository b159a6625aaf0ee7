"""Répertoire shows one card per member of marts.people, filtered as marts say; admins (only) see
the conflicts of marts.people_conflicts and settle them through the form — the decision is saved,
audited, the marts rebuilt, and the conflict leaves the list."""

from __future__ import annotations

import panel as pn
import pytest

from alambic.users import User
from dashboards.app import AppContext
from dashboards.repertoire import Repertoire
from dashboards.session import acting_as
from tests.sql.test_volunteer_marts import tiny_people_warehouse

ADMIN = User(login="admin", email="admin@exemple.re", role="admin", display_name="Admin")
MEMBER = User(login="membre", email="membre@exemple.re", role="member", display_name="Membre")


def directory(warehouse, who: User, config=None) -> Repertoire:
    with acting_as(who):
        return Repertoire(context=AppContext(warehouse=warehouse, config=config))


def members(warehouse, where: str = "true", params=None) -> list[str]:
    return warehouse.query(f"SELECT person_key FROM marts.people WHERE is_member AND {where} "
                           "ORDER BY sort_name, person_key", params or [])["person_key"].tolist()


def test_cards_are_the_members_of_the_mart(sandbox_warehouse):
    page = directory(sandbox_warehouse, MEMBER)
    data = page.people_data()
    assert data["person_key"].tolist() == members(sandbox_warehouse)
    html_text = page.cards().objects[1].object
    assert html_text.count('class="person-card"') == len(data)
    assert "@" not in html_text  # a member sees no e-mail
    assert not page.is_admin and not hasattr(page, "settle_form")


def test_search_and_filters_narrow_the_cards(sandbox_warehouse):
    page = directory(sandbox_warehouse, MEMBER)
    everyone = len(page.people_data())
    page.search = "potager"
    found = page.people_data()["person_key"].tolist()
    expected = members(sandbox_warehouse, "list_contains(unit_names, 'Potager') OR contains(lower(array_to_string(roles, ' ')), 'potager')")
    assert found == expected and 0 < len(found) < everyone
    page.search = ""
    page.pole = "30"  # the groupe Jardin: its pôles 301–304
    expected = members(sandbox_warehouse, "list_has_any(unit_codes, ['30', '301', '302', '303', '304'])")
    assert page.people_data()["person_key"].tolist() == expected
    page.pole, page.role = "", "garant_cadre"
    assert page.people_data()["person_key"].tolist() == members(sandbox_warehouse, "list_contains(role_codes, 'garant_cadre')")
    page.role, page.search = "", "zzz-personne"
    assert page.people_data().empty
    assert "Personne ne correspond" in page.cards().objects[1].object


def test_the_admin_sees_the_conflicts_of_the_mart(sandbox_warehouse):
    page = directory(sandbox_warehouse, ADMIN)
    conflicts = page.conflicts_data()
    expected = sandbox_warehouse.query("SELECT conflict_key FROM marts.people_conflicts ORDER BY volunteer_hours DESC, "
                                       "record_name, conflict_key")["conflict_key"].tolist()
    assert conflicts["conflict_key"].tolist() == expected and expected  # the sandbox's twin Oceco accounts
    assert set(conflicts["reason_label"]) == {"Même e-mail qu'une autre fiche de la même source"}
    assert list(page.conflict_choice.options.values())[1:] == expected
    assert "@" in page.cards().objects[1].object  # admins see the e-mail that ties the sources


@pytest.fixture
def tiny(tmp_path):
    return tiny_people_warehouse(tmp_path)


def test_an_admin_settles_a_conflict_through_the_form(tiny):
    warehouse, config = tiny
    page = directory(warehouse, ADMIN, config)
    pn.panel(page).get_root()
    before = len(page.conflicts_data())
    page.conflict_choice.value = "oceco:C2"
    form = page.settle_form
    assert form.widgets["source"].value == "oceco" and form.widgets["source_id"].value == "C2"
    assert form.widgets["person_email"].value == "bob.hoarau@example.org"  # the suggestion, for the admin to confirm
    with acting_as(ADMIN):
        assert form.save()
    assert "Décision enregistrée" in form.message
    assert len(page.conflicts_data()) == before - 1
    assert "oceco:C2" not in page.conflict_choice.options.values()
    assert warehouse.query("SELECT decision, person_email, decided_by FROM app.person_links").values.tolist() == [
        ["link", "bob.hoarau@example.org", "admin"]]
    assert warehouse.query("SELECT count(*) AS n FROM app.audit_log WHERE table_name = 'person_links'")["n"][0] == 1
    bob = page.people_data().query("person_key == 'bob.hoarau@example.org'")
    assert bob["display_name"].tolist() == ["Bob Hoarau"]


def test_a_wrong_decision_keeps_the_input_and_says_why(tiny):
    warehouse, config = tiny
    page = directory(warehouse, ADMIN, config)
    page.conflict_choice.value = "oceco:C5"
    form = page.settle_form
    form.widgets["person_email"].value = "zoé@"
    with acting_as(ADMIN):
        assert not form.save()
    assert "adresse e-mail invalide" in form.errors["person_email"].object
    assert form.widgets["person_email"].value == "zoé@"
    assert warehouse.query("SELECT count(*) AS n FROM app.person_links")["n"][0] == 0


def test_a_member_cannot_settle_even_with_a_forged_form(tiny):
    warehouse, config = tiny
    admin_page = directory(warehouse, ADMIN, config)
    admin_page.conflict_choice.value = "oceco:C2"
    form = admin_page.settle_form
    form.who = lambda: MEMBER  # the page would not show the form to a member: force it
    assert not form.save()
    assert "Seul·es les administrateur·rices" in form.message
    assert warehouse.query("SELECT count(*) AS n FROM app.person_links")["n"][0] == 0


def test_cards_tell_homonyms_apart_and_never_show_a_login_as_a_name():
    """#12.11: two « Jean-Marc Ah-Hot » say where each comes from; a person known only by an
    e-mail is « Nom inconnu », not « jmah »; the e-mail shows to admins only, labelled."""
    from collections import namedtuple

    from dashboards.repertoire import card_html
    Person = namedtuple("Person", "display_name shown_name email unit_names roles badges has_conflict "
                                  "source_labels homonym")
    first = Person("Jean-Marc Ah-Hot", "Jean-Marc Ah-Hot", "jm@exemple.re", ["Potager"], [], [], False,
                   ["Odoo"], True)
    second = first._replace(email="jmah@exemple.re", unit_names=[], source_labels=["Oceco"])
    one, two = card_html(first, False), card_html(second, False)
    assert "Connu·e de :</span> Odoo" in one and "Connu·e de :</span> Oceco" in two
    assert "jm@exemple.re" not in one  # a member sees no contact detail
    assert "E-mail de rapprochement" in card_html(first, True)
    login_only = first._replace(display_name="jmah", shown_name=None, homonym=False)
    card = card_html(login_only, False)
    assert "Nom inconnu" in card and ">jmah<" not in card and "Connu·e de" not in card


def test_the_query_gives_no_login_as_a_name(sandbox_warehouse):
    from dashboards.queries import run_query
    people = run_query(sandbox_warehouse, "repertoire/personnes", search="", unit="", role="")
    logins = people[people["shown_name"].notna()]
    assert not (logins["shown_name"] == logins["email"].str.split("@").str[0]).any()
    names = people["display_name"].value_counts()
    twice = set(names[names > 1].index)
    assert set(people.loc[people["homonym"], "display_name"]) == twice
