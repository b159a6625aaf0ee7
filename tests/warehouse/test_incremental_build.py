"""After a save, only the marts depending on the tables it wrote are rebuilt (issue #11, « a save
shows its effect fast»), and they hold exactly what a full build gives."""

import pytest

from tests.conftest import loaded_sandbox
from warehouse.build import affected_marts, build, dependency_order, discover


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    _org, config, warehouse = loaded_sandbox(tmp_path_factory.mktemp("incremental"), seed=7, scale=0.2)
    return warehouse, config


def marts_content(warehouse) -> dict[str, list]:
    with warehouse.read() as con:
        names = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts' ORDER BY 1").fetchall()]
        return {name: sorted(map(repr, con.execute(f"SELECT * FROM marts.{name}").fetchall())) for name in names}


def test_the_graph_says_which_marts_a_table_feeds():
    staging = dependency_order(discover("staging"), "staging")
    marts = dependency_order(discover("marts"), "marts")
    forecasts = [m.name for m in affected_marts({"app.forecasts"}, staging, marts)]
    assert "budget_vs_actual" in forecasts and "treasury_plan" in forecasts  # directly, and downstream
    assert forecasts.index("budget_vs_actual") < forecasts.index("unit_alerts")  # in build order
    assert "volunteer_hours" not in forecasts and "role_chart" not in forecasts
    assert affected_marts({"app.audit_log"}, staging, marts) == []


def test_a_partial_rebuild_after_a_save_equals_a_full_build(sandbox):
    from models import Actor
    from models.forecast import Forecast

    warehouse, config = sandbox
    with warehouse.read() as con:
        unit = con.execute("SELECT unit_code FROM ref.units WHERE level = 'pole' ORDER BY sort LIMIT 1").fetchall()[0][0]
        as_of = con.execute("SELECT value FROM ref.settings WHERE key = 'as_of'").fetchall()[0][0]
    year = as_of[:4]
    before = marts_content(warehouse)
    Forecast(unit_code=unit, category_code="ventes", period_start=f"01/03/{year}", period_end=f"31/03/{year}",
             amount="4321,00", label="Saisie du test").save(warehouse, Actor("admin", "admin@exemple.re", "admin"))

    result = build(warehouse, config.settings(), changed={"app.forecasts"})
    partial = marts_content(warehouse)
    assert "budget_vs_actual" in result.marts and "volunteer_hours" not in result.marts
    assert partial["budget_vs_actual"] != before["budget_vs_actual"]  # the save shows
    untouched = set(partial) - set(result.marts)
    assert {name: partial[name] for name in untouched} == {name: before[name] for name in untouched}
    build(warehouse, config.settings())
    full = marts_content(warehouse)
    # what was rebuilt is what a full build gives (the marts not rebuilt are compared above: two
    # full builds do not always order soiree_products / soiree_sales the same way)
    assert {name: full[name] for name in result.marts} == {name: partial[name] for name in result.marts}
    with warehouse.read() as con:
        last = con.execute("SELECT message FROM meta.runs WHERE kind = 'build' ORDER BY started_at DESC "
                           "LIMIT 2").fetchall()
    assert "après une saisie : app.forecasts" in last[1][0]
