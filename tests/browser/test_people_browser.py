"""Répertoire and Suivi volontariat in a real browser, over the sandbox organisation built through
the real load and build: figures equal to the marts, the search narrows the cards, a member sees
no conflict and no e-mail, an admin settles a conflict — and no request leaves the machine."""

from __future__ import annotations

import re

import pytest

from alambic import formatting
from tests.browser.helpers import log_in, page_text, text_of, wait_text, wait_until
from tests.dashboards.alambic_test_server import external_requests

pytestmark = pytest.mark.browser

DIRECTORY_SCREENSHOT = "/tmp/alambic-repertoire.png"
VOLUNTEER_SCREENSHOT = "/tmp/alambic-suivi-volontariat.png"
ADMIN_SCREENSHOT = "/tmp/alambic-repertoire-admin.png"

@pytest.fixture(scope="module")
def people_site(sandbox_site):
    """The sandbox (a third of La Raffinerie), served with logins and its configuration (a decision
    rebuilds the marts); an admin and a member account."""
    accounts = [("admin", "admin@exemple.re", "admin", "Admin Test"),
                ("membre", "membre@exemple.re", "member", "Membre Test")]
    with sandbox_site(accounts) as (base, warehouse, _config):
        yield base, warehouse


def count_of(page, selector: str) -> str:
    """The text of the first element matching `selector`, through Panel's shadow roots."""
    locator = page.locator(selector)
    if not locator.count():
        return ""
    text = text_of(locator.first)
    return re.sub(r"[ \t\n]+", " ", text).strip()  # keeps the no-break spaces of French figures


def test_member_searches_the_directory(page, people_site):
    base, warehouse = people_site
    log_in(page, base, "membre", "/repertoire")
    members = warehouse.query("SELECT count(*) AS n FROM marts.people WHERE is_member")["n"][0]
    wait_until(lambda: count_of(page, ".people-count") == f"{members} membre(s)", "all the members' cards")
    assert page.locator(".person-card").count() == members
    potager = warehouse.query(
        "SELECT count(*) AS n FROM marts.people WHERE is_member AND (list_contains(unit_names, 'Potager') "
        "OR contains(lower(array_to_string(roles, ' ')), 'potager'))")["n"][0]
    assert 0 < potager < members
    page.get_by_placeholder("Nom, pôle, rôle, badge…").fill("potager")
    wait_until(lambda: count_of(page, ".people-count") == f"{potager} membre(s)", "the search narrows the cards")
    wait_until(lambda: page.locator(".person-card").count() == potager, "cards shown")
    cards = page.locator(".person-card").all_inner_texts()
    # a role may name the garden in lower case (« référent·e du potager ») on a card outside the pôle
    assert all("potager" in card.lower() for card in cards), cards
    body = page_text(page)
    assert "Correspondances à vérifier" not in body and "@exemple.re" not in body  # admins only
    assert "aucune source n'indique lesquelles" in body
    page.set_viewport_size({"width": 1400, "height": 2200})
    page.wait_for_timeout(800)
    page.screenshot(path=DIRECTORY_SCREENSHOT, full_page=True)
    assert external_requests(page.requests) == []


def test_member_reads_the_volunteer_tracking(page, people_site):
    base, warehouse = people_site
    log_in(page, base, "membre", "/suivi-volontariat?periode=2025&unite=R")
    row = warehouse.query("""SELECT sum(valuation)::DOUBLE AS v, sum(hours_validated)::DOUBLE AS h
                             FROM marts.volunteer_hours WHERE year(month) = 2025""").iloc[0]
    valuation = formatting.money(round(row["v"], 2))
    wait_until(lambda: count_of(page, '[data-kpi="valuation"] .kpi-value') == valuation, "valuation KPI")
    hours = formatting.number(row["h"]) + "\u00a0h"
    assert count_of(page, '[data-kpi="hours_validated"] .kpi-value') == hours
    wait_text(page, "Valorisation annuelle (comptes 864 / 875)")  # the lower sections follow the first screen
    body = page_text(page)
    for label in ("Heures mois par mois", "Par membre", "Par pôle et par mois", "Actions en attente de validation",
                  "Valorisation annuelle (comptes 864 / 875)", "Télécharger les membres (CSV)"):
        assert label in body, label
    yearly = warehouse.query("SELECT valuation::DOUBLE AS v FROM marts.volunteer_valuation WHERE exercice = 2025")
    assert formatting.money(yearly["v"][0]).replace("\u202f", "") in body.replace("\u202f", "")
    for raw in (" nan ", "None", "NaT", "<NA>"):
        assert raw not in body, raw
    assert re.search(r"\d+\u00a0h", body)
    page.set_viewport_size({"width": 1400, "height": 3200})
    page.wait_for_timeout(1200)
    page.screenshot(path=VOLUNTEER_SCREENSHOT, full_page=True)
    assert external_requests(page.requests) == []


def test_admin_settles_a_conflict(page, people_site):
    base, warehouse = people_site
    conflicts = warehouse.query("SELECT conflict_key, source_id FROM marts.people_conflicts "
                                "ORDER BY volunteer_hours DESC, record_name, conflict_key")
    assert len(conflicts) == 2  # the sandbox's volunteer with two Oceco accounts under one e-mail
    log_in(page, base, "admin", "/repertoire")
    wait_until(lambda: count_of(page, ".conflict-count") == "2 fiche(s) à vérifier", "the conflicts")
    assert "@exemple.re" in page_text(page)  # admins see the e-mail tying the sources
    page.get_by_label("Fiche à trancher").select_option(index=2)  # the older account, without hours
    wait_until(lambda: page.get_by_label("Identifiant dans la source").input_value() == conflicts["source_id"][1],
               "the form shows the chosen record")
    page.get_by_label("Décision", exact=True).select_option(label="Personne distincte")
    page.get_by_label("E-mail de la personne").fill("")
    page.set_viewport_size({"width": 1400, "height": 2600})
    page.wait_for_timeout(800)
    page.screenshot(path=ADMIN_SCREENSHOT, full_page=True)
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    wait_until(lambda: "Décision enregistrée" in page_text(page), "the decision is confirmed", timeout=60)
    # the other account alone now claims the e-mail: nothing left to check
    wait_until(lambda: "Rien à vérifier" in page_text(page), "the conflict leaves the list", timeout=60)
    assert warehouse.query("SELECT source_id, decision, decided_by FROM app.person_links").values.tolist() == [
        [conflicts["source_id"][1], "distinct", "admin"]]
    assert warehouse.query("SELECT count(*) AS n FROM marts.people_conflicts")["n"][0] == 0
    assert external_requests(page.requests) == []
