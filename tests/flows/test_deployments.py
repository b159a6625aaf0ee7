"""`alambic schedule` registers one deployment per flow, on cron schedules in the organisation's zone."""

import pytest
from prefect.client.orchestration import get_client

from alambic.config import load_config
from flows.deployments import register
from sandbox.sources import sources_toml
from tests.conftest import small_config

pytestmark = pytest.mark.usefixtures("prefect_server")


def deployments_on_server() -> dict:
    with get_client(sync_client=True) as client:
        return {d.name: d for d in client.read_deployments()}


def test_the_deployments_are_registered_with_their_schedules(tmp_path):
    config = small_config(tmp_path)
    settings = {"odoo": {"url": "http://127.0.0.1:9", "database": "raffinerie", "login": "alambic"},
                "tibillet": {"url": "http://127.0.0.1:9"}}
    config.path.write_text(config.path.read_text() + sources_toml(settings) + '\n[schedules]\nbuild = "15 6 * * 1"\n')
    register(load_config(config.path))
    found = deployments_on_server()
    assert {"alambic-refresh", "alambic-build", "alambic-backup", "alambic-sync-odoo", "alambic-sync-tibillet",
            "alambic-reconcile-odoo"} <= set(found)
    refresh = found["alambic-refresh"].schedules[0].schedule
    assert (refresh.cron, refresh.timezone) == ("0 7-23 * * *", "Indian/Reunion")
    assert found["alambic-build"].schedules[0].schedule.cron == "15 6 * * 1"
    assert found["alambic-sync-odoo"].parameters == {"config_path": str(config.path), "source": "odoo"}
