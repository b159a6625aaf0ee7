"""Serve every page of Alambic: one URL per page, one template, the side navigation.

    python panel_serve.py              # http://localhost:5006/ (reads alambic.toml or $ALAMBIC_CONFIG)
    panel serve panel_serve.py         # the same pages, chosen by ?page=<slug> on /panel_serve
    alambic serve [--port P]           # the CLI calls serve(config, port=P)

The root URL shows the Tableau de bord. Each session builds its page from a function, never a
shared object, so that sessions do not share state.
"""

from __future__ import annotations

import panel as pn

from alambic.config import Config, load_config
from dashboards.app import TITLE, AppContext, page_app
from dashboards.pages import HOME, PAGES
from warehouse.connection import Warehouse


def _page_function(slug: str, warehouse: Warehouse, config: Config | None):
    """A plain function (Panel calls it once per session; a functools.partial would be shown as text)."""

    def build_page():
        return page_app(slug, AppContext(warehouse=warehouse, config=config))

    build_page.__name__ = slug.replace("-", "_")
    return build_page


def applications(config: Config | None = None, warehouse: Warehouse | None = None) -> dict:
    """URL slug → function building that page for one session; '/' is the Tableau de bord."""
    warehouse = warehouse or Warehouse.from_config(config)
    apps = {spec.slug: _page_function(spec.slug, warehouse, config) for spec in PAGES}
    apps["/"] = _page_function(HOME.slug, warehouse, config)
    return apps


def titles() -> dict:
    out = {spec.slug: f"{spec.label} · {TITLE}" for spec in PAGES}
    out["/"] = f"{HOME.label} · {TITLE}"
    return out


def serve(config: Config | None = None, port: int = 5006, show: bool = False,
          warehouse: Warehouse | None = None, **kwargs):
    """Serve the dashboards (blocking unless threaded=True is passed). Returns the server."""
    if config is None and warehouse is None:
        config = load_config()
    options = dict(
        port=port, show=show, title=titles(), liveness=True,
        address=kwargs.pop("address", "localhost"),
        websocket_origin=kwargs.pop("websocket_origin", [f"localhost:{port}", f"127.0.0.1:{port}"]),
    )
    options.update(kwargs)
    return pn.serve(applications(config, warehouse), **options)


def _single_file_app():
    """`panel serve panel_serve.py`: one route; the page comes from ?page=<slug>."""
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
