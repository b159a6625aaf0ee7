"""The `build` flow: staging and marts rebuilt, then the data tests (the steps:
`flows.sync.build_and_record`)."""

from __future__ import annotations

from prefect import flow, get_run_logger

from alambic.config import load_config
from flows.sync import build_and_record


@flow(name="build")
def build_marts(config_path: str | None = None) -> dict[str, int]:
    """Rebuild staging and marts, then the data tests, and publish them. The co-remuneration bills
    are matched in SQL (marts.remuneration_proposals): nothing is written in app.*."""
    return build_and_record(load_config(config_path), log=get_run_logger().info)
