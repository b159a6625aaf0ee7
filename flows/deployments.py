"""`alambic schedule`: the flows as Prefect deployments, on the configuration's cron schedules.

    [schedules]              # cron expressions, in the organisation's time zone (Indian/Reunion)
    refresh = "0 7-23 * * *" # every source, then the build
    build = ""               # empty: no schedule of its own
    backup = "30 2 * * *"    # nightly copy of the warehouse and of the members' entries
    reconcile-odoo = "0 3 * * *"  # nightly full read of Odoo, to catch deleted records

Each deployment runs one flow run at a time; writers to the warehouse never write at once
anyway: every write goes through the warehouse's writer lock (warehouse/connection.py).
"""

from __future__ import annotations

from pathlib import Path

from prefect import serve
from prefect.schedules import Cron

from alambic.config import Config
from flows.backup import backup_warehouse
from flows.build import build_marts
from flows.connect import configured_sources
from flows.refresh import refresh
from flows.source_sync import sync

DEFAULT_SCHEDULES = {"refresh": "0 7-23 * * *", "backup": "30 2 * * *", "reconcile-odoo": "0 3 * * *"}


def deployments(config: Config) -> list:
    """The RunnerDeployments of this configuration: refresh, build, backup, one sync per source.

    `_sync=True`: Prefect picks its async variant whenever it believes it runs inside an event
    loop or a flow run; these are plain synchronous calls, whatever the caller.
    """
    schedules = {**DEFAULT_SCHEDULES, **config.schedules}
    # Absolute: a flow run starts in a folder of Prefect's choosing, not where `alambic schedule` ran.
    params = {"config_path": str(Path(config.path).resolve())}

    def on(name: str) -> list:
        cron = schedules.get(name)
        return [Cron(cron, timezone=config.timezone)] if cron else []

    result = [
        refresh.to_deployment(_sync=True, name="alambic-refresh", schedules=on("refresh"), parameters=params,
                              concurrency_limit=1, description="Toutes les sources, puis les marts."),
        build_marts.to_deployment(_sync=True, name="alambic-build", schedules=on("build"), parameters=params,
                                  concurrency_limit=1, description="Recalcule les marts."),
    ]
    result.append(
        backup_warehouse.to_deployment(_sync=True, name="alambic-backup", schedules=on("backup"), parameters=params,
                                       concurrency_limit=1, description="Sauvegarde l'entrepôt et les saisies.")
    )
    for source in configured_sources(config):
        result.append(
            sync.to_deployment(_sync=True, name=f"alambic-sync-{source}", schedules=on(f"sync-{source}"),
                               parameters={**params, "source": source}, concurrency_limit=1,
                               description=f"Synchronise {source}.")
        )
    if "odoo" in configured_sources(config):
        result.append(
            sync.to_deployment(_sync=True, name="alambic-reconcile-odoo", schedules=on("reconcile-odoo"),
                               parameters={**params, "source": "odoo", "reconcile": True}, concurrency_limit=1,
                               description="Relit tout Odoo pour retirer les enregistrements supprimés.")
        )
    return result


def register(config: Config) -> list:
    """Create or update the deployments on the Prefect server, without running them."""
    return [deployment.apply(_sync=True) for deployment in deployments(config)]


def serve_schedules(config: Config) -> None:
    """Register the deployments and run their scheduled flow runs until interrupted."""
    serve(*deployments(config))
