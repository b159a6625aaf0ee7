"""Sync one resource of one source into the warehouse: plain functions, tested without Prefect.

Fetch from the watermark (network work, outside the warehouse lock), then load the batch,
its quarantined records and its new watermark in one transaction. A failure at any step leaves
the warehouse and the watermark as they were: the next run resumes from there.

`sync_source` and `build_and_record` are the steps of the `sync` and `build` flows
(flows/source_sync.py, flows/build.py) run directly: `alambic sync` and `alambic build` use them when no Prefect API
is configured, so that a command never starts a temporary Prefect server (15–90 s) to run them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from warehouse.connection import Warehouse
from warehouse.load import load_records, read_watermark
from warehouse.resources import RESOURCES

DEFAULT_RETRY_DELAYS = [5, 30, 120]


@dataclass(frozen=True)
class ResourceReport:
    source: str
    resource: str
    fetched: int
    new: int
    changed: int
    unchanged: int
    deleted: int
    quarantined: int
    seconds: float

    def line(self) -> str:
        return (
            f"{self.source}/{self.resource} : {self.fetched} reçus, {self.new} nouveaux, "
            f"{self.changed} modifiés, {self.deleted} supprimés, {self.quarantined} en quarantaine "
            f"({self.seconds:.1f} s)"
        )


def source_resources(source: str) -> list[str]:
    """The resources of a source, in the order they are synced (as listed in warehouse/resources.py)."""
    return [name for (src, name) in RESOURCES if src == source]


def fetch_batch(client, warehouse: Warehouse, source: str, resource: str, *, reconcile: bool = False):
    """The records changed at the source since the last good load of this resource.

    reconcile: fetch the whole resource instead (a complete batch), so that records deleted at
    the source are deleted here too — for sources whose incremental reads cannot see deletions.
    """
    if reconcile and hasattr(client, "reconcile"):
        return client.reconcile(resource)
    return client.fetch(resource, read_watermark(warehouse, source, resource))


def load_batch(warehouse: Warehouse, source: str, resource: str, batch, started: float) -> ResourceReport:
    result = load_records(
        warehouse,
        source,
        resource,
        batch.records,
        delete_missing=batch.complete,
        watermark=batch.watermark,
        quarantine=batch.rejected,
    )
    return ResourceReport(
        source, resource, result.rows_in, result.rows_new, result.rows_changed, result.rows_unchanged,
        result.rows_deleted, result.rows_quarantined, time.perf_counter() - started,
    )


def sync_resource(client, warehouse: Warehouse, source: str, resource: str, *, reconcile: bool = False) -> ResourceReport:
    started = time.perf_counter()
    batch = fetch_batch(client, warehouse, source, resource, reconcile=reconcile)
    return load_batch(warehouse, source, resource, batch, started)


def retry_delays(config) -> list[float]:
    """Seconds to wait before each new try of a fetch ([sources] retry_delays)."""
    return list(config.sources.get("retry_delays", DEFAULT_RETRY_DELAYS))


def worth_retrying(exc: BaseException) -> bool:
    """Retry what may pass next time (network); a configuration error will not."""
    from alambic.config import ConfigError

    return isinstance(exc, Exception) and not isinstance(exc, ConfigError)


def fetch_with_retries(client, warehouse: Warehouse, source: str, resource: str, *, reconcile: bool = False,
                       delays: list[float] = (), log: Callable[[str], None] = print,
                       sleep: Callable[[float], None] = time.sleep):
    for attempt in range(len(delays) + 1):
        try:
            return fetch_batch(client, warehouse, source, resource, reconcile=reconcile)
        except Exception as exc:
            if attempt == len(delays) or not worth_retrying(exc):
                raise
            log(f"{source}/{resource} : {exc} — nouvel essai dans {delays[attempt]:g} s")
            sleep(delays[attempt])
    raise AssertionError("unreachable")


def sync_source(config, source: str, *, reconcile: bool = False,
                log: Callable[[str], None] = print) -> list[ResourceReport]:
    """The `sync` flow's steps without Prefect: every resource of the source, fetch (retried as
    the flow retries it) then load, one report line each."""
    from flows.connect import make_client
    from warehouse.migrations import migrate

    warehouse = Warehouse.from_config(config)
    migrate(warehouse)
    client = make_client(config, source)
    delays = retry_delays(config)
    reports = []
    for resource in source_resources(source):
        started = time.perf_counter()
        batch = fetch_with_retries(client, warehouse, source, resource, reconcile=reconcile, delays=delays, log=log)
        report = load_batch(warehouse, source, resource, batch, started)
        log(report.line())
        reports.append(report)
    return reports


def build_and_record(config, log: Callable[[str], None] = print) -> dict[str, int]:
    """The `build` flow's steps without Prefect: rebuild staging and marts (one transaction, then
    the data tests). It writes nothing in app.*: what Odoo says of the co-remuneration bills is
    a mart (marts.remuneration_proposals)."""
    from warehouse.build import build

    warehouse = Warehouse.from_config(config)
    result = build(warehouse, config.settings())
    log(f"{len(result.marts)} marts construits, {len(result.tests)} tests de données réussis")
    return result.marts
