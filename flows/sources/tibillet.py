"""TiBillet client: events, products, sale lines and reservations from a Lespass tenant.

Lespass (docs/sources/tibillet.md) is the only TiBillet part with a machine API. One venue is one
tenant, reached by its host name (`host=` overrides the Host header, e.g. behind a tunnel); the
key is sent as `Authorization: Api-Key <prefix>.<secret>` and needs the rights event, product,
reservation and sale (the last two on a tenant-admin user).

Nothing is paginated and nothing can be asked "since": events, products and (v1) reservations
come back whole every time (`complete=True`). Sale lines are asked by time window
(`/api/v2/sales/?start=&end=`, both with an offset) with `status=ALL`, so refunds (R) and credit
notes (N) — new lines with a negative quantity, created after the sale — come too. Each fetch
starts `overlap` before the last watermark, because a refund can be dated a little before the
moment we last looked (and the list is cached 60 s on the server); loading by line uuid makes the
overlap harmless. The watermark is the window's end.

A sale line carries no event id: the SQL models attribute a ticket to the event of the
reservations that sold its price (marts.soiree_sale_lines), everything else to a soirée by its
local day, running from 04:00 to 04:00 as TiBillet counts it.

Two reads go beyond the lists:
- `events`: `/api/v2/events/` lists PUBLISHED events only. An event unpublished since (a cancelled
  concert, its tickets refunded) is still named by the reservations of v1 `/api/reservations/`;
  each one missing from the list is read by uuid (`/api/v2/events/<uuid>/`, which answers for
  unpublished events too, with eventStatus EventCancelled).
- `reservation_details`: the v1 list gives each reservation's event and ticket uuids, not the
  PRICES sold; the v2 detail (`/api/v2/reservations/<uuid>/`) gives the tickets grouped by price
  uuid. One request per reservation: only those modified since the watermark (the v1 `datetime`
  is the last modification) minus `overlap` are read again, all of them on a first sync. Those
  reads go DETAIL_READERS at a time over one kept-alive connection pool (a first sync of the
  sandbox's 4 500 reservations took 6 minutes one by one with a new client each). Lespass has no
  bulk endpoint for it that we know of (docs/sources/tibillet.md): if one appears, use it here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation

import httpx

from flows.sources import Batch, SourceError
from flows.sources.http import http_get, open_client
from warehouse.load import Watermark

SOURCE = "tibillet"
SALE_STATUSES = {"C", "R", "N", "O", "U", "F", "P", "V", "D"}
PATHS = {
    "events": "/api/v2/events/",
    "products": "/api/v2/products/",
    "sales": "/api/v2/sales/",
    "reservations": "/api/reservations/",  # v1, deprecated, but the only list of reservations
    "reservation_details": "/api/v2/reservations/",  # + <uuid>/, one per reservation
}
DETAIL_READERS = 4  # reservation details read at once: a few, to stay polite to a small Lespass server
RIGHTS = {"events": "event", "products": "product", "sales": "sale", "reservations": "reservation",
          "reservation_details": "reservation"}


def _aware(value) -> datetime:
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError(f"date sans fuseau horaire : {value}")
    return parsed


class TibilletSource:
    """Reads one Lespass tenant. Holds no connection between fetches."""

    source = SOURCE

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        host: str | None = None,
        timeout: float = 30,
        window_start: str | datetime = "2019-01-01T00:00:00+04:00",
        overlap: timedelta = timedelta(days=2),
        max_window: timedelta = timedelta(days=31),
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ):
        """window_start: where the first sales sync begins; max_window: the widest window asked in
        one request (the API has no pagination, so a first sync is cut into slices)."""
        self.base_url = base_url.rstrip("/")
        self._api_key = api_key
        self.host = host
        self.timeout = timeout
        self.window_start = _aware(window_start)
        self.overlap, self.max_window = overlap, max_window
        self.clock = clock
        self._client = None  # the connection pool of the fetch under way (None between fetches)

    def __repr__(self) -> str:
        return f"TibilletSource(base_url={self.base_url!r}, host={self.host!r}, api_key='***')"

    # ----------------------------------------------------------------------------------------

    def fetch(self, resource: str, since: Watermark | None = None) -> Batch:
        if resource not in PATHS:
            raise SourceError(SOURCE, resource, "ressource inconnue de TiBillet")
        with open_client(self.timeout) as self._client:
            try:
                return self._fetch(resource, since)
            finally:
                self._client = None

    def _fetch(self, resource: str, since: Watermark | None) -> Batch:
        if resource == "sales":
            return self._fetch_sales(since)
        if resource == "reservation_details":
            return self._fetch_reservation_details(since)
        body = self._get(resource, PATHS[resource])
        items = body if resource == "reservations" else (body.get("results") if isinstance(body, dict) else None)
        if not isinstance(items, list):
            raise SourceError(SOURCE, resource, "réponse inattendue (liste absente)")
        complete = True
        if resource == "events":
            unpublished = self._unpublished_events(items)
            # reservations unreadable: the published events only, and nothing deleted for it
            complete = unpublished is not None
            items = items + (unpublished or [])
        return self._batch(resource, items, complete=complete)

    def _reservations(self, resource: str) -> list[dict]:
        body = self._get(resource, PATHS["reservations"])
        if not isinstance(body, list):
            raise SourceError(SOURCE, resource, "réponse inattendue de /api/reservations/ (liste absente)")
        return [r for r in body if isinstance(r, dict)]

    def _unpublished_events(self, listed: list) -> list[dict] | None:
        """The events reservations name that the published list lacks, read one by one; None when
        the reservations cannot be read (a key without the reservation right, a failure)."""
        known = {e.get("identifier") for e in listed if isinstance(e, dict)}
        try:
            reservations = self._reservations("events")
        except SourceError:
            return None
        missing = sorted({str(r["event"]) for r in reservations if r.get("event")} - known)
        found = []
        for uuid in missing:
            body = self._get("events", f"{PATHS['events']}{uuid}/", missing_ok=True)
            if isinstance(body, dict):
                found.append(body)
        return found

    def _fetch_reservation_details(self, since: Watermark | None) -> Batch:
        reservations = self._reservations("reservation_details")
        bound = _aware(since.value) - self.overlap if since and since.value else None
        latest = since.value if since and since.value else None
        wanted = []
        for reservation in reservations:
            try:
                modified = _aware(reservation.get("datetime"))
            except (TypeError, ValueError):
                modified = None
            if bound is not None and modified is not None and modified < bound:
                continue
            uuid = reservation.get("uuid")
            if not uuid:
                continue
            wanted.append(uuid)
            if modified is not None and (latest is None or modified > _aware(latest)):
                latest = modified.isoformat()

        def read(uuid: str):
            return self._get("reservation_details", f"{PATHS['reservation_details']}{uuid}/", missing_ok=True)

        with ThreadPoolExecutor(max_workers=DETAIL_READERS, thread_name_prefix="tibillet-detail") as pool:
            # map keeps the list's order; the first failure is raised here, as one by one
            details = [body for body in pool.map(read, wanted) if isinstance(body, dict)]
        batch = self._batch("reservation_details", details, complete=bound is None)
        batch.watermark = Watermark(latest) if latest else since
        return batch

    def _fetch_sales(self, since: Watermark | None) -> Batch:
        end = self.clock().astimezone(UTC)
        start = _aware(since.value) - self.overlap if since and since.value else self.window_start
        lines: dict[str, dict] = {}  # by line uuid: slices share their boundary instant
        unkeyed: list[dict] = []
        for low, high in self._slices(start, end):
            body = self._get("sales", PATHS["sales"],
                             {"start": low.isoformat(), "end": high.isoformat(), "status": "ALL"})
            items = body.get("itemListElement") if isinstance(body, dict) else None
            if not isinstance(items, list):
                raise SourceError(SOURCE, "sales", "réponse inattendue (itemListElement absent)")
            for item in items:
                key = _sale_property(item, "sale_line_uuid") if isinstance(item, dict) else None
                if key:
                    lines[str(key)] = item
                else:
                    unkeyed.append(item)
        batch = self._batch("sales", [*lines.values(), *unkeyed], complete=False)
        batch.watermark = Watermark(end.isoformat())
        return batch

    def _slices(self, start: datetime, end: datetime):
        while True:
            high = min(start + self.max_window, end)
            yield start, high
            if high >= end:
                return
            start = high

    def _batch(self, resource: str, items: list, *, complete: bool) -> Batch:
        batch = Batch(complete=complete)
        check = VALIDATORS[resource]
        for item in items:
            reason = check(item) if isinstance(item, dict) else "enregistrement qui n'est pas un objet JSON"
            if reason:
                batch.rejected.append((item if isinstance(item, dict) else {"valeur": item}, reason))
            else:
                batch.records.append(item)
        return batch

    def _get(self, resource: str, path: str, params: dict | None = None, *, missing_ok: bool = False):
        headers = {
            "Authorization": f"Api-Key {self._api_key}",
            "Accept": "application/json",
            "Accept-Language": "en",  # stable labels (docs/sources/tibillet.md §1.1)
        }
        if self.host:
            headers["Host"] = self.host
        url = self.base_url + path
        response = http_get(url, timeout=self.timeout, headers=headers, params=params, client=self._client,
                            fail=lambda message: self._error(resource, message))
        if missing_ok and response.status_code == 404:
            return None  # deleted between the list and the detail
        if response.status_code != 200:
            raise self._error(resource, self._http_message(resource, response))
        try:
            return response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise self._error(resource, "réponse illisible (JSON invalide)") from None

    def _http_message(self, resource: str, response: httpx.Response) -> str:
        detail = ""
        try:
            body = response.json()
            detail = str(body.get("detail") or body.get("error") or "") if isinstance(body, dict) else ""
        except (json.JSONDecodeError, UnicodeDecodeError):
            pass
        suffix = f" : {detail[:300]}" if detail else ""
        code = response.status_code
        if code in (401, 403):
            return (f"accès refusé (HTTP {code}) : clé d'API invalide, ou sans le droit "
                    f"« {RIGHTS[resource]} »{suffix}")
        if code == 404:
            return f"introuvable (HTTP 404) : hôte « {self.host or self.base_url} » inconnu de TiBillet ?"
        if code == 400:
            return f"requête refusée (HTTP 400){suffix}"
        return f"erreur du serveur TiBillet (HTTP {code})"

    def _error(self, resource: str, message: str) -> SourceError:
        """A SourceError whose message can never carry the key, even echoed back by a server."""
        return SourceError(SOURCE, resource, message, hide=(self._api_key, self._api_key.partition(".")[2]))


# --------------------------------------------------------------------------------------------
# Validation: None when a record can be loaded, else why not (in French)


def _sale_property(item: dict, name: str):
    props = item.get("additionalProperty")
    if not isinstance(props, list):
        return None
    return next((p.get("value") for p in props if isinstance(p, dict) and p.get("name") == name), None)


def _decimal_string(value) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return Decimal(value).is_finite()
    except InvalidOperation:
        return False


def _date_with_offset(value) -> bool:
    try:
        return isinstance(value, str) and datetime.fromisoformat(value).tzinfo is not None
    except ValueError:
        return False


def check_sale(item: dict) -> str | None:
    if not _sale_property(item, "sale_line_uuid"):
        return "ligne de vente sans identifiant (sale_line_uuid)"
    price = (item.get("offers") or {}).get("price") if isinstance(item.get("offers"), dict) else None
    if not _decimal_string(price):
        return f"prix unitaire absent ou non décimal ({price!r})"
    quantity = _sale_property(item, "quantity")
    if not _decimal_string(quantity):
        return f"quantité absente ou non décimale ({quantity!r})"
    status = _sale_property(item, "status")
    if status not in SALE_STATUSES:
        return f"statut de ligne inconnu ({status!r})"
    if not _date_with_offset(item.get("datePublished")):
        return f"date de vente absente ou sans fuseau horaire ({item.get('datePublished')!r})"
    return None


def check_event(item: dict) -> str | None:
    if not item.get("identifier"):
        return "événement sans identifiant"
    if not _date_with_offset(item.get("startDate")):
        return f"date de début absente ou invalide ({item.get('startDate')!r})"
    return None


def check_product(item: dict) -> str | None:
    if not item.get("identifier"):
        return "produit sans identifiant"
    for offer in item.get("offers") or []:
        if not isinstance(offer, dict) or not _decimal_string(offer.get("price")):
            return f"tarif au prix non décimal ({offer!r:.100})"
    return None


def check_reservation(item: dict) -> str | None:
    if not item.get("uuid"):
        return "réservation sans identifiant (uuid)"
    if not item.get("event"):
        return "réservation sans événement"
    return None


def check_reservation_detail(item: dict) -> str | None:
    if not item.get("identifier"):
        return "détail de réservation sans identifiant"
    if not isinstance(item.get("reservationFor"), dict) or not item["reservationFor"].get("identifier"):
        return "détail de réservation sans événement (reservationFor)"
    tickets = item.get("reservedTicket")
    if not isinstance(tickets, list) or not all(
            isinstance(t, dict) and t.get("identifier") and isinstance(t.get("ticketQuantity"), int) for t in tickets):
        return "billets réservés illisibles (reservedTicket : tarif et quantité attendus)"
    return None


VALIDATORS = {"events": check_event, "products": check_product, "sales": check_sale,
              "reservations": check_reservation, "reservation_details": check_reservation_detail}
