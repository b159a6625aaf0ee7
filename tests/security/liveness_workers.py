"""The loads test_liveness.py runs against a served warehouse, each in a process of its own (as
in production: the flows, the CLI and the server are different processes). Bounded loops only.

    python -m tests.security.liveness_workers serve <config> <port>
    python -m tests.security.liveness_workers build <config> <seconds>
    python -m tests.security.liveness_workers sync <config> <seconds>
    python -m tests.security.liveness_workers import <config> <seconds>
    python -m tests.security.liveness_workers logins <base url> <login> <password> <count>

Each prints one line `done <what> <count>` on success (the test checks every load really ran).
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

SEED, SCALE = 42, 0.2  # the sandbox test_liveness.py builds (the sync worker serves the same sources)


def serve(config_path: str, port: str) -> None:
    from alambic.config import load_config
    from dashboards.server import serve as serve_pages

    serve_pages(load_config(config_path), port=int(port), address="127.0.0.1", show=False)


def build(config_path: str, seconds: str) -> None:
    from alambic.config import load_config
    from warehouse.build import build as build_marts
    from warehouse.connection import Warehouse

    config = load_config(config_path)
    warehouse = Warehouse.from_config(config)
    deadline, count = time.monotonic() + float(seconds), 0
    while count == 0 or time.monotonic() < deadline:
        build_marts(warehouse, config.settings())
        count += 1
    print("done build", count, flush=True)


def sync(config_path: str, seconds: str) -> None:
    """Every resource of the three sandbox sources, through the real connectors over HTTP."""
    from alambic.config import load_config
    from flows.connect import make_client
    from flows.sync import source_resources, sync_resource
    from sandbox.demo_config import write_demo_config
    from sandbox.generate import generate
    from sandbox.sources import append_sources, serve_sandbox_sources
    from warehouse.connection import Warehouse

    base = load_config(config_path)
    org = generate(seed=SEED, scale=SCALE)
    directory = Path(config_path).parent / "sync-worker"
    with serve_sandbox_sources(org) as sources:
        path = write_demo_config(org, directory, base.warehouse_path)
        append_sources(path, sources.settings)
        os.environ.update(sources.env)
        config = load_config(path)
        warehouse = Warehouse.from_config(config)
        deadline, count = time.monotonic() + float(seconds), 0
        while count == 0 or time.monotonic() < deadline:
            for source in ("odoo", "tibillet", "oceco"):
                client = make_client(config, source)
                for resource in source_resources(source):
                    sync_resource(client, warehouse, source, resource, reconcile=True)
            count += 1
    print("done sync", count, flush=True)


def import_forecasts(config_path: str, seconds: str) -> None:
    """A spreadsheet of forecast lines imported (preview, then apply), again and again."""
    from alambic.config import load_config
    from models import Actor
    from models.forecast_import import import_forecasts as preview_import
    from warehouse.connection import Warehouse

    config = load_config(config_path)
    warehouse = Warehouse.from_config(config)
    with warehouse.read("test") as con:
        units = [r[0] for r in con.execute("SELECT unit_code FROM ref.units ORDER BY sort").fetchall()]
        categories = [r[0] for r in con.execute("SELECT category_code FROM ref.categories").fetchall()]
    admin = Actor("admin", "admin@exemple.re", "admin")
    deadline, count = time.monotonic() + float(seconds), 0
    while count == 0 or time.monotonic() < deadline:
        lines = ["Unité;Catégorie;Début;Fin;Montant;Libellé"]
        for n in range(150):
            month = n % 12 + 1
            lines.append(f"{units[n % len(units)]};{categories[n % len(categories)]};01/{month:02d}/2031;"
                         f"28/{month:02d}/2031;{100 + n + count},50;Import {n}")
        preview = preview_import(warehouse, admin, "\n".join(lines).encode(), "previsionnel.csv")
        assert preview.ok, preview.messages()
        preview.apply(warehouse, admin)
        count += 1
    print("done import", count, flush=True)


def logins(base: str, login: str, password: str, count: str) -> None:
    """A burst of logins (wrong passwords from many names, locked out at last) while a logged-in
    member opens pages."""
    import httpx

    def attempt(client: httpx.Client, name: str, secret: str) -> httpx.Response:
        form = client.get(f"{base}/login", timeout=30)
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', form.text).group(1)
        return client.post(f"{base}/login", data={"login": name, "password": secret, "_xsrf": xsrf,
                                                   "next": "/"}, timeout=30, follow_redirects=False)

    done = 0
    pages = ["tableau-de-bord", "suivi-budgetaire", "plan-de-tresorerie", "explorateur", "repertoire"]
    member = httpx.Client()  # first: the burst below locks this address out (alambic.auth.throttle)
    answer = attempt(member, login, password)
    assert answer.status_code == 302, (answer.status_code, answer.text[-500:])
    for n in range(int(count)):
        with httpx.Client() as client:
            answer = attempt(client, f"inconnu{n}", "mauvais-mot-de-passe")
            assert answer.status_code in (401, 429), answer.status_code
            done += 1
        if n % 4 == 0:  # meanwhile, the logged-in member opens pages (sessions built on the server)
            assert member.get(f"{base}/{pages[n // 4 % len(pages)]}", timeout=60).status_code == 200
            done += 1
    member.close()
    print("done logins", done, flush=True)


if __name__ == "__main__":
    what, *arguments = sys.argv[1:]
    {"serve": serve, "build": build, "sync": sync, "import": import_forecasts, "logins": logins}[what](*arguments)
