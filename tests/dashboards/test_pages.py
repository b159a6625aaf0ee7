"""The registry of pages, the shell around them, and what the server sends (offline)."""

import re
from urllib.parse import urlparse

import httpx
import panel as pn
import pytest

from alambic.users import User
from dashboards.app import AppContext, nav_html, page_app, with_query
from dashboards.pages import PAGES, sections
from dashboards.session import acting_as
from tests.dashboards.alambic_test_server import serving


def test_every_page_has_a_unique_french_label_and_one_name():
    """Properties of the registry, whatever pages it holds: no list to keep by hand."""
    from importlib import import_module

    from alambic.i18n import translations

    french = translations("fr")
    assert len({spec.slug for spec in PAGES}) == len(PAGES)
    assert len({spec.label for spec in PAGES}) == len(PAGES)
    for spec in PAGES:
        # a coded page's title is an English msgid translated; a declared page is written in French
        assert spec.declaration is not None or spec.title in french, spec.slug
        assert spec.label and spec.label != spec.slug
        if spec.declaration is None:  # one name: slug suivi-budgetaire, dashboards.suivi_budgetaire.SuiviBudgetaire
            assert spec.module == "dashboards." + spec.slug.replace("-", "_")
            assert spec.class_name == "".join(part.capitalize() for part in spec.slug.split("-"))
            assert hasattr(import_module(spec.module), spec.class_name), spec.slug
    assert [spec.slug for spec in PAGES if not spec.ready] == []  # every page of the mission is built


def test_pages_are_grouped_by_section_in_menu_order():
    assert [s for s, _ in sections()] == ["Dashboard", "Budget tracking", "Project tracking",
                                          "Raffineur·euses", "Toolbox"]
    seen = [spec.section for spec in PAGES]
    assert seen == sorted(seen, key=[s for s, _ in sections()].index)  # a section's pages side by side
    assert PAGES[0].slug == "tableau-de-bord"


def test_a_declared_page_joins_the_end_of_its_section(tmp_path):
    from dashboards.declarations import declarations
    from dashboards.pages import CODED, with_declared

    (tmp_path / "essai.sql").write_text("SELECT 1 AS n", encoding="utf-8")
    (tmp_path / "essai.toml").write_text(
        'title = "Essai"\nsection = "Suivi budgétaire"\ndescription = "Une page d\'essai."\n'
        'columns = [["n", "Nombre", "nombre"]]\n', encoding="utf-8")
    pages = with_declared(CODED, declarations(tmp_path))
    slugs = [spec.slug for spec in pages]
    budget = [spec.slug for spec in CODED if spec.section == "Budget tracking"]
    assert slugs.index("essai") == slugs.index(budget[-1]) + 1
    spec = pages[slugs.index("essai")]
    assert spec.section == "Budget tracking" and spec.label == "Essai" and not spec.uses_filters


def test_a_declaration_that_cannot_be_read_is_refused_in_french(tmp_path):
    from dashboards.declarations import DeclarationError, read_declaration

    (tmp_path / "essai.sql").write_text("SELECT 1 AS n", encoding="utf-8")
    path = tmp_path / "essai.toml"
    path.write_text('title = "Essai"\nsection = "X"\ndescription = "Y"\ncolums = []\n', encoding="utf-8")
    with pytest.raises(DeclarationError, match="clé\\(s\\) inconnue\\(s\\) \\['colums'\\]"):
        read_declaration(path)
    path.write_text('title = "E"\nsection = "X"\ndescription = "Y"\ncolumns = [["n", "N", "euros"]]\n',
                    encoding="utf-8")
    with pytest.raises(DeclarationError, match="format 'euros' inconnu"):
        read_declaration(path)


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
