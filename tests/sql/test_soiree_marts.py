"""The soirée marts on a small hand-made TiBillet + Odoo dataset: every figure computed by hand.

The dataset (as_of 2025-06-15, tests/sql/tiny_books.py for the Odoo books and the tree):

  Kabar Zanmari, Sat 15/03/2025 19:00 → 01:00, capacity 100, booked on 101 (Outils communs)
    ticket product « Billet – Kabar Zanmari (15/03/2025) »: Plein tarif 12, Adhérent 8, Prix libre
      t1 01/03 presale  12 × 2  V      +24   (online, two weeks before: attributed by product)
      t2 10/03 presale   8 × 1  V       +8
      t3 12/03 refund   12 × -1 R      -12
      t4 15/03 20:00    12 × 3  V      +36   (at the door)
      t5 15/03 20:30     5 × 1  V       +5   (prix libre)
      t6 15/03 21:00    12 × 1  C            (cancelled: not counted)
      → Plein tarif 4 tickets, gross 60, refunds -12, net 48; Adhérent 1, 8; Prix libre 1, 5
      → 6 tickets, gross 73, refunds -12, net 61
    bar « Bière pays » 4 €:
      b1 15/03 21:00  × 3  V cashless  +12
      b2 16/03 01:30  × 2  V cash       +8   (after midnight: still Saturday's soirée)
      b3 16/03 01:40  × -2 N cash       -8   (credit note)
      → gross 20, refunds -8, net 12, of which cashless 12
    membership m1 15/03 22:00 15 € → 1 membership, 15 €
    → lines 9, gross 108, refunds -20, net 88, takings 61 + 12 = 73
    reservations (v1): 2 + 1 tickets confirmed, 1 cancelled → 3 reserved tickets
    Odoo on 101: bill « Sono Kabar Zanmari (15/03/2025) » 150 posted, draft « Affiches Kabar
      (15/03/2025) » 30; M1 « Mission accueil avril » 250 on 101 has no date: not the soirée's
    → costs 150 + 30 = 180, result 73 − 180 = −107
    référente alice@example.org (unit 101); dispatched 20 to 303 → kept 53, after dispatch −127
  Atelier semis, Sun 16/03/2025 10:00, capacity 20, no unit: b4 16/03 04:30 4 € × 1 → takings 4
  Soirée annulée, 22/03/2025 (cancelled): no row
  m2 20/03 membership 15 €: no soirée that day, attributed to none
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from sandbox.servers.tibillet import event, sale_line
from tests.sql import tiny_books
from tests.sql.test_marts import make_config, rows
from warehouse.build import build
from warehouse.connection import Warehouse
from warehouse.load import load_records
from warehouse.migrations import migrate

REUNION = timezone(timedelta(hours=4))
D = Decimal
KABAR, ATELIER, CANCELLED = "ev-kabar", "ev-atelier", "ev-annulee"
TICKET = ("prod-billet-kabar", "Billet – Kabar Zanmari (15/03/2025)")
BEER = ("prod-biere", "Bière pays")
MEMBERSHIP = ("prod-adhesion", "Adhésion La Raffinerie")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 3, day, hour, minute, tzinfo=REUNION)


def product(ident, name, category, offers) -> dict:
    return {"@context": "https://schema.org", "@type": "Product", "identifier": ident, "sku": ident, "name": name,
            "category": category,
            "offers": [{"@type": "Offer", "identifier": f"{ident}-{i}", "name": n, "price": p, "priceCurrency": "EUR",
                        "freePrice": free} for i, (n, p, free) in enumerate(offers)]}


def tibillet_records() -> dict[str, list[dict]]:
    kabar = dict(event(KABAR, "Kabar Zanmari", at(15, 19), at(16, 1)), maximumAttendeeCapacity=100)
    atelier = dict(event(ATELIER, "Atelier semis", at(16, 10), at(16, 12)), maximumAttendeeCapacity=20)
    cancelled = event(CANCELLED, "Soirée annulée", at(22, 19), at(22, 23), published=False)
    products = [
        product(TICKET[0], TICKET[1], "Ticket booking",
                [("Plein tarif", "12.00", False), ("Adhérent", "8.00", False), ("Prix libre", "0.00", True)]),
        product(BEER[0], BEER[1], "V", [("Tarif unique", "4.00", False)]),
        product(MEMBERSHIP[0], MEMBERSHIP[1], "Subscription or membership", [("Adhésion", "15.00", False)]),
    ]
    t = dict(product=TICKET, category="Ticket booking")
    b = dict(product=BEER, category="V")
    m = dict(product=MEMBERSHIP, category="Subscription or membership")
    sales = [
        sale_line("t1", at(1, 10), amount_cents=1200, qty=2, **t),
        sale_line("t2", at(10, 12), amount_cents=800, qty=1, **t),
        sale_line("t3", at(12, 9), amount_cents=1200, qty=-1, status="R", **t),
        sale_line("t4", at(15, 20), amount_cents=1200, qty=3, payment_method="CA", **t),
        sale_line("t5", at(15, 20, 30), amount_cents=500, qty=1, **t),
        sale_line("t6", at(15, 21), amount_cents=1200, qty=1, status="C", **t),
        sale_line("b1", at(15, 21), amount_cents=400, qty=3, payment_method="LE", **b),
        sale_line("b2", at(16, 1, 30), amount_cents=400, qty=2, payment_method="CA", **b),
        sale_line("b3", at(16, 1, 40), amount_cents=400, qty=-2, status="N", payment_method="CA", **b),
        sale_line("b4", at(16, 4, 30), amount_cents=400, qty=1, payment_method="CA", **b),
        sale_line("m1", at(15, 22), amount_cents=1500, qty=1, **m),
        sale_line("m2", at(20, 10), amount_cents=1500, qty=1, **m),
    ]
    reservations = [
        {"uuid": f"r{i}", "datetime": "2025-03-10T12:00:00+04:00", "user_mail": "x@example.org", "event": KABAR,
         "status": status, "options": [], "tickets": [f"t{i}-{n}" for n in range(count)], "paiements": []}
        for i, (status, count) in enumerate([("V", 2), ("V", 1), ("C", 1)])
    ]
    return {"events": [kabar, atelier, cancelled], "products": products, "sales": sales,
            "reservations": reservations}


# Odoo: a posted bill and a draft bill of the soirée on 101 (analytic account 12), added to tiny_books.
EXTRA_MOVES = [
    (10, "BILL/2025/03/0005", "in_invoice", "posted", "paid", "2025-03-18", 2, 1, 150.0),
    (11, "/", "in_invoice", "draft", "not_paid", "2025-03-20", 2, 1, 30.0),
]
EXTRA_LINES = [
    (111, 10, 3, "Sono Kabar Zanmari (15/03/2025)", 150.0, {12: 100.0}),
    (119, 10, 6, "BILL/2025/03/0005", -150.0, None),
    (121, 11, 3, "Affiches Kabar (15/03/2025)", 30.0, {12: 100.0}),
    (129, 11, 6, False, -30.0, None),
]
EXTRA_ANALYTIC = [(110, 111, 12, -150.0)]


def odoo_books() -> dict[str, list[dict]]:
    saved = tiny_books._MOVES, tiny_books._LINES, tiny_books._ANALYTIC_LINES
    try:
        tiny_books._MOVES = saved[0] + EXTRA_MOVES
        tiny_books._LINES = saved[1] + EXTRA_LINES
        tiny_books._ANALYTIC_LINES = saved[2] + EXTRA_ANALYTIC
        return tiny_books.odoo_books("17")
    finally:
        tiny_books._MOVES, tiny_books._LINES, tiny_books._ANALYTIC_LINES = saved


def load_soiree_books(warehouse: Warehouse) -> None:
    for resource, records in odoo_books().items():
        load_records(warehouse, "odoo", resource, records)
    for resource, records in tibillet_records().items():
        load_records(warehouse, "tibillet", resource, records)
    with warehouse.write("saisies de test") as con:
        tiny_books.insert_app_rows(con)
        con.execute("INSERT INTO app.event_referents (event_id, person_email, unit_code) VALUES (?, ?, ?)",
                    [KABAR, "alice@example.org", "101"])
        con.execute("INSERT INTO app.internal_transfers (from_unit, to_unit, transfer_date, amount, reason, event_id)"
                    " VALUES ('101', '303', '2025-03-17', 20.00, 'Part potager', ?)", [KABAR])


@pytest.fixture(scope="module")
def soiree_books(tmp_path_factory):
    directory = tmp_path_factory.mktemp("soirees")
    config = make_config(directory)
    warehouse = Warehouse(directory / "w.duckdb")
    migrate(warehouse)
    load_soiree_books(warehouse)
    build(warehouse, config.settings())
    return warehouse


def test_sale_lines_meet_their_soiree(soiree_books):
    found = rows(soiree_books, "SELECT sale_line_id, event_id, family, price_name, attribution "
                               "FROM marts.soiree_sale_lines ORDER BY sale_line_id")
    assert found == [
        ("b1", KABAR, "bar", "Tarif unique", "jour"),
        ("b2", KABAR, "bar", "Tarif unique", "jour"),
        ("b3", KABAR, "bar", "Tarif unique", "jour"),
        ("b4", ATELIER, "bar", "Tarif unique", "jour"),
        ("m1", KABAR, "adhesion", "Adhésion", "jour"),
        ("t1", KABAR, "billet", "Plein tarif", "produit"),
        ("t2", KABAR, "billet", "Adhérent", "produit"),
        ("t3", KABAR, "billet", "Plein tarif", "produit"),
        ("t4", KABAR, "billet", "Plein tarif", "produit"),
        ("t5", KABAR, "billet", "Prix libre", "produit"),
    ]


def test_tickets_by_price_and_bar_by_product(soiree_books):
    found = rows(soiree_books, "SELECT event_id, family, price_name, quantity, gross, refunds, net, cashless_net "
                               "FROM marts.soiree_products ORDER BY event_id, family, price_name")
    assert found == [
        (ATELIER, "bar", "Tarif unique", D("1"), D("4"), D("0"), D("4"), D("0")),
        (KABAR, "adhesion", "Adhésion", D("1"), D("15"), D("0"), D("15"), D("0")),
        (KABAR, "bar", "Tarif unique", D("3"), D("20"), D("-8"), D("12"), D("12")),
        (KABAR, "billet", "Adhérent", D("1"), D("8"), D("0"), D("8"), D("0")),
        (KABAR, "billet", "Plein tarif", D("4"), D("60"), D("-12"), D("48"), D("0")),
        (KABAR, "billet", "Prix libre", D("1"), D("5"), D("0"), D("5"), D("0")),
    ]


def test_soiree_sales_keeps_its_columns_and_adds_the_families(soiree_books):
    found = rows(soiree_books, "SELECT event_id, soiree_day::VARCHAR, lines, gross, refunds, net, ticket_net, bar_net,"
                               " membership_net, recharge_net, takings FROM marts.soiree_sales ORDER BY event_id")
    assert found == [
        (ATELIER, "2025-03-16", 1, D("4"), D("0"), D("4"), D("0"), D("4"), D("0"), D("0"), D("4")),
        (KABAR, "2025-03-15", 9, D("108"), D("-20"), D("88"), D("61"), D("12"), D("15"), D("0"), D("73")),
    ]


def test_costs_are_the_dated_odoo_lines_of_the_soiree_unit(soiree_books):
    found = rows(soiree_books, "SELECT event_id, unit_code, label, amount, counts_as FROM marts.soiree_costs "
                               "ORDER BY amount")
    assert found == [
        (KABAR, "101", "Affiches Kabar (15/03/2025)", D("30"), "engage"),
        (KABAR, "101", "Sono Kabar Zanmari (15/03/2025)", D("150"), "reel"),
    ]


def test_soiree_results(soiree_books):
    found = rows(soiree_books, """
        SELECT event_id, unit_code, capacity, tickets, reserved_tickets, attendance, fill_rate, ticket_gross,
               ticket_refunds, ticket_net, bar_net, cashless_net, membership_count, membership_net, takings,
               costs_reel, costs_engage, costs, dispatched, result, kept, result_after_dispatch, referents
        FROM marts.soiree_results ORDER BY start_at""")
    assert found == [
        (KABAR, "101", 100, 6, 3, 6, 0.06, D("73"), D("-12"), D("61"), D("12"), D("12"), 1, D("15"), D("73"),
         D("150"), D("30"), D("180"), D("20"), D("-107"), D("53"), D("-127"), "alice@example.org"),
        (ATELIER, None, 20, 0, 0, 0, 0.0, D("0"), D("0"), D("0"), D("4"), D("0"), 0, D("0"), D("4"),
         D("0"), D("0"), D("0"), D("0"), D("4"), D("4"), D("4"), None),
    ]


def test_a_unit_from_the_dispatch_when_no_referent_gave_one(tmp_path):
    config = make_config(tmp_path)
    warehouse = Warehouse(tmp_path / "w.duckdb")
    migrate(warehouse)
    load_soiree_books(warehouse)
    with warehouse.write("test") as con:
        con.execute("DELETE FROM app.event_referents")
    build(warehouse, config.settings())
    assert rows(warehouse, "SELECT event_id, unit_code, unit_source FROM marts.soiree_units") == [
        (KABAR, "101", "dispatch")]
