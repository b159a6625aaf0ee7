"""Build each source's client from the configuration, with its secret from the environment.

    [sources.odoo]      url, database, login, password_env (default ALAMBIC_ODOO_PASSWORD)
    [sources.tibillet]  url, host (optional Host header), api_key_env (default ALAMBIC_TIBILLET_API_KEY),
                        window_start (where the first sales sync begins), day_pivot (default "04:00",
                        read by the SQL models: a soirée's day runs from pivot to pivot)
    [sources.oceco]     url, org_id, email, password_env (default ALAMBIC_OCECO_PASSWORD)

A `secret_block` key instead names a Prefect Secret block holding the secret. Secrets never
come from the configuration file itself.
"""

from __future__ import annotations

import os

from alambic.config import Config, ConfigError

DEFAULT_SECRET_ENV = {
    "odoo": "ALAMBIC_ODOO_PASSWORD",
    "tibillet": "ALAMBIC_TIBILLET_API_KEY",
    "oceco": "ALAMBIC_OCECO_PASSWORD",
}


def secret(source: str, settings: dict) -> str:
    """The source's secret: a Prefect Secret block if one is named, else the environment variable."""
    block = settings.get("secret_block")
    if block:
        from prefect.blocks.system import Secret

        return Secret.load(block).get()
    variable = settings.get("password_env") or settings.get("api_key_env") or DEFAULT_SECRET_ENV[source]
    value = os.environ.get(variable)
    if not value:
        raise ConfigError(f"source {source} : la variable d'environnement {variable} (le secret) n'est pas définie")
    return value


def configured_sources(config: Config) -> list[str]:
    return [name for name in ("odoo", "tibillet", "oceco") if name in config.sources]


def make_client(config: Config, source: str):
    settings = config.sources.get(source)
    if not settings:
        raise ConfigError(f"la source {source} n'est pas configurée (section [sources.{source}])")
    try:
        if source == "odoo":
            from flows.sources.odoo import OdooSource

            return OdooSource(settings["url"], settings["database"], settings["login"], secret(source, settings),
                              timeout=float(settings.get("timeout", 30)))
        if source == "tibillet":
            from flows.sources.tibillet import TibilletSource

            optional = {k: settings[k] for k in ("window_start",) if k in settings}
            return TibilletSource(settings["url"], secret(source, settings), host=settings.get("host"),
                                  timeout=float(settings.get("timeout", 30)), **optional)
        if source == "oceco":
            from flows.sources.oceco import OcecoSource

            return OcecoSource(settings["url"], settings["org_id"], settings["email"], secret(source, settings),
                               timeout=float(settings.get("timeout", 30)))
    except KeyError as exc:
        raise ConfigError(f"source {source} : réglage {exc.args[0]!r} manquant dans [sources.{source}]") from exc
    raise ConfigError(f"source inconnue : {source}")
