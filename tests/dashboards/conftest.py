"""Fixtures for the page tests: a small warehouse shaped like the marts' contracts.

To run the same tests on the real pipeline later, change `budget_warehouse` only (e.g. build
the sandbox with `alambic demo --no-serve` into tmp_path and return `Warehouse.from_config`).
"""

from __future__ import annotations

import sys
from pathlib import Path

import panel as pn
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the helper modules beside this file

from warehouse_fixture import build_budget_warehouse  # noqa: E402


@pytest.fixture(scope="session")
def budget_warehouse(tmp_path_factory):
    return build_budget_warehouse(tmp_path_factory.mktemp("entrepot") / "alambic.duckdb")


@pytest.fixture(autouse=True)
def panel_cache_cleanup():
    """As Panel's own tests do: no cached state leaks from one test to the next."""
    yield
    pn.state.clear_caches()
