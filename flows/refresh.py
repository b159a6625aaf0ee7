"""The `refresh` flow: every configured source (the `sync` flow, one run each), then the `build` flow."""

from __future__ import annotations

from prefect import flow, get_run_logger

from alambic.config import load_config
from flows.build import build_marts
from flows.connect import configured_sources
from flows.source_sync import sync


@flow(name="refresh")
def refresh(config_path: str | None = None, sources: list[str] | None = None) -> dict[str, int]:
    """Every configured source, then the build. A source that fails does not stop the others;
    the build runs on what is loaded, and the run ends failed, naming the failed sources."""
    logger = get_run_logger()
    config = load_config(config_path)
    failures = []
    for source in sources or configured_sources(config):
        state = sync(source, config_path, return_state=True)
        if state.is_failed():
            failures.append(f"{source} : {state.message}")
            logger.error(f"Échec de la synchronisation {source} : {state.message}")
    marts = build_marts(config_path)
    if failures:
        raise RuntimeError("Sources en échec — " + " ; ".join(failures))
    return marts
