"""One malformed source value never breaks the builds that follow (issue #15, point 9).

A value the staging casts refuse (a capacity « illimitée », a price "1e20" that DECIMAL(14,2)
cannot hold, Odoo amounts as large, Oceco credits in words) is set aside in meta.quarantine
before it reaches raw; the build keeps working; and once fixed at the source, the record is read
again and loaded (the sales watermark does not move past it).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from flows.sources.tibillet import TibilletSource
from flows.sync import sync_resource
from sandbox.servers import serve_in_thread
from sandbox.servers.tibillet import ApiKey, Tenant, create_app, event, sale_line
from warehouse.build import build
from warehouse.load import Watermark, load_records, read_watermark
from warehouse.migrations import migrate

HOST = "raffinerie.tibillet.localhost"
KEY = "Xk3d9Qa1.s3cr3tS3cr3tS3cr3tS3cr3tS3cr3tAB"
BAD_SALE = "00000000-0000-4000-8000-0000000000bd"


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


class Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


def quarantined(warehouse):
    with warehouse.read() as con:
        return con.execute("SELECT resource, record_key, reason FROM meta.quarantine ORDER BY run_id").fetchall()


def raw_keys(warehouse, table):
    with warehouse.read() as con:
        return {r[0] for r in con.execute(f"SELECT key FROM {table}").fetchall()}


def test_tibillet_bad_values_are_quarantined_builds_pass_and_a_fixed_sale_is_read_again(warehouse, config):
    migrate(warehouse)
    unlimited = event("3f2b8c1e-0000-4000-8000-0000000000aa", "Scène ouverte", utc(2025, 3, 14, 15))
    unlimited["maximumAttendeeCapacity"] = "illimitée"
    good_event = event("3f2b8c1e-0000-4000-8000-0000000000ab", "Soirée Maloya", utc(2025, 3, 15, 15))
    huge = sale_line(BAD_SALE, utc(2025, 3, 15, 16), amount_cents=1200)
    huge["offers"]["price"] = "1e20"
    good = sale_line("00000000-0000-4000-8000-000000000001", utc(2025, 3, 15, 17), amount_cents=350)
    later = sale_line("00000000-0000-4000-8000-000000000002", utc(2025, 3, 16, 17), amount_cents=350)
    tenant = Tenant({"events": [unlimited, good_event], "products": [], "sales": [huge, good, later],
                     "reservations": []}, [ApiKey(KEY)])
    clock = Clock(utc(2025, 3, 20, 12))
    with serve_in_thread(create_app({HOST: tenant}, clock=clock)) as running:
        client = TibilletSource(running.url, KEY, host=HOST, window_start="2025-01-01T00:00:00+04:00", clock=clock)
        events = sync_resource(client, warehouse, "tibillet", "events")
        sales = sync_resource(client, warehouse, "tibillet", "sales")
        assert (events.quarantined, sales.quarantined) == (1, 1)
        assert [(r, k) for r, k, _ in quarantined(warehouse)] == [
            ("events", "3f2b8c1e-0000-4000-8000-0000000000aa"), ("sales", BAD_SALE)]
        assert "maximumAttendeeCapacity" in quarantined(warehouse)[0][2] and "illimitée" in quarantined(warehouse)[0][2]
        assert "1e20" in quarantined(warehouse)[1][2]
        assert BAD_SALE not in raw_keys(warehouse, "raw_tibillet.sales")
        # the watermark waits at the quarantined sale, not at the end of the window
        assert read_watermark(warehouse, "tibillet", "sales") == Watermark("2025-03-15T16:00:00+00:00")
        build(warehouse, config.settings())  # before: « Conversion Error » on every build
        build(warehouse, config.settings())

        huge["offers"]["price"] = "12.00"  # fixed at the source; nothing else changes there
        unlimited["maximumAttendeeCapacity"] = 120
        clock.now += timedelta(days=1)
        sync_resource(client, warehouse, "tibillet", "events")
        again = sync_resource(client, warehouse, "tibillet", "sales")
        assert again.quarantined == 0
        assert BAD_SALE in raw_keys(warehouse, "raw_tibillet.sales")
        assert "3f2b8c1e-0000-4000-8000-0000000000aa" in raw_keys(warehouse, "raw_tibillet.events")
        assert read_watermark(warehouse, "tibillet", "sales") == Watermark(clock.now.isoformat())
        build(warehouse, config.settings())
        with warehouse.read() as con:
            assert con.execute(f"SELECT unit_price FROM staging.stg_tibillet__sales WHERE sale_line_id = '{BAD_SALE}'"
                               ).fetchall()[0][0] == 12


MOVE_LINE = {"id": 1, "write_date": "2025-01-02 10:00:00", "move_id": [10, "FAC/1"], "account_id": [3, "606"],
             "partner_id": False, "journal_id": [1, "Achats"], "company_id": [1, "La Raffinerie"],
             "date": "2025-01-02", "name": "Terreau", "debit": 12.5, "credit": 0.0, "balance": 12.5,
             "amount_residual": 0.0, "reconciled": False, "parent_state": "posted"}


@pytest.mark.parametrize("source, name, record, field", [
    # Odoo 15 and 17 both send floats: one too large for DECIMAL(14,2)
    ("odoo", "account_move_line", {**MOVE_LINE, "id": 2, "debit": 1e20}, "debit"),
    ("odoo", "account_move_line", {**MOVE_LINE, "id": 3, "move_id": ["dix", "FAC/1"]}, "move_id.0"),
    ("oceco", "citoyens", {"_id": "c2", "name": "Zoé", "userWallet": {"org1": {"userCredits": "beaucoup"}}},
     "userCredits"),
    ("oceco", "actions", {"_id": "a2", "name": "Désherber", "credits": "deux"}, "credits"),
    ("tibillet", "products", {"identifier": "p2", "name": "Bière", "offers": [{"price": "trois"}]}, "price"),
])
def test_every_source_quarantines_a_value_its_staging_cannot_cast(warehouse, config, source, name, record, field):
    migrate(warehouse)
    good = {"odoo": MOVE_LINE, "oceco": {"_id": "ok", "name": "Ana"},
            "tibillet": {"identifier": "p1", "name": "Billet", "offers": [{"price": "12.00"}]}}[source]
    result = load_records(warehouse, source, name, [good, record])
    assert result.rows_in == 1
    [(resource, key, reason)] = quarantined(warehouse)
    assert resource == name and field in reason
    build(warehouse, config.settings())
