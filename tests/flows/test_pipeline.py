"""The real pipeline end to end: sandbox servers on loopback → unmodified clients → Prefect flows
→ warehouse → marts. One organisation, synced first in full, then again with nothing new, then
after changes at the sources, then through faults."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest

from alambic.config import load_config
from flows.refresh import refresh
from flows.source_sync import sync
from sandbox.demo import load_sandbox, seed_app_rows
from sandbox.demo_config import write_demo_config
from sandbox.generate import generate
from sandbox.servers.tibillet import sale_line
from sandbox.sources import SECRETS, append_sources, serve_sandbox_sources
from warehouse.build import build
from warehouse.connection import Warehouse
from warehouse.migrations import migrate

pytestmark = pytest.mark.usefixtures("prefect_server")


@pytest.fixture(scope="module")
def org():
    return generate(seed=5, scale=0.2)


@pytest.fixture(scope="module")
def pipeline(org, tmp_path_factory):
    directory = tmp_path_factory.mktemp("pipeline")
    with serve_sandbox_sources(org) as sources, mock.patch.dict(os.environ, sources.env):
        config_path = write_demo_config(org, directory, directory / "alambic.duckdb")
        append_sources(config_path, sources.settings, retry_delays=[0])
        config = load_config(config_path)
        warehouse = Warehouse.from_config(config)
        migrate(warehouse)
        seed_app_rows(warehouse, org.app)
        refresh(str(config_path))  # the first, full sync of every source, then the build
        yield config, warehouse, sources


def snapshot(warehouse: Warehouse) -> dict:
    """Every raw table's keys and payload hashes, the watermarks and the marts: the data a sync may change."""
    with warehouse.read() as con:
        tables = con.execute(
            "SELECT schema_name || '.' || table_name FROM duckdb_tables() "
            "WHERE schema_name LIKE 'raw_%' OR schema_name = 'marts' ORDER BY 1").fetchall()
        state = {name: con.execute(f"SELECT * FROM {name} ORDER BY ALL").fetchall() if name.startswith("marts")
                 else con.execute(f"SELECT key, payload_hash FROM {name} ORDER BY key").fetchall()
                 for (name,) in tables}
        state["watermarks"] = con.execute("SELECT source, resource, watermark, last_key FROM meta.watermarks ORDER BY ALL").fetchall()
    return state


def reports_by_resource(reports) -> dict:
    return {r.resource: r for r in reports}


def test_first_refresh_gives_the_marts_of_a_direct_load(pipeline, org, tmp_path):
    config, warehouse, _ = pipeline
    direct = Warehouse(tmp_path / "direct.duckdb")
    load_sandbox(direct, org)
    build(direct, config.settings())
    query = "SELECT * FROM marts.budget_vs_actual ORDER BY ALL"
    with warehouse.read() as through_flows, direct.read() as straight:
        assert through_flows.execute(query).fetchall() == straight.execute(query).fetchall()


def test_a_second_sync_fetches_nothing_new(pipeline):
    config, warehouse, sources = pipeline
    before = snapshot(warehouse)
    odoo_requests = sources.servers["odoo"].app.state.requests
    tibillet_requests = sources.servers["tibillet"].app.state.requests
    odoo_before, sales_before = dict(odoo_requests), tibillet_requests["/api/v2/sales/"]
    for source in ("odoo", "tibillet"):
        for report in sync(source, str(config.path)):
            assert (report.new, report.changed, report.deleted) == (0, 0, 0), report
    # One search_read per model (plus fields_get once per model for the new client), one sales window.
    spent = {model: odoo_requests[model] - odoo_before.get(model, 0) for model in odoo_requests}
    assert spent["account.move.line"] == 2 and spent["account.move"] == 2
    assert tibillet_requests["/api/v2/sales/"] - sales_before == 1
    after = snapshot(warehouse)
    assert {k: v for k, v in after.items() if k.startswith("raw_")} == {
        k: v for k, v in before.items() if k.startswith("raw_")}


def test_changes_at_the_sources_are_loaded_exactly(pipeline):
    config, warehouse, sources = pipeline
    books = sources.odoo
    move = books.rows("account_move")[0]
    books.edit("account_move", move["id"], ref="Référence corrigée")
    partner = books.add("res_partner", {"name": "Nouvelle association", "email": "contact@nouvelle.re",
                                        "is_company": True, "active": True})
    refund = sale_line("11111111-2222-4333-8444-555555555555", datetime.now(UTC) - timedelta(hours=1),
                       amount_cents=1000, qty=-1, status="R")
    sources.tibillet.data["sales"].append(refund)

    odoo = reports_by_resource(sync("odoo", str(config.path)))
    assert (odoo["account_move"].new, odoo["account_move"].changed) == (0, 1)
    assert (odoo["res_partner"].new, odoo["res_partner"].changed) == (1, 0)
    assert all(r.new == r.changed == 0 for name, r in odoo.items() if name not in ("account_move", "res_partner"))
    sales = reports_by_resource(sync("tibillet", str(config.path)))["sales"]
    assert (sales.new, sales.changed) == (1, 0)
    with warehouse.read() as con:
        assert con.execute("SELECT payload->>'ref' FROM raw_odoo.account_move WHERE key = ?",
                           [str(move["id"])]).fetchall() == [("Référence corrigée",)]
        assert con.execute("SELECT count(*) FROM raw_odoo.res_partner WHERE key = ?",
                           [str(partner["id"])]).fetchall() == [(1,)]


def test_deletions_are_caught_by_the_reconciliation(pipeline):
    config, warehouse, sources = pipeline
    gone = sources.odoo.rows("account_analytic_line")[-1]["id"]
    sources.odoo.delete("account_analytic_line", gone)
    assert reports_by_resource(sync("odoo", str(config.path)))["account_analytic_line"].deleted == 0
    reconciled = reports_by_resource(sync("odoo", str(config.path), reconcile=True))
    assert reconciled["account_analytic_line"].deleted == 1
    assert sum(r.deleted for r in reconciled.values()) == 1
    with warehouse.read() as con:
        assert con.execute("SELECT count(*) FROM raw_odoo.account_analytic_line WHERE key = ?",
                           [str(gone)]).fetchall() == [(0,)]


@pytest.mark.parametrize(
    "fault, expected",
    [
        ({"drop_after": 6}, "odoo / "),
        ({"http_500": True}, "odoo / "),
        ({"malformed": True}, "odoo / "),
    ],
)
def test_a_failing_source_leaves_the_warehouse_as_it_was(pipeline, fault, expected):
    config, warehouse, sources = pipeline
    faults = sources.servers["odoo"].app.state.faults
    before = snapshot(warehouse)
    for name, value in fault.items():
        setattr(faults, name, value)
    try:
        state = sync("odoo", str(config.path), return_state=True)
    finally:
        faults.clear()
    assert state.is_failed()
    assert expected in state.message
    assert snapshot(warehouse) == before


def test_wrong_credentials_fail_clearly_and_never_show_the_secret(pipeline):
    config, warehouse, _ = pipeline
    before = snapshot(warehouse)
    with mock.patch.dict(os.environ, {"ALAMBIC_TIBILLET_API_KEY": "demo.mauvaise-cle-secrete"}):
        state = sync("tibillet", str(config.path), return_state=True)
    assert state.is_failed() and "tibillet / " in state.message
    assert "mauvaise-cle-secrete" not in state.message and SECRETS["ALAMBIC_TIBILLET_API_KEY"] not in state.message
    assert snapshot(warehouse) == before


def test_refresh_builds_even_when_a_source_fails_and_names_it(pipeline):
    config, warehouse, sources = pipeline
    faults = sources.servers["oceco"].app.state.faults
    faults.status = 500
    try:
        state = refresh(str(config.path), return_state=True)
    finally:
        faults.status = None
    assert state.is_failed() and "oceco" in state.message
    with warehouse.read() as con:
        last = con.execute("SELECT kind, outcome FROM meta.runs ORDER BY run_id DESC LIMIT 1").fetchall()
    assert last == [("build", "ok")]


def test_odoo_15_and_17_books_give_identical_marts(org, pipeline, tmp_path):
    config17, warehouse17, _ = pipeline
    with serve_sandbox_sources(org, odoo_version="15") as sources15, mock.patch.dict(os.environ, sources15.env):
        path = write_demo_config(org, tmp_path, tmp_path / "alambic.duckdb")
        append_sources(path, {"odoo": sources15.settings["odoo"]}, retry_delays=[0])
        warehouse15 = Warehouse.from_config(load_config(path))
        migrate(warehouse15)
        seed_app_rows(warehouse15, org.app)
        refresh(str(path))
    fresh17 = Warehouse(tmp_path / "fresh17.duckdb")
    load_sandbox(fresh17, org)
    build(fresh17, config17.settings())
    query = "SELECT * FROM marts.budget_vs_actual ORDER BY ALL"
    with warehouse15.read() as v15, fresh17.read() as v17:
        assert v15.execute(query).fetchall() == v17.execute(query).fetchall()


def test_alambic_sync_from_the_command_line(pipeline):
    """`alambic sync tibillet` in a real process, against the running sandbox server."""
    import subprocess
    import sys

    config, _, sources = pipeline
    from prefect.settings import PREFECT_API_URL

    env = {**os.environ, **sources.env, "PREFECT_API_URL": PREFECT_API_URL.value()}
    result = subprocess.run([sys.executable, "-m", "alambic.cli", "--config", str(config.path), "sync", "tibillet"],
                            capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "tibillet/sales : " in result.stdout and "0 nouveaux" in result.stdout
