"""Fixtures shared by every test folder: a small configuration and an empty warehouse."""

from __future__ import annotations

import os
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


# -- a real headless Chromium and the sandbox organisation, shared by tests/browser and tests/security --

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


def loaded_sandbox(directory: Path, *, seed: int = 42, scale: float = 0.3, built: bool = True):
    """The sandbox organisation (`seed`, `scale`) with its demo configuration written in `directory`,
    its sources loaded into a warehouse there and, unless `built=False`, the marts built:
    (org, config, warehouse). The one recipe behind every fixture needing a loaded warehouse."""
    from sandbox.demo import load_sandbox
    from sandbox.demo_config import write_demo_config
    from sandbox.generate import generate
    from warehouse.build import build

    org = generate(seed=seed, scale=scale)
    config = load_config(write_demo_config(org, directory, directory / "alambic.duckdb"))
    warehouse = Warehouse.from_config(config)
    load_sandbox(warehouse, org)
    if built:
        build(warehouse, config.settings())
    return org, config, warehouse


def sandbox_copy(template, directory: Path):
    """A fresh copy of `sandbox_template` in `directory`, with its configuration: (config, warehouse)."""
    import shutil

    from sandbox.demo_config import write_demo_config

    org, path = template
    shutil.copyfile(path, directory / "alambic.duckdb")
    config = load_config(write_demo_config(org, directory, directory / "alambic.duckdb"))
    return config, Warehouse.from_config(config)


@pytest.fixture(scope="session")
def sandbox_template(tmp_path_factory):
    """The sandbox organisation (seed 42, scale 0.3) loaded and built once per session:
    (org, warehouse file). Tests use copies of it (`sandbox_copy`), never the file itself."""
    org, config, _warehouse = loaded_sandbox(tmp_path_factory.mktemp("bac-a-sable-modele"))
    return org, config.warehouse_path
