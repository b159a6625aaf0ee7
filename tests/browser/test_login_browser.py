"""Logging in and out in a real browser: the member sees their name, a hostile display name is
shown as text (never run), logging out ends the session and closes the open page."""

from __future__ import annotations

import pytest

from tests.browser import helpers
from tests.dashboards.alambic_test_server import external_requests

pytestmark = pytest.mark.browser

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def login_url(budget_site):
    accounts = [("membre", "damien@exemple.re", "member", "Damien Barret"),
                ("pirate", "pirate@exemple.re", "member", HOSTILE)]
    with budget_site(accounts) as (base, _warehouse):
        yield base


SHELL_PAGE = "/documentation?periode=2025&unite=R"  # any page has the shell; this one needs no mart


def log_in(page, base: str, login: str, path: str = SHELL_PAGE) -> None:
    helpers.log_in(page, base, login, path, login_title="Connexion · Alambic")


def test_member_logs_in_sees_their_name_and_logs_out(page, login_url):
    page.goto(login_url + "/documentation")
    helpers.fill_login(page, "membre", "pas-le-bon-mot")
    page.get_by_role("alert").wait_for()
    assert page.get_by_role("alert").inner_text() == "Identifiant ou mot de passe incorrect."

    log_in(page, login_url, "membre")
    assert page.locator(".alambic-user").inner_text().startswith("Connecté·e : Damien Barret")
    assert external_requests(page.requests) == []

    page.get_by_role("link", name="Se déconnecter").click()
    page.wait_for_url("**/login?sortie=1")
    page.get_by_text("Vous êtes déconnecté·e.").wait_for()
    page.goto(login_url + "/suivi-budgetaire")
    page.wait_for_url("**/login?next=*")  # the session is over


def test_logout_elsewhere_closes_the_open_page(browser, login_url):
    context = browser.new_context(locale="fr-FR")
    try:
        first, second = context.new_page(), context.new_page()
        closed = []
        first.on("websocket", lambda ws: ws.on("close", lambda _ws: closed.append(ws.url)))
        log_in(first, login_url, "membre")
        first.wait_for_timeout(500)
        assert closed == []
        second.goto(login_url + "/logout")
        second.wait_for_url("**/login?sortie=1")
        # the server closed the first tab's live connection; a reload asks for a login
        for _ in range(50):
            if closed:
                break
            first.wait_for_timeout(100)
        assert closed and closed[0].startswith(login_url.replace("http", "ws"))
        first.reload()
        first.wait_for_url("**/login?next=*")
    finally:
        context.close()


def test_a_hostile_display_name_is_shown_as_text(page, login_url):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, login_url, "pirate")
    assert page.locator(".alambic-user").inner_text().startswith(f"Connecté·e : {HOSTILE}")
    assert page.locator(".alambic-user script").count() == 0
    page.wait_for_timeout(500)
    assert dialogs == []
