"""Each flow lives in a module named for what it does, and the deployments point there: Prefect runs
a scheduled flow by loading its entrypoint (« file:function ») in a fresh process."""

from pathlib import Path

from prefect.flows import load_flow_from_entrypoint

from alambic.config import load_config
from flows.deployments import deployments
from sandbox.sources import sources_toml
from tests.conftest import small_config

EXPECTED = {
    "alambic-refresh": "flows/refresh.py:refresh",
    "alambic-build": "flows/build.py:build_marts",
    "alambic-backup": "flows/backup.py:backup_warehouse",
    "alambic-sync-odoo": "flows/source_sync.py:sync",
    "alambic-reconcile-odoo": "flows/source_sync.py:sync",
}


def test_each_deployment_loads_its_flow_from_the_module_named_for_it(tmp_path, monkeypatch):
    config = small_config(tmp_path)
    settings = {"odoo": {"url": "http://127.0.0.1:9", "database": "raffinerie", "login": "alambic"}}
    config.path.write_text(config.path.read_text() + sources_toml(settings))
    found = {d.name: d for d in deployments(load_config(config.path))}
    assert {name: found[name].entrypoint for name in EXPECTED} == EXPECTED
    monkeypatch.chdir(Path(__file__).resolve().parents[2])  # entrypoints are relative to the checkout, as Prefect stores them
    names = {"refresh": "refresh", "build_marts": "build", "backup_warehouse": "backup", "sync": "sync"}
    for entrypoint in set(EXPECTED.values()):
        flow = load_flow_from_entrypoint(entrypoint)
        assert flow.name == names[entrypoint.split(":")[1]]
