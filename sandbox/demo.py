"""`alambic demo`: the sandbox organisation through the real pipeline, into its own warehouse.

generate → simulated Odoo / TiBillet / Oceco servers on loopback → demo configuration pointing
at them → the app rows members would have entered → the first refresh (connectors, raw loads, SQL
build): the `refresh` Prefect flow when a Prefect API is configured (`PREFECT_API_URL`), else the
same steps run directly — the demo never starts a temporary Prefect server just for it. The demo lives in its own folder and never touches a real warehouse.
`load_sandbox` is the short path (records straight into the raw tables, no HTTP) used by the
benchmark and by tests of the SQL models.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from alambic.config import Config, load_config
from flows.runtime import prefect_api_configured, prefect_defaults
from sandbox.demo_config import write_demo_config
from sandbox.generate import SandboxOrganisation, generate
from sandbox.sources import append_sources, serve_sandbox_sources
from warehouse.app_rows import advance_id_sequence, insert_rows
from warehouse.build import build
from warehouse.connection import Warehouse
from warehouse.load import load_records
from warehouse.migrations import migrate

DEMO_ODOO_VERSION = "17"
DEMO_TIMEZONE = "Indian/Reunion"
# The demo's login accounts: fixed, public passwords (printed at start and in the README). They
# exist only in the demo's own warehouse; a real installation creates its own with `alambic users`.
DEMO_ACCOUNTS = (  # (login, role, password)
    ("admin", "admin", "demo-admin"),
    ("finance", "finance", "demo-finance"),
    ("membre", "member", "demo-membre"),
)


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
            ensure_demo_accounts(Warehouse.from_config(config))
            return config
    for stale in directory.glob("alambic.duckdb*"):
        stale.unlink()
    marker.unlink(missing_ok=True)

    started = time.perf_counter()
    today = datetime.now(ZoneInfo(DEMO_TIMEZONE)).date()
    org = generate(seed=seed, scale=scale, today=today)
    log(f"Organisation fictive générée (graine {seed}, échelle {scale:g}) en {time.perf_counter() - started:.1f} s")
    config_path = write_demo_config(org, directory, directory / "alambic.duckdb")
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
        first_refresh(config, log)
        log(f"Synchronisation des trois sources et construction des marts en {time.perf_counter() - step:.1f} s")
        ensure_demo_accounts(warehouse)
        if settle_demo_accounts_people(warehouse, org):
            build(warehouse, config.settings())
    marker.write_text(json.dumps(wanted))
    return config


def first_refresh(config: Config, log: Callable[[str], None]) -> None:
    """Every source then the build: through the `refresh` flow when a Prefect API is configured
    (the run shows in its UI), else the flow's own steps directly (no temporary Prefect server,
    which takes 15–90 s to start on a small machine)."""
    if prefect_api_configured():
        prefect_defaults()
        from flows.refresh import refresh  # after prefect_defaults: Prefect reads its settings on import

        refresh(str(config.path))
        return
    from flows.connect import configured_sources
    from flows.sync import build_and_record, sync_source

    quiet = lambda _line: None  # noqa: E731 — one line per resource is too much for a first start
    for source in configured_sources(config):
        started = time.perf_counter()
        reports = sync_source(config, source, log=quiet)
        rows = sum(report.fetched for report in reports)
        log(f"{source} : {rows} enregistrements reçus en {time.perf_counter() - started:.1f} s")
    build_and_record(config, log=log)


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


def demo_people(warehouse: Warehouse) -> dict[str, tuple[str, str]]:
    """login → (e-mail, name) of sandbox people for the demo accounts, chosen from app.role_assignments:
    the member holds a current `referent_budget_subvention` role on a pôle (so that pôle-scoped
    rights can be shown), the admin a `garant_cadre` role, finance another budget référent·e."""
    with warehouse.read("comptes de démonstration") as con:
        holders = con.execute(
            """SELECT role_code, person_email FROM app.role_assignments
               WHERE ended_on IS NULL AND role_code IN ('referent_budget_subvention', 'garant_cadre')
               ORDER BY unit_code, role_code, person_email"""
        ).fetchall()
        has_partners = con.execute(
            """SELECT count(*) FROM duckdb_views()
               WHERE schema_name = 'staging' AND view_name = 'stg_odoo__partners'"""
        ).fetchall()[0][0]
        names = dict(con.execute(
            "SELECT email, min(partner_name) FROM staging.stg_odoo__partners WHERE email IS NOT NULL GROUP BY 1"
        ).fetchall()) if has_partners else {}
    budget = [email for role, email in holders if role == "referent_budget_subvention"]
    frames = [email for role, email in holders if role == "garant_cadre"]
    member = budget[0]
    admin = next(e for e in frames + budget if e != member)
    finance = next(e for e in budget + frames if e not in (member, admin))
    chosen = {"admin": admin, "finance": finance, "membre": member}
    return {login: (email, names.get(email.lower()) or email.split("@")[0]) for login, email in chosen.items()}


def ensure_demo_accounts(warehouse: Warehouse) -> None:
    """Create the three demo accounts if missing (an older demo warehouse gets them too)."""
    from alambic.auth import AccountStore

    migrate(warehouse)
    store = AccountStore(warehouse)
    people = demo_people(warehouse)
    for login, role, password in DEMO_ACCOUNTS:
        if store.get(login) is None:
            email, name = people[login]
            store.add(login, email, role, password, display_name=name, who="démo")


def settle_demo_accounts_people(warehouse: Warehouse, org: SandboxOrganisation) -> int:
    """Tie the demo accounts' own Oceco citizens to them, as an admin would have done from the
    Répertoire: Oceco publishes no e-mail, so no citizen matches anyone until an admin decides.
    The demo accounts then see their volunteering and tasks on « Mon tableau de bord »; every other
    citizen waits in the Répertoire's « Correspondances à vérifier ». Returns the rows added."""
    from alambic.auth import AccountStore

    emails = {account.email.strip().lower() for login, _role, _password in DEMO_ACCOUNTS
              if (account := AccountStore(warehouse).get(login)) is not None}
    with warehouse.read("liens de démonstration") as con:
        decided = {row[0] for row in con.execute(
            "SELECT source_id FROM app.person_links WHERE source = 'oceco'").fetchall()}
    rows = [
        {"source": "oceco", "source_id": citizen["_id"], "decision": "link",
         "person_email": citizen["email"].strip().lower(), "comment": "Compte de démonstration",
         "decided_by": "admin", "created_by": "admin", "updated_by": "admin"}
        for citizen in org.oceco["citoyens"]
        if (citizen.get("email") or "").strip().lower() in emails and citizen["_id"] not in decided
    ]
    seed_app_rows(warehouse, {"person_links": rows})
    return len(rows)


def print_welcome(config: Config, port: int) -> None:
    from alambic.auth import AccountStore
    from alambic.users import ROLE_LABELS

    store = AccountStore(Warehouse.from_config(config))
    lines = []
    for login, role, password in DEMO_ACCOUNTS:
        account = store.get(login)
        who = f"{account.display_name} <{account.email}>" if account else ""
        lines.append(f"    {login:<8} / {password:<13} {ROLE_LABELS[role]:<15} {who}")
    print(
        f"\nAlambic — démonstration prête.\n"
        f"  Tableaux de bord : http://localhost:{port}/\n"
        f"  Entrepôt de démo : {config.warehouse_path}\n"
        "  Comptes de démonstration (identifiant / mot de passe, rôle, personne fictive) :\n"
        + "\n".join(lines) + "\n"
        "  Ctrl+C pour arrêter.\n"
    )


SOURCES_HEADER = "# Serveurs simulés de la démo (réécrit à chaque lancement de `alambic demo`)."


@contextmanager
def serving_demo_sources(directory: Path) -> Iterator[Config]:
    """The demo's simulated Odoo, TiBillet and Oceco, running for as long as the block lasts (while
    `alambic demo` serves): the demo configuration is pointed at them, so that a sync started from
    the Prefect UI or by `alambic schedule` / `alambic sync` on the demo reaches them. They serve the
    same organisation the warehouse was built from (seed, scale and « today » of the build)."""
    config_file = directory / "alambic.toml"
    wanted = json.loads((directory / "demo.json").read_text())
    config = load_config(config_file)
    today = datetime.fromisoformat(config.as_of).date() if config.as_of else datetime.now(ZoneInfo(DEMO_TIMEZONE)).date()
    org = generate(seed=wanted["seed"], scale=wanted["scale"], today=today)
    with serve_sandbox_sources(org) as sources:
        text = config_file.read_text(encoding="utf-8")
        kept = text.split(SOURCES_HEADER)[0]
        # A demo built before this header existed: drop its appended [sources.*] tables (dead ports).
        kept = re.split(r"^\[sources[.\]]", kept, maxsplit=1, flags=re.MULTILINE)[0].rstrip("\n") + "\n"
        config_file.write_text(kept + "\n" + SOURCES_HEADER, encoding="utf-8")
        append_sources(config_file, sources.settings)
        os.environ.update(sources.env)  # the sandbox servers' fictional secrets
        yield load_config(config_file)
