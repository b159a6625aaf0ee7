"""Tickets follow their reservations' event, unpublished events come with their refunds, VAT per rate
per soirée, and the lines no soirée takes: a hand-written Lespass tenant read by the real TiBillet
connector from the simulated Lespass server, every figure worked out by hand below.

  Concert : Lindigo    Sat 10/05/2025 20:00 (published)
  Concert : Ziskakan   Sat 24/05/2025 20:00 (published)
  Concert : Danyèl Waro Sat 31/05/2025 20:00 (UNPUBLISHED: cancelled, every ticket refunded) —
                       absent from /api/v2/events/, read by uuid because reservation r4 names it
  « Billet concert » (no event in its name) sells both concerts: Plein 15.00 (p-plein), Réduit 10.00
  (p-reduit); « Billet Waro »: Plein 20.00 (p-waro). VAT: tickets 2.10 %, bar 8.50 %, membership 0 %.
  Reservations (v1 list + v2 detail, tickets by price): r1 Lindigo 2 × p-plein, r2 Lindigo 1 × p-reduit,
  r3 Ziskakan 1 × p-plein, r4 Waro 2 × p-waro (cancelled).

  s1 02/05 presale  Billet concert 15 × 2  → Lindigo (first concert booked with p-plein on or after 02/05)
  s2 10/05 21:00    Billet concert 10 × 1  → Lindigo (p-reduit is booked for Lindigo only)
  s3 12/05 refund   Billet concert 15 × -2 → Lindigo: the refund of s1 (same product, price, quantity),
                    two days AFTER the soirée (by day: no event; by « first on or after »: Ziskakan)
  s4 20/05 presale  Billet concert 15 × 1  → Ziskakan
  s5 15/05 presale  Billet Waro 20 × 2     → Waro ; s6 30/05 refund 20 × -2 → Waro
  b1 10/05 22:00    Bière 4 × 5 (8.50 %)   → Lindigo, by the evening
  b2 11/05 01:30    Bière 4 × 1            → Lindigo (before 04:00: still Saturday's soirée)
  m1 24/05 21:00    Adhésion 15 × 1 (0 %)  → Ziskakan, by the evening
  u1 17/05 18:00    Bière 4 × 1            → no event that day: unattributed
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from flows.sources.tibillet import TibilletSource
from sandbox.servers import serve_in_thread
from sandbox.servers.tibillet import ApiKey, Tenant, create_app, event, sale_line
from tests.sql.test_marts import make_config
from warehouse.build import build
from warehouse.connection import Warehouse
from warehouse.load import load_records
from warehouse.migrations import migrate
from warehouse.resources import RESOURCES

REUNION = timezone(timedelta(hours=4))
D = Decimal
HOST = "raffinerie.tibillet.localhost"
KEY = "Xk3d9Qa1.s3cr3tS3cr3tS3cr3tS3cr3tS3cr3tAB"
LINDIGO, ZISKAKAN, WARO = "ev-lindigo", "ev-ziskakan", "ev-waro"
CONCERT = ("prod-concert", "Billet concert")
WARO_TICKET = ("prod-waro", "Billet Waro")
BEER = ("prod-biere", "Bière")
MEMBERSHIP = ("prod-adhesion", "Adhésion")


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=REUNION)


def product(ident, name, category, offers) -> dict:
    return {"@context": "https://schema.org", "@type": "Product", "identifier": ident, "sku": ident, "name": name,
            "category": category,
            "offers": [{"@type": "Offer", "identifier": pid, "name": n, "price": p, "priceCurrency": "EUR",
                        "freePrice": False} for pid, n, p in offers]}


def reservation(uuid, event_id, status, tickets: dict[str, int], when: datetime) -> dict:
    return {"uuid": uuid, "datetime": when.isoformat(), "user_mail": "x@example.org", "event": event_id,
            "status": status, "options": [],
            "tickets": [f"{uuid}-t{n}" for n in range(sum(tickets.values()))], "paiements": [],
            "_tickets": tickets}


def tenant_data() -> dict[str, list[dict]]:
    t = dict(product=CONCERT, category="Ticket booking", vat="2.10")
    w = dict(product=WARO_TICKET, category="Ticket booking", vat="2.10")
    b = dict(product=BEER, category="N", vat="8.50", payment_method="CA")
    m = dict(product=MEMBERSHIP, category="Subscription or membership", vat="0")
    return {
        "events": [event(LINDIGO, "Concert : Lindigo", at(5, 10, 20), at(5, 11, 1)),
                   event(ZISKAKAN, "Concert : Ziskakan", at(5, 24, 20), at(5, 25, 1)),
                   event(WARO, "Concert : Danyèl Waro", at(5, 31, 20), at(6, 1, 1), published=False)],
        "products": [product(*CONCERT, "Ticket booking", [("p-plein", "Plein", "15.00"), ("p-reduit", "Réduit", "10.00")]),
                     product(*WARO_TICKET, "Ticket booking", [("p-waro", "Plein", "20.00")]),
                     product(*BEER, "N", [("p-biere", "Pinte", "4.00")]),
                     product(*MEMBERSHIP, "Subscription or membership", [("p-adh", "Adhésion", "15.00")])],
        "reservations": [reservation("r1", LINDIGO, "V", {"p-plein": 2}, at(5, 2, 10)),
                         reservation("r2", LINDIGO, "V", {"p-reduit": 1}, at(5, 10, 21)),
                         reservation("r3", ZISKAKAN, "V", {"p-plein": 1}, at(5, 20, 9)),
                         reservation("r4", WARO, "C", {"p-waro": 2}, at(5, 30, 9))],
        "sales": [
            sale_line("s1", at(5, 2, 10), amount_cents=1500, qty=2, **t),
            sale_line("s2", at(5, 10, 21), amount_cents=1000, qty=1, **t),
            sale_line("s3", at(5, 12, 9), amount_cents=1500, qty=-2, status="R", **t),
            sale_line("s4", at(5, 20, 9), amount_cents=1500, qty=1, **t),
            sale_line("s5", at(5, 15, 9), amount_cents=2000, qty=2, **w),
            sale_line("s6", at(5, 30, 9), amount_cents=2000, qty=-2, status="R", **w),
            sale_line("b1", at(5, 10, 22), amount_cents=400, qty=5, **b),
            sale_line("b2", at(5, 11, 1, 30), amount_cents=400, qty=1, **b),
            sale_line("m1", at(5, 24, 21), amount_cents=1500, qty=1, **m),
            sale_line("u1", at(5, 17, 18), amount_cents=400, qty=1, **b),
        ],
    }


@pytest.fixture(scope="module")
def soirees(tmp_path_factory):
    directory = tmp_path_factory.mktemp("reservations")
    config = make_config(directory)
    warehouse = Warehouse(directory / "w.duckdb")
    migrate(warehouse)
    app = create_app({HOST: Tenant(keys=[ApiKey(KEY)], data=tenant_data())},
                     clock=lambda: datetime(2025, 6, 10, tzinfo=UTC))
    with serve_in_thread(app) as server:
        client = TibilletSource(server.url, KEY, host=HOST, window_start="2025-04-01T00:00:00+04:00",
                                clock=lambda: datetime(2025, 6, 10, tzinfo=UTC))
        for source, resource in RESOURCES:
            if source == "tibillet":
                batch = client.fetch(resource, None)
                assert not batch.rejected, (resource, batch.rejected)
                load_records(warehouse, "tibillet", resource, batch.records, watermark=batch.watermark,
                             delete_missing=batch.complete)
    build(warehouse, config.settings())
    return warehouse


def rows(warehouse, sql):
    with warehouse.read() as con:
        return con.execute(sql).fetchall()


def test_the_unpublished_event_is_read_by_uuid(soirees):
    assert rows(soirees, "SELECT event_id, is_cancelled FROM staging.stg_tibillet__events ORDER BY start_at") == [
        (LINDIGO, False), (ZISKAKAN, False), (WARO, True)]
    assert rows(soirees, "SELECT reservation_id, event_id, price_id, quantity FROM staging.stg_tibillet__reservation_tickets"
                         " ORDER BY reservation_id") == [
        ("r1", LINDIGO, "p-plein", 2), ("r2", LINDIGO, "p-reduit", 1), ("r3", ZISKAKAN, "p-plein", 1),
        ("r4", WARO, "p-waro", 2)]


def test_tickets_follow_their_reservations_and_the_bar_its_evening(soirees):
    got = rows(soirees, "SELECT sale_line_id, event_id, attribution FROM marts.soiree_sale_lines ORDER BY sale_line_id")
    assert got == [
        ("b1", LINDIGO, "jour"), ("b2", LINDIGO, "jour"), ("m1", ZISKAKAN, "jour"),
        ("s1", LINDIGO, "reservation"), ("s2", LINDIGO, "reservation"), ("s3", LINDIGO, "reservation"),
        ("s4", ZISKAKAN, "reservation"), ("s5", WARO, "reservation"), ("s6", WARO, "reservation"),
    ]
    assert rows(soirees, "SELECT sale_line_id, line_day::VARCHAR, amount, reason FROM marts.soiree_unattributed_lines") == [
        ("u1", "2025-05-17", D("4.00"), "aucun évènement ce jour-là")]


def test_soiree_results_with_the_cancelled_concert(soirees):
    got = rows(soirees, """SELECT event_id, is_cancelled, tickets, ticket_gross, ticket_refunds, ticket_net, bar_net,
                                  membership_net, takings
                           FROM marts.soiree_results ORDER BY start_at""")
    assert got == [
        # Lindigo: 2 × 15 + 1 × 10 = 40 gross, the refund of s1 −30 → 1 ticket, 10 net; bar 5 × 4 + 4 = 24
        (LINDIGO, False, 1, D("40.00"), D("-30.00"), D("10.00"), D("24.00"), D("0.00"), D("34.00")),
        # Ziskakan: 15; the membership of the evening 15
        (ZISKAKAN, False, 1, D("15.00"), D("0.00"), D("15.00"), D("0.00"), D("15.00"), D("15.00")),
        # Waro, cancelled: 2 × 20 sold, all refunded
        (WARO, True, 0, D("40.00"), D("-40.00"), D("0.00"), D("0.00"), D("0.00"), D("0.00")),
    ]


def test_vat_per_rate_per_soiree_as_lespass_closes(soirees):
    got = rows(soirees, "SELECT event_id, vat_rate, ttc, ht, tva, line_count FROM marts.soiree_vat ORDER BY event_id, vat_rate")
    assert got == [
        # Lindigo 2.10 %: TTC 30 + 10 − 30 = 10.00 → HT = 10.00 × 100 / 102.1 = 9.7943… → 9.79, TVA 0.21
        (LINDIGO, D("2.10"), D("10.00"), D("9.79"), D("0.21"), 3),
        # Lindigo 8.50 %: TTC 24.00 → 24 × 100 / 108.5 = 22.1198… → 22.12, TVA 1.88
        (LINDIGO, D("8.50"), D("24.00"), D("22.12"), D("1.88"), 2),
        # Waro 2.10 %: 40 − 40 = 0
        (WARO, D("2.10"), D("0.00"), D("0.00"), D("0.00"), 2),
        # Ziskakan 0 %: the membership, HT = TTC
        (ZISKAKAN, D("0.00"), D("15.00"), D("15.00"), D("0.00"), 1),
        # Ziskakan 2.10 %: 15 × 100 / 102.1 = 14.6914… → 14.69, TVA 0.31
        (ZISKAKAN, D("2.10"), D("15.00"), D("14.69"), D("0.31"), 1),
    ]


def test_vat_rounds_half_up_on_the_total():
    """0.03 € at 20 %: HT = 2.5 cents exactly → 3 cents (half up), not 2 (half to even)."""
    import duckdb

    sql = (Path(__file__).resolve().parents[2] / "sql" / "marts" / "soiree_vat.sql").read_text(encoding="utf-8")
    con = duckdb.connect()
    con.execute("CREATE SCHEMA marts")
    con.execute("CREATE TABLE marts.soiree_sale_lines AS SELECT 'e' AS event_id, 20.00::DECIMAL(5,2) AS vat_rate,"
                " 0.03::DECIMAL(14,2) AS amount, 'V' AS status")
    assert con.execute(sql).fetchall() == [("e", D("20.00"), D("0.03"), D("0.03"), D("0.00"), 1)]
