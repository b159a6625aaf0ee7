"""The soirées as TiBillet (Lespass) serves them: events, products, sales lines, v1 reservations.

Shapes follow docs/sources/tibillet.md §2 and §4: sale prices are euro strings with trailing zeros
stripped ("12", "10.5"), quantities "2.000000" (negative for refunds R and credit notes N, which
are new lines), `datePublished` raw UTC with microseconds; events in the tenant's zone (+04:00).
The soirées (date, unit, net takings) are returned too, for the accounting and the app tables.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache

from sandbox._common import (
    REUNION,
    UTC,
    ZERO,
    ascii_slug,
    between,
    local_dt,
    money,
    new_uuid,
    random_day,
    scaled,
    years,
)
from sandbox._tree import by_level, children

HOST = "https://raffinerie.tibillet.re"
ADDRESS = {
    "@type": "PostalAddress",
    "name": "La Raffinerie",
    "streetAddress": "Village Corail",
    "addressLocality": "Saint-Paul",
    "addressRegion": None,
    "postalCode": "97434",
    "addressCountry": "FR",
}
ARTISTS = [
    "Zanmari Trio",
    "Les Zoizo Lontan",
    "Kréol Groove",
    "Ti Bwa Band",
    "Lakour Sound",
    "Maloya Ké Nou",
    "Séga Fonnker",
    "Vavangue Collectif",
    "Lalin Rouz",
    "Kayamb Express",
    "DJ Ti Piment",
]
TROUPES = ["Compagnie Sirandane", "Théâtre Lalin", "Compagnie Ti Kaz", "Les Zarlor"]
# name template, schema.org type, localised category label, keywords
FORMATS = [
    ("Kabar avec {artist}", "MusicEvent", "Concert", ["Concert", "Maloya"]),
    ("Concert – {artist}", "MusicEvent", "Concert", ["Concert"]),
    ("Soirée séga : {artist}", "MusicEvent", "Concert", ["Concert", "Séga"]),
    ("Scène ouverte du mois", "MusicEvent", "Concert", ["Scène ouverte"]),
    ("Ciné plein air", "Event", "Event", ["Cinéma"]),
    ("Théâtre : {troupe}", "Event", "Event", ["Théâtre"]),
    ("Vernissage de l'expo", "SocialEvent", "Réunion", ["Exposition"]),
    ("Soirée cari et DJ set", "FoodEvent", "Restauration", ["Repas", "DJ"]),
    ("Bal la poussière", "MusicEvent", "Concert", ["Bal", "Séga"]),
]
BAR = [
    ("Bière pays", 400),
    ("Bière artisanale", 500),
    ("Rhum arrangé", 300),
    ("Ti punch", 300),
    ("Jus péi", 250),
    ("Eau", 100),
    ("Samoussas (3)", 300),
    ("Bouchons (4)", 350),
    ("Café", 150),
]
BAR_CATEGORY = "V"  # not a choice of categorie_article: Django shows the raw code (uncertain, §2.2)
TICKET, FREE, MEMBERSHIP = "Ticket booking", "Free booking", "Subscription or membership"
# Three VAT rates, as on La Réunion (uncertain: which rates La Raffinerie applies is not known):
# tickets 2.10 %, bar 8.50 %, memberships not taxed.
VAT_BY_CATEGORY = {TICKET: "2.10", FREE: "2.10", BAR_CATEGORY: "8.50", MEMBERSHIP: "0.00"}
PROP_DESCRIPTIONS = {
    "sale_line_uuid": "Identifiant unique de la ligne de vente",
    "quantity": "Quantité vendue",
    "vat": "TVA appliquée en pourcentage",
    "payment_method": "Méthode de paiement",
    "status": "Statut de la ligne",
}


@dataclass
class Soiree:
    identifier: str
    name: str
    start: datetime  # local time
    unit: str
    past: bool
    ticket_cents: int = 0  # net takings (V, minus refunds R and credit notes N)
    bar_cents: int = 0
    artist: str | None = None
    paid_entry: bool = False

    @property
    def ticket_net(self) -> Decimal:
        return money(Decimal(self.ticket_cents) / 100)

    @property
    def bar_net(self) -> Decimal:
        return money(Decimal(self.bar_cents) / 100)

    @property
    def day(self) -> date:
        return self.start.date()


@dataclass
class Ticketing:
    records: dict[str, list[dict]]
    soirees: list[Soiree]
    memberships_by_month: dict[tuple[int, int], Decimal]


def build_ticketing(
    rng: random.Random, scale: float, today: date, units: list[dict], public_emails: list[str]
) -> Ticketing:
    gen = _Generator(rng, today, units, public_emails)
    for year in years(today):
        for _ in range(scaled(rng, 32, 46, scale)):
            gen.soiree(year)
        gen.memberships(year, scaled(rng, 440, 560, scale))
    for year in years(today):  # after the rest, so that the other soirées stay as they were
        gen.cancelled_soiree(year)
    gen.soirees.sort(key=lambda s: s.start)
    records = {"events": gen.events, "products": gen.products, "sales": gen.sales, "reservations": gen.reservations,
               "reservation_details": _reservation_details(gen.reservations, gen.events)}
    return Ticketing(records, gen.soirees, gen.memberships_by_month)


class _Generator:
    def __init__(self, rng: random.Random, today: date, units: list[dict], public_emails: list[str]) -> None:
        self.rng, self.today, self.emails = rng, today, public_emails
        self.events: list[dict] = []
        self.products: list[dict] = []
        self.sales: list[dict] = []
        self.reservations: list[dict] = []
        self.soirees: list[Soiree] = []
        self.memberships_by_month: dict[tuple[int, int], Decimal] = {}
        self.hosts = self._hosts(units)
        self.bar = [self._product(name, BAR_CATEGORY, [("Tarif unique", cents, False)]) for name, cents in BAR]
        self.membership = self._product(
            "Adhésion La Raffinerie",
            MEMBERSHIP,
            [("Adhésion solidaire", 500, False), ("Adhésion", 1500, False), ("Adhésion de soutien", 2000, True)],
            "Adhésion annuelle à l'association, donne accès aux soirées « sur adhésion ».",
        )

    def _hosts(self, units: list[dict]) -> list[tuple[list[str], float]]:
        """Soirées are booked mostly on the Culture pôles (and their projets) and on the Snack/Bar."""
        culture = [u for u in by_level(units, "pole") if u["parent"] == "50"]
        family = lambda code: [code] + [c["code"] for c in children(units, code)]  # noqa: E731
        return [(family(culture[0]["code"]), 0.5), (["201"], 0.25), (family(culture[1]["code"]), 0.25)]

    # -- products ------------------------------------------------------------------------------

    def _product(
        self, name: str, category: str, offers: list[tuple[str, int, bool]], description: str | None = None
    ) -> dict:
        identifier = new_uuid(self.rng)
        product = {
            "@context": "https://schema.org",
            "@type": "Product",
            "identifier": identifier,
            "sku": identifier,
            "name": name,
            "category": category,
            "offers": [],
        }
        if description:
            product["description"] = description
        for offer_name, cents, free_price in offers:
            product["offers"].append(
                {
                    "@type": "Offer",
                    "identifier": new_uuid(self.rng),
                    "name": offer_name,
                    "price": f"{Decimal(cents) / 100:.2f}",
                    "priceCurrency": "EUR",
                    "freePrice": free_price,
                }
            )
        self.products.append(product)
        return product

    # -- soirées -------------------------------------------------------------------------------

    def soiree(self, year: int) -> None:
        rng = self.rng
        day = random_day(rng, date(year, 1, 10), date(year, 12, 20))
        day += timedelta(days=(4 - day.weekday()) % 7 + rng.choice([0, 0, 1]))  # Friday or Saturday
        template, kind, label, keywords = rng.choice(FORMATS)
        artist = (
            rng.choice(ARTISTS) if "{artist}" in template else rng.choice(TROUPES) if "{troupe}" in template else None
        )
        name = template.format(artist=artist, troupe=artist)
        start = local_dt(day, rng.choice([18, 19, 19, 20]), rng.choice([0, 30]))
        end = start + timedelta(hours=rng.choice([4, 5, 6]))
        unit = rng.choice(rng.choices([h for h, _ in self.hosts], [w for _, w in self.hosts])[0])
        soiree = Soiree(new_uuid(rng), name, start, unit, past=day < self.today, artist=artist)
        capacity = rng.choice([80, 120, 150, 200, 300])
        self.events.append(self._event(soiree, kind, label, keywords, end, capacity))
        ticket = self._ticket_product(soiree, label)
        if soiree.past:
            attendance = int(capacity * rng.uniform(0.35, 0.9))
            self._ticket_sales(soiree, ticket, attendance)
            self._bar_sales(soiree, end, attendance)
        self.soirees.append(soiree)

    def _event(self, s: Soiree, kind: str, label: str, keywords: list[str], end: datetime, capacity: int) -> dict:
        slug = f"{ascii_slug(s.name, '-')}-{s.start:%y%m%d-%H%M}-{s.identifier[:8]}"
        return {
            "@context": "https://schema.org",
            "@type": kind,
            "additionalType": label,
            "identifier": s.identifier,
            "name": s.name,
            "description": f"{s.name} au café culturel de La Raffinerie. Bar et petite restauration sur place.",
            "disambiguatingDescription": s.name,
            "startDate": s.start.isoformat(),
            "endDate": end.isoformat(),
            "location": {"@type": "Place", "address": ADDRESS},
            "url": f"{HOST}/event/{slug}/",
            "maximumAttendeeCapacity": capacity,
            "image": [f"{HOST}/media/images/{s.identifier[:8]}.jpg"],
            "eventStatus": "https://schema.org/EventScheduled",
            "keywords": keywords,
            "offers": {
                "@type": "Offer",
                "eligibleQuantity": {"@type": "QuantitativeValue", "maxValue": 6},
                "returnPolicy": {"@type": "MerchantReturnPolicy", "merchantReturnDays": 7},
            },
        }

    def _ticket_product(self, s: Soiree, label: str = "") -> dict:
        mode = self.rng.choices(["free", "libre", "paid"], [0.3, 0.2, 0.5])[0]
        name = f"Billet – {s.name} ({s.day:%d/%m/%Y})"
        if label and len(self.events) % 3 == 0:  # named more shortly than its event: « Billet concert »
            name = f"Billet {label.lower()}"
        if mode == "free":
            return self._product(name, FREE, [("Entrée libre", 0, False)])
        if mode == "libre":
            return self._product(name, TICKET, [("Prix libre", 0, True)])
        s.paid_entry = True
        price = self.rng.choice([5, 6, 8, 10, 12]) * 100
        product = self._product(name, TICKET, [("Plein tarif", price, False), ("Adhérent", price - 200, False)])
        product["offers"][1]["additionalProperty"] = [
            {"@type": "PropertyValue", "name": "membershipRequiredProducts", "value": [self.membership["identifier"]]}
        ]
        return product

    def _ticket_sales(self, s: Soiree, product: dict, attendance: int) -> None:
        rng = self.rng
        free = product["category"] == FREE
        sold = 0
        while sold < attendance:
            qty = rng.choices((1, 2, 3, 4), cum_weights=(45, 80, 90, 100))[0]
            sold += qty
            offer = rng.choice(product["offers"])
            online = free or rng.random() < 0.6
            if online:
                moment = s.start - timedelta(minutes=between(rng, 30, 60 * 24 * 20))
                method = "NA" if free else "SN"
            else:
                moment = s.start + timedelta(minutes=between(rng, 0, 120))
                method = rng.choice(("CA", "CC"))
            cents = rng.choice((300, 500, 500, 800, 1000, 1500)) if offer["freePrice"] else _cents(offer["price"])
            status = "F" if free else "V"
            self._sale(product, cents, qty, status, method, moment)
            refunded = online and not free and rng.random() < 0.03
            if refunded:
                refund_at = moment + timedelta(days=between(rng, 1, 5))
                if len(self.sales) % 2 == 0:  # some refunds come after the soirée
                    refund_at = max(refund_at, s.start + timedelta(days=2))
                self._sale(product, cents, -qty, "R", method, refund_at)
            elif not free:
                s.ticket_cents += cents * qty
            if online:
                self._reservation(s, qty, "C" if refunded else "V", moment, paid=method == "SN",
                                  price=offer["identifier"])

    def _bar_sales(self, s: Soiree, end: datetime, attendance: int) -> None:
        """Bar orders through the night: one line per order, paid cashless (LE), cash or card."""
        rng = self.rng
        minutes = int((end - s.start).total_seconds() // 60)
        for _ in range(int(attendance * rng.uniform(0.6, 1.0))):
            product = rng.choice(self.bar)
            cents = _cents(product["offers"][0]["price"])
            qty = rng.choices((1, 2, 3, 4), cum_weights=(40, 75, 90, 100))[0]
            method = rng.choices(("LE", "CA", "CC"), cum_weights=(50, 80, 100))[0]
            moment = s.start + timedelta(minutes=between(rng, 0, minutes))
            self._sale(product, cents, qty, "V", method, moment)
            s.bar_cents += cents * qty
            if method == "CA" and rng.random() < 0.02:  # a cash sale cancelled by a credit note
                self._sale(product, cents, -qty, "N", "CA", moment + timedelta(minutes=10))
                s.bar_cents -= cents * qty

    def _reservation(self, s: Soiree, qty: int, status: str, moment: datetime, paid: bool,
                     price: str | None = None) -> None:
        rng = self.rng
        modified = moment.astimezone(REUNION).replace(microsecond=between(rng, 1, 999_999))
        self.reservations.append(
            {
                "uuid": new_uuid(rng),
                "datetime": modified.isoformat(),
                "user_mail": rng.choice(self.emails),
                "event": s.identifier,
                "status": status,
                "options": [],
                "tickets": [new_uuid(rng) for _ in range(qty)],
                "paiements": [new_uuid(rng)] if paid else [],
                # what the v2 detail shows (tickets by price); not part of the v1 shape
                "_tickets": {price: qty} if price else {},
            }
        )

    def cancelled_soiree(self, year: int) -> None:
        """A concert sold online then cancelled: unpublished in TiBillet (absent from the events
        list, still named by its reservations), every ticket refunded after the cancellation."""
        rng = self.rng
        day = random_day(rng, date(year, 2, 1), date(year, 11, 30))
        if day >= self.today:
            return
        artist = rng.choice(ARTISTS)
        start = local_dt(day, 20)
        soiree = Soiree(new_uuid(rng), f"Concert – {artist} (annulé)", start, "501", past=True, artist=artist)
        event = self._event(soiree, "MusicEvent", "Concert", ["Concert"], start + timedelta(hours=4), 150)
        event["eventStatus"] = "https://schema.org/EventCancelled"
        self.events.append(event)
        product = self._product(f"Billet concert {artist}", TICKET, [("Plein tarif", 1200, False)])
        for _ in range(between(rng, 6, 14)):
            qty = rng.choice((1, 2))
            moment = start - timedelta(days=between(rng, 3, 25))
            self._sale(product, 1200, qty, "V", "SN", moment)
            self._sale(product, 1200, -qty, "R", "SN", start + timedelta(days=between(rng, 1, 6)))
            self._reservation(soiree, qty, "C", moment, paid=True, price=product["offers"][0]["identifier"])

    # -- memberships ---------------------------------------------------------------------------

    def memberships(self, year: int, count: int) -> None:
        rng = self.rng
        last = min(date(year, 12, 31), self.today - timedelta(days=1))
        for _ in range(count):
            day = random_day(rng, date(year, 1, 1), date(year, 12, 31))
            if day > last:
                continue
            offer = rng.choices(self.membership["offers"], [0.3, 0.55, 0.15])[0]
            cents = rng.choice((2000, 2500, 3000, 5000)) if offer["freePrice"] else _cents(offer["price"])
            moment = local_dt(day, between(rng, 8, 22), between(rng, 0, 59))
            self._sale(self.membership, cents, 1, "V", rng.choice(["SN", "SN", "CA"]), moment)
            key = (day.year, day.month)
            self.memberships_by_month[key] = self.memberships_by_month.get(key, ZERO) + money(Decimal(cents) / 100)

    # -- sale lines ----------------------------------------------------------------------------

    def _sale(self, product: dict, cents: int, qty: int, status: str, method: str | None, moment: datetime) -> None:
        published = moment.astimezone(UTC).replace(microsecond=between(self.rng, 1, 999_999))
        props = [_prop("sale_line_uuid", new_uuid(self.rng)), _prop("quantity", f"{qty}.000000"),
                 _prop("vat", VAT_BY_CATEGORY.get(product["category"], "0.00"))]
        if method:
            props.append(_prop("payment_method", method))
        props.append(_prop("status", status))
        self.sales.append(
            {
                "@context": "https://schema.org",
                "@type": "Product",
                "name": product["name"],
                "sku": product["identifier"],
                "category": product["category"],
                "description": product.get("description"),
                "productID": product["identifier"],
                "datePublished": published.isoformat(),
                "offers": {"@type": "Offer", "price": _euros(cents), "priceCurrency": "EUR"},
                "additionalProperty": props,
            }
        )


def _reservation_details(reservations: list[dict], events: list[dict]) -> list[dict]:
    """/api/v2/reservations/<uuid>/ of each reservation, as the simulated server answers it."""
    from sandbox.servers.tibillet import reservation_v2

    names = {e["identifier"]: e["name"] for e in events}
    return [reservation_v2(r, names.get(r["event"], "")) for r in reservations]


@cache
def _cents(price: str) -> int:
    return int(Decimal(price) * 100)


@cache
def _euros(cents: int) -> str:
    """Lespass renders str(Decimal(amount) / 100): "12", "10.5", "0" — trailing zeros stripped."""
    return str(Decimal(cents) / 100)


def _prop(name: str, value: str) -> dict:
    return {"@type": "PropertyValue", "name": name, "value": value, "description": PROP_DESCRIPTIONS[name]}
