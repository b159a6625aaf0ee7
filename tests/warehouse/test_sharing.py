"""The sharing policy: readers share, writers queue, waits are bounded, builds are atomic."""

from __future__ import annotations

import multiprocessing
import threading
import time
from pathlib import Path

import pytest

from alambic.config import Config
from tests.conftest import small_config
from warehouse.build import build
from warehouse.connection import Warehouse, WarehouseBusy, WarehouseMissing
from warehouse.migrations import migrate

WRITES = 30


def test_a_reader_waits_for_a_writer_then_gives_up_with_a_clear_message(warehouse):
    migrate(warehouse)
    impatient = Warehouse(warehouse.path, lock_timeout=0.3)
    holding, release = threading.Event(), threading.Event()

    def hold_the_file():
        with warehouse.write("écriture longue"):
            holding.set()
            release.wait(5)

    writer = threading.Thread(target=hold_the_file)
    writer.start()
    holding.wait(5)
    try:
        with pytest.raises(WarehouseBusy, match="occupé depuis plus de 0.3 s"):
            with impatient.read("test"):
                pass
    finally:
        release.set()
        writer.join()
    with impatient.read() as con:  # free again
        assert con.execute("SELECT 1").fetchall() == [(1,)]


def test_readers_share_the_file(warehouse):
    migrate(warehouse)
    with warehouse.read() as first, warehouse.read() as second:
        assert first.execute("SELECT 1").fetchall() == [(1,)]
        assert second.execute("SELECT 2").fetchall() == [(2,)]


def test_reading_a_missing_warehouse_says_what_to_do(tmp_path):
    with pytest.raises(WarehouseMissing, match="alambic demo"):
        with Warehouse(tmp_path / "absent.duckdb").read():
            pass


def test_a_write_that_fails_leaves_nothing_behind(warehouse):
    migrate(warehouse)
    with pytest.raises(ZeroDivisionError):
        with warehouse.write() as con:
            con.execute("CREATE TABLE marts.half AS SELECT 1 AS x")
            1 / 0
    with warehouse.read() as con:
        assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'half'").fetchall() == [(0,)]


def test_query_cache_follows_the_data_version(warehouse):
    migrate(warehouse)
    with warehouse.write() as con:
        con.execute("CREATE TABLE marts.n AS SELECT 1 AS v")
    assert warehouse.query("SELECT v FROM marts.n")["v"].tolist() == [1]
    with warehouse.write() as con:
        con.execute("UPDATE marts.n SET v = 2")
    assert warehouse.query("SELECT v FROM marts.n")["v"].tolist() == [2]


def _writer(directory: str, done) -> None:
    """Rewrite two marts that must always agree, and run real builds, in a loop."""
    config = small_config(Path(directory), lock_timeout=60)
    warehouse = Warehouse.from_config(config)
    for i in range(WRITES):
        with warehouse.write("écriture de test") as con:
            con.execute("CREATE OR REPLACE TABLE marts.pair_a AS SELECT ? AS v", [i])
            time.sleep(0.005)  # widen the window a half-built state would show in
            con.execute("CREATE OR REPLACE TABLE marts.pair_b AS SELECT ? AS v", [i])
        if i % 10 == 0:
            build(warehouse, config.settings())
    done.set()


def _reader(directory: str, done, results) -> None:
    config = small_config(Path(directory), lock_timeout=60)
    warehouse = Warehouse.from_config(config)
    reads = errors = torn = 0
    while not done.is_set() or reads < 5:
        try:
            with warehouse.read() as con:
                a, b = con.execute("SELECT (SELECT v FROM marts.pair_a), (SELECT v FROM marts.pair_b)").fetchall()[0]
            torn += a != b
            reads += 1
        except Exception as exc:  # noqa: BLE001 — any error is what this test counts
            errors += 1
            results.put(repr(exc))
    results.put((reads, errors, torn))


@pytest.mark.slow  # ~50 s: a writer and a reader process racing
def test_a_writer_and_a_reader_in_two_processes_never_see_an_error_or_a_half_write(config: Config):
    warehouse = Warehouse.from_config(config)
    migrate(warehouse)
    with warehouse.write() as con:
        con.execute("CREATE TABLE marts.pair_a AS SELECT -1 AS v")
        con.execute("CREATE TABLE marts.pair_b AS SELECT -1 AS v")
    ctx = multiprocessing.get_context("spawn")
    done, results = ctx.Event(), ctx.Queue()
    directory = str(config.warehouse_path.parent)
    writer = ctx.Process(target=_writer, args=(directory, done))
    reader = ctx.Process(target=_reader, args=(directory, done, results))
    reader.start()
    writer.start()
    writer.join(120)
    reader.join(120)
    outcome = results.get(timeout=5)
    assert writer.exitcode == 0
    assert isinstance(outcome, tuple), outcome  # an error message would be a string
    reads, errors, torn = outcome
    assert reads >= 5 and errors == 0 and torn == 0
