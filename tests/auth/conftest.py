"""Fixtures for the login tests: a warehouse with accounts, and the app served with login on."""

from __future__ import annotations

import pytest

from alambic.auth import AccountStore
from warehouse.migrations import migrate

PASSWORD = "motdepasse-solide"


@pytest.fixture
def accounts(warehouse) -> AccountStore:
    migrate(warehouse)
    return AccountStore(warehouse)


@pytest.fixture(scope="module")
def login_warehouse(tmp_path_factory):
    """The hand-made budget warehouse with three accounts (one disabled)."""
    from tests.dashboards.warehouse_fixture import build_budget_warehouse

    warehouse = build_budget_warehouse(tmp_path_factory.mktemp("entrepot-connexion") / "alambic.duckdb")
    migrate(warehouse)
    store = AccountStore(warehouse)
    store.add("ana", "ana@exemple.re", "member", PASSWORD, display_name="Ana Payet", who="test")
    store.add("bruno", "bruno@exemple.re", "finance", PASSWORD, display_name="Bruno Hoarau", who="test")
    store.add("ancien", "ancien@exemple.re", "member", PASSWORD, who="test")
    store.disable("ancien", who="test")
    return warehouse
