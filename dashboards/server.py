"""Serve every page of Alambic: one URL per page, one template, the side navigation.

    python -m dashboards.server        # http://localhost:5006/ (reads alambic.toml or $ALAMBIC_CONFIG)
    panel serve dashboards/server.py --basic-auth …  # the same pages by ?page=<slug> on /server (Panel's login)
    alambic serve [--port P]           # the CLI calls serve(config, port=P)

The root URL shows the Tableau de bord. Each session builds its page from a function, never a
shared object, so that sessions do not share state.

Served, every page requires a login (alambic.auth: /login, /logout, accounts in app.users).
Only the page tests pass `auth=False`.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from concurrent.futures import ThreadPoolExecutor

import panel as pn

from alambic.auth.headers import SecurityHeaders
from alambic.auth.server import login_setup
from alambic.auth.settings import AuthSettings
from alambic.config import Config, load_config
from dashboards.app import (
    STATIC_DIR,
    STATIC_ROUTE,
    TITLE,
    AppContext,
    callback_failed,
    page_app,
    page_failed,
    session_ended,
)

# Threads serving the sessions: page bodies (pn.state.onload) and every widget callback run on
# this pool, never on Tornado's event loop, so a wait for the warehouse or a long computation in
# one session never stalls the others (nor /liveness, nor the login page). Panel dispatches the
# resulting Bokeh document changes to the event loop itself (Reactive._apply_update → next tick).
SERVER_THREADS = 8
from dashboards.pages import HOME, PAGES
from warehouse.connection import Warehouse


def _page_function(slug: str, warehouse: Warehouse, config: Config | None, gate=None):
    """A plain function (Panel calls it once per session; a functools.partial would be shown as text).

    gate: the login gate (alambic.auth); it binds the session to its account before the page is built.
    """

    def build_page():
        try:
            # The gate reads the accounts: it runs with the page body, off the event loop (page_app).
            return page_app(slug, AppContext(warehouse=warehouse, config=config),
                            gate=gate.enter_session if gate is not None else None)
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


# Session documents are initialised (the page function run, the template's Bokeh models made) on
# this thread, one at a time, instead of on the event loop: Bokeh runs it inline in the
# coroutine that answers the page's GET, where it costs 0.1–1 s per page open on a loaded machine,
# during which the server answers nobody. One thread: Bokeh's own `curdoc()` is process-global.
_SESSION_BUILDER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="alambic-session")


def initialize_sessions_off_the_loop() -> None:
    """Bokeh's ApplicationContext.create_session_if_needed (bokeh 3.9), with one change: the
    document is initialised on `_SESSION_BUILDER` and awaited; the session is then claimed for the
    event loop's thread, as Panel does when it initialises it there (state._thread_id_)."""
    from bokeh.protocol.exceptions import ProtocolError
    from bokeh.server import contexts
    from bokeh.server.session import ServerSession
    from bokeh.util.token import get_token_payload
    from panel.io.state import state
    from tornado import gen

    if getattr(contexts.ApplicationContext, "alambic_threaded", False):
        return

    async def create_session_if_needed(self, session_id, request=None, token=None):
        if len(session_id) == 0:
            raise ProtocolError("Session ID must not be empty")
        if session_id not in self._sessions and session_id not in self._pending_sessions:
            future = self._pending_sessions[session_id] = gen.Future()
            doc = contexts.Document()
            session_context = contexts.BokehSessionContext(session_id, self.server_context, doc,
                                                           logout_url=self._logout_url)
            if request is not None:
                payload = get_token_payload(token) if token else {}
                if "cookies" in payload and "headers" in payload and "Cookie" not in payload["headers"]:
                    payload["headers"]["Cookie"] = "; ".join(f"{k}={v}" for k, v in payload["cookies"].items())
                session_context._request = contexts._RequestProxy(
                    request, arguments=payload.get("arguments"), cookies=payload.get("cookies"),
                    headers=payload.get("headers"))
            session_context._token = token
            doc._session_context = weakref.ref(session_context)
            try:
                await self._application.on_session_created(session_context)
            except Exception as e:  # noqa: BLE001 — as Bokeh does
                contexts.log.error("Failed to run session creation hooks %r", e, exc_info=True)
            try:
                await asyncio.get_running_loop().run_in_executor(
                    _SESSION_BUILDER, self._application.initialize_document, doc)
            except BaseException as exc:
                del self._pending_sessions[session_id]
                future.set_exception(exc)
                raise
            state._thread_id_[doc] = threading.get_ident()  # the event loop's, from now on
            session = ServerSession(session_id, doc, io_loop=self._loop, token=token)
            del self._pending_sessions[session_id]
            self._sessions[session_id] = session
            session_context._set_session(session)
            self._session_contexts[session_id] = session_context
            future.set_result(session)
        if session_id in self._pending_sessions:
            session = await self._pending_sessions[session_id]
        else:
            session = self._sessions[session_id]
        return session

    contexts.ApplicationContext.create_session_if_needed = create_session_if_needed
    contexts.ApplicationContext.alambic_threaded = True


def warm_up(warehouse: Warehouse, config: Config | None) -> None:
    """Pay, before the first session, what the first page would otherwise pay on the event loop
    (imports of the Markdown parsers, Bokeh's model classes, the template's first render: seconds
    on a loaded machine, during which no request is answered); then move every object alive now
    out of the garbage collector's sight (gc.freeze), so that the collection Panel runs on the
    event loop after each closed session only walks the sessions' own objects."""
    import gc
    import io
    from types import SimpleNamespace

    from bokeh.document import Document

    template = None
    try:
        template = page_app(HOME.slug, AppContext(warehouse=warehouse, config=config), gate=lambda: None)
        template.server_doc(Document())
        template.save(io.StringIO(), resources="cdn")  # rendered to nowhere: nothing is fetched
    except Exception:  # noqa: BLE001 — a warm-up only; the server starts anyway
        pass
    if template is not None:
        # Then let go of these documents as Panel does when a session ends: Panel keeps every
        # template's busy spinner in one process-wide list (state._indicators) until its last
        # document is gone, and these documents have no session, so they never went. Each
        # callback of every session (busy, then idle) then changed this spinner from a pool
        # thread under that session's document: Panel logged « Using the unlocked decorator
        # when running inside a thread is not safe! » twice per callback.
        for document in list(template._documents):
            template._server_destroy(SimpleNamespace(_document=document))
    gc.collect()
    gc.freeze()


def serve(config: Config | None = None, port: int = 5006, show: bool = False,
          warehouse: Warehouse | None = None, *, auth: bool = True, dev: bool = False, **kwargs):
    """Serve the dashboards (blocking unless threaded=True is passed). Returns the server.

    auth=False serves every page without a login: for the page tests only, never for people.
    dev=True (`alambic serve --dev`): Panel's autoreload for the Python code, and alambic.dev's
    watcher for sql/ and the configuration (page queries read again, marts rebuilt).
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
        static_dirs={STATIC_ROUTE: str(STATIC_DIR)},  # the pages' own scripts (dashboards/static/)
    )
    pn.config.exception_handler = callback_failed
    gate = None
    if auth:
        login = login_setup(config, warehouse, port)
        options.update(login.options)
        gate = login.gate
    options.update(kwargs)
    if pn.config.nthreads is None:
        pn.config.nthreads = SERVER_THREADS
    if dev:
        from alambic.dev import DevReloader
        from warehouse import SQL_DIR

        pn.config.autoreload = True  # as `panel serve --autoreload`: edited Python reloads the sessions
        DevReloader(SQL_DIR, warehouse, config).start()
        print(f"Mode développement : {SQL_DIR} et la configuration sont surveillés.", flush=True)
    warm_up(warehouse, config)
    initialize_sessions_off_the_loop()
    return pn.serve(applications(config, warehouse, gate), **options)


def _single_file_app():
    """`panel serve dashboards/server.py`: one route; the page comes from ?page=<slug>.

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
    if pn.config.nthreads is None:  # `panel serve dashboards/server.py` without --num-threads
        pn.config.nthreads = SERVER_THREADS
    _single_file_app().servable(title=TITLE)
