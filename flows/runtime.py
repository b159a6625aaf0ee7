"""Prefect settings Alambic needs before Prefect is imported (it reads its settings on import)."""

from __future__ import annotations

import os
from pathlib import Path


def prefect_api_configured() -> bool:
    """Whether runs go to a Prefect API (PREFECT_API_URL): then commands run their flows and
    Prefect records them; otherwise they run the same steps directly (flows/sync.py)."""
    return bool(os.environ.get("PREFECT_API_URL", "").strip())


def prefect_defaults(home: Path | None = None) -> None:
    """Offline-friendly defaults, without overriding what the operator set.

    With no Prefect server configured (PREFECT_API_URL), flows run on a temporary local one;
    `home` gives it a folder of its own (the demo's), so it never shares a database with another.
    """
    if "PREFECT_API_URL" not in os.environ and home is not None:
        os.environ.setdefault("PREFECT_HOME", str(home.resolve()))
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")  # no telemetry: the machine is offline
