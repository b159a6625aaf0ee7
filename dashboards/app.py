"""The shell around every page: one template, the side navigation, the shared filters.

`panel_serve.py` serves `page_app(slug, context)` for each page of `dashboards.pages.PAGES`.
The shell is fully offline: Panel serves its own JS and CSS, and the Fast design's web font
(Google Fonts by default) is switched off (DESIGN.md, principle 6).
"""

from __future__ import annotations

import html
import logging
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import panel as pn

from alambic.i18n import _
from dashboards.components import Filters, coming_soon
from dashboards.pages import PAGES, PageSpec, page, sections
from dashboards.session import current_user
from dashboards.components import PlainAlert
from warehouse.connection import Warehouse, WarehouseBusy, WarehouseMissing

log = logging.getLogger("alambic.pages")

TITLE = "Alambic"
ACCENT = "#2f6f5e"  # a still's copper-green
SYSTEM_FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'


def default_page_url(slug: str) -> str:
    return f"/{slug}"


@dataclass
class AppContext:
    warehouse: Warehouse
    config: object | None = None
    filters: Filters | None = None  # per session
    page_url: Callable[[str], str] = field(default=default_page_url)


pn.extension("tabulator", design="bootstrap", notifications=False, sizing_mode="stretch_width",
             loading_indicator=True)

LOGIN_URL, LOGOUT_URL = "/login", "/logout"  # served by alambic.auth.web
SOON = _("soon")
APP_CSS = f"""
:root, :host {{ --body-font: {SYSTEM_FONT}; --font-family: {SYSTEM_FONT}; }}
body {{ font-family: {SYSTEM_FONT}; }}
.alambic-nav {{ font-family: {SYSTEM_FONT}; font-size: 0.95em; }}
.alambic-nav h4 {{ margin: 14px 0 4px 0; font-size: 0.78em; text-transform: uppercase;
                  letter-spacing: .04em; color: #6b7680; }}
.alambic-nav a {{ display: block; padding: 5px 10px; border-radius: 4px; color: #1d2b36;
                 text-decoration: none; }}
.alambic-nav a:hover {{ background: #e8f0ed; }}
.alambic-nav a.current {{ background: {ACCENT}; color: #fff; font-weight: 600; }}
.alambic-nav a.soon {{ color: #6b7680; }}
.alambic-nav a.current.soon {{ color: #fff; }}
.alambic-nav a.soon::after {{ content: " · {SOON}"; font-size: 0.8em; }}
.alambic-user {{ margin-top: 18px; font-size: 0.8em; color: #6b7680; }}
.alambic-nav .alambic-user a.alambic-logout {{ display: inline; padding: 0; color: {ACCENT};
                                             text-decoration: underline; }}
"""


def with_query(url: str, query: str) -> str:
    """Append the filters' `?a=b` to a URL that may already have a query string."""
    if not query or query == "?":
        return url
    return url + ("&" + query.lstrip("?") if "?" in url else query)


def nav_html(current: str, query: str, page_url: Callable[[str], str]) -> str:
    """The side menu: every page by section, links keeping the filters' query string."""
    parts = ['<nav class="alambic-nav">']
    role = current_user().role
    for section, specs in sections():
        specs = [spec for spec in specs if spec.allows(role)]
        if not specs:
            continue
        parts.append(f"<h4>{html.escape(_(section))}</h4>")
        for spec in specs:
            classes = []
            if spec.slug == current:
                classes.append("current")
            if not spec.ready:
                classes.append("soon")
            attrs = f' class="{" ".join(classes)}"' if classes else ""
            if spec.slug == current:
                attrs += ' aria-current="page"'
            href = html.escape(with_query(page_url(spec.slug), query))
            parts.append(f'<a href="{href}"{attrs} data-page="{spec.slug}">{html.escape(spec.label)}</a>')
    parts.append(user_html())
    parts.append("</nav>")
    return "".join(parts)


def user_html() -> str:
    """Who is connected, and the way out. The name is user text: always escaped."""
    user = current_user()
    who = _("Demo user") if user.is_demo else user.name
    signed_in = _("Signed in as {who}", who=who)
    sign_out = html.escape(_("Sign out"))  # outside the f-string: Babel's extractor skips f-strings
    logout = "" if user.is_demo else f' · <a class="alambic-logout" href="{LOGOUT_URL}">{sign_out}</a>'
    return f'<div class="alambic-user">{html.escape(signed_in)}{logout}</div>'


def session_ended() -> pn.pane.HTML:
    """Shown instead of a page when the login session ended while the page was being opened."""
    text = html.escape(_("Your session has ended: please log in again."))
    log_in = html.escape(_("Log in"))
    return pn.pane.HTML(f'<p>{text} <a href="{LOGIN_URL}">{log_in}</a></p>')


def error_view(message: str) -> pn.pane.Alert:
    return PlainAlert(message, alert_type="warning")


# -- nothing of a failure but a French sentence reaches the page ----------------------------------

_failure_banners: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # document → its banner


def failure_text() -> str:
    return _("Something went wrong on the server: the action was not completed. Try again; if it keeps "
             "happening, tell an administrator (the details are in the server's log).")


def failure_view() -> pn.pane.Alert:
    """What a page shows instead of itself when building it failed (the traceback goes to the log)."""
    return PlainAlert(failure_text(), alert_type="danger", css_classes=["alambic-failure"])


def page_failed(slug: str) -> pn.pane.Alert:
    log.exception("La page %s n'a pas pu être construite", slug)
    return failure_view()


def callback_failed(exception: BaseException) -> None:
    """pn.config.exception_handler: an exception in a callback is logged with its traceback on the
    server, and the page says, in French, that the action failed. Never the traceback."""
    log.error("Erreur dans une action de page", exc_info=(type(exception), exception, exception.__traceback__))
    doc = pn.state.curdoc
    banner = _failure_banners.get(getattr(doc, "_doc", doc)) if doc is not None else None
    if banner is not None:
        banner.param.update(object=failure_text(), visible=True)


def _failure_banner() -> pn.pane.Alert:
    banner = PlainAlert("", alert_type="danger", visible=False, css_classes=["alambic-failure"])
    doc = pn.state.curdoc
    doc = getattr(doc, "_doc", doc)
    if doc is not None:
        _failure_banners[doc] = banner
    return banner


def page_body(spec: PageSpec, context: AppContext):
    if not spec.allows(current_user().role):  # checked on the server: the link is hidden too
        return error_view(_("This page is reserved for the finance group and the administrators."))
    if not spec.ready:
        return coming_soon(_(spec.description))
    return spec.build(context)


def page_app(slug: str, context: AppContext) -> pn.template.BootstrapTemplate:
    """One session's page: template, navigation, filters synced to the URL, page body."""
    spec = page(slug)
    try:
        filters = Filters.from_warehouse(context.warehouse)
        filters.sync_url()
        body = page_body(spec, replace(context, filters=filters))
        query = pn.bind(lambda *_: filters.query_string(), filters.param.current, filters.param.unit)
    except (WarehouseMissing, WarehouseBusy) as exc:
        filters, body, query = None, error_view(str(exc)), ""
    nav = pn.pane.HTML(pn.bind(nav_html, spec.slug, query, context.page_url) if filters else
                       nav_html(spec.slug, "", context.page_url), sizing_mode="stretch_width",
                       stylesheets=[APP_CSS])
    template = pn.template.BootstrapTemplate(
        title=TITLE,
        site=_("La Raffinerie"),
        site_url=context.page_url(PAGES[0].slug),
        header_background=ACCENT,
        sidebar=[nav],
        sidebar_width=260,
        main=[pn.Column(pn.pane.Markdown(f"# {spec.label}", css_classes=["page-title"]), _failure_banner(), body,
                        sizing_mode="stretch_width")],
        raw_css=[APP_CSS],
    )
    return template
