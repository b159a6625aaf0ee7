"""Period filters written as Fava writes them, with French labels.

    2025              the calendar year
    2025-T3, 2025-Q3  a quarter (T for « trimestre », written so in the URL; Q is accepted too)
    2025-03           a month
    2025-03-15        a day
    EX2025            the fiscal year (« exercice ») that starts in 2025, on the
                      configured fiscal_year_start_month
    A..B              from the start of A to the end of B, e.g. 2025-03..2025-06
                      (`A - B` and `A à B` are read the same way)

A period is half-open: `start` is its first day, `end` the day after its last one, which is how
the SQL files read `$date_from` and `$date_to` (``month >= $date_from AND month < $date_to``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from alambic import formatting
from alambic.i18n import _

YEAR = re.compile(r"^(\d{4})$")
QUARTER = re.compile(r"^(\d{4})-[QT]([1-4])$", re.IGNORECASE)
MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
FISCAL = re.compile(r"^(?:EX|FY)\s?(\d{4})$", re.IGNORECASE)
RANGE = re.compile(r"\s*(?:\.\.|\s-\s|\sà\s)\s*")


class PeriodError(ValueError):
    """The text is not a period; the message (French) says what is accepted."""


@dataclass(frozen=True)
class Period:
    text: str  # the normalised spelling, as put in the URL
    start: dt.date  # first day
    end: dt.date  # day after the last day
    label: str  # what the user reads

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    def params(self) -> dict[str, dt.date]:
        return {"date_from": self.start, "date_to": self.end}


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _error(text: str, reason: str | None = None) -> PeriodError:
    """The French refusal quoting the typed text (cut short; pages show it escaped, never as HTML)."""
    text = "".join(c for c in text if c >= " ")
    if len(text) > 40:
        text = text[:40] + "…"
    message = _(
        "Unrecognised period: “{text}”. Write for example 2025, 2025-T3, 2025-03, "
        "2025-03..2025-06 or EX2025.",
        text=text,
    )
    if reason:
        message = f"{reason} {message}"
    return PeriodError(message)


def _single(text: str, fiscal_year_start_month: int) -> Period:
    if m := YEAR.match(text):
        year = int(m[1])
        return Period(str(year), dt.date(year, 1, 1), dt.date(year + 1, 1, 1), str(year))
    if m := QUARTER.match(text):
        year, q = int(m[1]), int(m[2])
        start = dt.date(year, 3 * q - 2, 1)
        return Period(f"{year}-T{q}", start, _add_months(start, 3), formatting.quarter(start))  # T: trimestre
    if m := MONTH.match(text):
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise _error(text, _("There is no month {month}.", month=month))
        start = dt.date(year, month, 1)
        return Period(f"{year}-{month:02d}", start, _add_months(start, 1), formatting.month_long(start))
    if m := DAY.match(text):
        try:
            day = dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            raise _error(text, _("This day does not exist.")) from None
        return Period(day.isoformat(), day, day + dt.timedelta(days=1), formatting.date(day))
    if m := FISCAL.match(text):
        year = int(m[1])
        start = dt.date(year, fiscal_year_start_month, 1)
        end = _add_months(start, 12)
        if fiscal_year_start_month == 1:
            label = _("Fiscal year {year}", year=year)
        else:
            span = f"{year}-{year + 1}"
            label = _("Fiscal year {year}", year=span)
        return Period(f"EX{year}", start, end, label)
    raise _error(text)


def parse_period(text: str, fiscal_year_start_month: int = 1) -> Period:
    """Read a period typed by a user (see the module docstring); raises PeriodError."""
    if not 1 <= fiscal_year_start_month <= 12:
        raise ValueError(f"fiscal_year_start_month out of range: {fiscal_year_start_month}")
    cleaned = (text or "").strip()
    if not cleaned:
        raise PeriodError(_("Enter a period, for example 2025, 2025-T3 or 2025-03."))
    parts = RANGE.split(cleaned)
    if len(parts) == 1:
        return _single(cleaned, fiscal_year_start_month)
    if len(parts) != 2 or not all(parts):
        raise _error(cleaned)
    first = _single(parts[0], fiscal_year_start_month)
    last = _single(parts[1], fiscal_year_start_month)
    if last.end <= first.start:
        raise _error(cleaned, _("The end of the period comes before its start."))
    return Period(
        f"{first.text}..{last.text}",
        first.start,
        last.end,
        _("{start} to {end}", start=first.label, end=last.label),
    )


def fiscal_year_of(day: dt.date, fiscal_year_start_month: int = 1) -> str:
    """The period text of the fiscal year holding `day`: ``2025`` (January start) or ``EX2024``."""
    if fiscal_year_start_month == 1:
        return str(day.year)
    year = day.year if day.month >= fiscal_year_start_month else day.year - 1
    return f"EX{year}"
