"""Own revenue in Odoo: soirée takings (707), TiBillet memberships (756) and prestations (706).

Takings reach Odoo as one customer invoice per soirée on the soirée unit's analytic account,
settled when TiBillet pays out; memberships as one invoice per month on the Instances pôle.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sandbox._books import Books
from sandbox._common import month_end, random_day, round_to, scaled, years
from sandbox._tibillet import Ticketing
from sandbox._tree import children

CLIENTS = [
    "École primaire des Filaos",
    "Collège de l'Ermitage",
    "Mairie de Saint-Paul – service jeunesse",
    "Office de tourisme de l'Ouest",
    "Coopérative Bourbon Bio",
    "Hôtel du Lagon (exemple)",
    "Comité d'entreprise Port Est",
    "Association Lakour Marmay",
    "Lycée agricole de l'Ouest",
    "Océan Indien Conseil",
]
# pôle, labels of what it sells
PRESTATIONS = [
    ("303", ["Atelier jardinage pour une classe", "Animation compost"]),
    ("401", ["Animation repair café", "Atelier low-tech"]),
    ("202", ["Traiteur pour un séminaire", "Atelier cuisine lontan"]),
    ("601", ["Location de la case – séminaire", "Séminaire d'entreprise", "Chantier participatif encadré"]),
    ("502", ["Atelier artistique", "Résidence – restitution"]),
    ("301", ["Visite pédagogique de la micro-forêt"]),
]
INSTANCES = "102"
TIBILLET = "TiBillet – Lespass (ventes en ligne et caisse)"


def book_sales(
    rng: random.Random, books: Books, ticketing: Ticketing, units: list[dict], today: date, scale: float
) -> None:
    tibillet = books.partner(TIBILLET, customer=True)
    _book_soirees(rng, books, ticketing, tibillet, today)
    _book_memberships(rng, books, ticketing, tibillet, today)
    _book_prestations(rng, books, units, today, scale)


def _book_soirees(rng: random.Random, books: Books, ticketing: Ticketing, partner: int, today: date) -> None:
    for s in ticketing.soirees:
        day = s.day + timedelta(days=1)
        if not s.past or day > today or s.ticket_net + s.bar_net <= 0:
            continue
        items = [
            (account, amount, f"{label} – {s.name}", books.to(s.unit))
            for account, amount, label in (("707100", s.ticket_net, "Billetterie"), ("707200", s.bar_net, "Bar"))
            if amount > 0
        ]
        move = books.invoice(
            "out_invoice", partner, day, items, due=day + timedelta(days=10), ref=f"Recettes soirée du {s.day:%d/%m/%Y}"
        )
        paid = day + timedelta(days=rng.randint(3, 10))
        if paid <= today:
            books.settle(books.open_lines(move), paid, f"Versement TiBillet – soirée du {s.day:%d/%m/%Y}")


def _book_memberships(rng: random.Random, books: Books, ticketing: Ticketing, partner: int, today: date) -> None:
    for (year, month), amount in sorted(ticketing.memberships_by_month.items()):
        day = month_end(date(year, month, 1))
        if day >= today:
            continue
        move = books.invoice(
            "out_invoice",
            partner,
            day,
            [("756100", amount, f"Adhésions {month:02d}/{year}", books.to(INSTANCES))],
            due=day + timedelta(days=10),
            ref=f"Adhésions TiBillet {month:02d}/{year}",
        )
        paid = day + timedelta(days=rng.randint(3, 8))
        if paid <= today:
            books.settle(books.open_lines(move), paid, f"Versement TiBillet – adhésions {month:02d}/{year}")


def _book_prestations(rng: random.Random, books: Books, units: list[dict], today: date, scale: float) -> None:
    for year in years(today):
        for _ in range(scaled(rng, 32, 40, scale)):
            day = random_day(rng, date(year, 1, 15), date(year, 12, 15))
            if day > today:
                continue
            pole, labels = rng.choice(PRESTATIONS)
            unit = rng.choice([pole] + [c["code"] for c in children(units, pole)])
            client = books.partner(rng.choice(CLIENTS), customer=True)
            amount = round_to(rng.uniform(400, 2600), 50)
            draft = (today - day).days < 30 and rng.random() < 0.25  # a quote not yet invoiced
            move = books.invoice(
                "out_invoice",
                client,
                day,
                [("706000", amount, rng.choice(labels), books.to(unit))],
                due=day + timedelta(days=30),
                ref=f"Devis {year}-{rng.randint(100, 999)}",
                state="draft" if draft else "posted",
            )
            paid = day + timedelta(days=rng.randint(15, 75))
            if not draft and paid <= today and rng.random() > 0.06:  # a few clients never pay
                books.settle(books.open_lines(move), paid, f"Règlement {books.partner_name(client)}")
