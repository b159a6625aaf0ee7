"""`alambic demo`: the sandbox organisation through the real pipeline, into its own warehouse.

generate → simulated Odoo / TiBillet / Oceco servers on loopback → demo configuration pointing
at them → the app rows members would have entered → the `refresh` Prefect flow (connectors,
raw loads, SQL build). The demo lives in its own folder and never touches a real warehouse.
`load_sandbox` is the short path (records straight into the raw tables, no HTTP) used by the
benchmark and by tests of the SQL models.
"""

from __future__ import annotations

import json
import os
import time
from datetime import datetime
from pathlib import Path
from typing import Callable
from zoneinfo import ZoneInfo

import pandas as pd

from alambic.config import Config, load_config
from sandbox.demo_config import write_demo_config
from flows.runtime import prefect_defaults
from sandbox.generate import SandboxOrganisation, generate
from sandbox.sources import append_sources, serve_sandbox_sources
from warehouse.app_rows import advance_id_sequence, insert_rows
from warehouse.connection import Warehouse
from warehouse.load import load_records
from warehouse.migrations import migrate

DEMO_ODOO_VERSION = "17"
DEMO_TIMEZONE = "Indian/Reunion"


def build_demo(
    directory: Path,
    *,
    seed: int = 42,
    scale: float = 1.0,
    reset: bool = False,
    log: Callable[[str], None] = lambda _: None,
) -> Config:
    """Build the demo warehouse in `directory` (reused as is when already built with the same seed and scale)."""
    directory.mkdir(parents=True, exist_ok=True)
    marker = directory / "demo.json"
    wanted = {"seed": seed, "scale": scale}
    config_file = directory / "alambic.toml"
    if not reset and config_file.exists() and marker.exists() and json.loads(marker.read_text()) == wanted:
        config = load_config(config_file)
        if config.warehouse_path.exists():
            log(f"Entrepôt de démo déjà construit : {config.warehouse_path} (--reset pour le refaire)")
            return config
    for stale in directory.glob("alambic.duckdb*"):
        stale.unlink()
    marker.unlink(missing_ok=True)

    started = time.perf_counter()
    today = datetime.now(ZoneInfo(DEMO_TIMEZONE)).date()
    org = generate(seed=seed, scale=scale, today=today)
    log(f"Organisation fictive générée (graine {seed}, échelle {scale:g}) en {time.perf_counter() - started:.1f} s")
    config_path = write_demo_config(org, directory, directory / "alambic.duckdb")
    prefect_defaults(home=directory / "prefect")
    from flows.extract import refresh  # after prefect_defaults: Prefect reads its settings on import

    with serve_sandbox_sources(org) as sources:
        log("Serveurs Odoo, TiBillet et Oceco du bac à sable démarrés sur " +
            ", ".join(server.url for server in sources.servers.values()))
        append_sources(config_path, sources.settings)
        os.environ.update(sources.env)  # the sandbox servers' fictional secrets
        config = load_config(config_path)
        warehouse = Warehouse.from_config(config)
        migrate(warehouse)
        seed_app_rows(warehouse, org.app)
        step = time.perf_counter()
        refresh(str(config_path))  # the real flows: connectors → raw → staging → marts
        log(f"Synchronisation des trois sources et construction des marts en {time.perf_counter() - step:.1f} s")
    marker.write_text(json.dumps(wanted))
    return config


def load_sandbox(
    warehouse: Warehouse,
    org: SandboxOrganisation,
    *,
    odoo_version: str = DEMO_ODOO_VERSION,
    log: Callable[[str], None] = lambda _: None,
) -> None:
    """Load the sandbox's source records into the raw tables and its app rows into app.*."""
    migrate(warehouse)
    started = time.perf_counter()
    batches = [("odoo", org.odoo[odoo_version]), ("tibillet", org.tibillet), ("oceco", org.oceco)]
    total = 0
    for source, resources in batches:
        for name, records in resources.items():
            total += load_records(warehouse, source, name, records).rows_in
    seed_app_rows(warehouse, org.app)
    log(f"{total} enregistrements sources chargés en {time.perf_counter() - started:.1f} s")


def seed_app_rows(warehouse: Warehouse, rows_by_table: dict[str, list[dict]]) -> None:
    """Insert what members would have entered, keeping the generator's ids, in one transaction."""
    with warehouse.write("saisies de démonstration") as con:
        for table, rows in rows_by_table.items():
            if rows:
                insert_rows(con, table, pd.DataFrame(rows))
        advance_id_sequence(con)


def print_welcome(config: Config, port: int) -> None:
    print(
        f"\nAlambic — démonstration prête.\n"
        f"  Tableaux de bord : http://localhost:{port}/\n"
        f"  Entrepôt de démo : {config.warehouse_path}\n"
        "  (Les comptes de connexion arriveront avec la gestion des droits ; la démo est ouverte.)\n"
        "  Ctrl+C pour arrêter.\n"
    )
