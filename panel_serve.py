"""Serve every page of Alambic: one URL per page, one template, the side navigation.

    python panel_serve.py              # http://localhost:5006/ (reads alambic.toml or $ALAMBIC_CONFIG)
    panel serve panel_serve.py --basic-auth …  # the same pages by ?page=<slug> on /panel_serve (Panel's login)
    alambic serve [--port P]           # the CLI calls serve(config, port=P)

The root URL shows the Tableau de bord. Each session builds its page from a function, never a
shared object, so that sessions do not share state.

Served, every page requires a login (alambic.auth: /login, /logout, accounts in app.users).
Only the page tests pass `auth=False`.
"""

from __future__ import annotations

import panel as pn

from alambic.auth.headers import SecurityHeaders
from alambic.auth.server import login_setup
from alambic.auth.settings import AuthSettings
from alambic.config import Config, load_config
from dashboards.app import TITLE, AppContext, callback_failed, page_app, page_failed, session_ended
from dashboards.pages import HOME, PAGES
from warehouse.connection import Warehouse


def _page_function(slug: str, warehouse: Warehouse, config: Config | None, gate=None):
    """A plain function (Panel calls it once per session; a functools.partial would be shown as text).

    gate: the login gate (alambic.auth); it binds the session to its account before the page is built.
    """

    def build_page():
        try:
            if gate is not None and gate.enter_session() is None:
                return session_ended()
            return page_app(slug, AppContext(warehouse=warehouse, config=config))
        except Exception:  # never Panel's traceback page: a French sentence, the traceback in the log
            return page_failed(slug)

    build_page.__name__ = slug.replace("-", "_")
    return build_page


def applications(config: Config | None = None, warehouse: Warehouse | None = None, gate=None) -> dict:
    """URL slug → function building that page for one session; '/' is the Tableau de bord."""
    warehouse = warehouse or Warehouse.from_config(config)
    apps = {spec.slug: _page_function(spec.slug, warehouse, config, gate) for spec in PAGES}
    apps["/"] = _page_function(HOME.slug, warehouse, config, gate)
    return apps


def titles() -> dict:
    out = {spec.slug: f"{spec.label} · {TITLE}" for spec in PAGES}
    out["/"] = f"{HOME.label} · {TITLE}"
    return out


def serve(config: Config | None = None, port: int = 5006, show: bool = False,
          warehouse: Warehouse | None = None, *, auth: bool = True, **kwargs):
    """Serve the dashboards (blocking unless threaded=True is passed). Returns the server.

    auth=False serves every page without a login: for the page tests only, never for people.
    """
    if config is None and warehouse is None:
        config = load_config()
    warehouse = warehouse or Warehouse.from_config(config)
    options = dict(
        port=port, show=show, title=titles(), liveness=True,
        address=kwargs.pop("address", "localhost"),
        websocket_origin=AuthSettings.from_config(config).websocket_origins(port),
        # CSP, nosniff, Referrer-Policy on every response (alambic.auth.headers)
        transforms=[SecurityHeaders],
        # The session token Bokeh writes into each page (readable by its JavaScript) carries no
        # cookie and no Cookie header: the server resolves the account from the HTTP request
        # itself (alambic.auth.web), the page never holds the session cookie.
        include_cookies=[],
        exclude_headers=["Cookie"],
    )
    pn.config.exception_handler = callback_failed
    gate = None
    if auth:
        login = login_setup(config, warehouse, port)
        options.update(login.options)
        gate = login.gate
    options.update(kwargs)
    return pn.serve(applications(config, warehouse, gate), **options)


def _single_file_app():
    """`panel serve panel_serve.py`: one route; the page comes from ?page=<slug>.

    No page without a login: this route needs Panel's own (`--basic-auth`, `--oauth-provider`);
    `alambic serve` is the way with Alambic's accounts.
    """
    if not pn.state.user:
        return session_ended()
    config = load_config()
    slugs = {spec.slug for spec in PAGES}
    args = pn.state.session_args.get("page") or [HOME.slug.encode()]
    slug = args[0].decode()
    if slug not in slugs:
        slug = HOME.slug

    def page_url(target: str) -> str:
        return f"?page={target}"

    context = AppContext(warehouse=Warehouse.from_config(config), config=config, page_url=page_url)
    return page_app(slug, context)


if __name__ == "__main__":
    serve(load_config())
elif __name__.startswith("bokeh_app"):
    _single_file_app().servable(title=TITLE)
