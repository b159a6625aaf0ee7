"""The `sync` flow: one source's changes into the raw tables, resource by resource.

Each resource is two tasks, so that progress shows resource by resource in the Prefect UI:
"extraction" (network, retried with backoff) and "chargement" (one warehouse transaction, never
retried: it either happened whole or not at all). Row counts and durations go to the run logs.
The steps themselves are plain functions (flows/sync.py), tested without Prefect.
"""

from __future__ import annotations

import time

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from alambic.config import Config, ConfigError, load_config
from flows.connect import make_client
from flows.sync import ResourceReport, fetch_batch, load_batch, retry_delays, source_resources
from warehouse.connection import Warehouse
from warehouse.migrations import migrate


def _retry_on_source_errors(task, task_run, state) -> bool:
    """Retry what may pass next time (network); a configuration error will not."""
    try:
        state.result()
    except ConfigError:
        return False
    except Exception:  # noqa: BLE001
        return True
    return False


@task(name="extraction", cache_policy=NO_CACHE, retry_condition_fn=_retry_on_source_errors)
def fetch_resource(client, warehouse: Warehouse, source: str, resource: str, reconcile: bool = False):
    return fetch_batch(client, warehouse, source, resource, reconcile=reconcile)


@task(name="chargement", cache_policy=NO_CACHE)
def load_resource(warehouse: Warehouse, source: str, resource: str, batch, started: float) -> ResourceReport:
    return load_batch(warehouse, source, resource, batch, started)


def _retry_delays(config: Config) -> list[float]:
    return retry_delays(config)


@flow(name="sync", flow_run_name="sync-{source}", log_prints=False)
def sync(source: str, config_path: str | None = None, reconcile: bool = False) -> list[ResourceReport]:
    """Bring one source's changes into the raw tables, resource by resource.

    reconcile: read whole resources (catches records deleted at the source; slower)."""
    logger = get_run_logger()
    config = load_config(config_path)
    warehouse = Warehouse.from_config(config)
    migrate(warehouse)
    client = make_client(config, source)
    delays = _retry_delays(config)
    fetch = fetch_resource.with_options(retries=len(delays), retry_delay_seconds=delays)
    reports = []
    for resource in source_resources(source):
        started = time.perf_counter()
        batch = fetch.with_options(task_run_name=f"extraction {source}/{resource}")(
            client, warehouse, source, resource, reconcile
        )
        # quote(): Prefect would otherwise walk every record of the batch looking for futures.
        report = load_resource.with_options(task_run_name=f"chargement {source}/{resource}")(
            warehouse, source, resource, quote(batch), started
        )
        logger.info(report.line())
        reports.append(report)
    return reports
