"""Browser tests: a real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright.

They are skipped when Chromium is absent, unless ALAMBIC_REQUIRE_BROWSER=1, which makes them
fail instead (for CI machines that must run them). Playwright cannot download browsers here, so
it is pointed at the system Chromium.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from tests.browser.helpers import serving_with_accounts
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, _unavailable, sandbox_copy  # noqa: F401 — the browser fixtures live there
from tests.dashboards.alambic_test_server import serving
from tests.dashboards.warehouse_fixture import build_budget_warehouse


@pytest.fixture(scope="session")
def browser_warehouse(tmp_path_factory):
    return build_budget_warehouse(tmp_path_factory.mktemp("entrepot-navigateur") / "alambic.duckdb")


@pytest.fixture(scope="session")
def app_url(browser_warehouse):
    with serving(browser_warehouse) as base:
        yield base


@pytest.fixture
def page(browser):
    """A fresh tab that records every request it makes (page.requests)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    tab = context.new_page()
    tab.requests = []
    tab.on("request", lambda request: tab.requests.append(request.url))
    tab.on("websocket", lambda ws: tab.requests.append(ws.url))
    yield tab
    context.close()


@pytest.fixture(scope="module")
def sandbox_site(sandbox_template, tmp_path_factory):
    """A context manager serving a fresh copy of the sandbox with logins and its configuration (a
    save rebuilds the marts): `with sandbox_site(accounts) as (base, warehouse, config)`, accounts
    as (login, e-mail, role, display name) with the password `helpers.PASSWORD`; `auth=False`
    serves it without a login (then no account is needed)."""
    @contextmanager
    def site(accounts=(), auth: bool = True):
        config, warehouse = sandbox_copy(sandbox_template, tmp_path_factory.mktemp("bac-a-sable"))
        with serving_with_accounts(warehouse, accounts, auth=auth, config=config) as base:
            yield base, warehouse, config

    return site


@pytest.fixture(scope="module")
def budget_site(tmp_path_factory):
    """A context manager serving a fresh hand-made budget warehouse (tests/dashboards/
    warehouse_fixture.py, no configuration) with logins: `with budget_site(accounts) as (base,
    warehouse)`, accounts as for `sandbox_site`."""
    from warehouse.migrations import migrate

    @contextmanager
    def site(accounts=(), auth: bool = True):
        warehouse = build_budget_warehouse(tmp_path_factory.mktemp("entrepot-budget") / "alambic.duckdb")
        migrate(warehouse)
        with serving_with_accounts(warehouse, accounts, auth=auth) as base:
            yield base, warehouse

    return site

