"""Co-remuneration: proposals (app.remuneration_proposals) and the invoices members send.

Lifecycle: proposée → validée | refusée → facturée → payée. Once invoiced, the member's bill
sits in Odoo on 604100 (bienveillance) or 604200 (prestation interne) on the unit's analytic
account, the member being the partner (same e-mail); « payée » ⇔ that bill is paid.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from sandbox._books import Books
from sandbox._common import REUNION, IdSequence, money, random_day, scaled, years
from sandbox._people import of_kind
from sandbox._roles import Roles
from sandbox._subsidies import Funding
from sandbox._tree import by_level, pole_of

MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
MISSIONS = {
    "bienveillance": [
        "Bienveillance bar – soirées de {mois}",
        "Coordination du pôle {pole} – {mois}",
        "Bienveillance cuisine – {mois}",
        "Animation du cercle {pole}",
        "Suivi du budget {pole} – {mois}",
        "Préparation du dossier de subvention {pole}",
    ],
    "prestation_interne": [
        "Chantier : aménagement {pole}",
        "Graphisme des affiches de {mois}",
        "Réparation du matériel {pole}",
        "Captation vidéo – {mois}",
        "Atelier encadré {pole}",
    ],
}
REFUSALS = [
    "Mission déjà couverte par le budget de l'évènement.",
    "Montant à revoir : plafond du pôle dépassé.",
    "Mission non prévue au prévisionnel, à représenter en cercle.",
    "Doublon avec une proposition existante.",
]
ACCOUNTS = {"bienveillance": "604100", "prestation_interne": "604200"}


def build_proposals(
    rng: random.Random,
    books: Books,
    units: list[dict],
    people: list[dict],
    roles: Roles,
    funding: Funding,
    today: date,
    scale: float,
    ids: IdSequence,
) -> list[dict]:
    paid_members = {
        "bienveillance": [p for p in people if p["bienveillant"]] or of_kind(people, "raffineur"),
        "prestation_interne": of_kind(people, "raffineur", "volontaire"),
    }
    targets = [u for u in units if u["level"] in ("pole", "projet")]
    names = {u["code"]: u["name"] for u in by_level(units, "pole")}
    rows: list[dict] = []
    for year in years(today):
        for _ in range(scaled(rng, 62, 76, scale)):
            start = random_day(rng, date(year, 1, 5), date(year, 12, 10))
            rows.append(_proposal(rng, ids, paid_members, targets, names, units, start, today))
    for _ in range(scaled(rng, 2, 4, scale)):  # just sent: the cercle has not met yet
        rows.append(
            _proposal(rng, ids, paid_members, targets, names, units, today - timedelta(days=rng.randint(3, 12)), today)
        )
    rows = [row for row in rows if row is not None]
    by_email = {p["email"]: p for p in people}
    for row in rows:
        _advance(
            rng, row, books, by_email[row["person_email"]], pole_of(units, row["unit_code"]), roles, funding, today
        )
    return rows


def _proposal(rng, ids, paid_members, targets, names, units, start: date, today: date) -> dict | None:
    kind = rng.choices(list(ACCOUNTS), [0.78, 0.22])[0]
    person = rng.choice(paid_members[kind])
    unit = rng.choice(targets)["code"]
    end = min(start + timedelta(days=rng.randint(0, 30)), today - timedelta(days=1))
    if end < start:
        return None
    hours = Decimal(rng.randint(5, 50))
    rate = Decimal(rng.randint(20, 40))
    mission = rng.choice(MISSIONS[kind]).format(mois=MONTHS[start.month - 1], pole=names[pole_of(units, unit)])
    return {
        "proposal_id": ids(),
        "person_email": person["email"],
        "unit_code": unit,
        "kind": kind,
        "mission": mission,
        "hours": money(hours),
        "hourly_rate": money(rate),
        "amount": money(min(Decimal(1500), max(Decimal(100), hours * rate))),
        "start_date": start,
        "end_date": end,
        "status": "proposee",
        "decided_by": None,
        "decided_at": None,
        "decision_comment": None,
        "odoo_move_id": None,
        "created_by": person["email"],
    }


def _advance(
    rng, row: dict, books: Books, person: dict, pole: str, roles: Roles, funding: Funding, today: date
) -> None:
    """Move the proposal along its lifecycle as far as `today` allows."""
    decided = row["end_date"] + timedelta(days=rng.randint(3, 20))
    if decided > today or row["start_date"] > today - timedelta(days=13):
        return
    decider = roles.holder(pole, "garant_cadre", roles.holder(pole, "referent_budget_subvention", "bureau@exemple.re"))
    if decider == person["email"]:
        decider = roles.holder(pole, "referent_budget_subvention", "bureau@exemple.re")
    row["decided_by"] = decider
    row["decided_at"] = datetime.combine(decided, datetime.min.time(), REUNION) + timedelta(hours=rng.randint(8, 20))
    if rng.random() < 0.08:
        row["status"], row["decision_comment"] = "refusee", rng.choice(REFUSALS)
        return
    row["status"], row["decision_comment"] = "validee", rng.choice([None, None, "Validé en cercle de pôle."])
    invoiced = decided + timedelta(days=rng.randint(2, 30))
    if invoiced > today or rng.random() < 0.04:  # some members are slow to invoice
        return
    partner = books.partner(
        person["name"], email=person["email"], phone=person["phone"], is_company=False, supplier=True
    )
    funder = funding.by_pole_year.get((pole, invoiced.year)) if rng.random() < 0.5 else None
    bill = books.invoice(
        "in_invoice",
        partner,
        invoiced,
        [(ACCOUNTS[row["kind"]], row["amount"], row["mission"], books.to(row["unit_code"], funder))],
        due=invoiced + timedelta(days=30),
        ref=f"FA-{invoiced.year}-{rng.randint(1, 199):03d}",
    )
    row["status"], row["odoo_move_id"] = "facturee", bill.id
    paid = invoiced + timedelta(days=rng.randint(7, 40))
    if paid <= today and rng.random() > 0.04:
        books.settle(books.open_lines(bill), paid, f"Co-rémunération {person['name']}")
        row["status"] = "payee"
