"""The bank: an opening balance on 2024-01-01 and one month where cash dips below zero.

The dip is what the plan de trésorerie must warn about: here an unplanned repair bill lands in
the month the balance was already at its lowest (soldes of subsidies arrive late), taking it
just below zero.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sandbox._books import Books
from sandbox._common import ZERO, add_months, money, month_start, round_to

OPENING_DAY = date(2024, 1, 1)


def open_bank(rng: random.Random, books: Books, scale: float) -> None:
    opening = round_to(rng.uniform(15_000, 40_000) * scale, 100)
    books.bank_line(OPENING_DAY, opening, "110000", "Solde d'ouverture au 01/01/2024")


def monthly_closing(books: Books, until: date) -> dict[date, Decimal]:
    """Bank balance at the end of each month (keyed by the month's first day)."""
    flows: dict[date, Decimal] = {}
    for line in books.statement_lines:
        key = month_start(line.move.date)
        flows[key] = flows.get(key, ZERO) + line.amount
    closing, balance, month = {}, ZERO, OPENING_DAY
    while month <= until:
        balance += flows.get(month, ZERO)
        closing[month] = balance
        month = add_months(month, 1)
    return closing


def make_cash_dip(rng: random.Random, books: Books, today: date, scale: float) -> date | None:
    """Ensure one past month closes below zero (after the first quarter when there is one)."""
    closing = monthly_closing(books, add_months(month_start(today), -1))
    candidates = {m: b for m, b in closing.items() if m >= date(2024, 4, 1)} or closing
    if not candidates:
        return None
    month = min(candidates, key=candidates.get)
    shortfall = candidates[month] + money(rng.uniform(500, 2500) * scale)
    if shortfall > 0:
        supplier = books.partner("Kaz Électricité", supplier=True)
        bill = books.invoice(
            "in_invoice",
            supplier,
            month + timedelta(days=3),
            [
                (
                    "615000",
                    round_to(float(shortfall), 10),
                    "Remise aux normes électriques des conteneurs",
                    books.to("101"),
                )
            ],
            due=month + timedelta(days=18),
            ref=f"F{month:%y%m}-URG",
        )
        books.settle(books.open_lines(bill), month + timedelta(days=18), "Règlement Kaz Électricité (urgence)")
    return month
