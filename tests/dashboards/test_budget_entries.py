"""Entering a forecast on Suivi budgétaire rebuilds the marts and the page's figures change."""

import shutil
from decimal import Decimal

import pytest

from alambic.config import load_config
from dashboards.app import AppContext
from dashboards.budget_entries import BudgetEntries
from dashboards.components import Filters
from dashboards.suivi_budgetaire import BudgetTracking
from models import Actor
from sandbox.demo_config import write_demo_config
from sandbox.generate import generate
from warehouse.connection import Warehouse

FINANCE = Actor("tresorier", "tresorier@exemple.re", "finance")


@pytest.fixture
def writable(sandbox_warehouse, tmp_path):
    """A copy of the built sandbox, with the configuration it was built from (seed 42, scale 0.3)."""
    shutil.copy(sandbox_warehouse.path, tmp_path / "alambic.duckdb")
    config = load_config(write_demo_config(generate(seed=42, scale=0.3), tmp_path, tmp_path / "alambic.duckdb"))
    return Warehouse.from_config(config), config


def test_a_saved_forecast_changes_the_figures_of_the_page(writable):
    warehouse, config = writable
    filters = Filters.from_warehouse(warehouse)
    filters.param.update(unit="303", period="2027")
    page = BudgetTracking(context=AppContext(warehouse=warehouse, filters=filters, config=config))
    entries = BudgetEntries(warehouse, filters, config)
    entries.forecast_form.who = lambda: FINANCE
    before = Decimal(str(page.kpi_data()["depenses_previsionnel"]))
    values = dict(unit_code="303", category_code="bienveillance", period_start="01/01/2027",
                  period_end="31/12/2027", amount="1 200,00", label="Animation 2027")
    for name, value in values.items():
        entries.forecast_form.widgets[name].value = value
    assert entries.forecast_form.save(), entries.forecast_form.message
    after = Decimal(str(page.kpi_data()["depenses_previsionnel"]))
    assert after - before == Decimal("1200.00")
    lines = entries.forecast_lines()
    assert "Animation 2027" in lines.value.to_string()
