"""What `dashboards.server.serve()` needs to require a login: pn.serve options and the session gate."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, replace

from alambic.auth.accounts import AccountStore
from alambic.auth.settings import COOKIE_SECRET_FILE, AuthSettings, cookie_secret
from alambic.auth.web import AlambicAuthProvider, OAuthBridge
from alambic.config import Config
from warehouse.connection import Warehouse, WarehouseBusy

log = logging.getLogger("alambic.auth")


@dataclass
class LoginSetup:
    options: dict  # keyword arguments for pn.serve
    gate: AlambicAuthProvider | OAuthBridge  # gate.enter_session() as each page is built


def login_setup(config: Config | None, warehouse: Warehouse, port: int) -> LoginSetup:
    import panel as pn

    from warehouse.migrations import migrate

    settings = AuthSettings.from_config(config)
    if settings.cookie_secret_file is None:  # no configuration file: beside the warehouse
        settings = replace(settings, cookie_secret_file=warehouse.path.parent / COOKIE_SECRET_FILE)
    accounts = AccountStore(warehouse)
    if warehouse.path.exists():
        migrate(warehouse)  # app.users on a warehouse made before it existed
        _warn_if_nobody_can_log_in(accounts)
    secret = cookie_secret(settings)
    options = dict(
        cookie_secret=secret,
        xsrf_cookies=True,
        xsrf_cookie_kwargs={"httponly": True, "samesite": "Strict", "secure": settings.https, "path": "/"},
        websocket_origin=settings.websocket_origins(port),
    )
    if settings.behind_proxy:
        options["use_xheaders"] = True  # real client address and scheme from the reverse proxy
    if settings.oauth:
        bridge = OAuthBridge(accounts)
        options.update(settings.oauth.serve_options())
        pn.config.oauth_expiry = settings.max_age_hours / 24
        pn.config.authorize_callback = bridge.authorize
        return LoginSetup(options, bridge)
    provider = AlambicAuthProvider(accounts, settings, secret)
    options["auth_provider"] = provider
    return LoginSetup(options, provider)


def _warn_if_nobody_can_log_in(accounts: AccountStore) -> None:
    try:
        if accounts.has_active_accounts():
            return
    except WarehouseBusy:
        return
    print("Attention : aucun compte actif, personne ne pourra se connecter. Créez-en un avec\n"
          "  alambic users add LOGIN --email adresse@exemple.re --role admin", file=sys.stderr)
