"""The sandbox organisation's Odoo 15 and Odoo 17 books (same facts, two shapes) give the same
budget figures. Runs once the sandbox generator exists (sandbox/generate.py)."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from alambic.config import parse_config
from warehouse.build import build
from warehouse.connection import Warehouse
from warehouse.load import load_records
from warehouse.migrations import migrate

REPO = Path(__file__).resolve().parents[2]
TODAY = date(2025, 6, 15)


def sandbox_config(org, directory: Path):
    example = tomllib.loads((REPO / "alambic.example.toml").read_text(encoding="utf-8"))
    data = {
        "organisation": {"name": "La Raffinerie", "timezone": "Indian/Reunion", "as_of": TODAY.isoformat()},
        "warehouse": {"path": str(directory / "w.duckdb"), "lock_timeout_seconds": 30},
        "categories": example["categories"],
        "units": [{k: v for k, v in dict(u).items() if v is not None} for u in org.units],
    }
    return parse_config(data, directory / "alambic.toml")


def load(warehouse: Warehouse, org, version: str) -> None:
    """The sandbox's Odoo books of `version` and its app rows (the generator's ids kept)."""
    migrate(warehouse)
    for name, records in org.odoo[version].items():
        load_records(warehouse, "odoo", name, records)
    with warehouse.write("saisies du bac à sable") as con:
        for table, rows in org.app.items():
            if rows:
                con.register("frame", pd.DataFrame(rows))
                con.execute(f"INSERT INTO app.{table} BY NAME SELECT * FROM frame")
                con.unregister("frame")


def test_odoo_15_and_17_books_give_identical_budget_vs_actual(tmp_path):
    generate = pytest.importorskip("sandbox.generate").generate
    org = generate(seed=1, scale=0.2, today=TODAY)
    figures = {}
    for version in ("15", "17"):
        directory = tmp_path / version
        directory.mkdir()
        config = sandbox_config(org, directory)
        warehouse = Warehouse(config.warehouse_path)
        load(warehouse, org, version)
        build(warehouse, config)
        with warehouse.read() as con:
            figures[version] = con.execute("SELECT * FROM marts.budget_vs_actual ORDER BY ALL").fetchall()
    assert figures["15"], "the sandbox books should give budget figures"
    assert figures["15"] == figures["17"]
