"""Fixtures for the page tests: a small hand-made warehouse shaped like the marts' contracts,
and the sandbox organisation through the real load and build (the demo's figures)."""

from __future__ import annotations

import panel as pn
import pytest

from tests.dashboards.warehouse_fixture import build_budget_warehouse


@pytest.fixture(scope="session")
def budget_warehouse(tmp_path_factory):
    return build_budget_warehouse(tmp_path_factory.mktemp("entrepot") / "alambic.duckdb")


@pytest.fixture(scope="session")
def sandbox_warehouse(tmp_path_factory):
    """The sandbox organisation (a third of La Raffinerie's size), loaded and built as the demo does."""
    from alambic.config import load_config
    from sandbox.demo import load_sandbox
    from sandbox.demo_config import write_demo_config
    from sandbox.generate import generate
    from warehouse.build import build
    from warehouse.connection import Warehouse

    directory = tmp_path_factory.mktemp("bac-a-sable")
    org = generate(seed=42, scale=0.3)
    config = load_config(write_demo_config(org, directory, directory / "alambic.duckdb"))
    warehouse = Warehouse.from_config(config)
    load_sandbox(warehouse, org)
    build(warehouse, config)
    return warehouse


@pytest.fixture(params=["hand-made", "sandbox"])
def page_warehouse(request):
    """Both warehouses, for the tests that compare what a page shows with its mart."""
    return request.getfixturevalue("budget_warehouse" if request.param == "hand-made" else "sandbox_warehouse")


@pytest.fixture(autouse=True)
def panel_cache_cleanup():
    """As Panel's own tests do: no cached state leaks from one test to the next."""
    yield
    pn.state.clear_caches()
