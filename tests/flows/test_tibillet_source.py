"""TibilletSource against the simulated Lespass server, over loopback with the real httpx client."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest

from flows.sources import SourceError
from flows.sources.tibillet import TibilletSource
from sandbox.servers import free_port, serve_in_thread
from sandbox.servers.tibillet import (
    ApiKey,
    Tenant,
    create_app,
    event,
    sale_line,
    sale_property,
)
from warehouse.load import Watermark, load_records, read_watermark
from warehouse.migrations import migrate

HOST = "raffinerie.tibillet.localhost"
SECRET = "s3cr3tS3cr3tS3cr3tS3cr3tS3cr3tAB"
KEY = f"Xk3d9Qa1.{SECRET}"
NO_SALE_KEY = "Nosale00.nosalenosalenosalenosalenosale00"
NOT_ADMIN_KEY = "Noadmin0.noadminnoadminnoadminnoadmin000"
NOW = datetime(2025, 3, 20, 12, 0, tzinfo=UTC)
PRODUCT = ("a1b2c3d4-0000-4000-8000-000000000001", "Billet Soirée Maloya")
BEER = ("a1b2c3d4-0000-4000-8000-000000000002", "Bière pression")
EVENT_ID = "3f2b8c1e-5a47-4d0b-9b7e-2c1d0e9a6f10"


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def seed() -> dict[str, list[dict]]:
    return {
        "events": [
            event(EVENT_ID, "Soirée Maloya live", utc(2025, 3, 15, 15), utc(2025, 3, 15, 21)),
            event("3f2b8c1e-0000-4000-8000-000000000002", "Atelier compost", utc(2025, 3, 22, 6)),
            event("3f2b8c1e-0000-4000-8000-000000000003", "Soirée annulée", utc(2025, 3, 1, 15), published=False),
            {"@context": "https://schema.org", "@type": "Event", "identifier": "3f2b8c1e-0000-4000-8000-00000000000b",
             "name": "Sans date"},
        ],
        "products": [
            {"@context": "https://schema.org", "@type": "Product", "identifier": PRODUCT[0], "sku": PRODUCT[0],
             "name": PRODUCT[1], "category": "Ticket booking",
             "offers": [{"@type": "Offer", "identifier": "p1", "name": "Plein tarif", "price": "12.00",
                         "priceCurrency": "EUR", "freePrice": False}]},
            {"@context": "https://schema.org", "@type": "Product", "identifier": BEER[0], "sku": BEER[0],
             "name": BEER[1], "category": "N",
             "offers": [{"@type": "Offer", "identifier": "p2", "name": "Demi", "price": "3.50",
                         "priceCurrency": "EUR", "freePrice": False}]},
        ],
        "sales": [
            # Saturday 15 March, 20:00 in Saint-Paul: two tickets
            sale_line("00000000-0000-4000-8000-000000000001", utc(2025, 3, 15, 16), amount_cents=1200, qty=2,
                      product=PRODUCT),
            # Sunday 16 March, 01:30 local: still Saturday's soirée
            sale_line("00000000-0000-4000-8000-000000000002", utc(2025, 3, 15, 21, 30), amount_cents=350, qty=3,
                      product=BEER, payment_method="CA", vat="0"),
            # Sunday 16 March, 04:30 local: Sunday
            sale_line("00000000-0000-4000-8000-000000000003", utc(2025, 3, 16, 0, 30), amount_cents=1050,
                      product=BEER, payment_method="CC"),
            # a Stripe refund of one ticket: a new R line, negative quantity, same positive price
            sale_line("00000000-0000-4000-8000-000000000004", utc(2025, 3, 17, 9), amount_cents=1200, qty=-1,
                      status="R", product=PRODUCT),
            # a credit note for one beer paid in cash
            sale_line("00000000-0000-4000-8000-000000000005", utc(2025, 3, 18, 9), amount_cents=350, qty=-1,
                      status="N", product=BEER, payment_method="CA", vat="0"),
            # broken: the price is not a decimal
            {**sale_line("00000000-0000-4000-8000-000000000006", utc(2025, 3, 18, 10), amount_cents=100),
             "offers": {"@type": "Offer", "price": "douze", "priceCurrency": "EUR"}},
        ],
        "reservations": [
            {"uuid": "r1", "datetime": "2025-03-10T12:12:44.300000+04:00", "user_mail": "alice@example.org",
             "event": EVENT_ID, "status": "V", "options": [], "tickets": ["t1", "t2"], "paiements": ["s1"]},
            {"uuid": "r2", "datetime": "2025-03-11T09:00:00+04:00", "user_mail": "bob@example.org",
             "event": EVENT_ID, "status": "C", "options": [], "tickets": [], "paiements": []},
            {"uuid": "", "datetime": "2025-03-11T09:00:00+04:00", "event": EVENT_ID, "status": "V"},
        ],
    }


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


KEYS = [ApiKey(KEY), ApiKey(NO_SALE_KEY, rights=frozenset({"event", "product"})),
        ApiKey(NOT_ADMIN_KEY, tenant_admin=False)]


@pytest.fixture(scope="module")
def server():
    tenants = {HOST: Tenant(seed(), KEYS), "incremental.tibillet.localhost": Tenant(seed(), KEYS)}
    app = create_app(tenants, clock=lambda: NOW)
    with serve_in_thread(app) as running:
        running.app = app
        yield running


@pytest.fixture(autouse=True)
def no_faults(server):
    server.app.state.faults.clear()
    yield
    server.app.state.faults.clear()


def source(server, *, key=KEY, host=HOST, **options) -> TibilletSource:
    options.setdefault("clock", lambda: NOW)
    options.setdefault("window_start", "2025-01-01T00:00:00+04:00")
    return TibilletSource(server.url, key, host=host, **options)


def line_ids(records) -> set[str]:
    return {sale_property(r, "sale_line_uuid") for r in records}


# ------------------------------------------------------------------------------------------ fetch

def test_events_products_reservations_come_whole(server):
    events = source(server).fetch("events")
    assert events.complete and events.watermark is None
    assert [e["name"] for e in events.records] == ["Soirée Maloya live", "Atelier compost"]  # published only
    assert events.records[0]["startDate"] == "2025-03-15T19:00:00+04:00"  # the tenant's zone
    assert [reason for _, reason in events.rejected] == ["date de début absente ou invalide (None)"]

    products = source(server).fetch("products")
    assert [p["offers"][0]["price"] for p in products.records] == ["12.00", "3.50"] and products.complete

    reservations = source(server).fetch("reservations")
    assert {r["uuid"] for r in reservations.records} == {"r1", "r2"} and reservations.complete
    assert reservations.rejected[0][1] == "réservation sans identifiant (uuid)"


def test_sales_bring_refunds_and_credit_notes_and_set_the_watermark(server):
    before = server.app.state.requests["/api/v2/sales/"]
    batch = source(server).fetch("sales")
    assert server.app.state.requests["/api/v2/sales/"] - before == 3  # 1 Jan → 20 Mar in 31-day slices
    assert not batch.complete
    assert batch.watermark == Watermark(NOW.isoformat())
    assert line_ids(batch.records) == {f"00000000-0000-4000-8000-00000000000{i}" for i in range(1, 6)}
    by_status = {sale_property(r, "status"): r for r in batch.records}
    assert set(by_status) == {"V", "R", "N"}
    refund = by_status["R"]
    assert sale_property(refund, "quantity") == "-1.000000" and refund["offers"]["price"] == "12"
    net = sum(Decimal(r["offers"]["price"]) * Decimal(sale_property(r, "quantity")) for r in batch.records)
    assert net == Decimal("24") + Decimal("10.5") + Decimal("10.5") - 12 - Decimal("3.5")
    assert [reason for _, reason in batch.rejected] == ["prix unitaire absent ou non décimal ('douze')"]


def test_default_status_shows_confirmed_lines_only(server):
    params = {"start": "2025-03-01T00:00:00+04:00", "end": "2025-03-31T00:00:00+04:00"}
    headers = {"Host": HOST, "Authorization": f"Api-Key {KEY}"}
    body = httpx.get(f"{server.url}/api/v2/sales/", params=params, headers=headers).json()
    assert body["@type"] == "ItemList" and body["startDate"] == "2025-03-01T00:00:00+04:00"
    assert {sale_property(r, "status") for r in body["itemListElement"]} == {"V"}
    dates = [r["datePublished"] for r in body["itemListElement"]]
    assert dates == sorted(dates, reverse=True)


def test_incremental_sales_start_from_the_watermark_minus_the_overlap(server):
    host = "incremental.tibillet.localhost"
    clock = Clock(NOW)
    first = source(server, host=host, clock=clock).fetch("sales")
    sales = server.app.state.tenants[host].data["sales"]
    # later: a refund dated the day before the last sync (it reached the server late), a new sale
    sales.append(sale_line("00000000-0000-4000-8000-0000000000a1", NOW - timedelta(days=1), amount_cents=1200,
                           qty=-2, status="R", product=PRODUCT))
    sales.append(sale_line("00000000-0000-4000-8000-0000000000a2", NOW + timedelta(days=1), amount_cents=800))
    clock.now = NOW + timedelta(days=3)
    second = source(server, host=host, clock=clock).fetch("sales", first.watermark)
    assert line_ids(second.records) == {"00000000-0000-4000-8000-0000000000a1", "00000000-0000-4000-8000-0000000000a2"}
    assert second.watermark == Watermark((NOW + timedelta(days=3)).isoformat())


# ----------------------------------------------------------------------------------------- faults

def assert_source_error(excinfo, resource: str, *fragments: str) -> None:
    message = str(excinfo.value)
    assert message.startswith(f"tibillet / {resource} : ")
    assert excinfo.value.source == "tibillet" and excinfo.value.resource == resource
    assert SECRET not in message and KEY not in message
    for fragment in fragments:
        assert fragment in message


def test_server_down():
    down = TibilletSource(f"http://127.0.0.1:{free_port()}", KEY, host=HOST, timeout=2)
    with pytest.raises(SourceError) as excinfo:
        down.fetch("events")
    assert_source_error(excinfo, "events", "serveur injoignable")


def test_http_500(server):
    server.app.state.faults.status = 500
    with pytest.raises(SourceError) as excinfo:
        source(server).fetch("sales")
    assert_source_error(excinfo, "sales", "HTTP 500")


def test_timeout(server):
    server.app.state.faults.delay = 1.0
    with pytest.raises(SourceError) as excinfo:
        source(server, timeout=0.2).fetch("products")
    assert_source_error(excinfo, "products", "délai dépassé")


def test_malformed_json(server):
    server.app.state.faults.malformed = True
    with pytest.raises(SourceError) as excinfo:
        source(server).fetch("events")
    assert_source_error(excinfo, "events", "JSON invalide")


def test_dropped_connection(server):
    server.app.state.faults.drop = True
    server.app.state.faults.routes = {"/api/reservations/"}
    with pytest.raises(SourceError) as excinfo:
        source(server).fetch("reservations")
    assert_source_error(excinfo, "reservations", "connexion interrompue")
    assert source(server).fetch("events").records  # the other routes still answer


@pytest.mark.parametrize("key, resource", [
    ("Xk3d9Qa1.wrongwrongwrongwrongwrongwrong", "events"),
    (NO_SALE_KEY, "sales"),  # a valid key without the `sale` right
    (NOT_ADMIN_KEY, "reservations"),  # v1 reservations need a tenant admin
])
def test_refused_keys(server, key, resource):
    with pytest.raises(SourceError) as excinfo:
        source(server, key=key).fetch(resource)
    assert_source_error(excinfo, resource, "accès refusé (HTTP 403)", "Authentication credentials")
    assert key not in str(excinfo.value) and key.partition(".")[2] not in str(excinfo.value)


def test_missing_authorization_header_and_unknown_host(server):
    response = httpx.get(f"{server.url}/api/v2/events/", headers={"Host": HOST})
    assert response.status_code == 403 and "Header « Authorization » manquant" in response.json()["detail"]
    with pytest.raises(SourceError) as excinfo:
        source(server, host="inconnu.tibillet.localhost").fetch("events")
    assert_source_error(excinfo, "events", "HTTP 404")


def test_sales_without_start_and_end_are_refused_in_french(server):
    headers = {"Host": HOST, "Authorization": f"Api-Key {KEY}"}
    response = httpx.get(f"{server.url}/api/v2/sales/", headers=headers)
    assert response.status_code == 400 and "obligatoires" in response.json()["detail"]
    naive = httpx.get(f"{server.url}/api/v2/sales/", headers=headers,
                      params={"start": "2025-01-01T00:00:00", "end": "2025-02-01T00:00:00"})
    assert naive.status_code == 400 and naive.json()["detail"].startswith("Dates invalides")
    with pytest.raises(SourceError) as excinfo:
        source(server)._get("sales", "/api/v2/sales/")  # the client's HTTP mapping, without a window
    assert_source_error(excinfo, "sales", "HTTP 400", "Paramètres 'start' et 'end' obligatoires")


def test_repr_hides_the_key(server):
    assert SECRET not in repr(source(server)) and "***" in repr(source(server))


# ------------------------------------------------------------------------------------- warehouse

def test_a_fetch_loads_into_the_warehouse(server, warehouse):
    migrate(warehouse)
    batch = source(server).fetch("sales")
    result = load_records(warehouse, "tibillet", "sales", batch.records, watermark=batch.watermark,
                          quarantine=batch.rejected)
    assert (result.rows_in, result.rows_new) == (5, 5)
    with warehouse.read() as con:
        rows = con.execute(
            """SELECT key, payload->'offers'->>'price', payload->>'datePublished'
               FROM raw_tibillet.sales ORDER BY key"""
        ).fetchall()
        quarantined = con.execute("SELECT record_key, reason FROM meta.quarantine").fetchall()
    assert rows[0] == ("00000000-0000-4000-8000-000000000001", "12", "2025-03-15T16:00:00.000000+00:00")
    assert quarantined == [("00000000-0000-4000-8000-000000000006", "prix unitaire absent ou non décimal ('douze')")]
    # held at the quarantined line, so that the next sync reads it again (once fixed, it loads)
    assert read_watermark(warehouse, "tibillet", "sales") == Watermark("2025-03-18T10:00:00+00:00")
    events = source(server).fetch("events")
    load_records(warehouse, "tibillet", "events", events.records, delete_missing=events.complete)
    with warehouse.read() as con:
        assert con.execute("SELECT count(*) FROM raw_tibillet.events").fetchall() == [(2,)]


def test_serves_the_sandbox_organisation(warehouse):
    from sandbox.generate import generate
    data = generate(seed=1, scale=0.2).tibillet
    with serve_in_thread(create_app({HOST: Tenant(copy.deepcopy(data), [ApiKey(KEY)])})) as running:
        client = TibilletSource(running.url, KEY, host=HOST, window_start="2015-01-01T00:00:00+04:00",
                                max_window=timedelta(days=366))
        migrate(warehouse)
        for resource in ("events", "products", "reservations", "sales"):
            batch = client.fetch(resource)
            assert not batch.rejected, batch.rejected[:3]
            assert len(batch.records) == len(data.get(resource, [])) or resource == "events"
            load_records(warehouse, "tibillet", resource, batch.records, watermark=batch.watermark)


# ------------------------------------------------------- unpublished events, reservation details

def test_an_unpublished_event_named_by_a_reservation_is_read_by_uuid():
    data = seed()
    cancelled = "3f2b8c1e-0000-4000-8000-000000000003"  # « Soirée annulée », unpublished
    data["reservations"].append({"uuid": "r3", "datetime": "2025-03-01T10:00:00+04:00", "user_mail": "c@example.org",
                                 "event": cancelled, "status": "C", "options": [], "tickets": ["t9"],
                                 "paiements": [], "_tickets": {"p1": 1}})
    with serve_in_thread(create_app({HOST: Tenant(data, KEYS)}, clock=lambda: NOW)) as running:
        events = source(running).fetch("events")
        # the published ones from the list, then the one only a reservation names, with its status
        assert [e["name"] for e in events.records] == ["Soirée Maloya live", "Atelier compost", "Soirée annulée"]
        assert events.records[-1]["eventStatus"] == "https://schema.org/EventCancelled"
        # a key without the reservation right still reads the published events
        assert [e["name"] for e in source(running, key=NO_SALE_KEY).fetch("events").records] == [
            "Soirée Maloya live", "Atelier compost"]


def test_reservation_details_give_the_tickets_by_price_and_are_read_again_only_when_changed():
    data = seed()
    data["reservations"][0]["_tickets"] = {"p1": 2}
    with serve_in_thread(create_app({HOST: Tenant(data, KEYS)}, clock=lambda: NOW)) as running:
        first = source(running).fetch("reservation_details")
        assert first.complete and not first.rejected
        details = {d["identifier"]: d for d in first.records}
        assert set(details) == {"r1", "r2"}  # the reservation without uuid is not asked
        assert details["r1"]["reservationFor"]["identifier"] == EVENT_ID
        assert details["r1"]["reservedTicket"] == [{"@type": "Ticket", "identifier": "p1", "ticketQuantity": 2}]
        assert details["r1"]["reservationStatus"] == "https://schema.org/ReservationConfirmed"
        assert first.watermark.value == "2025-03-11T09:00:00+04:00"  # the latest modification seen
        # nothing changed since: only the one modified at the watermark itself is read again
        later = source(running, overlap=timedelta(0)).fetch("reservation_details", first.watermark)
        assert [d["identifier"] for d in later.records] == ["r2"] and not later.complete
        # r1 modified: read again (with r2, modified at the watermark instant)
        data["reservations"][0]["datetime"] = "2025-03-12T08:00:00+04:00"
        again = source(running, overlap=timedelta(0)).fetch("reservation_details", first.watermark)
        assert [d["identifier"] for d in again.records] == ["r1", "r2"]
        assert again.watermark.value == "2025-03-12T08:00:00+04:00"


def test_a_first_sync_reads_every_detail_in_order_over_one_connection_pool(monkeypatch):
    """A first sync reads one detail per reservation (thousands on a real tenant): they share one
    client — a client per request built a TLS context each time, six minutes for the sandbox — and
    go a few at a time, the batch keeping the list's order; a failing detail still fails the fetch."""
    import flows.sources.http as http

    data = seed()
    data["reservations"] = [
        {"uuid": f"r{n:03d}", "datetime": f"2025-03-10T12:{n % 60:02d}:00+04:00", "user_mail": "a@example.org",
         "event": EVENT_ID, "status": "V", "options": [], "tickets": [], "paiements": []}
        for n in range(60)
    ]
    clients = []
    real = http.httpx.Client
    monkeypatch.setattr(http.httpx, "Client", lambda *a, **k: clients.append(1) or real(*a, **k))
    app = create_app({HOST: Tenant(data, KEYS)}, clock=lambda: NOW)
    with serve_in_thread(app) as running:
        listed = [r["uuid"] for r in source(running).fetch("reservations").records]
        clients.clear()
        batch = source(running).fetch("reservation_details")
        assert [d["identifier"] for d in batch.records] == listed and len(listed) == 60
        assert len(clients) == 1
        detail_route = next(route for route in app.state.requests if route.startswith("/api/v2/reservations/"))
        assert app.state.requests[detail_route] == 60  # one each, none twice
        app.state.faults.status, app.state.faults.routes = 500, {detail_route}
        with pytest.raises(SourceError) as excinfo:
            source(running).fetch("reservation_details")
        assert_source_error(excinfo, "reservation_details", "HTTP 500")
