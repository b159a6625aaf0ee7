"""Issue 6, « Done when »: form writes, a flow's load and build, and readers in three processes,
1 000 operations in all, lose no edit and show no error to a user.

- A, the forms: Forecast saves through the Record model as an admin — new lines, repeated edits
  of the same lines, deletions, two people on the same line (the second is told, then keeps
  theirs), undos from the change log (models.audit);
- B, a flow: Odoo records loaded into their raw tables with `warehouse.load.load_records`, as the
  flows' `load_batch` does, and model builds (`warehouse.build.build`), the last one after A's
  last edit;
- C, the readers (several threads): each read checks in one snapshot that the marts are whole
  (their row counts are what the latest build recorded in meta.runs), runs a page query through
  the page cache, or reads the change log.

Every wait goes through the sharing policy with the configured lock timeout (30 s): WarehouseBusy
or any other exception counts as an error shown to a user. At the end, every edit of A is in
app.forecasts with its final value and each of its audit lines, and the marts equal a fresh build.

`run_concurrency()` is shared with benchmarks/bench_concurrency.py, which measures the same run.
"""

from __future__ import annotations

import multiprocessing
import queue
import random
import resource
import statistics
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest

from alambic.config import load_config
from tests.conftest import small_config
from warehouse.build import build
from warehouse.connection import Warehouse

TOTAL_OPS = 1000
FORM_OPS = 300  # A
FLOW_LOADS, FLOW_BUILDS = 20, 5  # B (the last build runs after A's last edit)
READER_THREADS = 2  # C, in one process; it reads until A and B are done and the total is reached
THINK_SECONDS = 0.02  # between two clicks of one person (A and each reader of C)
LOCK_TIMEOUT = 30  # the example configuration's lock_timeout_seconds
SAMPLE_QUERY = ("suivi_budgetaire/indicateurs", {"unit": "R", "date_from": "2025-01-01", "date_to": "2026-01-01"})


class TimedWarehouse(Warehouse):
    """The same policy, recording how long each unit of work waited for its lock."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.waits: dict[str, list[float]] = {"write": [], "read": []}
        self._waits_lock = threading.Lock()

    def _record(self, kind: str, seconds: float) -> None:
        with self._waits_lock:
            self.waits[kind].append(seconds)

    @contextmanager
    def exclusive(self, what: str):
        started = time.perf_counter()
        with super().exclusive(what) as deadline:
            self._record("write", time.perf_counter() - started)
            yield deadline

    @contextmanager
    def _shared(self, what: str):
        started = time.perf_counter()
        with super()._shared(what) as deadline:
            self._record("read", time.perf_counter() - started)
            yield deadline


def open_warehouse(config_path: str) -> tuple[TimedWarehouse, object]:
    config = load_config(config_path)
    return TimedWarehouse(config.warehouse_path, config.lock_timeout_seconds), config


def cpu_seconds() -> float:
    """CPU time of this process so far (user + system)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


# -- A: the forms ------------------------------------------------------------------------------------


def form_writer(config_path: str, ops: int, seed: int, results, done) -> None:
    from models import Actor, Conflict, Forecast, audit_undo

    warehouse, _config = open_warehouse(config_path)
    admin = Actor("admin", "admin@exemple.re", "admin")
    second = Actor("tresoriere", "tresoriere@exemple.re", "finance")
    rng = random.Random(seed)
    with warehouse.read() as con:
        units = [r[0] for r in con.execute("SELECT unit_code FROM ref.units WHERE level IN ('pole', 'projet') ORDER BY 1").fetchall()]
        categories = [r[0] for r in con.execute(
            "SELECT category_code FROM ref.categories WHERE category_code NOT LIKE '%internes' ORDER BY 1").fetchall()]
    forms: dict[int, Forecast] = {}
    values: dict[int, list[str]] = {}  # id → amounts saved, in order (an undo pops the last)
    actions: dict[int, list[str]] = {}  # id → the audit actions expected for the row
    deleted: set[int] = set()
    errors: list[str] = []
    done_ops = conflicts = undos = 0
    started = time.perf_counter()
    counter = 0

    def amount() -> str:
        nonlocal counter
        counter += 1
        return f"{rng.randint(1, 99_999)},{counter % 100:02d}"

    while done_ops < ops:
        time.sleep(THINK_SECONDS)
        choice = rng.random()
        try:
            if len(forms) < 5 or choice < 0.3:  # a new line
                month = rng.randint(1, 12)
                form = Forecast(unit_code=rng.choice(units), category_code=rng.choice(categories),
                                period_start=f"01/{month:02d}/2025", period_end=f"28/{month:02d}/2025",
                                amount=amount(), label=f"ligne {counter}")
                form.save(warehouse, admin)
                forms[form.id] = form
                values[form.id] = [str(form.check(None)[0]["amount"])]
                actions[form.id] = ["insert"]
                done_ops += 1
            elif choice < 0.82:  # the same lines edited again and again
                row_id = rng.choice(sorted(forms))
                form = forms[row_id]
                form.amount = amount()
                form.save(warehouse, admin)
                values[row_id].append(str(form.check(None)[0]["amount"]))
                actions[row_id].append("update")
                done_ops += 1
            elif choice < 0.88:  # two people on the same line: the second is told, then keeps theirs
                row_id = rng.choice(sorted(forms))
                theirs = Forecast.load(warehouse, row_id)
                mine = forms[row_id]
                mine.amount = amount()
                mine.save(warehouse, admin)
                theirs.amount = amount()
                try:
                    theirs.save(warehouse, second)
                    errors.append(f"lost update not detected on forecast {row_id}")
                except Conflict as conflict:
                    conflicts += 1
                    theirs.keep_mine(conflict)
                    theirs.save(warehouse, second)
                values[row_id] += [str(mine.check(None)[0]["amount"]), str(theirs.check(None)[0]["amount"])]
                actions[row_id] += ["update", "update"]
                forms[row_id] = theirs
                done_ops += 4
            elif choice < 0.93:  # a deletion
                row_id = rng.choice(sorted(forms))
                forms.pop(row_id).delete(warehouse, admin)
                actions[row_id].append("delete")
                deleted.add(row_id)
                done_ops += 1
            else:  # undo the latest edit of a line from the change log
                edited = sorted(i for i in forms if actions[i][-1] == "update")
                if not edited:
                    continue
                row_id = rng.choice(edited)
                with warehouse.read("journal") as con:
                    audit_id = con.execute("SELECT max(audit_id) FROM app.audit_log WHERE table_name = 'forecasts' "
                                           "AND row_id = ?", [row_id]).fetchall()[0][0]
                audit_undo.undo(warehouse, audit_id, admin)
                values[row_id].pop()
                actions[row_id].append("undo_update")
                forms[row_id] = Forecast.load(warehouse, row_id)
                undos += 1
                done_ops += 3
        except Exception as exc:  # noqa: BLE001 — any error here is one a user would have seen
            errors.append(error_text(exc))
            done_ops += 1
    done.set()
    results.put(("forms", {
        "ops": done_ops, "errors": errors, "conflicts": conflicts, "undos": undos,
        "final": {i: (None if i in deleted else v[-1]) for i, v in values.items()},
        "actions": actions, "seconds": time.perf_counter() - started, "cpu": cpu_seconds(),
        "waits": warehouse.waits,
    }))


# -- B: a flow's loads and builds ---------------------------------------------------------------------


def flow_runner(config_path: str, loads: int, builds: int, forms_done, results, done) -> None:
    from tests.flows.conftest import odoo_records
    from warehouse.load import load_records

    warehouse, config = open_warehouse(config_path)
    books = odoo_records("17")
    resources = sorted(books)
    errors: list[str] = []
    ops = built = 0
    load_seconds: list[float] = []
    build_seconds: list[float] = []
    started = time.perf_counter()
    every = max(1, loads // max(1, builds - 1))

    def timed_build() -> None:
        nonlocal ops, built
        begun = time.perf_counter()
        try:
            build(warehouse, config.settings())
            built += 1
        except Exception as exc:  # noqa: BLE001
            errors.append(error_text(exc))
        build_seconds.append(time.perf_counter() - begun)
        ops += 1

    for index in range(loads):
        name = resources[index % len(resources)]
        batch = [dict(record) for record in books[name]]
        if name in ("res_partner", "account_analytic_account"):  # changed at the source meanwhile
            for record in batch:
                record["name"] = f"{record['name'].split(' #')[0]} #{index}"
        begun = time.perf_counter()
        try:
            load_records(warehouse, "odoo", name, batch)
        except Exception as exc:  # noqa: BLE001
            errors.append(error_text(exc))
        load_seconds.append(time.perf_counter() - begun)
        ops += 1
        if (index + 1) % every == 0 and built < builds - 1:
            timed_build()
    forms_done.wait(600)
    timed_build()  # after the last form edit: the marts must then show every edit
    done.set()
    results.put(("flows", {
        "ops": ops, "errors": errors, "builds": built, "load_seconds": load_seconds,
        "build_seconds": build_seconds, "seconds": time.perf_counter() - started, "cpu": cpu_seconds(),
        "waits": warehouse.waits,
    }))


# -- C: the readers ----------------------------------------------------------------------------------


MARTS_WHOLE = """
SELECT (SELECT rows_in FROM meta.runs WHERE kind = 'build' AND outcome = 'ok' ORDER BY run_id DESC LIMIT 1),
       {counts}
"""


def reader(config_path: str, min_ops: int, threads: int, writers_done, results) -> None:
    from dashboards.queries import run_query
    from models import Actor, audit

    warehouse, _config = open_warehouse(config_path)
    admin = Actor("admin", "admin@exemple.re", "admin")
    with warehouse.read() as con:
        marts = [r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts' ORDER BY 1").fetchall()]
    whole = MARTS_WHOLE.format(counts=" + ".join(f"(SELECT count(*) FROM marts.{m})" for m in marts))
    lock = threading.Lock()
    state = {"ops": 0, "torn": 0, "errors": [], "checks": 0, "queries": 0, "journal": 0}

    def loop(offset: int) -> None:
        step = offset
        while True:
            with lock:
                if writers_done.is_set() and state["ops"] >= min_ops:
                    return
                state["ops"] += 1
            try:
                kind = step % 3
                if kind == 0:  # the marts are whole: never half of a build
                    with warehouse.read("contrôle de cohérence") as con:
                        recorded, counted = con.execute(whole).fetchall()[0]
                    with lock:
                        state["checks"] += 1
                        state["torn"] += recorded != counted
                elif kind == 1:  # a page query, through the page cache
                    frame = run_query(warehouse, SAMPLE_QUERY[0], **SAMPLE_QUERY[1])
                    assert len(frame) == 1, f"{SAMPLE_QUERY[0]}: {len(frame)} rows"
                    with lock:
                        state["queries"] += 1
                else:  # the change log
                    audit.read_audit(warehouse, admin, limit=50)
                    with lock:
                        state["journal"] += 1
            except Exception as exc:  # noqa: BLE001
                with lock:
                    state["errors"].append(error_text(exc))
            step += 1
            time.sleep(THINK_SECONDS)

    started = time.perf_counter()
    workers = [threading.Thread(target=loop, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    results.put(("readers", {**state, "seconds": time.perf_counter() - started, "cpu": cpu_seconds(),
                             "waits": warehouse.waits}))


# -- the run -----------------------------------------------------------------------------------------


@dataclass
class Run:
    reports: dict
    exit_codes: dict
    seconds: float
    config_path: str
    ops: int = field(init=False)

    def __post_init__(self):
        self.ops = sum(r["ops"] for r in self.reports.values())

    def errors(self) -> list[str]:
        return [f"{who}: {e}" for who, r in self.reports.items() for e in r["errors"]]


def prepare(directory: Path) -> str:
    """A built warehouse (the example configuration) with the lock timeout of the configuration."""
    config = small_config(directory, lock_timeout=LOCK_TIMEOUT)
    build(Warehouse.from_config(config), config.settings())
    return str(directory / "alambic.toml")


def run_concurrency(config_path: str, *, total: int = TOTAL_OPS, form_ops: int = FORM_OPS,
                    loads: int = FLOW_LOADS, builds: int = FLOW_BUILDS, threads: int = READER_THREADS,
                    seed: int = 6) -> Run:
    """A, B and C in three spawned processes; C reads until the others are done and `total` is reached."""
    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    forms_done, flows_done = ctx.Event(), ctx.Event()
    read_ops = max(0, total - form_ops - loads - builds)
    processes = {
        "forms": ctx.Process(target=form_writer, args=(config_path, form_ops, seed, results, forms_done)),
        "flows": ctx.Process(target=flow_runner, args=(config_path, loads, builds, forms_done, results, flows_done)),
        "readers": ctx.Process(target=reader, args=(config_path, read_ops, threads, flows_done, results)),
    }
    started = time.perf_counter()
    for process in processes.values():
        process.start()
    reports = {}
    while len(reports) < len(processes):
        try:
            who, report = results.get(timeout=5)
        except queue.Empty:
            if not any(p.is_alive() for p in processes.values()) and results.empty():
                break  # a process died without reporting: stop waiting
            continue
        reports[who] = report
    for process in processes.values():
        process.join(60)
    return Run(reports, {name: p.exitcode for name, p in processes.items()}, time.perf_counter() - started,
               config_path)


def wait_summary(waits: list[float]) -> dict:
    if not waits:
        return {"n": 0, "median": 0.0, "p95": 0.0, "max": 0.0}
    ordered = sorted(waits)
    return {"n": len(ordered), "median": statistics.median(ordered),
            "p95": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], "max": ordered[-1]}


# -- the test ----------------------------------------------------------------------------------------


def marts_snapshot(warehouse: Warehouse) -> dict:
    with warehouse.read() as con:
        names = [r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts' ORDER BY 1").fetchall()]
        return {name: con.execute(f"SELECT * FROM marts.{name} ORDER BY ALL").fetchall() for name in names}


def verify(run: Run) -> list[str]:
    """What was lost or inconsistent after a run (empty: nothing)."""
    problems = list(run.errors())
    forms = run.reports.get("forms")
    if forms is None:
        return problems + ["the forms process did not report"]
    config = load_config(run.config_path)
    warehouse = Warehouse.from_config(config)
    with warehouse.read() as con:
        stored = dict(con.execute("SELECT forecast_id, amount::VARCHAR FROM app.forecasts").fetchall())
        lines = con.execute("SELECT row_id, action, after ->> 'amount' FROM app.audit_log "
                            "WHERE table_name = 'forecasts' ORDER BY audit_id").fetchall()
        total = con.execute("SELECT coalesce(sum(amount), 0) FROM app.forecasts").fetchall()[0][0]
        shown = con.execute("SELECT coalesce(sum(previsionnel), 0) FROM marts.budget_vs_actual").fetchall()[0][0]
    # every edit is there with its final value …
    final = {int(i): v for i, v in forms["final"].items()}
    expected = {i: v for i, v in final.items() if v is not None}
    problems += [f"forecast {i}: stored {stored.get(i)}, expected {v}" for i, v in expected.items() if stored.get(i) != v]
    problems += [f"forecast {i}: stored, expected deleted" for i in stored if i not in expected]
    # … with each of its audit lines, in order, the last one holding the final value
    by_row: dict[int, list[tuple[str, str | None]]] = {}
    for row_id, action, after_amount in lines:
        by_row.setdefault(row_id, []).append((action, after_amount))
    for row_id, actions in forms["actions"].items():
        found = by_row.get(int(row_id), [])
        if [a for a, _ in found] != actions:
            problems.append(f"forecast {row_id}: audit {[a for a, _ in found]}, expected {actions}")
        elif found[-1][1] != final[int(row_id)]:
            problems.append(f"forecast {row_id}: last audit line {found[-1][1]}, expected {final[int(row_id)]}")
    # the last build came after the last edit: the marts show every forecast and equal a fresh build
    if Decimal(str(shown)) != total:
        problems.append(f"marts.budget_vs_actual shows {shown} of forecasts, app.forecasts holds {total}")
    before = marts_snapshot(warehouse)
    build(warehouse, config.settings())
    after = marts_snapshot(warehouse)
    problems += [f"marts.{name} differs from a fresh build" for name in after if after[name] != before.get(name)]
    return problems


@pytest.mark.slow  # ~130 s: three processes for a minute, then a fresh build to compare
def test_forms_flows_and_readers_in_three_processes_lose_nothing_and_show_no_error(tmp_path):
    run = run_concurrency(prepare(tmp_path))

    assert set(run.reports) == {"forms", "flows", "readers"}, run.exit_codes
    assert run.exit_codes == {"forms": 0, "flows": 0, "readers": 0}
    assert run.ops >= TOTAL_OPS
    assert verify(run) == []  # no error shown, no edit lost, marts whole and up to date
    forms, flows, readers = run.reports["forms"], run.reports["flows"], run.reports["readers"]
    assert len(forms["final"]) >= 50 and sum(len(a) for a in forms["actions"].values()) >= 200
    assert forms["conflicts"] >= 1 and forms["undos"] >= 1  # both protections were exercised
    assert flows["builds"] == FLOW_BUILDS
    assert readers["torn"] == 0 and readers["checks"] >= 50 and readers["queries"] >= 50
