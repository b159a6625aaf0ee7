"""#15-1 and #15-4 in Chromium: text from the URL or from an imported spreadsheet is shown as text,
never run. The payload would set `window.__pwned` and call a host that is not this machine; each
test checks that neither happened. And every page sends a strict Content-Security-Policy under
which Bokeh and Panel work without a single violation."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from dashboards.pages import PAGES
from tests.browser.helpers import log_in, open_tool, page_text, text_of, wait_text
from tests.security.conftest import CELL_PAYLOAD, IMG_PAYLOAD, SCRIPT_PAYLOAD, assert_no_script_ran

pytestmark = pytest.mark.browser


def settle(page, ms: int = 1500) -> None:
    """Give an injected handler (an image that fails to load) the time to fire."""
    page.wait_for_timeout(ms)


@pytest.mark.parametrize("key,shown", [("periode", "Période non reconnue"), ("unite", "Unité inconnue")])
@pytest.mark.parametrize("payload", [IMG_PAYLOAD, SCRIPT_PAYLOAD], ids=["img-onerror", "script"])
def test_url_text_in_the_filter_error_runs_no_script(secure_site, tab, key, shown, payload):
    log_in(tab, secure_site.base, "membre", "/documentation")
    tab.goto(f"{secure_site.base}/suivi-budgetaire?{key}={quote(payload)}")
    wait_text(tab, shown)
    settle(tab)
    assert_no_script_ran(tab)
    text = page_text(tab)
    assert "<img" in text or "<script" in text  # quoted back as text
    assert tab.evaluate("""() => {
        const found = [];
        const visit = (root) => { root.querySelectorAll('img[src="x"], script:not([src])').forEach(
            (n) => { if (n.textContent.includes('__pwned') || n.getAttribute('src') === 'x') found.push(n.outerHTML); });
          root.querySelectorAll('*').forEach((n) => n.shadowRoot && visit(n.shadowRoot)); };
        visit(document); return found; }""") == []


def test_a_spreadsheet_cell_in_the_import_preview_runs_no_script(secure_site, tab):
    log_in(tab, secure_site.base, "finance", "/suivi-budgetaire")
    # the page knows who is logged in, resolved on the server (no cookie in the page's token)
    assert "Fanny Finance" in text_of(tab.locator(".alambic-user").first)
    csv = ("unité;catégorie;début;fin;montant;libellé\n"
           f"{CELL_PAYLOAD};ventes;01/01/2027;31/12/2027;100;{CELL_PAYLOAD}\n"
           f"303;{CELL_PAYLOAD};01/01/2027;31/12/2027;{CELL_PAYLOAD};x\n").encode()
    upload = open_tool(tab, "Importer un tableur", ".forecast-import").locator("input[type=file]")
    upload.set_input_files(
        files=[{"name": "previsionnel.csv", "mimeType": "text/csv", "buffer": csv}])
    wait_text(tab, "Aperçu")
    wait_text(tab, "Ligne 2")
    settle(tab)
    assert_no_script_ran(tab)
    assert "onerror" in page_text(tab)  # the cells are shown, as text


def test_every_page_sends_the_policy_and_works_under_it(secure_site, tab):
    """Each page as an administrator: no Content-Security-Policy violation in the console, no
    request to another host, the page drawn (its title shown)."""
    log_in(tab, secure_site.base, "admin", "/")
    for spec in PAGES:
        response = tab.goto(f"{secure_site.base}/{spec.slug}", timeout=120_000)
        policy = response.headers.get("content-security-policy", "")
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy, spec.slug
        assert response.headers.get("x-content-type-options") == "nosniff"
        assert response.headers.get("referrer-policy") == "same-origin"
        wait_text(tab, spec.label, timeout=60)
        tab.wait_for_timeout(500)
    violations = [m for m in tab.console if "Content Security Policy" in m or "Refused to" in m]
    assert violations == [], violations[:5]
    assert tab.errors == [], tab.errors[:5]
    assert_no_script_ran(tab)


def test_the_login_page_sends_a_strict_policy(secure_site, tab):
    response = tab.goto(f"{secure_site.base}/login")
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert response.headers.get("x-content-type-options") == "nosniff"
    assert [m for m in tab.console if "Content Security Policy" in m] == []
