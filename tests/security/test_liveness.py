"""The server never freezes (issue #15, item 5): `/liveness` answers in under 100 ms for
everyone while builds, syncs, an import and a burst of logins run in other processes, and while
sessions open pages on the busy warehouse.

Before the fix, a page or a save waited for the warehouse lock with time.sleep on Tornado's event
loop (and a save ran a whole build in its callback): every request, `/liveness` included, waited
as long as the write (29.6 s measured during a 40 s write).

Bounded loops on loopback only; the server and each load are separate processes, as in
production, so that this test process only measures.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import loaded_sandbox
from tests.dashboards.alambic_test_server import free_port, wait_for_server
from tests.security.liveness_workers import SCALE, SEED

REPO = Path(__file__).resolve().parents[2]
LOGIN, PASSWORD = "admin", "motdepasse-solide"
LOAD_SECONDS = 12
LIMIT = 0.100


@pytest.fixture(scope="module")
def sandbox_config(tmp_path_factory):
    """The sandbox (small scale) loaded and built, with an admin account: its configuration path."""
    from alambic.auth import AccountStore
    _org, config, warehouse = loaded_sandbox(tmp_path_factory.mktemp("vivacite"), seed=SEED, scale=SCALE)
    AccountStore(warehouse).add(LOGIN, "admin@exemple.re", "admin", PASSWORD, who="test")
    return config.path


def worker(*arguments) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tests.security.liveness_workers", *map(str, arguments)],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def liveness(client: httpx.Client, base: str) -> float:
    started = time.perf_counter()
    assert client.get(f"{base}/liveness", timeout=10).status_code == 200
    return time.perf_counter() - started


def test_liveness_stays_fast_while_builds_syncs_an_import_and_logins_run(sandbox_config):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = worker("serve", sandbox_config, port)
    loads = []
    try:
        wait_for_server(port, timeout=240)  # a loaded machine: imports and the warm-up take a while
        with httpx.Client() as client:
            for _ in range(5):  # warm: the first answers pay for imports and connections
                liveness(client, base)
            loads = [worker("build", sandbox_config, LOAD_SECONDS), worker("sync", sandbox_config, LOAD_SECONDS),
                     worker("import", sandbox_config, LOAD_SECONDS),
                     worker("logins", base, LOGIN, PASSWORD, 40)]
            times = []
            # bounded, whatever the loads do: a first full sync reads every TiBillet reservation
            # (hundreds of requests), minutes on a loaded machine
            deadline = time.monotonic() + 10 * LOAD_SECONDS
            while time.monotonic() < deadline and any(load.poll() is None for load in loads):
                times.append(liveness(client, base))
                time.sleep(0.05)
        outputs = [load.communicate(timeout=180) for load in loads]
    finally:
        for process in [*loads, server]:
            if process.poll() is None:
                process.kill()
        server.wait(timeout=30)
    for load, (out, err) in zip(loads, outputs):
        assert load.returncode == 0, err[-3000:]
        assert out.startswith("done"), (out, err[-3000:])
    assert len(times) > 50
    slow = sorted(times)[-5:]
    print(f"/liveness: {len(times)} answers, median {statistics.median(times) * 1000:.1f} ms, "
          f"slowest {[round(t * 1000, 1) for t in slow]} ms")
    # The bound holds for the 95th percentile; the few slower answers are the event loop's share
    # of the CPU on a loaded machine (each page open builds its template shell there, ~0.1 s),
    # never a wait: before the fix they were as long as the writes (seconds).
    assert sorted(times)[int(len(times) * 0.95)] < LIMIT, f"slowest /liveness answers (s): {slow}"
    assert max(times) < 1.0, f"slowest /liveness answers (s): {slow}"


# -- what a session sees: the busy message, « mise à jour… », never a traceback ---------------------


def test_a_page_meeting_a_busy_warehouse_says_so_in_french(tmp_path):
    """The page's own reads and the sections Panel evaluates later (param.depends methods,
    pn.bind functions) alike: the French busy message, not a traceback."""
    import panel as pn

    from dashboards.app import AppContext, page_app
    from dashboards.queries import run_query
    from tests.dashboards.warehouse_fixture import build_budget_warehouse
    from warehouse.connection import Warehouse

    path = build_budget_warehouse(tmp_path / "alambic.duckdb").path
    busy = Warehouse(path, lock_timeout=0.2)
    with Warehouse(path).exclusive("une longue construction"):  # another unit of work holds the file
        template = page_app("suivi-budgetaire", AppContext(warehouse=busy))
        section = pn.panel(pn.bind(lambda unit: run_query(busy, "suivi_budgetaire/recap", unit=unit), "30"))
        section.get_root()
    texts = [str(alert.object) for obj in template.main for alert in obj.select(pn.pane.Alert)]
    assert any("L'entrepôt est occupé" in text for text in texts), texts
    shown = [str(alert.object) for alert in section.select(pn.pane.Alert)]
    assert any("L'entrepôt est occupé" in text and "réessayez" in text for text in shown), shown


class _ServedSession:  # what Bokeh gives a served document (dashboards.forms only asks if there is one)
    pass


def test_a_save_rebuilds_on_a_worker_and_says_mise_a_jour_meanwhile(config, warehouse, monkeypatch):
    import threading
    import weakref

    from bokeh.document import Document
    from panel.io.state import set_curdoc

    import warehouse.build as build_module
    from dashboards.forms import rebuild_after_save

    started, release = threading.Event(), threading.Event()
    build_threads, redraw_threads, said = [], [], []

    def slow_build(wh, cfg, changed=None):  # a long build: the caller must not wait for it
        build_threads.append(threading.current_thread().name)
        started.set()
        assert release.wait(30)
        raise build_module.BuildError("un test de données en échec")

    monkeypatch.setattr(build_module, "build", slow_build)
    doc = Document()
    context = _ServedSession()
    doc._session_context = weakref.ref(context)
    redrawn = threading.Event()

    def redraw():
        redraw_threads.append(threading.current_thread().name)
        redrawn.set()

    with set_curdoc(doc):
        rebuild_after_save(warehouse, config, redraw, say=lambda text, kind: said.append((text, kind)),
                           done=("Enregistré.", "success"))
    assert started.wait(30)
    assert said == [("Enregistré. Mise à jour des chiffres…", "info")]  # shown while the build runs
    release.set()
    assert redrawn.wait(30)
    deadline = time.monotonic() + 10
    while len(said) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    # the build on the rebuild worker; the redraw handed back to the session the way Panel runs its
    # callbacks (its thread pool or the event loop), never from the worker, which may not touch the page
    assert build_threads[0].startswith("alambic-rebuild") and redraw_threads[0] != threading.main_thread().name
    text, kind = said[-1]
    assert kind == "warning" and text.startswith("Enregistré.")  # saved: only the figures wait
    assert "Les chiffres n'ont pas encore pu être recalculés" in text and "un test de données en échec" in text
