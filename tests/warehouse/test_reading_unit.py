"""A page build is one unit of work (`Warehouse.reading()`): its reads and page queries share one
read-only connection instead of opening the file each time, and a write in the same thread still
goes through."""

from __future__ import annotations

import threading
import time

import pytest

from warehouse.connection import Warehouse, WarehouseBusy


class CountingWarehouse(Warehouse):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.opens = 0

    def _connect(self, *args, **kwargs):
        self.opens += 1
        return super()._connect(*args, **kwargs)


@pytest.fixture
def counting(tmp_path) -> CountingWarehouse:
    warehouse = CountingWarehouse(tmp_path / "alambic.duckdb", lock_timeout=2)
    with warehouse.write() as con:
        con.execute("CREATE TABLE t AS SELECT range AS n FROM range(10)")
    warehouse.opens = 0
    return warehouse


def test_queries_and_reads_of_a_unit_share_one_connection(counting):
    with counting.reading():
        totals = [int(counting.query("SELECT sum(n) + $k AS s FROM t", {"k": k}).iloc[0, 0]) for k in range(5)]
        with counting.read() as con:
            assert con.execute("SELECT count(*) FROM t").fetchone()[0] == 10
        with counting.reading():  # nested: joins the outer unit
            counting.query("SELECT max(n) FROM t")
    assert totals == [45, 46, 47, 48, 49]
    assert counting.opens == 1


def test_outside_a_unit_each_query_opens_the_file(counting):
    counting.query("SELECT 1 AS a FROM t LIMIT 1")
    counting.query("SELECT 2 AS a FROM t LIMIT 1")
    assert counting.opens == 2


def test_a_unit_answered_by_the_cache_opens_nothing(counting):
    counting.query("SELECT sum(n) FROM t")
    counting.opens = 0
    with counting.reading():
        assert int(counting.query("SELECT sum(n) FROM t").iloc[0, 0]) == 45
    assert counting.opens == 0


def test_a_write_inside_a_unit_goes_through_and_later_reads_see_it(counting):
    with counting.reading():
        assert int(counting.query("SELECT count(*) FROM t").iloc[0, 0]) == 10
        with counting.write() as con:
            con.execute("INSERT INTO t VALUES (100)")
        assert int(counting.query("SELECT count(*) FROM t").iloc[0, 0]) == 11


def test_a_writer_elsewhere_waits_for_the_unit_then_passes(counting):
    other = Warehouse(counting.path, lock_timeout=5)
    wrote_at: list[float] = []

    def writer():
        with other.write() as con:
            con.execute("INSERT INTO t VALUES (200)")
        wrote_at.append(time.monotonic())

    with counting.reading():
        counting.query("SELECT count(*) FROM t")
        thread = threading.Thread(target=writer)
        thread.start()
        time.sleep(0.5)
        assert not wrote_at, "a write passed while a unit of work held its reader's place"
        ended = time.monotonic()
    thread.join(10)
    assert wrote_at and wrote_at[0] >= ended
    assert int(counting.query("SELECT count(*) FROM t").iloc[0, 0]) == 11


def test_a_writer_waiting_too_long_for_a_unit_is_told_in_french(counting):
    other = Warehouse(counting.path, lock_timeout=0.3)
    with counting.reading():
        counting.query("SELECT count(*) FROM t")
        errors: list[Exception] = []

        def writer():
            try:
                with other.write() as con:
                    con.execute("INSERT INTO t VALUES (300)")
            except WarehouseBusy as exc:
                errors.append(exc)

        thread = threading.Thread(target=writer)
        thread.start()
        thread.join(5)
    assert errors and "occupé" in str(errors[0])
