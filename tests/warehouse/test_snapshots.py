"""Readers never wait for builds (issue #11): builds publish an immutable snapshot that page
queries read on long-lived connections, while what users type stays in the main file.

The loads run in other processes, as in production (the CLI, the flows and the server are
different processes). Timings are taken on a shared, loaded machine: the bounds are generous.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import loaded_sandbox
from tests.security.liveness_workers import SCALE, SEED
from warehouse.build import BuildError, build
from warehouse.connection import Warehouse

REPO = Path(__file__).resolve().parents[2]
LOAD_SECONDS = 10
PAGE_BUDGET = 1.0  # seconds for one page query, generous (a query takes 2–100 ms)


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    """The sandbox (small scale) loaded and built: (configuration path, config, warehouse)."""
    _org, config, warehouse = loaded_sandbox(tmp_path_factory.mktemp("instantanes"), seed=SEED, scale=SCALE)
    return config.path, config, warehouse


def worker(*arguments) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tests.security.liveness_workers", *map(str, arguments)],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def page_queries(warehouse: Warehouse):
    """What the Tableau de bord and the Suivi budgétaire ask, through the pages' own path."""
    from dashboards.components import Filters
    from dashboards.queries import run_query

    params = Filters.from_warehouse(warehouse).params()
    return [
        lambda: run_query(warehouse, "tableau_de_bord/tresorerie"),
        lambda: run_query(warehouse, "tableau_de_bord/alertes", unit=params["unit"]),
        lambda: run_query(warehouse, "suivi_budgetaire/indicateurs", **params),
        lambda: run_query(warehouse, "tableau_de_bord/subventions", **params),
    ]


def test_page_queries_answer_within_a_second_while_a_build_and_a_sync_run_in_other_processes(sandbox):
    path, config, _ = sandbox
    warehouse = Warehouse.from_config(config)  # a server process's own
    queries = page_queries(warehouse)
    published = {warehouse.current_snapshot()}
    loads = [worker("build", path, LOAD_SECONDS), worker("sync", path, LOAD_SECONDS)]
    waits: list[float] = []
    try:
        while any(p.poll() is None for p in loads):
            for run in queries:
                warehouse._cache.clear()  # every answer from the file, not from the cache
                started = time.monotonic()
                frame = run()
                waits.append(time.monotonic() - started)
                assert frame is not None
            published.add(warehouse.current_snapshot())
            time.sleep(0.01)
    finally:
        for p in loads:
            if p.poll() is None:
                p.kill()
        outputs = [p.communicate(timeout=60) for p in loads]
    for p, (out, err) in zip(loads, outputs):
        assert p.returncode == 0, err[-3000:]
    assert "done build" in outputs[0][0] and "done sync" in outputs[1][0]
    waits.sort()
    summary = {"n": len(waits), "median": waits[len(waits) // 2], "p95": waits[int(len(waits) * 0.95)],
               "max": waits[-1], "snapshots seen": len(published)}
    print("page queries under a build and a sync:", summary)
    assert len(published) >= 2  # builds did publish while the pages read
    assert len(waits) >= 40
    # Each query within the budget but for the odd one the scheduler put aside: on these 2 cores,
    # shared with a build, a sync and other work (load 15–20), a thread can wait a second for a
    # core. A wait behind the build would last the build (several seconds) and come at each one.
    assert waits[int(len(waits) * 0.99)] < PAGE_BUDGET, summary
    assert waits[-1] < 3 * PAGE_BUDGET, summary


def _hold_the_main_file(path: str, seconds: float, ready) -> None:
    warehouse = Warehouse(path, lock_timeout=30)
    with warehouse.write("une longue écriture"):
        ready.set()
        time.sleep(seconds)


def test_a_page_query_does_not_wait_for_a_writer_holding_the_main_file(sandbox):
    """The deterministic form of the above: another process holds the main file for 6 s."""
    _, config, _ = sandbox
    warehouse = Warehouse.from_config(config)
    queries = page_queries(warehouse)
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Event()
    holder = ctx.Process(target=_hold_the_main_file, args=(str(warehouse.path), 6.0, ready))
    holder.start()
    try:
        assert ready.wait(60)
        waits = []
        for run in queries * 3:
            warehouse._cache.clear()
            started = time.monotonic()
            run()
            waits.append(time.monotonic() - started)
        still_held = holder.is_alive()
    finally:
        holder.join(60)
    print("page queries while the main file is held:", [round(w, 3) for w in waits])
    assert still_held
    assert max(waits) < PAGE_BUDGET


def _publisher(directory: str, rounds: int) -> None:
    """Publish `rounds` snapshots where marts.a and marts.b always hold the same value (written
    with a pause between them), through the builds' own path."""
    warehouse = Warehouse(Path(directory) / "alambic.duckdb", lock_timeout=30)
    for k in range(1, rounds + 1):
        def publish(main, k=k):
            main.execute("CREATE OR REPLACE TABLE marts.a AS SELECT * FROM published.marts.a")
            main.execute("CREATE OR REPLACE TABLE marts.b AS SELECT * FROM published.marts.b")

        with warehouse.building("test", publish) as con:
            con.execute(f"CREATE OR REPLACE TABLE marts.a AS SELECT {k} AS v FROM range(1000)")
            time.sleep(0.05)
            con.execute(f"CREATE OR REPLACE TABLE marts.b AS SELECT {k} AS v FROM range(1000)")


def test_a_page_sees_the_old_figures_or_the_new_never_half(warehouse):
    from warehouse.migrations import migrate

    migrate(warehouse)
    with warehouse.write() as con:
        con.execute("CREATE TABLE marts.a AS SELECT 0 AS v")
        con.execute("CREATE TABLE marts.b AS SELECT 0 AS v")
    rounds = 12
    ctx = multiprocessing.get_context("spawn")
    publisher = ctx.Process(target=_publisher, args=(str(warehouse.path.parent), rounds))
    publisher.start()
    seen, halves = set(), []
    try:
        while publisher.is_alive():
            warehouse._cache.clear()
            with warehouse.reading("page"):  # one page: two queries, one snapshot
                a = warehouse.query("SELECT min(v) AS lo, max(v) AS hi FROM marts.a").iloc[0]
                b = warehouse.query("SELECT min(v) AS lo, max(v) AS hi FROM marts.b").iloc[0]
            both = warehouse.query("SELECT (SELECT max(v) FROM marts.a) AS a, (SELECT max(v) FROM marts.b) AS b").iloc[0]
            with warehouse.read() as con:  # the main file, where the publication copies them
                main = con.execute("SELECT (SELECT max(v) FROM marts.a), (SELECT max(v) FROM marts.b)").fetchall()[0]
            for pair in ((a.lo, a.hi, b.lo, b.hi), (both.a, both.b), main):
                if len(set(pair)) != 1:
                    halves.append(pair)
            seen.add(int(a.hi))
    finally:
        publisher.join(60)
    assert publisher.exitcode == 0
    assert not halves, halves[:5]
    assert len(seen) >= 3  # the reader did read during the publications
    assert int(warehouse.query("SELECT max(v) AS v FROM marts.a").iloc[0]["v"]) == rounds


def _slow_build(config_path: str, seconds_per_model: float) -> None:
    """A real build of the sandbox, slowed down (each model waits), in a process of its own."""
    import warehouse.build as build_module
    from alambic.config import load_config

    run = build_module._run

    def slow(con, model, statement):
        time.sleep(seconds_per_model)
        return run(con, model, statement)

    build_module._run = slow
    config = load_config(config_path)
    build_module.build(Warehouse.from_config(config), config.settings())


def _building(warehouse: Warehouse) -> bool:
    return any(warehouse.path.parent.glob(f"{warehouse.path.stem}.build-*"))


def _april_forecast(warehouse: Warehouse, unit: str, year: str):
    """What the pages show as forecast sales of April for the unit (from the published marts)."""
    frame = warehouse.query(
        """SELECT coalesce(sum(previsionnel), 0) AS amount FROM marts.budget_vs_actual
           WHERE unit_code = $unit AND category_code = 'ventes' AND month = CAST($month AS DATE)""",
        {"unit": unit, "month": f"{year}-04-01"})
    return frame.iloc[0]["amount"]


def test_a_save_during_a_build_commits_at_once_and_the_next_build_includes_it(sandbox):
    from models import Actor
    from models.forecast import Forecast

    path, config, warehouse = sandbox
    with warehouse.read() as con:
        unit = con.execute("SELECT unit_code FROM ref.units WHERE level = 'pole' ORDER BY sort LIMIT 1").fetchall()[0][0]
        year = con.execute("SELECT value FROM ref.settings WHERE key = 'as_of'").fetchall()[0][0][:4]
    before = _april_forecast(warehouse, unit, year)
    ctx = multiprocessing.get_context("spawn")
    builder = ctx.Process(target=_slow_build, args=(str(path), 0.08))
    builder.start()
    try:
        deadline = time.monotonic() + 60
        while not _building(warehouse) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _building(warehouse), "the build never started"
        time.sleep(0.5)  # well inside the build (≈ 100 models × 0.08 s)
        started = time.monotonic()
        Forecast(unit_code=unit, category_code="ventes", period_start=f"01/04/{year}",
                 period_end=f"30/04/{year}", amount="9876,00", label="Saisie pendant une construction",
                 ).save(warehouse, Actor("admin", "admin@exemple.re", "admin"))
        waited = time.monotonic() - started
        still_building = builder.is_alive() and _building(warehouse)
    finally:
        builder.join(180)
    assert builder.exitcode == 0
    print(f"a save during a build committed in {waited:.3f} s")
    assert still_building  # the save did not wait for the build to end
    assert waited < 3.0
    with warehouse.read() as con:
        assert con.execute("SELECT count(*) FROM app.forecasts WHERE label = 'Saisie pendant une construction'"
                           ).fetchall() == [(1,)]
    build(warehouse, config.settings())  # the next build
    assert _april_forecast(warehouse, unit, year) - before == 9876


def test_old_snapshots_are_removed_once_no_reader_holds_them(sandbox):
    _, config, warehouse = sandbox
    warehouse.close_snapshot_readers()  # what the earlier tests of this module read
    reader = Warehouse.from_config(config)
    build(warehouse, config.settings())
    first = warehouse.current_snapshot()
    held = threading.Event()
    release = threading.Event()

    def page_held_open():
        with reader.reading("page"):
            reader.query("SELECT count(*) FROM marts.org_tree")
            held.set()
            release.wait(60)

    thread = threading.Thread(target=page_held_open)
    thread.start()
    held.wait(30)
    try:
        build(warehouse, config.settings())
        second = warehouse.current_snapshot()
        assert second != first
        assert warehouse.snapshot_path(first).exists()  # a page still reads it
    finally:
        release.set()
        thread.join()
    reader.query("SELECT count(*) AS n FROM marts.unit_alerts")  # this thread moves to the new one
    reader.close_snapshot_readers()  # the page's thread ended: its connection with it
    build(warehouse, config.settings())
    third = warehouse.current_snapshot()
    names = sorted(p.name for p in warehouse.path.parent.glob("alambic.marts-*.duckdb"))
    assert names == [third]
    for name in (first, second):
        assert not warehouse.snapshot_path(name).exists()
        assert not Path(str(warehouse.snapshot_path(name)) + ".lock").exists()
    for f in warehouse.path.parent.glob("alambic*"):
        if f.suffix == ".duckdb" or f.name.endswith(".current"):
            assert stat.S_IMODE(f.stat().st_mode) == 0o600, f  # they hold the accounts' hashes too


def test_a_crash_mid_build_leaves_the_previous_snapshot_current(sandbox):
    path, config, warehouse = sandbox
    before = warehouse.current_snapshot()
    figures = warehouse.query("SELECT count(*) AS n, sum(reel) AS s FROM marts.budget_vs_actual")
    ctx = multiprocessing.get_context("spawn")
    builder = ctx.Process(target=_slow_build, args=(str(path), 0.2))
    builder.start()
    deadline = time.monotonic() + 60
    while not _building(warehouse) and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.5)
    os.kill(builder.pid, signal.SIGKILL)  # the machine stops mid-build
    builder.join(30)
    assert builder.exitcode == -signal.SIGKILL
    assert warehouse.current_snapshot() == before
    assert warehouse.query("SELECT count(*) AS n, sum(reel) AS s FROM marts.budget_vs_actual").equals(figures)
    assert _building(warehouse)  # its working copy is left behind…
    build(warehouse, config.settings())
    assert not _building(warehouse)  # …and the next build removes it
    assert warehouse.current_snapshot() != before


def test_a_failed_data_test_publishes_nothing(sandbox, monkeypatch):
    import warehouse.build as build_module

    _, config, warehouse = sandbox
    before = warehouse.current_snapshot()
    files = sorted(p.name for p in warehouse.path.parent.glob("alambic.marts-*.duckdb"))
    discover = build_module.discover

    def with_a_failing_test(folder):
        models = discover(folder)
        if folder == "tests":
            failing = Path(warehouse.path.parent / "always_fails.sql")
            failing.write_text("SELECT 1 AS broken FROM marts.org_tree LIMIT 1", encoding="utf-8")
            models = [*models, build_module.SqlModel("always_fails", failing)]
        return models

    monkeypatch.setattr(build_module, "discover", with_a_failing_test)
    monkeypatch.setattr(build_module, "SQL_DIR", warehouse.path.parent)
    with pytest.raises(BuildError, match="always_fails"):
        build(warehouse, config.settings())
    assert warehouse.current_snapshot() == before
    assert sorted(p.name for p in warehouse.path.parent.glob("alambic.marts-*.duckdb")) == files  # none new
    assert not _building(warehouse)
    with warehouse.read() as con:
        assert con.execute("SELECT outcome FROM meta.runs WHERE kind = 'build' ORDER BY run_id DESC LIMIT 1"
                           ).fetchall() == [("failed",)]


def test_without_a_snapshot_pages_read_the_main_file(warehouse):
    from warehouse.migrations import migrate

    migrate(warehouse)
    with warehouse.write() as con:
        con.execute("CREATE TABLE marts.n AS SELECT 7 AS v")
    assert warehouse.current_snapshot() is None
    assert warehouse.query("SELECT v FROM marts.n")["v"].tolist() == [7]


def test_queries_naming_what_users_type_read_the_main_file_at_once(sandbox):
    from models import Actor
    from models.forecast import Forecast

    _, config, warehouse = sandbox
    with warehouse.read() as con:
        unit = con.execute("SELECT unit_code FROM ref.units WHERE level = 'pole' ORDER BY sort LIMIT 1").fetchall()[0][0]
        year = con.execute("SELECT value FROM ref.settings WHERE key = 'as_of'").fetchall()[0][0][:4]
    count = "SELECT count(*) AS n FROM app.forecasts WHERE label = 'Vue sans construction'"
    assert int(warehouse.query(count).iloc[0]["n"]) == 0
    Forecast(unit_code=unit, category_code="ventes", period_start=f"01/05/{year}", period_end=f"31/05/{year}",
             amount="12,00", label="Vue sans construction").save(warehouse, Actor("admin", "admin@exemple.re", "admin"))
    assert int(warehouse.query(count).iloc[0]["n"]) == 1  # no build in between: the list shows it


def test_a_full_restore_sends_the_pages_back_to_the_restored_file(config, warehouse, tmp_path):
    from warehouse.backup import backup, restore

    build(warehouse, config.settings())
    copy = backup(warehouse, tmp_path / "sauvegardes")
    with warehouse.write() as con:
        con.execute("CREATE OR REPLACE TABLE marts.after_backup AS SELECT 1 AS v")
    assert warehouse.current_snapshot() is not None
    restore(warehouse, copy, who="test")
    assert warehouse.current_snapshot() is None  # the snapshot came from the file replaced
    tables = warehouse.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts'")
    assert "after_backup" not in tables["table_name"].tolist() and len(tables) > 10
    build(warehouse, config.settings())
    assert warehouse.current_snapshot() is not None
