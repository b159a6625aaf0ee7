"""The sandbox organisation served over HTTP on loopback by the simulated Odoo, TiBillet and Oceco.

`serve_sandbox_sources(org)` starts the three servers and yields the `[sources.*]` settings and
the secrets (as environment variables) that point Alambic's real connectors at them: the demo
and the tests run the real pipeline — clients, flows, loads, build — against these servers.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

from sandbox.generate import SandboxOrganisation
from sandbox.servers import RunningServer, serve_in_thread
from sandbox.servers import oceco as oceco_server
from sandbox.servers import tibillet as tibillet_server
from sandbox.servers.odoo import OdooBooks, odoo_app

ODOO_DATABASE, ODOO_LOGIN = "raffinerie", "alambic@exemple.re"
TIBILLET_HOST = "raffinerie.tibillet.localhost"
OCECO_EMAIL = "alambic@exemple.re"
# Fictional credentials of the sandbox servers (never those of a real source).
SECRETS = {
    "ALAMBIC_ODOO_PASSWORD": "bac-a-sable-odoo",
    "ALAMBIC_TIBILLET_API_KEY": "demo.bac-a-sable-tibillet",
    "ALAMBIC_OCECO_PASSWORD": "bac-a-sable-oceco",
}


@dataclass
class SandboxSources:
    settings: dict[str, dict]  # the [sources.*] tables of the configuration
    env: dict[str, str]  # the secrets, as the connectors read them
    servers: dict[str, RunningServer]
    odoo: OdooBooks  # editable while served (tests change records between syncs)
    tibillet: tibillet_server.Tenant
    oceco_docs: dict[str, list[dict]]


def oceco_admin(docs: dict[str, list[dict]]) -> tuple[str, str]:
    """(organisation id, id of one of its admins): the account the connector logs in with."""
    org = next(o for o in docs["organizations"] if "oceco" in o)
    admin = next(uid for uid, link in org["links"]["members"].items() if link.get("isAdmin"))
    return org["_id"], admin


@contextmanager
def serve_sandbox_sources(org: SandboxOrganisation, *, odoo_version: str = "17") -> Iterator[SandboxSources]:
    books = OdooBooks(odoo_version, copy.deepcopy(org.odoo[odoo_version]), login=ODOO_LOGIN,
                      password=SECRETS["ALAMBIC_ODOO_PASSWORD"])
    tenant = tibillet_server.Tenant(copy.deepcopy(org.tibillet), [tibillet_server.ApiKey(SECRETS["ALAMBIC_TIBILLET_API_KEY"])])
    docs = copy.deepcopy(org.oceco)
    org_id, admin = oceco_admin(docs)
    apps = {
        "odoo": odoo_app({ODOO_DATABASE: books}),
        "tibillet": tibillet_server.create_app({TIBILLET_HOST: tenant}),
        "oceco": oceco_server.create_app(docs, accounts={OCECO_EMAIL: (SECRETS["ALAMBIC_OCECO_PASSWORD"], admin)}),
    }
    with ExitStack() as stack:
        servers = {name: stack.enter_context(serve_in_thread(app)) for name, app in apps.items()}
        first_year = f"{min(org.today.year, 2024)}-01-01T00:00:00+04:00"
        settings = {
            "odoo": {"url": servers["odoo"].url, "database": ODOO_DATABASE, "login": ODOO_LOGIN},
            "tibillet": {"url": servers["tibillet"].url, "host": TIBILLET_HOST, "window_start": first_year},
            "oceco": {"url": servers["oceco"].url, "org_id": org_id, "email": OCECO_EMAIL},
        }
        yield SandboxSources(settings, dict(SECRETS), servers, books, tenant, docs)


def append_sources(config_path, settings: dict[str, dict], *, retry_delays: list[float] | None = None) -> None:
    """Point a configuration file at the sandbox servers (its [sources] tables)."""
    text = config_path.read_text(encoding="utf-8")
    if retry_delays is not None:
        text += f"\n[sources]\nretry_delays = {list(retry_delays)}\n"
    config_path.write_text(text + sources_toml(settings), encoding="utf-8")


def sources_toml(settings: dict[str, dict]) -> str:
    """The [sources.*] tables as TOML text, to append to a configuration file."""
    blocks = []
    for name, values in settings.items():
        lines = [f"[sources.{name}]"] + [f'{key} = "{value}"' for key, value in values.items()]
        blocks.append("\n".join(lines))
    return "\n\n" + "\n\n".join(blocks) + "\n"
