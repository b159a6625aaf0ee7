"""Browser tests: a real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright.

They are skipped when Chromium is absent, unless ALAMBIC_REQUIRE_BROWSER=1, which makes them
fail instead (for CI machines that must run them). Playwright cannot download browsers here, so
it is pointed at the system Chromium.
"""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.browser.helpers import serving_with_accounts
from tests.dashboards.alambic_test_server import serving
from tests.dashboards.warehouse_fixture import build_budget_warehouse

CHROMIUM = Path(os.environ.get("ALAMBIC_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update"]


def _unavailable(reason: str):
    if os.environ.get("ALAMBIC_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (ALAMBIC_REQUIRE_BROWSER=1)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        _unavailable(f"no Chromium at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


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


@pytest.fixture(scope="session")
def sandbox_template(tmp_path_factory):
    """The sandbox organisation (seed 42, scale 0.3) loaded and built once per session:
    (org, warehouse file). Modules serve copies of it (`sandbox_site`), never the file itself."""
    from alambic.config import load_config
    from sandbox.demo import load_sandbox
    from sandbox.demo_config import write_demo_config
    from sandbox.generate import generate
    from warehouse.build import build
    from warehouse.connection import Warehouse

    directory = tmp_path_factory.mktemp("bac-a-sable-modele")
    org = generate(seed=42, scale=0.3)
    config = load_config(write_demo_config(org, directory, directory / "alambic.duckdb"))
    warehouse = Warehouse.from_config(config)
    load_sandbox(warehouse, org)
    build(warehouse, config)
    return org, config.warehouse_path


@pytest.fixture(scope="module")
def sandbox_site(sandbox_template, tmp_path_factory):
    """A context manager serving a fresh copy of the sandbox with logins and its configuration (a
    save rebuilds the marts): `with sandbox_site(accounts) as (base, warehouse, config)`, accounts
    as (login, e-mail, role, display name) with the password `helpers.PASSWORD`; `auth=False`
    serves it without a login (then no account is needed)."""
    from alambic.config import load_config
    from sandbox.demo_config import write_demo_config
    from warehouse.connection import Warehouse

    org, template = sandbox_template

    @contextmanager
    def site(accounts=(), auth: bool = True):
        directory = tmp_path_factory.mktemp("bac-a-sable")
        shutil.copyfile(template, directory / "alambic.duckdb")
        config = load_config(write_demo_config(org, directory, directory / "alambic.duckdb"))
        warehouse = Warehouse.from_config(config)
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

