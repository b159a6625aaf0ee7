"""Every page, for each role (admin, finance, membre), in Chromium at 1400 px and at 390 px (a
phone): a screenshot saved under tmp/artifacts/screens/ (not committed) to be looked at, and the
page's text scanned for what must never reach a person: NaN, None, inf, undefined, a traceback,
a raw code (« prestations_externes_achats », « a_valider ») (#12.10, #12.11)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dashboards.pages import PAGES
from tests.browser.helpers import log_in, page_text
from tests.browser.test_member_rights_browser import a_budget_referent
from warehouse.connection import Warehouse

pytestmark = pytest.mark.browser

SCREENS = Path(__file__).resolve().parents[2] / "tmp" / "artifacts" / "screens"
WIDTHS = {"large": (1400, 1000), "phone": (390, 844)}
ROLES = {"admin": "admin", "finance": "finance", "membre": "member"}
# Pages whose very subject is the identifiers (tables, columns): codes may show there.
CODE_PAGES = {"console-sql", "reference-donnees"}
# Pages still wider than a 390 px phone (fixed-width inputs of their forms and selects, in parts
# of the code not reworked yet): the overflow is measured and must not grow past this bound; every
# other page must fit. Shrink this list, never widen it.
# Measured at 390 px (admin and member, 02/12/2026) once form fields and selects shrink to the
# screen, plus a few px (finance not measured; admin sees its pages). What is left is not yet
# traced to its element.
KNOWN_WIDE = {"suivi-budgetaire": 60, "plan-de-tresorerie": 150, "suivi-subventions": 160, "explorateur": 260,
              "organigramme": 100, "repertoire": 280, "suivi-evenements": 160, "co-remuneration": 160,
              "console-sql": 60, "reference-donnees": 110}  # measured 46–274 px; drawn sizes vary run to run
NEVER = re.compile(r"\bNaN\b|\bnan\b|\bNone\b|\bNaT\b|\binf\b|Infinity|\bundefined\b|Traceback|<NA>")


@pytest.fixture(scope="module")
def site(sandbox_template, sandbox_site):
    _org, template = sandbox_template
    member_email, _mine, _others = a_budget_referent(Warehouse(template))
    accounts = [("admin", "admin@exemple.re", "admin", "Alex Admin"),
                ("finance", "finance@exemple.re", "finance", "Fanny Finance"),
                ("membre", member_email, "member", "Morgane Membre")]
    with sandbox_site(accounts) as (base, warehouse, _config):
        yield base, warehouse


def raw_codes(warehouse) -> set[str]:
    """Codes a page must show by their label: categories and statuses (those with an underscore,
    which no French word has)."""
    codes = set(warehouse.query("SELECT category_code FROM ref.categories")["category_code"])
    codes |= {"a_valider", "a_facturer", "a_payer", "a_encaisser", "prestations_externes_achats",
              "referent_budget_subvention", "garant_cadre"}
    return {c for c in codes if "_" in c}


@pytest.mark.parametrize("login", list(ROLES))
def test_every_page_reads_clean_at_both_widths(site, browser, login):
    base, warehouse = site
    codes = raw_codes(warehouse)
    SCREENS.mkdir(parents=True, exist_ok=True)
    problems = []
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    page = context.new_page()
    first = True
    for spec in PAGES:
        if not spec.allows(ROLES[login]):
            continue
        for width_name, (width, height) in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": height})
            if first:
                log_in(page, base, login, f"/{spec.slug}")
                first = False
            else:
                page.goto(f"{base}/{spec.slug}")
            page.locator(".alambic-user").wait_for(state="attached", timeout=60000)
            page.wait_for_timeout(2500)  # Panel draws the page's parts after the shell
            page.screenshot(path=str(SCREENS / f"{login}-{spec.slug}-{width_name}.png"), full_page=True)
            text = page_text(page)
            for found in sorted(set(NEVER.findall(text))):
                problems.append(f"{spec.slug} ({width_name}): « {found} »")
            if spec.slug not in CODE_PAGES:
                for code in sorted(c for c in codes if re.search(rf"(?<![\w.]){re.escape(c)}(?![\w])", text)):
                    problems.append(f"{spec.slug} ({width_name}): raw code « {code} »")
            if width_name == "phone":
                overflow = page.evaluate("""() => { const m = document.querySelector('#main') || document.documentElement;
                                                   return m.scrollWidth - m.clientWidth; }""")
                if overflow > KNOWN_WIDE.get(spec.slug, 2):
                    problems.append(f"{spec.slug} (phone): the page is {overflow} px wider than the screen")
    context.close()
    assert not problems, "\n".join(problems)
