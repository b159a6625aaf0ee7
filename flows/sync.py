"""Sync one resource of one source into the warehouse: plain functions, tested without Prefect.

Fetch from the watermark (network work, outside the warehouse lock), then load the batch,
its quarantined records and its new watermark in one transaction. A failure at any step leaves
the warehouse and the watermark as they were: the next run resumes from there.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from warehouse.connection import Warehouse
from warehouse.load import load_records, read_watermark
from warehouse.resources import RESOURCES


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
