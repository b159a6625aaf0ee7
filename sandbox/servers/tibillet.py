"""A simulated TiBillet Lespass server: the reporting part of its API, tenant by tenant.

It answers as Lespass does (docs/sources/tibillet.md §1–2, §6): the tenant is chosen by the `Host`
header, `Authorization: Api-Key <prefix>.<secret>` is checked against the tenant's keys and their
per-resource rights, lists come whole (no pagination), sale lines are schema.org `Product`s in an
`ItemList`, v1 answers carry the deprecation headers. Records are served exactly as given: the
sandbox generator already shapes them as the API returns them; `sale_line()` builds one by hand
(cents → euro string as the real serializer does) for tests.

Faults and request counters come from `sandbox/servers/faults.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.servers.faults import Clock, faulty_app, utc_now

# --------------------------------------------------------------------------------------------
# Tenants and keys

RIGHTS = frozenset({"event", "product", "reservation", "ticket", "membership", "sale"})
MISSING_HEADER = (
    "Header « Authorization » manquant ou mal formé. Format attendu : « Authorization: Api-Key <clé> »."
)
NOT_AUTHENTICATED = "Authentication credentials were not provided."
V1_HEADERS = {
    "Deprecation": "true",
    "Link": '</api/v2/>; rel="successor-version"',
    "Warning": '299 - "TiBillet API v1 is deprecated, migrate to /api/v2/"',
}


@dataclass(frozen=True)
class ApiKey:
    """One `rest_framework_api_key` key of a tenant, with its ExternalApiKey rights."""

    key: str  # "<prefix>.<secret>"
    rights: frozenset[str] = RIGHTS
    tenant_admin: bool = True  # the key's user: needed for sales and v1 reservations
    ip: str | None = None  # optional source-IP lock


@dataclass
class Tenant:
    """One venue: its records (resource → list, as the API returns them) and its API keys."""

    data: dict[str, list[dict]]
    keys: list[ApiKey] = field(default_factory=list)
    tz: str = "Indian/Reunion"  # Configuration.fuseau_horaire (uncertain for La Raffinerie)

    def key(self, presented: str) -> ApiKey | None:
        return next((k for k in self.keys if k.key == presented), None)


def _tenant(request: Request) -> Tenant | None:
    host = request.headers.get("host", "").rsplit(":", 1)[0].lower()
    return request.app.state.tenants.get(host)


def _authorize(request: Request, right: str, *, admin: bool = False) -> JSONResponse | None:
    """None when the key may read; else the 403 the real permission classes give.

    The real sales / v1 reservations views probably answer 500 for a bad key (docs/sources/tibillet.md §1.1,
    uncertain); this fake answers the documented 403 everywhere.
    """
    parts = request.headers.get("authorization", "").split()
    if len(parts) < 2 or parts[0] != "Api-Key":
        return JSONResponse({"detail": MISSING_HEADER}, 403)
    key = request.state.tenant.key(parts[1])
    if (
        key is None
        or right not in key.rights
        or (admin and not key.tenant_admin)
        or (key.ip and request.client and request.client.host != key.ip)
    ):
        return JSONResponse({"detail": NOT_AUTHENTICATED}, 403)
    return None


def endpoint(right: str, *, admin: bool = False):
    """Route a request to its tenant (404 if unknown) and check its key before `handler`."""

    def wrap(handler):
        async def guarded(request: Request) -> Response:
            tenant = _tenant(request)
            if tenant is None:
                return Response("<h1>Not Found</h1>", 404, media_type="text/html")
            request.state.tenant = tenant
            return _authorize(request, right, admin=admin) or handler(request, tenant)

        return guarded

    return wrap


# --------------------------------------------------------------------------------------------
# Routes


def _aware(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


@endpoint("event")
def events(request: Request, tenant: Tenant) -> Response:
    """Published events, by start; `only_futur` / `next_days` as Lespass filters them."""
    items = [e for e in tenant.data.get("events", []) if not e.get("eventStatus", "").endswith("EventCancelled")]
    now = request.app.state.clock()
    next_days = request.query_params.get("next_days")
    if next_days is not None:
        if not next_days.isdigit() or not 1 <= int(next_days) <= 366:
            return JSONResponse({"error": "next_days doit être un entier entre 1 et 366."}, 400)
        low, high = now - timedelta(days=1), now + timedelta(days=int(next_days))
        items = [e for e in items if _still_running(e, low) and _aware(e.get("startDate")) < high]
    elif "only_futur" in request.query_params:
        items = [e for e in items if _still_running(e, now - timedelta(days=1))]
    items.sort(key=lambda e: _aware(e.get("startDate")) or datetime.min.replace(tzinfo=UTC))
    return JSONResponse({"results": items})


def _still_running(event: dict, bound: datetime) -> bool:
    start, end = _aware(event.get("startDate")), _aware(event.get("endDate"))
    return bool((start and start >= bound) or (end and end >= bound))


@endpoint("product")
def products(request: Request, tenant: Tenant) -> Response:
    return JSONResponse({"results": tenant.data.get("products", [])})


SALE_STATUSES = {
    "ALL": None, "CANCELED": "C", "CANCELLED": "C", "C": "C", "REFUNDED": "R", "R": "R",
    "CREATED": "O", "O": "O", "UNPAID": "U", "U": "U", "FREERES": "F", "F": "F",
    "PAID": "P", "P": "P", "VALID": "V", "V": "V", "FAILED": "D", "D": "D",
}  # N (credit note) only comes with ALL


@endpoint("sale", admin=True)
def sales(request: Request, tenant: Tenant) -> Response:
    """Sale lines with datePublished in [start, end] (inclusive, as the real view filters)."""
    raw_start, raw_end = request.query_params.get("start"), request.query_params.get("end")
    if not raw_start or not raw_end:
        return JSONResponse({
            "detail": "Paramètres 'start' et 'end' obligatoires (ISO 8601, avec fuseau horaire).",
            "exemple": "?start=2025-01-01T00:00:00+01:00&end=2025-01-31T23:59:59+01:00",
        }, 400)
    start, end = _aware(raw_start), _aware(raw_end)
    if start is None or end is None:
        return JSONResponse({
            "detail": "Dates invalides. Utilisez un format ISO 8601 avec fuseau horaire (TZ aware).",
            "exemple": "2025-01-01T00:00:00+01:00",
        }, 400)
    if end < start:
        return JSONResponse({"detail": "La date de fin doit être postérieure à la date de début."}, 400)
    wanted = request.query_params.get("status", "V").upper()
    if wanted not in SALE_STATUSES:
        return JSONResponse({"detail": f"Statut inconnu : {wanted}"}, 400)
    status = SALE_STATUSES[wanted]
    lines = [
        line for line in tenant.data.get("sales", [])
        if start <= datetime.fromisoformat(line["datePublished"]) <= end
        and (status is None or sale_property(line, "status") == status)
    ]
    lines.sort(key=lambda line: datetime.fromisoformat(line["datePublished"]), reverse=True)
    return JSONResponse({
        "@context": "https://schema.org", "@type": "ItemList", "itemListElement": lines,
        "startDate": start.isoformat(), "endDate": end.isoformat(),
    })


@endpoint("reservation", admin=True)
def reservations_v1(request: Request, tenant: Tenant) -> Response:
    """Deprecated v1 list: a bare array of every reservation, newest first. The private key
    `_tickets` (price uuid → quantity, what the v2 detail shows) is not part of the v1 shape."""
    items = sorted(tenant.data.get("reservations", []), key=lambda r: r.get("datetime", ""), reverse=True)
    return JSONResponse([{k: v for k, v in r.items() if not k.startswith("_")} for r in items], headers=V1_HEADERS)


@endpoint("event")
def event_detail(request: Request, tenant: Tenant) -> Response:
    """One event by uuid, published or not (an unpublished one says EventCancelled)."""
    wanted = request.path_params["ident"]
    found = next((e for e in tenant.data.get("events", []) if e.get("identifier") == wanted), None)
    if found is None:
        return JSONResponse({"detail": "Pas trouvé."}, 404)
    return JSONResponse(found)


@endpoint("reservation")
def reservation_detail(request: Request, tenant: Tenant) -> Response:
    """v2 retrieve (schema.org Reservation): the event, and the tickets grouped by PRICE uuid."""
    wanted = request.path_params["uuid"]
    found = next((r for r in tenant.data.get("reservations", []) if r.get("uuid") == wanted), None)
    if found is None:
        return JSONResponse({"detail": "Pas trouvé."}, 404)
    named = next((e for e in tenant.data.get("events", []) if e.get("identifier") == found.get("event")), {})
    return JSONResponse(reservation_v2(found, named.get("name", "")))


def reservation_v2(reservation: dict, event_name: str) -> dict:
    """ReservationSchemaSerializer: status V → Confirmed, anything else → Pending (lossy)."""
    return {
        "@context": "https://schema.org", "@type": "Reservation", "identifier": reservation["uuid"],
        "reservationFor": {"@type": "Event", "identifier": reservation.get("event"), "name": event_name},
        "underName": {"@type": "Person", "email": reservation.get("user_mail")},
        "reservationStatus": "https://schema.org/Reservation" + (
            "Confirmed" if reservation.get("status") == "V" else "Pending"),
        "reservedTicket": [{"@type": "Ticket", "identifier": price, "ticketQuantity": quantity}
                           for price, quantity in (reservation.get("_tickets") or {}).items()],
    }


def create_app(tenants: dict[str, Tenant], *, clock: Clock = utc_now) -> Starlette:
    """A Lespass server for `tenants` (host name → Tenant)."""
    routes = [
        Route("/api/v2/events/", events),
        Route("/api/v2/products/", products),
        Route("/api/v2/sales/", sales),
        Route("/api/reservations/", reservations_v1),
        Route("/api/v2/events/{ident}/", event_detail),
        Route("/api/v2/reservations/{uuid}/", reservation_detail),
    ]
    return faulty_app(routes, tenants={h.lower(): t for h, t in tenants.items()}, clock=clock)


# --------------------------------------------------------------------------------------------
# Hand-made records, shaped as the real serializers shape them

SALE_PROPERTY_DESCRIPTIONS = {
    "sale_line_uuid": "Identifiant unique de la ligne de vente",
    "quantity": "Quantité vendue",
    "vat": "TVA appliquée en pourcentage",
    "payment_method": "Méthode de paiement",
    "status": "Statut de la ligne",
}


def sale_property(line: dict, name: str):
    return next((p.get("value") for p in line.get("additionalProperty", []) if p.get("name") == name), None)


def euros(cents: int) -> str:
    """Lespass renders a unit price as Decimal(cents)/100, trailing zeros stripped: 1050 → "10.5"."""
    return str(Decimal(cents) / 100)


def sale_line(
    uuid: str,
    when: datetime,
    *,
    amount_cents: int,
    qty: Decimal | int | str = 1,
    status: str = "V",
    product: tuple[str, str] | None = ("a1b2c3d4-0000-4000-8000-000000000001", "Billet Soirée"),
    category: str = "Ticket booking",
    vat: str = "8.50",
    payment_method: str | None = "SN",
) -> dict:
    """One /api/v2/sales/ item; a refund or credit note is a new line with a negative `qty`."""
    values = {
        "sale_line_uuid": uuid,
        "quantity": f"{Decimal(qty):.6f}",
        "vat": f"{Decimal(vat):.2f}",
        "payment_method": payment_method,
        "status": status,
    }
    product_id, name = product or (None, "Product")
    return {
        "@context": "https://schema.org", "@type": "Product", "name": name, "sku": product_id,
        "category": category, "description": None, "productID": product_id,
        "datePublished": when.astimezone(UTC).isoformat(timespec="microseconds"),
        "offers": {"@type": "Offer", "price": euros(amount_cents), "priceCurrency": "EUR"},
        "additionalProperty": [
            {"@type": "PropertyValue", "name": name_, "value": value, "description": SALE_PROPERTY_DESCRIPTIONS[name_]}
            for name_, value in values.items()
            if value is not None or name_ != "payment_method"
        ],
    }


def event(uuid: str, name: str, start: datetime, end: datetime | None = None, *, tz: str = "Indian/Reunion",
          published: bool = True) -> dict:
    """One /api/v2/events/ item, dates in the tenant's zone, empty keys pruned as Lespass does."""
    zone = ZoneInfo(tz)
    item = {
        "@context": "https://schema.org", "@type": "MusicEvent", "additionalType": "Concert",
        "identifier": uuid, "name": name, "startDate": start.astimezone(zone).isoformat(),
        "endDate": end.astimezone(zone).isoformat() if end else None,
        "maximumAttendeeCapacity": 50,
        "eventStatus": "https://schema.org/" + ("EventScheduled" if published else "EventCancelled"),
        "offers": {"@type": "Offer", "returnPolicy": {"@type": "MerchantReturnPolicy", "merchantReturnDays": 7}},
    }
    return {k: v for k, v in item.items() if v not in (None, "", [])}
