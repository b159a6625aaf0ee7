"""A built warehouse (the example configuration's tree and categories) with a few roles held,
copied fresh for each test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import small_config
from warehouse.build import build
from warehouse.connection import Warehouse


@pytest.fixture(scope="session")
def built_file(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("built")
    config = small_config(directory)
    warehouse = Warehouse.from_config(config)
    build(warehouse, config.settings())
    with warehouse.write("rôles de test") as con:
        con.executemany(
            "INSERT INTO app.role_assignments (unit_code, role_code, person_email, started_on, ended_on) VALUES (?, ?, ?, ?, ?)",
            [
                ("30", "referent_budget_subvention", "jardin@exemple.re", "2024-01-01", None),
                ("101", "referent_budget_subvention", "communs@exemple.re", "2024-01-01", None),
                ("303", "referent_budget_subvention", "ancien@exemple.re", "2023-01-01", "2024-06-30"),
                ("303", "garant_cadre", "membre@exemple.re", "2023-01-01", None),
            ],
        )
    return config.warehouse_path


@pytest.fixture
def wh(built_file: Path, tmp_path: Path) -> Warehouse:
    path = tmp_path / "alambic.duckdb"
    shutil.copy(built_file, path)
    return Warehouse(path, lock_timeout=10)

