"""External expenses: supplier bills (artists, bar stock, rent, energy, equipment…) and bank fees.

The year's external budget is ~70 % of its income (co-remuneration takes most of the rest), so
the books stay roughly balanced; artists' fees come out of it first. Bills are posted and paid, posted and unpaid (a few overdue), or
drafts (commitments). Some lines are split between pôles, some carry a funder (Odoo 17).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sandbox._books import Books, Distribution
from sandbox._common import money, month_end, random_day, round_to, years
from sandbox._subsidies import Funding
from sandbox._tibillet import Soiree
from sandbox._tree import children, pole_of

MONTHS = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]
# account, share of the external budget, bills a year (0: one a month), where, suppliers, labels
PLAN = [
    (
        "607000",
        0.22,
        24,
        "bar",
        ["Brasserie de Bourbon (exemple)", "Cash & Carry de l'Ouest"],
        ["Boissons pour le bar", "Approvisionnement bar et snack"],
    ),
    ("606100", 0.06, 0, "shared", ["Énergie Réunion (exemple)"], ["Électricité {mois}"]),
    (
        "606300",
        0.17,
        22,
        "any",
        ["Quincaillerie du Port", "Brico Ouest", "Jardinerie des Hauts"],
        ["Petit matériel", "Outillage", "Terreau et plants", "Matériel de sonorisation"],
    ),
    ("606400", 0.01, 4, "instances", ["Papeterie Saint-Paul"], ["Fournitures de bureau"]),
    (
        "611000",
        0.08,
        5,
        "any",
        ["Menuiserie Créole", "Kaz Électricité"],
        ["Sous-traitance menuiserie", "Travaux électriques"],
    ),
    ("613200", 0.10, 0, "commons", ["SPL Village Corail (bailleur)"], ["Loyer des conteneurs – {mois}"]),
    ("613500", 0.04, 6, "culture", ["Son et Lumière 974"], ["Location sono et éclairage"]),
    (
        "615000",
        0.06,
        8,
        "commons",
        ["Kaz Électricité", "Clim Service Ouest"],
        ["Entretien des conteneurs", "Réparation climatisation"],
    ),
    ("616000", 0.03, 1, "instances", ["Mutuelle Assurance Océan"], ["Assurance multirisque {annee}"]),
    ("622600", 0.04, 4, "instances", ["Cabinet comptable des Filaos"], ["Honoraires comptables"]),
    ("623000", 0.03, 8, "culture", ["Imprimerie Créole"], ["Affiches et flyers", "Programme du trimestre"]),
    ("625100", 0.02, 8, "any", ["Transports Payet"], ["Transport de matériel", "Déplacements"]),
    ("626000", 0.01, 0, "instances", ["Télécom Océan (exemple)"], ["Abonnement internet {mois}"]),
]
SHARES = sum(share for _, share, *_ in PLAN)
CULTURE = ("501", "502")
EXTERNAL_SHARE = (0.68, 0.74)  # of the year's income


def build_expenses(
    rng: random.Random,
    books: Books,
    units: list[dict],
    soirees: list[Soiree],
    funding: Funding,
    today: date,
    scale: float,
) -> None:
    gen = _Expenses(rng, books, units, funding, today, scale)
    for soiree in soirees:
        gen.artist_fee(soiree)
    for year in years(today):
        elapsed = min(1.0, ((today - date(year, 1, 1)).days + 1) / 365)
        income = -books.balance(("7",), year) / Decimal(str(elapsed))
        budget = float(income) * rng.uniform(*EXTERNAL_SHARE) - gen.artists.get(year, 0)
        for account, share, *rest in PLAN:
            gen.account_bills(year, budget * share / SHARES, account, *rest)
        gen.bank_fees(year)


class _Expenses:
    def __init__(
        self, rng: random.Random, books: Books, units: list[dict], funding: Funding, today: date, scale: float
    ) -> None:
        self.rng, self.books, self.units, self.funding, self.today = rng, books, units, funding, today
        self.scale = scale
        self.artists: dict[int, float] = {}
        self.targets = [u["code"] for u in units if u["level"] in ("pole", "projet")]

    def artist_fee(self, s: Soiree) -> None:
        if not s.artist or not s.past:
            return
        fee = round_to(self.rng.uniform(250, 900), 50)
        self.artists[s.day.year] = self.artists.get(s.day.year, 0) + float(fee)
        partner = self.books.partner(f"Association {s.artist}", supplier=True)
        self.bill(
            partner,
            s.day + timedelta(days=self.rng.randint(1, 10)),
            [("604000", fee, f"Cachet – {s.name} ({s.day:%d/%m/%Y})", self.books.to(s.unit))],
        )

    def account_bills(
        self, year: int, budget: float, account: str, count: int, where: str, suppliers: list[str], labels: list[str]
    ) -> None:
        rng = self.rng
        monthly = count == 0
        days = (
            [date(year, m, rng.randint(1, 10)) for m in range(1, 13)]
            if monthly
            else sorted(
                random_day(rng, date(year, 1, 5), date(year, 12, 20)) for _ in range(max(1, round(count * self.scale)))
            )
        )
        supplier = self.books.partner(rng.choice(suppliers), supplier=True)
        for day in days:
            amount = round_to(budget / len(days) * (rng.uniform(0.9, 1.1) if monthly else rng.uniform(0.5, 1.5)), 10)
            label = rng.choice(labels).format(mois=f"{MONTHS[day.month - 1]} {year}", annee=year)
            self.bill(
                supplier if monthly else self.books.partner(rng.choice(suppliers), supplier=True),
                day,
                [(account, amount, label, self.where(where, day))],
            )

    def where(self, kind: str, day: date) -> Distribution:
        rng, books = self.rng, self.books
        if kind == "shared":
            return books.split({"101": 60.0, "201": 40.0})
        code = {"bar": "201", "instances": "102", "commons": "101"}.get(kind)
        if code is None:
            pool = (
                [c for pole in CULTURE for c in [pole] + [u["code"] for u in children(self.units, pole)]]
                if kind == "culture"
                else self.targets
            )
            code = rng.choice(pool)
        if kind == "any" and rng.random() < 0.1:  # bought for two pôles at once
            other = rng.choice([t for t in self.targets if len(t) == 3 and t != pole_of(self.units, code)])
            return books.split({code: 70.0, other: 30.0})
        funder = self.funding.by_pole_year.get((pole_of(self.units, code), day.year))
        return books.to(code, funder if funder and rng.random() < 0.5 else None)

    def bill(self, partner: int, day: date, items: list) -> None:
        """Post, pay or leave open a supplier bill; recent or future ones may still be drafts."""
        rng, today = self.rng, self.today
        if day > today + timedelta(days=45):
            return
        draft = day > today or ((today - day).days < 45 and rng.random() < 0.15)
        if draft and any(len(distribution) > 1 for *_, distribution in items):
            draft = False  # ≤15 cannot split a draft line without analytic tags: keep splits posted
        if day > today and not draft:
            return
        move = self.books.invoice(
            "in_invoice",
            partner,
            day,
            items,
            due=day + timedelta(days=30),
            ref=f"F{day:%y%m}-{rng.randint(1000, 9999)}",
            state="draft" if draft else "posted",
        )
        paid = day + timedelta(days=rng.randint(5, 40))
        if not draft and paid <= today and rng.random() > 0.05:
            self.books.settle(self.books.open_lines(move), paid, f"Règlement {self.books.partner_name(partner)}")

    def bank_fees(self, year: int) -> None:
        for month in range(1, 13):
            day = month_end(date(year, month, 1))
            if day > self.today:
                return
            fee = money(self.rng.uniform(25, 45))
            self.books.bank_line(
                day, -fee, "627000", f"Frais bancaires {MONTHS[month - 1]} {year}", distribution=self.books.to("102")
            )
