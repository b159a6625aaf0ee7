"""#15-2: the HttpOnly session cookie must not be readable by a page's JavaScript. Bokeh writes a
session token into every page (its JavaScript reads it to open the websocket); before the fix it
carried every cookie of the request, so a script (or anyone who saw the page's source) could lift
the session cookie and replay it from another client."""

from __future__ import annotations

import re

from bokeh.util.token import get_token_payload

from tests.security.conftest import client, logged_in

SESSION_COOKIE = "alambic_session"


def page_tokens(text: str) -> list[dict]:
    return [get_token_payload(token) for token in re.findall(r'"token":\s*"([^"]+)"', text)]


def test_the_page_token_carries_no_cookie_and_no_cookie_header(secure_site):
    http = logged_in(secure_site.base, "admin")
    page = http.get("/journal")
    assert page.status_code == 200
    tokens = page_tokens(page.text)
    assert tokens, "no Bokeh session token in the page"
    for payload in tokens:
        assert payload.get("cookies", {}) == {}, payload.get("cookies")
        headers = {name.lower(): value for name, value in payload.get("headers", {}).items()}
        assert "cookie" not in headers
    assert http.cookies.get(SESSION_COOKIE) not in page.text  # nowhere in the page, in any form
    assert SESSION_COOKIE not in page.text


def test_a_cookie_taken_from_a_page_opens_nothing_elsewhere(secure_site):
    """The replay of the pentest: whatever cookie the page gives away does not open /journal."""
    http = logged_in(secure_site.base, "admin")
    page = http.get("/journal")
    thief = client(secure_site.base)
    for payload in page_tokens(page.text):
        for name, value in payload.get("cookies", {}).items():
            thief.cookies.set(name, value)
        cookie_header = {k.lower(): v for k, v in payload.get("headers", {}).items()}.get("cookie")
        if cookie_header:
            for part in cookie_header.split(";"):
                name, _, value = part.strip().partition("=")
                thief.cookies.set(name, value)
    assert thief.get("/journal").status_code == 302
