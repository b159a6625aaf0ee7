"""One session's callbacks run one at a time, in the order the browser sent them.

Served with `nthreads` (dashboards/server.py), Panel 1.9 hands every piece of a session's work to its
thread pool as an independent task: a widget's new value (sent 50 ms late, Reactive._debounce),
a click, the page body built once the browser has connected (`pn.state.onload`), the redraw after
a save (dashboards.forms.rebuild_after_save). Two tasks of one session then ran at once on two
threads and their effects landed out of order: a click's callback saw the value typed just
before it still empty (« champ obligatoire »; upstream: holoviz/panel issue 6155, pull request
8311), « Nouvelle saisie » cleared a form after the next entry had been typed into it, a save's
« Enregistré. » was overtaken by the next step.

Here each document (one per session) has a lane: its tasks run on Panel's pool strictly one after
the other, in the order they were handed over — which, on the event loop, is the order of the
browser's messages (Panel awaits a pending change before a click: `_event_coroutine`). Different
sessions still run in parallel (each lane takes one pool thread at a time, and gives it back
after each task, so a busy session does not starve the others); the event loop never waits.

What goes through a lane (the patched entry points of Panel, each pinned by
tests/dashboards/test_event_order.py so that a Panel upgrade that moves them fails loudly):
- `Syncable._change_coroutine`: a value changed in the browser;
- `Syncable._event_coroutine` and `Syncable._comm_event`: a click or another Bokeh event;
- `_state._schedule_on_load`: the session's onload callbacks (the page body);
- `state.execute(..., schedule="thread")` under a session's document (the redraw after a save).
A task must never wait for a later task of its own lane (it would wait forever); none does.
"""

from __future__ import annotations

import threading
from collections import deque
from concurrent.futures import Future
from functools import partial
from weakref import WeakKeyDictionary

import param
from panel.io.state import _state, set_curdoc, state
from panel.reactive import Syncable

_PATCHED = "_alambic_ordered"


class _Lane:
    """The tasks of one document waiting for their turn; `busy` while one of them runs or is about to."""

    __slots__ = ("tasks", "busy", "__weakref__")

    def __init__(self) -> None:
        self.tasks: deque[tuple[Future, object, tuple]] = deque()
        self.busy = False


_LANES: WeakKeyDictionary = WeakKeyDictionary()  # Document → _Lane (gone with the session's document)
_LANES_LOCK = threading.Lock()


def _document(doc):
    return getattr(doc, "_doc", doc)  # Bokeh may hand over its unlocked proxy of the document


def submit(doc, fn, *args) -> Future:
    """Run `fn(*args)` on Panel's thread pool once every task handed over before for `doc` has
    ended (as `ThreadPoolExecutor.submit`, in the session's order). Without a document, or
    without a pool, as Panel would: straight to the pool, or at once."""
    pool = state._thread_pool
    if pool is None:
        future: Future = Future()
        try:
            future.set_result(fn(*args))
        except BaseException as exc:  # noqa: BLE001 — handed to the caller through the future
            future.set_exception(exc)
        return future
    if doc is None:
        return pool.submit(fn, *args)
    future = Future()
    doc = _document(doc)
    with _LANES_LOCK:
        lane = _LANES.get(doc)
        if lane is None:
            lane = _LANES[doc] = _Lane()
        lane.tasks.append((future, fn, args))
        start, lane.busy = not lane.busy, True
    if start:
        pool.submit(_run_next, lane)
    return future


def _run_next(lane: _Lane) -> None:
    """Run the lane's oldest task on this pool thread, then hand the rest back to the pool (so that
    other sessions get their turn between two tasks of a busy one)."""
    with _LANES_LOCK:
        if not lane.tasks:
            lane.busy = False
            return
        future, fn, args = lane.tasks.popleft()
    try:
        if future.set_running_or_notify_cancel():
            try:
                future.set_result(fn(*args))
            except BaseException as exc:  # noqa: BLE001 — handed to the caller through the future
                future.set_exception(exc)
    finally:
        with _LANES_LOCK:
            more = lane.busy = bool(lane.tasks)
        if more:
            pool = state._thread_pool
            if pool is not None:
                pool.submit(_run_next, lane)
            else:  # the server is stopping: run what is left here, in order
                _run_next(lane)


# -- Panel's entry points, as in Panel 1.9 but through the document's lane ----------------------

async def _change_coroutine(self, doc, event_id: str | None = None) -> None:
    if event_id is not None:  # as Panel: skip a change already processed
        callbacks = state._change_callbacks.get(doc, {})
        if event_id not in callbacks:
            return
        del callbacks[event_id]
        if not callbacks and doc in state._change_callbacks:
            del state._change_callbacks[doc]
    if state._thread_pool:
        # Handed to the lane now: a click that follows is handed over after it (_event_coroutine
        # awaits this coroutine first), hence runs after it, with the new value.
        future = submit(doc, self._change_event, doc)
        future.add_done_callback(partial(state._handle_future_exception, doc=doc))
    else:
        with set_curdoc(doc):
            try:
                self._change_event(doc)
            except Exception as e:  # noqa: BLE001 — as Panel
                state._handle_exception(e)


async def _event_coroutine(self, doc, event) -> None:
    callbacks = state._change_callbacks.get(doc, {})
    for cb in list(callbacks.values()):  # as Panel: the changes sent before the event go first
        await cb()
    self._comm_event(doc, event)


def _comm_event(self, doc, event) -> None:
    if state._thread_pool:
        future = submit(doc, self._process_bokeh_event, doc, event)
        future.add_done_callback(partial(state._handle_future_exception, doc=doc))
    else:
        try:
            self._process_bokeh_event(doc, event)
        except Exception as e:  # noqa: BLE001 — as Panel
            state._handle_exception(e)


def _schedule_on_load(self, doc, event) -> None:
    if self._thread_pool:
        future = submit(doc, self._on_load, doc)
        future.add_done_callback(partial(self._handle_future_exception, doc=doc))
    else:
        self._on_load(doc)


_panel_execute = _state.execute


def _execute(self, callback, schedule="auto") -> None:
    doc = self.curdoc
    if (schedule == "thread" and self._thread_pool and doc is not None and doc.session_context is not None
            and not param.parameterized.iscoroutinefunction(callback)):
        future = submit(doc, self._execute_on_thread, doc, callback)
        future.add_done_callback(partial(self._handle_future_exception, doc=doc))
        return
    _panel_execute(self, callback, schedule)


# Panel's own versions, kept for the test that pins what they do (tests/dashboards/test_event_order.py)
PANEL_ORIGINALS = {
    (Syncable, "_change_coroutine"): Syncable._change_coroutine,
    (Syncable, "_event_coroutine"): Syncable._event_coroutine,
    (Syncable, "_comm_event"): Syncable._comm_event,
    (_state, "_schedule_on_load"): _state._schedule_on_load,
    (_state, "execute"): _state.execute,
} if not getattr(Syncable, _PATCHED, False) else {}


def install() -> None:
    if not getattr(Syncable, _PATCHED, False):
        Syncable._change_coroutine = _change_coroutine
        Syncable._event_coroutine = _event_coroutine
        Syncable._comm_event = _comm_event
        _state._schedule_on_load = _schedule_on_load
        _state.execute = _execute
        setattr(Syncable, _PATCHED, True)
