"""The sandbox organisation's Odoo 15 and Odoo 17 books (same facts, two shapes) give the same
budget figures. Runs once the sandbox generator exists (sandbox/generate.py)."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pandas as pd

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
    from sandbox.generate import generate
    org = generate(seed=1, scale=0.2, today=TODAY)
    figures = {}
    for version in ("15", "17"):
        directory = tmp_path / version
        directory.mkdir()
        config = sandbox_config(org, directory)
        warehouse = Warehouse(config.warehouse_path)
        load(warehouse, org, version)
        build(warehouse, config.settings())
        with warehouse.read() as con:
            figures[version] = con.execute("SELECT * FROM marts.budget_vs_actual ORDER BY ALL").fetchall()
    assert figures["15"], "the sandbox books should give budget figures"
    assert figures["15"] == figures["17"]


def ledger_figures(org, directory: Path, version: str, **config) -> Warehouse:
    directory.mkdir()
    base = sandbox_config(org, directory)
    example = tomllib.loads((REPO / "alambic.example.toml").read_text(encoding="utf-8"))
    data = {"organisation": {"name": "La Raffinerie", "timezone": "Indian/Reunion", "as_of": TODAY.isoformat()},
            "warehouse": {"path": str(base.warehouse_path), "lock_timeout_seconds": 30},
            "categories": example["categories"], "analytic": example["analytic"],
            "units": [{k: v for k, v in dict(u).items() if v is not None} for u in org.units]} | config
    warehouse = Warehouse(base.warehouse_path)
    load(warehouse, org, version)
    build(warehouse, parse_config(data, directory / "alambic.toml").settings())
    return warehouse


def test_the_organisation_real_is_the_ledger_to_the_cent(tmp_path):
    """Two plans mapped, joined keys, 15's tag distributions, bank fees with no analytic account,
    income on a second-plan account, dispatches: La Raffinerie's « réel » is classes 6/7."""
    from sandbox.generate import generate
    org = generate(seed=1, scale=0.2, today=TODAY)
    marts = {}
    for version in ("15", "17"):
        warehouse = ledger_figures(org, tmp_path / version, version)
        with warehouse.read() as con:
            root_real = dict(con.execute(
                "SELECT direction, sum(reel) FROM marts.budget_rollup WHERE unit_code = 'R' GROUP BY 1").fetchall())
            ledger = dict(con.execute(
                "SELECT CASE account_class WHEN '6' THEN 'depense' ELSE 'recette' END, sum(amount)"
                " FROM marts.ledger_pnl GROUP BY 1").fetchall())
            shapes = con.execute("""SELECT count(*) FILTER (WHERE allocation = 'non_affecte'),
                                           count(*) FILTER (WHERE allocation = 'autre_plan'),
                                           count(*) FILTER (WHERE dimension IS NOT NULL)
                                    FROM marts.budget_lines""").fetchone()
            eliminated = con.execute("SELECT sum(elimine) FROM marts.budget_rollup WHERE unit_code = 'R'").fetchone()[0]
            marts[version] = {
                "rollup": con.execute("SELECT * FROM marts.budget_rollup ORDER BY ALL").fetchall(),
                "reconciliation": con.execute("SELECT * FROM marts.ledger_reconciliation ORDER BY ALL").fetchall(),
            }
        assert root_real == ledger, version
        assert root_real["depense"] > 0 and root_real["recette"] > 0
        non_affecte, other_plan, dimension = shapes
        assert non_affecte > 0 and other_plan > 0 and eliminated > 0, (version, shapes)
        # the sandbox's « Financeurs » plan exists since the move to Odoo 17 only
        assert (dimension > 0) == (version == "17"), (version, shapes)
    assert marts["15"] == marts["17"]
