"""The served app with login on, over HTTP (httpx): no page without a session, the French login
form, wrong passwords refused and rate-limited, the right one opens the page, logout ends it."""

import re

import httpx
import pytest

from dashboards.pages import PAGES
from tests.auth.conftest import PASSWORD
from tests.dashboards.alambic_test_server import serving

WRONG = "Identifiant ou mot de passe incorrect."
LOCKED = "Trop de tentatives de connexion"


@pytest.fixture(scope="module")
def served(login_warehouse):
    with serving(login_warehouse, auth=True) as base:
        yield base


def client(base) -> httpx.Client:
    return httpx.Client(base_url=base, timeout=30, follow_redirects=False)


def login_form(http: httpx.Client, next_url: str = "/") -> str:
    """GET /login: the XSRF token of the form (its cookie is now in the client)."""
    page = http.get("/login", params={"next": next_url})
    assert page.status_code == 200
    return re.search(r'name="_xsrf" value="([^"]+)"', page.text).group(1)


def log_in(http: httpx.Client, login: str, password: str, next_url: str = "/"):
    xsrf = login_form(http, next_url)
    return http.post("/login", data={"login": login, "password": password, "next": next_url, "_xsrf": xsrf})


def message(response) -> str:
    found = re.search(r'id="login-error">([^<]+)<', response.text)
    return found.group(1) if found else ""


@pytest.mark.parametrize("path", ["/", *[f"/{spec.slug}" for spec in PAGES], "/suivi-budgetaire?periode=2025"])
def test_every_page_redirects_to_login_without_a_session(served, path):
    response = client(served).get(path)
    assert response.status_code == 302
    location = response.headers["location"]
    assert re.match(r"^\.?/login\?next=", location), location


def test_the_websocket_is_refused_without_a_session(served):
    response = client(served).get("/suivi-budgetaire/ws", headers={
        "Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Origin": served})
    assert response.status_code in (302, 403)


def test_the_login_page_is_french_self_contained_and_protected(served):
    http = client(served)
    page = http.get("/login", params={"next": "/suivi-budgetaire"})
    assert page.status_code == 200
    for label in ("Connexion · Alambic", "Identifiant", "Mot de passe", "Se connecter", 'lang="fr"'):
        assert label in page.text
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page.text)  # nothing from elsewhere
    assert "Content-Security-Policy" in page.headers and page.headers["Cache-Control"] == "no-store"
    xsrf_cookie = [c for c in page.headers.get_list("set-cookie") if c.startswith("_xsrf=")]
    assert xsrf_cookie and "HttpOnly" in xsrf_cookie[0]
    # a post without the XSRF token is refused, in French
    forged = http.post("/login", data={"login": "ana", "password": PASSWORD, "next": "/"})
    assert forged.status_code == 403 and "Le formulaire a expiré" in forged.text
    assert "alambic_session" not in forged.headers.get("set-cookie", "")


def test_wrong_password_fails_with_the_french_message(served):
    http = client(served)
    for login, password in [("ana", "pas-le-bon-mot"), ("personne", PASSWORD), ("ancien", PASSWORD)]:
        response = log_in(http, login, password)
        assert response.status_code == 401
        assert message(response) == WRONG  # the same whether the login exists, is disabled or not
        assert "alambic_session" not in response.headers.get("set-cookie", "")
    assert client(served).get("/suivi-budgetaire").status_code == 302


def test_right_password_opens_the_page_and_logout_ends_the_session(served):
    http = client(served)
    response = log_in(http, "ana", PASSWORD, next_url="/documentation?periode=2025")
    assert response.status_code == 302
    assert response.headers["location"] == "/documentation?periode=2025"
    cookies = {c.split("=", 1)[0]: c for c in response.headers.get_list("set-cookie")}
    assert "HttpOnly" in cookies["alambic_session"] and "SameSite=Lax" in cookies["alambic_session"]
    assert "Secure" not in cookies["alambic_session"]  # plain HTTP on loopback
    assert PASSWORD not in response.text and "argon2" not in response.text
    stolen = http.cookies.get("alambic_session")

    page = http.get("/documentation?periode=2025")
    assert page.status_code == 200 and "Connexion · Alambic" not in page.text  # the page (content by websocket)
    assert http.get("/login").status_code == 302  # already logged in

    bye = http.get("/logout")
    assert bye.status_code == 302 and bye.headers["location"] == "/login?sortie=1"
    assert http.get("/suivi-budgetaire").status_code == 302
    assert "Vous êtes déconnecté·e." in http.get("/login?sortie=1").text
    # the old cookie, replayed, opens nothing: the session ended on the server
    replay = client(served)
    replay.cookies.set("alambic_session", stolen)
    assert replay.get("/suivi-budgetaire").status_code == 302


def test_a_forged_session_cookie_opens_nothing(served):
    http = client(served)
    http.cookies.set("alambic_session", "2|1:0|10:1795826037|15:alambic_session|4:YWJj|deadbeef")
    http.cookies.set("user", "ana")
    assert http.get("/suivi-budgetaire").status_code == 302


def test_next_cannot_leave_the_site(served):
    http = client(served)
    response = log_in(http, "bruno", PASSWORD, next_url="//ailleurs.example/vol")
    assert response.status_code == 302 and response.headers["location"] == "/"


def test_secure_cookie_behind_https(served):
    http = client(served)
    xsrf = login_form(http)
    response = http.post("/login", data={"login": "bruno", "password": PASSWORD, "next": "/", "_xsrf": xsrf},
                         headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 302
    session = [c for c in response.headers.get_list("set-cookie") if c.startswith("alambic_session=")][0]
    assert "Secure" in session and "HttpOnly" in session


def test_five_failures_lock_the_login_even_with_the_right_password(login_warehouse):
    with serving(login_warehouse, auth=True) as base:  # its own server: its own counters
        http = client(base)
        for _ in range(4):
            assert message(log_in(http, "bruno", "pas-le-bon-mot")) == WRONG
        fifth = log_in(http, "bruno", "pas-le-bon-mot")
        assert fifth.status_code == 429 and LOCKED in message(fifth)
        right = log_in(http, "bruno", PASSWORD)
        assert right.status_code == 429 and LOCKED in message(right)
        assert "alambic_session" not in right.headers.get("set-cookie", "")
        # an unknown login is locked the same way: the message says nothing of existence
        for _ in range(5):
            last = log_in(http, "inconnu", "pas-le-bon-mot")
        assert LOCKED in message(last)
        # another person is not locked out
        assert log_in(http, "ana", PASSWORD).status_code == 302
