"""The shell around every page: one template, the side navigation, the shared filters.

`dashboards/server.py` serves `page_app(slug, context)` for each page of `dashboards.pages.PAGES`.
The shell is fully offline: Panel serves its own JS and CSS, and the Fast design's web font
(Google Fonts by default) is switched off (docs/architecture.md §4.6).
"""

from __future__ import annotations

import html
import logging
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import holoviews as hv
import panel as pn

from alambic.i18n import _
from dashboards import event_order
from dashboards.components import Filters, PlainAlert, coming_soon
from dashboards.pages import PAGES, PageSpec, page, sections
from dashboards.session import current_user, served_document
from warehouse.build_status import BuildStatus, build_status
from warehouse.connection import Warehouse, WarehouseBusy, WarehouseMissing

event_order.install()  # a typed value reaches the server before the click that follows it

LOG = logging.getLogger("alambic.pages")
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


# Every extension a page may use is declared here: a page's body is built after the template has
# gone out (page_app), so the resources of a widget first seen in the body (the SQL console's Ace
# editor) must already be in the template, or the browser meets « ace is not defined ».
pn.extension("tabulator", "codeeditor", design="bootstrap", notifications=False,
             sizing_mode="stretch_width", loading_indicator=True)
# Charts on a 2D canvas: HoloViews asks Bokeh for WebGL by default, which for a few dozen bars
# costs the browser more than it saves (a WebGL context, shaders, a copy of each frame: ~250 ms of
# a page's render in headless Chromium; more on a machine without a GPU).
hv.renderer("bokeh").webgl = False

LOGIN_URL, LOGOUT_URL = "/login", "/logout"  # served by alambic.auth.web
STATIC_DIR = Path(__file__).parent / "static"  # served at /alambic-static/ (dashboards.server.serve)
STATIC_ROUTE = "alambic-static"
# After BokehJS in every page (the Bootstrap template drops a template's own js_files).
pn.config.js_files = {**pn.config.js_files, "alambic_inputs": f"{STATIC_ROUTE}/lighter_inputs.js"}
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
    LOG.exception("La page %s n'a pas pu être construite", slug)
    return failure_view()


def callback_failed(exception: BaseException) -> None:
    """pn.config.exception_handler: an exception in a callback is logged with its traceback on the
    server, and the page says, in French, that the action failed. Never the traceback."""
    LOG.error("Erreur dans une action de page", exc_info=(type(exception), exception, exception.__traceback__))
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


def _answer_busy_in_views() -> None:
    """A view that meets a busy or missing warehouse shows the French message, never a traceback.

    Page sections are `param.depends` methods and `pn.bind` functions that Panel evaluates when
    the page is shown and at every change, outside the page's own code: every such evaluation goes
    through the `eval` of Panel's ParamRef / ParamMethod / ParamFunction panes, wrapped here once.
    """
    from panel.param import ParamFunction, ParamMethod, ParamRef

    def guarded(evaluate):
        def evaluate_or_explain(*args):
            try:
                return evaluate(*args)
            except (WarehouseBusy, WarehouseMissing) as exc:
                return error_view(str(exc))

        evaluate_or_explain.alambic_guarded = True
        return evaluate_or_explain

    for cls in (ParamRef, ParamMethod, ParamFunction):
        original = cls.__dict__.get("eval")
        if original is None or getattr(getattr(original, "__func__", original), "alambic_guarded", False):
            continue
        if isinstance(original, classmethod):
            cls.eval = classmethod(guarded(original.__func__))
        elif isinstance(original, staticmethod):
            cls.eval = staticmethod(guarded(original.__func__))
        else:
            cls.eval = guarded(original)


_answer_busy_in_views()


def _when(moment) -> str:
    return moment.strftime("%d/%m/%Y %H:%M") if moment else "?"


def _what_stopped(status: BuildStatus) -> str:
    """The rule broken (the data test's French description), or the computation that failed."""
    if status.rule:
        return status.rule
    if status.test:
        return _("the check « {test} » found figures that break its rule", test=status.test)
    if status.model:
        return _("the computation of « {model} » failed on the data received", model=status.model)
    return _("an unexpected error stopped it")


def _what_to_do(status: BuildStatus) -> str:
    return status.action or _("Tell whoever runs Alambic: « alambic build » shows the details of the failure.")


def failed_build_banner(status: BuildStatus) -> pn.pane.Alert:
    """Shown above every page when the last build failed after a good one: the figures are the
    last good ones, and why the new ones were refused."""
    text = _("**The figures are not up to date.** The update of {failed} was stopped by a check: {what}. "
             "The pages show the figures of the last successful update, on {ok}.",
             failed=_when(status.failed_at), what=_what_stopped(status), ok=_when(status.last_ok_at))
    todo = _("What to do: {action}", action=_what_to_do(status))
    check = _("(Check: {test})", test=status.test) if status.test else ""
    return pn.pane.Alert(f"{text}\n\n{todo} {check}", alert_type="warning", css_classes=["build-failed"])


def never_built_view(status: BuildStatus) -> pn.pane.Alert:
    """Instead of a page, when no build ever succeeded: what failed, and what to do."""
    if status.failed_at:
        text = _("**The figures have never been computed.** The first update, on {failed}, was stopped: "
                 "{what}. Nothing is shown until an update succeeds.",
                 failed=_when(status.failed_at), what=_what_stopped(status))
        todo = _("What to do: {action} Then run « alambic build » again (or wait for the next synchronisation).",
                 action=_what_to_do(status))
    else:
        text = _("**The figures have never been computed.** The sources have not been read and computed yet.")
        todo = _("What to do: run « alambic sync » then « alambic build » (or « alambic demo » to try the demo).")
    check = _("(Check: {test})", test=status.test) if status.test else ""
    return pn.pane.Alert(f"{text}\n\n{todo} {check}", alert_type="danger", css_classes=["never-built"])


def page_body(spec: PageSpec, context: AppContext):
    if not spec.allows(current_user().role):  # checked on the server: the link is hidden too
        return error_view(_("This page is reserved for the finance group and the administrators."))
    if not spec.ready:
        return coming_soon(_(spec.description))
    return spec.build(context)


def _has_marts(warehouse: Warehouse) -> bool:
    """A warehouse built before builds were journaled (or by hand in tests) has ref.settings."""
    try:
        with warehouse.read() as con:
            return con.execute("SELECT count(*) FROM information_schema.tables"
                               " WHERE table_schema = 'ref' AND table_name = 'settings'").fetchone()[0] > 0
    except (WarehouseMissing, WarehouseBusy):
        raise
    except Exception:  # noqa: BLE001
        return False


def _page_parts(spec: PageSpec, context: AppContext):
    """The filters (None when the page cannot show figures) and the body of one page (reads the
    warehouse): a French page when no build ever succeeded, the last good figures under a banner
    when the last build failed, never a traceback."""
    tz = getattr(context.config, "timezone", None) or "Indian/Reunion"
    try:
        with context.warehouse.reading("ouverture de la page"):  # one file open for the whole page
            return _page_parts_read(spec, context, tz)
    except (WarehouseMissing, WarehouseBusy) as exc:
        return None, error_view(str(exc))
    except Exception:  # noqa: BLE001 — no traceback ever reaches a page: it goes to the server's log
        return None, page_failed(spec.slug)


def _page_parts_read(spec: PageSpec, context: AppContext, tz: str):
    status = build_status(context.warehouse, tz)
    if not status.ever_built and not _has_marts(context.warehouse):
        return None, never_built_view(status)
    filters = Filters.from_warehouse(context.warehouse)
    filters.sync_url()
    body = page_body(spec, replace(context, filters=filters))
    if status.failed_at:
        body = pn.Column(failed_build_banner(status), body, sizing_mode="stretch_width")
    return filters, body


def loading_view() -> pn.pane.HTML:
    """What a page shows while its body is being built (off the server's event loop)."""
    text = html.escape(_("Loading…"))  # outside the f-string: Babel's extractor skips f-strings
    return pn.pane.HTML(f'<p class="alambic-loading" role="status">{text}</p>')


def page_app(slug: str, context: AppContext, gate: Callable[[], object] | None = None) -> pn.template.BootstrapTemplate:
    """One session's page: template, navigation, filters synced to the URL, page body.

    Served, the template goes out at once with « Chargement… » and the body is built when the
    browser has connected, on Panel's thread pool (`pn.state.onload`, `nthreads`): a page reading
    a busy warehouse or building many widgets never holds the server's event loop, so other
    sessions, `/liveness` and the login page keep answering. Outside a server (tests, notebooks)
    `onload` runs at once and the page is complete when returned.

    gate: called first, in the same deferred step (it reads the accounts); None from it means the
    login session ended, and the page says so.
    """
    spec = page(slug)
    nav = pn.pane.HTML(nav_html(spec.slug, "", context.page_url) if gate is None else "",
                       sizing_mode="stretch_width", stylesheets=[APP_CSS])
    main = pn.Column(pn.pane.Markdown(f"# {spec.label}", css_classes=["page-title"]), _failure_banner(),
                     loading_view(), sizing_mode="stretch_width")
    BODY = 2  # main[BODY]: « Chargement… », then the page

    def fill() -> None:
        try:
            if gate is not None and gate() is None:
                main[BODY] = session_ended()
                return
            filters, body = _page_parts(spec, context)
            if filters is not None:
                def follow(*_events):
                    nav.object = nav_html(spec.slug, filters.query_string(), context.page_url)

                filters.param.watch(follow, ["current", "unit"])
                follow()
            else:
                nav.object = nav_html(spec.slug, "", context.page_url)
            main[BODY] = body
        except (WarehouseMissing, WarehouseBusy) as exc:
            main[BODY] = error_view(str(exc))
        except Exception:  # noqa: BLE001 — a French sentence on the page, the traceback in the log
            main[BODY] = page_failed(spec.slug)

    template = pn.template.BootstrapTemplate(
        title=TITLE,
        site=_("La Raffinerie"),
        site_url=context.page_url(PAGES[0].slug),
        header_background=ACCENT,
        sidebar=[nav],
        sidebar_width=260,
        main=[main],
        raw_css=[APP_CSS],
    )
    if served_document() is not None:
        pn.state.onload(fill)  # served: once the browser has connected, on Panel's thread pool
    else:
        fill()  # tests, notebooks: at once (onload would hand it to a thread pool left by a server)
    return template
