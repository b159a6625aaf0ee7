"""Fixtures for the page tests: a small hand-made warehouse shaped like the marts' contracts,
and the sandbox organisation through the real load and build (the demo's figures)."""

from __future__ import annotations

import panel as pn
import pytest

from tests.conftest import sandbox_copy
from tests.dashboards.warehouse_fixture import build_budget_warehouse


@pytest.fixture(scope="session")
def budget_warehouse(tmp_path_factory):
    return build_budget_warehouse(tmp_path_factory.mktemp("entrepot") / "alambic.duckdb")


@pytest.fixture(scope="session")
def sandbox_warehouse(sandbox_template, tmp_path_factory):
    """The sandbox organisation (a third of La Raffinerie's size), loaded and built as the demo does
    (a copy of the session's `sandbox_template`)."""
    _config, warehouse = sandbox_copy(sandbox_template, tmp_path_factory.mktemp("bac-a-sable"))
    return warehouse


@pytest.fixture(params=["hand-made", "sandbox"])
def page_warehouse(request):
    """Both warehouses, for the tests that compare what a page shows with its mart."""
    return request.getfixturevalue("budget_warehouse" if request.param == "hand-made" else "sandbox_warehouse")


@pytest.fixture(autouse=True)
def panel_cache_cleanup():
    """As Panel's own tests do: no cached state leaks from one test to the next (a current
    document left behind makes the next test's models join its stylesheet cache)."""
    yield
    pn.state.clear_caches()
    pn.state.curdoc = None
