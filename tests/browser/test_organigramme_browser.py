"""Organigramme and Documentation in a real browser, over the sandbox organisation built through
the real pipeline and served with logins: the sandbox's vacant roles show as vacant, an
administrator assigns one and it clears (the marts are rebuilt), the documentation shows the
glossary — and nothing is fetched from another host."""

from __future__ import annotations

import pytest

from tests.browser.helpers import log_in, page_text
from tests.dashboards.alambic_test_server import external_requests

pytestmark = pytest.mark.browser

SCREENSHOT = "/tmp/alambic-organigramme.png"


@pytest.fixture(scope="module")
def roles_site(sandbox_site):
    """(base URL, warehouse): the sandbox (seed 42, scale 0.3) with its configuration, so that a
    save rebuilds the marts, and an administrator's account."""
    with sandbox_site([("admin", "admin@exemple.re", "admin", "Admin")]) as (base, warehouse, _config):
        yield base, warehouse


def vacant_in_page(page) -> set[tuple[str, str]]:
    rows = page.locator('tr[data-vacant="true"]')
    return {(rows.nth(i).get_attribute("data-unit"), rows.nth(i).get_attribute("data-role"))
            for i in range(rows.count())}


def test_vacant_roles_show_and_assigning_one_clears_it(page, roles_site):
    from tests.dashboards.test_organigramme import sandbox_vacancies

    base, warehouse = roles_site
    log_in(page, base, "admin", "/organigramme?unite=R")
    page.locator("tr[data-role]").first.wait_for(timeout=30000)
    vacancies = sandbox_vacancies()
    assert vacant_in_page(page) == set(vacancies)
    assert page.locator(".badge-vacant").count() == len(vacancies)
    text = page_text(page)
    for label in ("Organigramme des rôles", "Rôles vacants", "Groupes, pôles et projets", "Attribuer un rôle",
                  "Terminer un rôle", "Historique", "Télécharger l'organigramme (CSV)", "Garant·e du cadre"):
        assert label in text, label
    for raw in ("None", "NaT", "nan", "<NA>"):
        assert f" {raw} " not in text, raw

    unit, role = vacancies[0]
    names = warehouse.query(
        "SELECT (SELECT name FROM ref.units WHERE unit_code = ?) AS unit_name, "
        "(SELECT min(label) FROM ref.roles WHERE role_code = ?) AS role_label", [unit, role]).iloc[0]
    page.get_by_role("button", name="Attribuer un rôle", exact=True).click()  # the form is built when opened
    page.get_by_label("Rôle", exact=True).wait_for(timeout=30000)
    page.get_by_label("Unité", exact=True).nth(1).select_option(label=f"{names['unit_name']} (pôle)")
    page.get_by_label("Rôle", exact=True).select_option(label=names["role_label"])
    person = page.get_by_label("Personne (e-mail)", exact=True)
    person.select_option(index=1)
    page.get_by_label("Depuis le", exact=True).fill("27/11/2026")
    page.get_by_role("button", name="Enregistrer", exact=True).click()

    row = page.locator(f'tr[data-unit="{unit}"][data-role="{role}"]').first
    for _ in range(240):  # the save rebuilds every mart of the sandbox
        if row.count() and row.get_attribute("data-vacant") == "false":
            break
        page.wait_for_timeout(250)
    assert row.get_attribute("data-vacant") == "false", page_text(page)[-2000:]
    assert vacant_in_page(page) == set(vacancies) - {(unit, role)}
    held = warehouse.query("SELECT vacant FROM marts.role_chart WHERE unit_code = ? AND role_code = ?", [unit, role])
    assert held["vacant"].tolist() == [False]
    assert "depuis le 27/11/2026" in row.inner_text()

    page.set_viewport_size({"width": 1400, "height": 3000})
    page.wait_for_timeout(500)
    page.screenshot(path=SCREENSHOT, full_page=True)
    assert external_requests(page.requests) == []


def test_documentation_opens_with_the_glossary(page, roles_site):
    base, _warehouse = roles_site
    log_in(page, base, "admin", "/documentation")
    page.locator(".glossary").first.wait_for(timeout=30000)
    text = page_text(page)
    for label in ("Glossaire", "Prévisionnel", "Transfert interne", "Valorisation du bénévolat", "Ouvrir la page",
                  "Le wiki de La Raffinerie", "Organigramme des rôles"):
        assert label in text, label
    wiki = page.get_by_role("link", name="Le wiki de La Raffinerie")
    assert wiki.get_attribute("href") == "https://documentation.laraffinerie.re"
    term = page.locator(".glossary-term").first
    assert term.get_attribute("title")
    assert external_requests(page.requests) == []
