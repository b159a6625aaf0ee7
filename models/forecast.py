"""Prévisionnel: what a unit expects to spend or receive in a budget category over a period.

Odoo Community has no budget module, so Alambic keeps the forecasts (app.forecasts). A period is
a month, a quarter or any range of days; the marts spread its amount evenly over its months.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from models.base import Record, Saved, fetch_dicts
from models.errors import Invalid
from models.fields import Amount, Day, Reference, Text


class Forecast(Record):
    """One line of prévisionnel: unit × category × period → amount (≥ 0: the category says
    whether it is a dépense or a recette)."""

    table = "forecasts"
    key = "forecast_id"
    noun = "ce prévisionnel"
    subject = "les prévisionnels"

    unit_code = Reference(ref="units", required=True, label="Unité", doc="Projet, pôle ou groupe concerné.")
    category_code = Reference(ref="categories", required=True, label="Catégorie", doc="Catégorie budgétaire.")
    period_start = Day(required=True, label="Début", doc="Premier jour de la période.")
    period_end = Day(required=True, label="Fin", doc="Dernier jour de la période (inclus).")
    amount = Amount(bounds=(0, None), required=True, label="Montant", doc="En euros, par exemple 1 234,56.")
    label = Text(label="Libellé", doc="Précision libre, par exemple « Location de matériel ».")

    def rules(self, values: dict) -> dict[str, str]:
        return self.not_before(values, later="period_end", earlier="period_start")



def line_key(values: dict) -> tuple:
    """What makes two forecast lines the same line (copy and import refuse duplicates of it)."""
    return tuple(values[k] for k in ("unit_code", "category_code", "period_start", "period_end", "label"))


def shift_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later; a month's last day stays its last day (28/02 ↔ 29/02)."""
    year = day.year + years
    last = calendar.monthrange(year, day.month)[1]
    if day.day == calendar.monthrange(day.year, day.month)[1]:
        return dt.date(year, day.month, last)
    return dt.date(year, day.month, min(day.day, last))


@dataclass(frozen=True)
class CopyResult:
    copied: tuple[Saved, ...]
    skipped: int  # lines already present in the target year

    @property
    def message(self) -> str:
        text = f"{len(self.copied)} ligne(s) de prévisionnel copiée(s)"
        if self.skipped:
            text += f" ; {self.skipped} déjà présente(s) dans l'année cible, non dupliquée(s)"
        return text + "."


@dataclass(frozen=True)
class CopyPlan:
    """What copying a year would write, before anything is written (the preview of the page)."""

    lines: tuple[Forecast, ...]  # the new lines, dates shifted
    skipped: int  # lines already present in the target year

    @property
    def total(self) -> Decimal:
        return sum((line.check(None)[0]["amount"] for line in self.lines), Decimal("0"))


def _plan_copy(con, from_year: int, to_year: int, units: list[str] | None) -> CopyPlan:
    """The lines to copy (checked for being wanted, not yet for rights), in one connection."""
    if from_year == to_year:
        raise Invalid({"to_year": f"Année cible : choisissez une autre année que {from_year}"})
    if not (dt.MINYEAR <= to_year <= dt.MAXYEAR and dt.MINYEAR <= from_year <= dt.MAXYEAR):
        raise Invalid({"to_year": f"Année cible : {to_year} n'est pas une année que le calendrier accepte"})
    years = to_year - from_year
    scope, params = "", [from_year]
    if units is not None:
        scope = """AND unit_code IN (
            WITH RECURSIVE below(unit_code) AS (
                SELECT unit_code FROM ref.units WHERE list_contains(?, unit_code)
                UNION SELECT u.unit_code FROM ref.units AS u JOIN below ON u.parent_code = below.unit_code)
            SELECT unit_code FROM below)"""
        params.append(list(units))
    source = fetch_dicts(
        con,
        f"SELECT * FROM app.forecasts WHERE year(period_start) = ? {scope} "
        "ORDER BY unit_code, category_code, period_start, forecast_id",
        params,
    )
    if not source:
        raise Invalid({"from_year": f"Année source : aucun prévisionnel en {from_year} à copier"})
    present = {
        line_key(row) for row in fetch_dicts(con, "SELECT * FROM app.forecasts WHERE year(period_start) = ?", [to_year])
    }
    lines, skipped = [], 0
    for row in source:
        try:
            start, end = shift_years(row["period_start"], years), shift_years(row["period_end"], years)
        except (ValueError, OverflowError):
            raise Invalid({"to_year": f"Année cible : la ligne du {row['period_start']:%d/%m/%Y} "
                                      f"tomberait après l'an {dt.MAXYEAR}, que le calendrier n'accepte pas"}) from None
        line = Forecast(
            unit_code=row["unit_code"],
            category_code=row["category_code"],
            period_start=start,
            period_end=end,
            amount=row["amount"],
            label=row["label"],
        )
        key = line_key(line.check(None)[0])
        if key in present:
            skipped += 1
            continue
        present.add(key)
        lines.append(line)
    if not lines:
        raise Invalid(
            {"to_year": f"Année cible : les prévisionnels {from_year} y sont déjà tous copiés ({skipped} lignes) ; rien n'a été écrit"}
        )
    return CopyPlan(tuple(lines), skipped)


def preview_copy(warehouse, from_year: int, to_year: int, units: list[str] | None = None) -> CopyPlan:
    """What `copy_year` would write, writing nothing (Invalid when there is nothing to copy)."""
    with warehouse.read(f"aperçu de la copie des prévisionnels {from_year} vers {to_year}") as con:
        return _plan_copy(con, from_year, to_year, units)


def forecast_years(warehouse) -> list[int]:
    """The years in which some forecast starts, most recent first (the copy's possible sources)."""
    with warehouse.read("années de prévisionnel") as con:
        rows = con.execute("SELECT DISTINCT year(period_start) FROM app.forecasts ORDER BY 1 DESC").fetchall()
    return [int(r[0]) for r in rows]


def copy_year(warehouse, who, from_year: int, to_year: int, units: list[str] | None = None) -> CopyResult:
    """Copy the forecasts starting in `from_year` to `to_year`, dates shifted, in one transaction.

    `units`: only these units and the units below them (None: every unit). A line already present
    in the target year (same unit, category, period and label) is not duplicated; when every line
    is, nothing is written and Invalid says so. Each new line is checked and audited like a form
    save, so a member copying a unit they may not edit gets Forbidden and nothing is copied.
    """
    with warehouse.write(f"copie des prévisionnels {from_year} vers {to_year}") as con:
        plan = _plan_copy(con, from_year, to_year, units)
        copied = [line.save_in(con, who) for line in plan.lines]
    return CopyResult(tuple(copied), plan.skipped)
