"""A session's callbacks run one at a time, in the order the browser sent them (dashboards.event_order),
while other sessions run in parallel; and Panel's internals that this relies on are as assumed."""

from __future__ import annotations

import asyncio
import inspect
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import panel as pn
import pytest
from bokeh.document import Document
from bokeh.events import ButtonClick
from panel.io.state import _state, set_curdoc, state
from panel.reactive import Syncable

from dashboards import event_order


@pytest.fixture
def pool(monkeypatch):
    """Panel's thread pool as the server has it (pn.config.nthreads)."""
    executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="test-pool")
    monkeypatch.setattr(state, "_thread_pool", executor)
    yield executor
    executor.shutdown(wait=True)


# -- what Panel does, as event_order's copies assume ------------------------------------------------

def shape(function) -> list[tuple]:
    """The parameters' names, kinds and defaults (not their annotations)."""
    return [(p.name, p.kind, p.default) for p in inspect.signature(function).parameters.values()]


def test_panel_internals_are_those_event_order_replaces():
    """If this fails after a Panel upgrade, re-read Panel's versions of these methods and carry
    the change into dashboards/event_order.py (or drop the patch if Panel orders callbacks itself)."""
    event_order.install()
    assert pn.__version__.startswith("1.9."), f"event_order copies Panel 1.9's dispatch; this is {pn.__version__}"
    originals = event_order.PANEL_ORIGINALS
    assert originals, "dashboards.event_order imported after its own patch was installed"
    expected_calls = {
        (Syncable, "_change_coroutine"): ["state._thread_pool.submit(self._change_event, doc)",
                                          "del state._change_callbacks[doc]"],
        (Syncable, "_event_coroutine"): ["for cb in list(callbacks.values()):", "await cb()",
                                         "state._thread_pool.submit(self._process_bokeh_event, doc, event)"],
        (Syncable, "_comm_event"): ["state._thread_pool.submit(self._process_bokeh_event, doc, event)"],
        (_state, "_schedule_on_load"): ["self._thread_pool.submit(self._on_load, doc)"],
        (_state, "execute"): ["state._thread_pool.submit(partial(self._execute_on_thread, doc, callback))"],
    }
    for (owner, name), original in originals.items():
        source = inspect.getsource(original)
        for call in expected_calls[(owner, name)]:
            assert call in source, f"Panel's {owner.__name__}.{name} no longer does {call!r}"
        ours = getattr(owner, name)
        assert ours is not original, f"{owner.__name__}.{name} is not patched"
        assert shape(ours) == shape(original), f"{owner.__name__}.{name}'s parameters changed"
    # where Panel hands work to the pool for a served session: a click without a pending change goes
    # to _comm_event, otherwise to _event_coroutine; the page's onload through _schedule_on_load
    server_event = inspect.getsource(Syncable._server_event)
    assert "self._event_coroutine" in server_event and "self._comm_event(doc, event)" in server_event
    import panel.io.application as application
    assert "partial(state._schedule_on_load, doc)" in inspect.getsource(application)
    assert "self.execute(cb, schedule='thread' if threaded else False)" in inspect.getsource(_state._on_load)
    assert inspect.signature(_state._execute_on_thread).parameters.keys() == {"self", "doc", "callback"}


# -- the lanes ------------------------------------------------------------------------------------

def test_one_documents_tasks_run_one_at_a_time_in_order_others_in_parallel(pool):
    first, second = Document(), Document()
    ran, running, overlaps = [], set(), []
    lock = threading.Lock()

    def task(doc, name, seconds):
        with lock:
            if doc in running:
                overlaps.append(name)
            running.add(doc)
        time.sleep(seconds)
        with lock:
            running.discard(doc)
            ran.append(name)
        return name

    futures = [event_order.submit(first, task, first, f"a{i}", 0.15 - 0.03 * i) for i in range(5)]
    other = event_order.submit(second, task, second, "b", 0.01)
    assert other.result(timeout=10) == "b"
    assert not futures[-1].done(), "the other session waited for this one's tasks"
    assert [f.result(timeout=10) for f in futures] == [f"a{i}" for i in range(5)]
    assert [name for name in ran if name.startswith("a")] == [f"a{i}" for i in range(5)]  # shorter ones did not overtake
    assert overlaps == []


def test_a_failing_task_is_reported_and_the_next_one_still_runs(pool):
    doc = Document()

    def fail():
        raise ValueError("boom")

    failed = event_order.submit(doc, fail)
    after = event_order.submit(doc, lambda: "next")
    assert after.result(timeout=10) == "next"
    assert isinstance(failed.exception(timeout=10), ValueError)


def test_a_click_sees_the_value_typed_just_before_it_even_when_applying_it_is_slow(pool):
    """The browser sends « value » then the click; applying the value takes a while (a watcher
    of the form): the click's callback still sees it, as when Panel ran everything on one thread."""
    event_order.install()
    doc = Document()
    text = pn.widgets.TextInput()
    button = pn.widgets.Button(label="Enregistrer")
    typed, seen = {}, []

    def slow_form(event):  # the form keeps what was typed (slowly: a loaded machine)
        time.sleep(0.3)
        typed["value"] = event.new

    text.param.watch(slow_form, "value")
    button.on_click(lambda _event: seen.append(typed.get("value")))
    model = button.get_root(doc)

    async def browser():
        text._events = {"value": "27/11/2026"}
        await text._change_coroutine(doc)       # the change, handed to the pool
        button._comm_event(doc, ButtonClick(model))  # the click, at once (no change pending any more)

    loop = threading.Thread(target=lambda: asyncio.run(browser()))  # a loop of its own (Playwright may hold this thread's)
    loop.start()
    loop.join(10)
    deadline = time.monotonic() + 10
    while not seen and time.monotonic() < deadline:
        time.sleep(0.02)
    assert seen == ["27/11/2026"]


def test_execute_on_a_thread_under_a_session_joins_its_lane(pool, monkeypatch):
    """The redraw after a save (pn.state.execute(..., schedule="thread") under the session's
    document, dashboards.forms.rebuild_after_save) waits for the session's running callback."""
    event_order.install()
    doc = Document()
    monkeypatch.setattr(Document, "session_context", property(lambda self: object()))
    order = []
    started = threading.Event()

    def callback():
        started.set()
        time.sleep(0.3)
        order.append("callback")

    event_order.submit(doc, callback)
    started.wait(5)
    with set_curdoc(doc):
        state.execute(lambda: order.append("redraw"), schedule="thread")
    done = event_order.submit(doc, lambda: order.append("later"))
    done.result(timeout=10)
    assert order == ["callback", "redraw", "later"]


# -- the warm-up leaves nothing that a session's callback would touch --------------------------------

def test_the_warm_up_page_leaves_no_busy_spinner_behind(budget_warehouse, monkeypatch):
    """Panel sets every template's busy spinner at the start and end of each callback of every
    session; the warm-up page had no session, so its spinner stayed in that list and was changed
    from pool threads under other sessions' documents (« Using the unlocked decorator when
    running inside a thread is not safe! », twice per callback, in the server's log)."""
    import gc

    from dashboards import server as panel_serve

    monkeypatch.setattr(gc, "freeze", lambda: None)  # not this test process's objects
    rendered = []
    real_page_app = panel_serve.page_app

    def page_app(*args, **kwargs):
        rendered.append(real_page_app(*args, **kwargs))
        return rendered[-1]

    monkeypatch.setattr(panel_serve, "page_app", page_app)
    before = list(state._indicators)
    panel_serve.warm_up(budget_warehouse, None)
    (template,) = rendered
    assert template.busy_indicator._models, "the warm-up did not render its page"
    assert template._documents == [], [(d, d.session_context) for d in template._documents]
    assert state._indicators == before
