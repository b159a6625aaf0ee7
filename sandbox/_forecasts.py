"""Prévisionnels (app.forecasts): per pôle / projet and budget category, 2024–2026.

Built from what actually happened (annualised for the current year) with each unit's forecasting
habit: most are close, some under-forecast (they overrun), some over-forecast. Periods are mostly
months, sometimes quarters or the whole year (subsidies are forecast per year).
"""

from __future__ import annotations

import random
import tomllib
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sandbox._books import Books
from sandbox._common import IdSequence, add_months, round_to, years
from sandbox._roles import Roles
from sandbox._tree import pole_of

# The example at the checkout's root; an installed wheel carries it in the `alambic` package.
EXAMPLE_CONFIG = next(p for p in (Path(__file__).resolve().parent.parent / "alambic.example.toml",
                                  Path(__file__).resolve().parent.parent / "alambic" / "alambic.example.toml")
                      if p.exists())


def categories() -> list[dict]:
    """The budget categories of the example configuration (the demo's configuration keeps them)."""
    return tomllib.loads(EXAMPLE_CONFIG.read_text(encoding="utf-8"))["categories"]


def category_of(account: str, cats: list[dict]) -> dict | None:
    """Longest matching account prefix wins, as in the configuration file."""
    matches = [(len(prefix), cat) for cat in cats for prefix in cat.get("accounts", []) if account.startswith(prefix)]
    return max(matches, key=lambda m: m[0])[1] if matches else None


def actuals(books: Books, transfers: list[dict], cats: list[dict]) -> dict[tuple[str, str, int], Decimal]:
    """Actual amounts per (unit, category, year), positive for both expenses and income."""
    codes = {a.id: a.code for a in books.analytic_accounts}
    totals: dict[tuple[str, str, int], Decimal] = {}

    def add(unit: str, category: str, year: int, amount: Decimal) -> None:
        totals[(unit, category, year)] = totals.get((unit, category, year), Decimal(0)) + amount

    for al in books.analytic_lines:
        cat = category_of(al.line.account, cats)
        if cat:
            sign = -1 if cat["direction"] == "depense" else 1
            add(codes[al.account_id], cat["code"], al.line.move.date.year, sign * al.amount)
    for t in transfers:
        add(t["from_unit"], "depenses_internes", t["transfer_date"].year, t["amount"])
        add(t["to_unit"], "recettes_internes", t["transfer_date"].year, t["amount"])
    return totals


def build_forecasts(
    rng: random.Random,
    books: Books,
    transfers: list[dict],
    units: list[dict],
    roles: Roles,
    today: date,
    ids: IdSequence,
    admin: str,
) -> list[dict]:
    real = actuals(books, transfers, categories())
    elapsed = {y: min(1.0, ((today - date(y, 1, 1)).days + 1) / 365) for y in years(today)}
    habit = {u["code"]: rng.choice([1.0, 1.0, 1.0, 0.65, 1.4]) for u in units}  # <1: overruns, >1: underspends
    rows: list[dict] = []
    pairs = sorted({(unit, cat) for unit, cat, _ in real if unit in habit and len(unit) > 2})
    for unit, cat in pairs:
        pole = pole_of(units, unit)
        granularity = (
            "year"
            if cat == "subventions"
            else rng.choices(["month", "quarter", "year"], [0.7, 0.2, 0.1] if unit == pole else [0.35, 0.4, 0.25])[0]
        )
        author = roles.holder(pole, "referent_budget_subvention", admin)
        for year in years(today):
            annual = float(real.get((unit, cat, year), 0)) / elapsed[year] * habit[unit] * rng.uniform(0.85, 1.15)
            if annual < 100:
                continue
            rows += _periods(rng, ids, unit, cat, year, annual, granularity, author)
    return rows


def _periods(
    rng, ids: IdSequence, unit: str, cat: str, year: int, annual: float, granularity: str, author: str
) -> list[dict]:
    months = {"month": 1, "quarter": 3, "year": 12}[granularity]
    rows = []
    for first in range(1, 13, months):
        start = date(year, first, 1)
        end = add_months(start, months) - timedelta(days=1)
        share = annual * months / 12 * (rng.uniform(0.7, 1.3) if months < 12 else 1)
        rows.append(
            {
                "forecast_id": ids(),
                "unit_code": unit,
                "category_code": cat,
                "period_start": start,
                "period_end": end,
                "amount": round_to(share, 10),
                "label": f"Prévisionnel {year}",
                "created_by": author,
            }
        )
    return rows
