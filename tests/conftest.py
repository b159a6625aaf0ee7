"""Fixtures shared by every test folder: a small configuration and an empty warehouse."""

from __future__ import annotations

from pathlib import Path

import pytest

from alambic.config import Config, load_config
from warehouse.connection import Warehouse

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_CONFIG = REPO / "alambic.example.toml"


def small_config(directory: Path, *, as_of: str = "2025-03-15", lock_timeout: float = 10) -> Config:
    """The example configuration (La Raffinerie's categories, a small tree) with its warehouse in
    `directory`, written to `directory/alambic.toml` so that commands can be pointed at it too."""
    text = EXAMPLE_CONFIG.read_text(encoding="utf-8")
    text = text.replace('path = "data/alambic.duckdb"', f'path = "{directory / "alambic.duckdb"}"')
    text = text.replace("lock_timeout_seconds = 30", f"lock_timeout_seconds = {lock_timeout}")
    text = text.replace("[organisation]\n", f'[organisation]\nas_of = "{as_of}"\n', 1)
    path = directory / "alambic.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return small_config(tmp_path)


@pytest.fixture
def warehouse(config: Config) -> Warehouse:
    return Warehouse.from_config(config)


@pytest.fixture(scope="session")
def prefect_server():
    """One temporary Prefect API for the whole session (it takes ~15 s to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
