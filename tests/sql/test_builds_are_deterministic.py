"""Two builds of the same warehouse give the same marts, row for row (every table of `marts`).

A figure that changes between two builds of the same data is wrong in one of them: a ticket given
to another soirée, a list in another order, a name picked at random among several. Such a tie
(`row_number()` over a non-unique ORDER BY, `any_value`, `list(distinct …)` without ORDER BY, a
`LIMIT` without ORDER BY) often shows only when DuckDB splits the work over several threads, so the
builds here run with several threads, more than the machine has cores.

The sandbox organisation (seed 42, scale 0.3) is loaded once, then built BUILDS times; after each
build every mart is copied aside, and each copy must equal the first (`EXCEPT ALL` both ways).
Ties are made certain: every TiBillet event gets a twin (same name, same day, same start: two
rooms, or an event entered twice), which only a total order can tell apart.
"""

from __future__ import annotations

import pytest

from tests.conftest import loaded_sandbox
from warehouse.build import build
from warehouse.connection import Warehouse

BUILDS = 4
THREADS = 8
# each event's twin: the same payload under another uuid ('00000000-…', before the original's)
TWIN_EVENTS = """
    INSERT INTO raw_tibillet.events (key, payload, payload_hash, run_id, loaded_at)
    SELECT '00000000' || substr(key, 9),
           json_merge_patch(payload, json_object('identifier', '00000000' || substr(payload->>'identifier', 9))),
           payload_hash, run_id, loaded_at
    FROM raw_tibillet.events
"""


@pytest.fixture(scope="module")
def built_four_times(tmp_path_factory):
    """(warehouse, mart names): the sandbox built BUILDS times, the marts of build i in `build_<i>`."""
    _org, config, warehouse = loaded_sandbox(tmp_path_factory.mktemp("builds-deterministes"), built=False)
    with warehouse.write("jumeaux des évènements") as con:
        con.execute(TWIN_EVENTS)

    connect = Warehouse._connect

    def with_threads(self, read_only, what, deadline, settings=None, **where):  # where: a build's copy
        return connect(self, read_only, what, deadline, {**(settings or {}), "threads": THREADS}, **where)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Warehouse, "_connect", with_threads)
        marts = []
        for i in range(BUILDS):
            build(warehouse, config.settings())
            with warehouse.write("copie des marts") as con:
                assert con.execute("SELECT current_setting('threads')").fetchall()[0][0] == THREADS
                marts = [r[0] for r in con.execute(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts' ORDER BY 1"
                ).fetchall()]
                con.execute(f"CREATE SCHEMA build_{i}")
                for name in marts:
                    con.execute(f"CREATE TABLE build_{i}.{name} AS SELECT * FROM marts.{name}")
    return warehouse, marts


def test_the_sandbox_builds_every_mart(built_four_times):
    _, marts = built_four_times
    # the comparison below guards the soirée marts among all the others
    assert {"soiree_sale_lines", "soiree_products", "soiree_sales", "soiree_results", "soiree_vat",
            "soiree_unattributed_lines", "people"} <= set(marts)
    assert len(marts) >= 30


def test_every_mart_is_identical_between_builds(built_four_times):
    warehouse, marts = built_four_times
    differences = {}
    with warehouse.read() as con:
        for i in range(1, BUILDS):
            for name in marts:
                only_first, only_other = (
                    con.execute(f"SELECT count(*) FROM (SELECT * FROM {a}.{name} EXCEPT ALL SELECT * FROM {b}.{name})")
                    .fetchall()[0][0]
                    for a, b in (("build_0", f"build_{i}"), (f"build_{i}", "build_0"))
                )
                if only_first or only_other:
                    differences.setdefault(name, []).append((i, only_first, only_other))
    assert differences == {}, f"marts différents d'une construction à l'autre (build, lignes) : {differences}"


def test_a_line_between_twin_events_goes_to_the_smaller_uuid(built_four_times):
    """A drink (or a ticket whose product names both) sold while two events of the same start run
    goes to the event with the smaller uuid: here, always the twin ('00000000-…')."""
    warehouse, _ = built_four_times
    with warehouse.read() as con:
        tied, to_twin, to_original = con.execute("""
            SELECT count(*),
                   count(*) FILTER (WHERE starts_with(event_id, '00000000')),
                   count(*) FILTER (WHERE NOT starts_with(event_id, '00000000'))
            FROM build_0.soiree_sale_lines
            WHERE attribution IN ('jour', 'produit')
        """).fetchall()[0]
    assert tied > 100
    assert (to_twin, to_original) == (tied, 0)


# -- the same rules on a hand-written TiBillet tenant --------------------------------------------
# Fête du quartier, Sat 21/06/2025: two stages open at 18:00 (uuids ev-scene-b, ev-scene-a) and the
# « Bière pays » product renamed « Bière péi » in TiBillet between two sales.
#   b1 21/06 19:00 Bière pays 4 × 2 → both stages started, same start: the smaller uuid, ev-scene-a
#   b2 21/06 22:00 Bière péi  4 × 1 → ev-scene-a as well
#   → soiree_products: one row for the product on ev-scene-a, 3 units, 12 €, named « Bière péi »
#     (its name on its latest line)


@pytest.fixture(scope="module")
def twin_stages(tmp_path_factory):
    from datetime import datetime, timedelta, timezone

    from sandbox.servers.tibillet import event, sale_line
    from tests.sql.test_marts import make_config
    from warehouse.load import load_records
    from warehouse.migrations import migrate

    reunion = timezone(timedelta(hours=4))

    def at(hour):
        return datetime(2025, 6, 21, hour, tzinfo=reunion)

    directory = tmp_path_factory.mktemp("scenes-jumelles")
    warehouse = Warehouse(directory / "w.duckdb")
    migrate(warehouse)
    load_records(warehouse, "tibillet", "events", [
        event("ev-scene-b", "Fête du quartier – scène B", at(18), at(23)),
        event("ev-scene-a", "Fête du quartier – scène A", at(18), at(23)),
    ])
    load_records(warehouse, "tibillet", "sales", [
        sale_line("b1", at(19), amount_cents=400, qty=2, product=("prod-biere", "Bière pays"), category="V"),
        sale_line("b2", at(22), amount_cents=400, qty=1, product=("prod-biere", "Bière péi"), category="V"),
    ])
    build(warehouse, make_config(directory).settings())
    return warehouse


def test_a_drink_sold_while_two_stages_run_goes_to_the_smaller_uuid(twin_stages):
    with twin_stages.read() as con:
        assert con.execute(
            "SELECT sale_line_id, event_id, attribution FROM marts.soiree_sale_lines ORDER BY 1"
        ).fetchall() == [("b1", "ev-scene-a", "jour"), ("b2", "ev-scene-a", "jour")]


def test_a_renamed_product_is_shown_under_its_latest_name(twin_stages):
    from decimal import Decimal

    with twin_stages.read() as con:
        assert con.execute(
            "SELECT event_id, product_id, product_name, quantity, net, lines FROM marts.soiree_products"
        ).fetchall() == [("ev-scene-a", "prod-biere", "Bière péi", Decimal("3.00"), Decimal("12.00"), 2)]
