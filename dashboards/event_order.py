"""Keep a browser's changes and clicks in order when Panel runs callbacks on its thread pool.

Served with `nthreads` (panel_serve.py), Panel 1.9 applies a widget's new value (sent 50 ms late,
Reactive._debounce) and a click that follows it as two tasks of the pool: `_event_coroutine`
awaits the pending change, but the change only *submits* its work to the pool and returns, so the
click's callback may run first. A user who types « 27/11/2026 » and clicks « Enregistrer » at
once then read « champ obligatoire »: the form's callback saw the old, empty value. Here the
change is awaited until it has been applied (asyncio.wrap_future), then the click runs — as
without a pool. Only the order changes; the work stays off the event loop. (Upstream: holoviz/panel
issue 6155, pull request 8311.)
"""

from __future__ import annotations

import asyncio
from functools import partial

from panel.io.state import set_curdoc, state
from panel.reactive import Syncable

_PATCHED = "_alambic_ordered"


async def _change_coroutine(self, doc, event_id: str | None = None) -> None:
    if event_id is not None:  # as Panel: skip a change already processed
        callbacks = state._change_callbacks.get(doc, {})
        if event_id not in callbacks:
            return
        del callbacks[event_id]
        if not callbacks and doc in state._change_callbacks:
            del state._change_callbacks[doc]
    if state._thread_pool:
        future = state._thread_pool.submit(self._change_event, doc)
        future.add_done_callback(partial(state._handle_future_exception, doc=doc))
        try:
            await asyncio.wrap_future(future)
        except Exception:  # noqa: BLE001 — already reported by _handle_future_exception
            pass
    else:
        with set_curdoc(doc):
            try:
                self._change_event(doc)
            except Exception as e:  # noqa: BLE001 — as Panel
                state._handle_exception(e)


def install() -> None:
    if not getattr(Syncable, _PATCHED, False):
        Syncable._change_coroutine = _change_coroutine
        setattr(Syncable, _PATCHED, True)
