"""Sale lines meet their soirée by day, with TiBillet's 04:00 pivot, in La Réunion's time."""

from datetime import datetime, timedelta, timezone

from sandbox.servers.tibillet import event, sale_line
from warehouse.build import build
from warehouse.load import load_records
from warehouse.migrations import migrate

REUNION = timezone(timedelta(hours=4))


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 3, day, hour, minute, tzinfo=REUNION)


def test_sales_are_attributed_to_their_soiree_across_midnight(warehouse, config):
    migrate(warehouse)
    saturday = event("e-sam", "Soirée Maloya", local(15, 19), local(16, 1))
    sunday = event("e-dim", "Atelier du dimanche", local(16, 10), local(16, 12))
    load_records(warehouse, "tibillet", "events", [saturday, sunday])
    load_records(warehouse, "tibillet", "sales", [
        sale_line("s1", local(15, 20), amount_cents=1200, qty=2),               # Saturday 20:00 → soirée: 24,00
        sale_line("s2", local(16, 1, 30), amount_cents=350, qty=3),             # Sunday 01:30 → still Saturday: 10,50
        sale_line("s3", local(16, 3, 59), amount_cents=1200, qty=-1, status="R"),  # refund at 03:59 → Saturday: -12,00
        sale_line("s4", local(16, 4, 0), amount_cents=500, qty=1),              # 04:00 → Sunday's day: 5,00 to the atelier
        sale_line("s5", local(15, 21), amount_cents=800, qty=1, status="C"),    # cancelled: not counted
    ])
    build(warehouse, config.settings())
    with warehouse.read() as con:
        rows = con.execute(
            "SELECT event_id, soiree_day::VARCHAR, lines, gross::VARCHAR, refunds::VARCHAR, net::VARCHAR "
            "FROM marts.soiree_sales ORDER BY event_id").fetchall()
    assert rows == [
        ("e-dim", "2025-03-16", 1, "5.00", "0.00", "5.00"),
        ("e-sam", "2025-03-15", 3, "34.50", "-12.00", "22.50"),
    ]
