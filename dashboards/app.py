"""The shell around every page: one template, the side navigation, the shared filters.

`panel_serve.py` serves `page_app(slug, context)` for each page of `dashboards.pages.PAGES`.
The shell is fully offline: Panel serves its own JS and CSS, and the Fast design's web font
(Google Fonts by default) is switched off (DESIGN.md, principle 6).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import panel as pn

from alambic.i18n import _
from dashboards.components import Filters, coming_soon
from dashboards.pages import PAGES, PageSpec, page, sections
from dashboards.session import current_user
from warehouse.connection import Warehouse, WarehouseBusy, WarehouseMissing

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
/* A phone (or a narrow window): the menu is folded away behind the header's button and, opened,
   lies over the page instead of squeezing it. The template opens it by default (class « show »)
   and the button toggles that class: under 760 px the meaning of « show » is reversed. */
@media (max-width: 760px) {{
  #sidebar.collapse.show {{ display: none !important; }}
  #sidebar.collapse:not(.show), #sidebar.collapsing {{
    display: block !important; position: absolute; z-index: 1050; top: 56px; left: 0; bottom: 0;
    width: 82vw !important; max-width: 320px !important; background: #fff;
    box-shadow: 2px 0 12px rgba(0, 0, 0, .25); }}
  #main {{ padding: 6px 8px 16px 8px !important; }}
  #header .app-header .title {{ font-size: 1.1em; }}
  .page-title h1 {{ font-size: 1.6em; }}
}}
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
    return pn.pane.Alert(message, alert_type="warning")


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
        main=[pn.Column(pn.pane.Markdown(f"# {spec.label}", css_classes=["page-title"]), body,
                        sizing_mode="stretch_width")],
        raw_css=[APP_CSS],
    )
    return template
