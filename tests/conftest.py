"""Fixtures shared by every test folder: a small configuration and an empty warehouse."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from alambic.config import Config, parse_config
from warehouse.connection import Warehouse

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_CONFIG = REPO / "alambic.example.toml"


def small_config(directory: Path, *, as_of: str = "2025-03-15", lock_timeout: float = 10) -> Config:
    """The example configuration (La Raffinerie's categories, a small tree) with its warehouse in `directory`."""
    data = tomllib.loads(EXAMPLE_CONFIG.read_text(encoding="utf-8"))
    data["organisation"]["as_of"] = as_of
    data["warehouse"] = {"path": str(directory / "alambic.duckdb"), "lock_timeout_seconds": lock_timeout}
    return parse_config(data, directory / "alambic.toml")


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return small_config(tmp_path)


@pytest.fixture
def warehouse(config: Config) -> Warehouse:
    return Warehouse.from_config(config)
