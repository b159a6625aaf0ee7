"""The registry of pages, the shell around them, and what the server sends (offline)."""

import re
from urllib.parse import urlparse

import httpx
import panel as pn
import pytest
from tests.dashboards.alambic_test_server import serving

from dashboards.app import AppContext, nav_html, page_app, with_query
from dashboards.pages import PAGES, sections
from dashboards.session import User, acting_as

EXPECTED_TITLES = [
    "Tableau de bord", "Suivi budgétaire", "Plan de trésorerie", "Suivi subventions", "Explorateur",
    "Organigramme des rôles", "Suivi évènements", "Suivi volontariat", "Répertoire", "Co-rémunération",
    "Mon tableau de bord", "Documentation", "Console SQL", "Référence des données",
    "Journal des modifications",
]


def test_every_page_of_the_mission_is_listed_in_french():
    assert [spec.label for spec in PAGES] == EXPECTED_TITLES
    assert len({spec.slug for spec in PAGES}) == len(PAGES)
    assert [s for s, _ in sections()] == ["Dashboard", "Budget tracking", "Project tracking",
                                          "Raffineur·euses", "Toolbox"]
    assert [spec.slug for spec in PAGES if not spec.ready] == []  # every page of the mission is built


def test_navigation_keeps_the_query_string():
    with acting_as(User("compta", role="finance")):
        html = nav_html("suivi-budgetaire", "?periode=2025-Q3&unite=303", lambda slug: f"/{slug}")
    for spec in PAGES:
        assert f'href="/{spec.slug}?periode=2025-Q3&amp;unite=303"' in html
        assert f">{spec.label}</a>" in html
    assert 'aria-current="page" data-page="suivi-budgetaire"' in html
    assert with_query("?page=explorateur", "?periode=2025") == "?page=explorateur&periode=2025"
    assert with_query("/explorateur", "") == "/explorateur"


def test_reserved_pages_are_neither_linked_nor_served_to_a_member(budget_warehouse):
    reserved = [spec for spec in PAGES if not spec.allows("member")]
    assert {spec.slug for spec in reserved} >= {"console-sql", "journal"}
    with acting_as(User("membre", role="member")):
        html = nav_html("tableau-de-bord", "", lambda slug: f"/{slug}")
        for spec in reserved:
            assert f'data-page="{spec.slug}"' not in html
            template = page_app(spec.slug, AppContext(warehouse=budget_warehouse))
            assert any("réservée" in str(a.object) for a in alerts(template))


def alerts(template):
    return [alert for obj in template.main for alert in obj.select(pn.pane.Alert)]


@pytest.mark.parametrize("spec", PAGES, ids=[s.slug for s in PAGES])
def test_every_page_builds(budget_warehouse, spec):
    with acting_as(User("admin", role="admin")):
        template = page_app(spec.slug, AppContext(warehouse=budget_warehouse))
    assert isinstance(template, pn.template.BaseTemplate)
    assert template.title == "Alambic"
    if not spec.ready:
        text = " ".join(str(a.object) for a in alerts(template))
        assert "Bientôt disponible" in text
        assert not re.search(r"\d\s?€", text)  # no invented figures


def test_missing_warehouse_is_explained_in_french(tmp_path):
    from warehouse.connection import Warehouse

    template = page_app("suivi-budgetaire", AppContext(warehouse=Warehouse(tmp_path / "absent.duckdb")))
    assert any("n'existe pas encore" in str(a.object) for a in alerts(template))


LINKS = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']|url\(\s*["']?([^"')]+)""", re.IGNORECASE)
ABSOLUTE = re.compile(r"""["'(=\s](?:https?:)?//([a-z0-9.-]+)""", re.IGNORECASE)
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
ALLOWED_NON_REQUEST = {"www.w3.org"}  # XML namespaces in inline SVG, never fetched


@pytest.fixture(scope="module")
def served(budget_warehouse):
    with serving(budget_warehouse) as base:
        yield base


@pytest.mark.parametrize("slug", ["", *[s.slug for s in PAGES]])
def test_served_html_links_nothing_outside(served, slug):
    response = httpx.get(f"{served}/{slug}?periode=2025-Q3&unite=30", timeout=30)
    assert response.status_code == 200
    body = response.text
    for match in LINKS.finditer(body):
        url = match.group(1) or match.group(2)
        host = urlparse(url if "//" in url else "http://127.0.0.1/" + url).hostname
        assert host in LOCAL_HOSTS, f"/{slug} links to {url}"
    hosts = {h.lower() for h in ABSOLUTE.findall(body)} - LOCAL_HOSTS - ALLOWED_NON_REQUEST
    assert not hosts, f"/{slug} mentions other hosts: {hosts}"
    assert "fonts.googleapis" not in body and "cdn.jsdelivr" not in body
    assert "<title>" in body and "Alambic" in body
