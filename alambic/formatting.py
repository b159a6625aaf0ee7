"""French number and date formats, through Babel (docs/architecture.md §4.7).

Babel's fr_FR data gives exactly what French readers expect, and tests compare these strings
byte for byte:

- money: ``1 234,56 €`` with U+202F (narrow no-break space) between thousands and U+00A0
  (no-break space) before the euro sign; negative ``-1 234,56 €``;
- percentages: ``12,5 %`` with U+00A0 before the percent sign;
- dates ``27/11/2026``, months ``nov. 2026``, quarters ``T3 2025``.

Empty values (None, NaN) show as an empty string, never as ``nan`` or ``None``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
from babel.dates import format_date as _babel_date
from babel.numbers import format_currency, format_decimal, format_percent

LOCALE = "fr_FR"
NNBSP = "\u202f"  # thousands separator
NBSP = "\u00a0"  # before € and %
EMPTY = ""


def is_missing(value) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))  # NaN, pd.NA, NaT
    except (TypeError, ValueError):  # not a scalar
        return False


def is_true(value) -> bool:
    """A boolean of a query answer (numpy, pandas NA or Python) as Python: NA is False."""
    return not is_missing(value) and bool(value)


def money(value, decimals: bool = True) -> str:
    """``1 234,56 €`` (or ``1 235 €`` with decimals=False)."""
    if is_missing(value):
        return EMPTY
    amount = Decimal(str(value))
    if amount == 0:
        amount = abs(amount)  # never "-0,00 €"
    fmt = None if decimals else "#,##0\u00a0¤"
    return format_currency(amount, "EUR", format=fmt, locale=LOCALE, currency_digits=decimals)


def number(value, decimals: int = 0) -> str:
    """``1 234`` or ``1 234,5`` (decimals digits exactly)."""
    if is_missing(value):
        return EMPTY
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=LOCALE)


def hours(value) -> str:
    """« 1 234,5 h »: one decimal only when the hours are not whole."""
    if is_missing(value):
        return EMPTY
    whole = float(value).is_integer()
    return number(value, 0 if whole else 1) + NBSP + "h"


def percent(ratio, decimals: int = 1) -> str:
    """A ratio as a percentage: 0.125 → ``12,5 %``."""
    if is_missing(ratio):
        return EMPTY
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + "\u00a0%"
    return format_percent(ratio, format=pattern, locale=LOCALE)


def as_date(value) -> dt.date:
    """A day from a query answer (date, datetime, pandas Timestamp or ISO text) as a `date`."""
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value


def date(value) -> str:
    """``27/11/2026``."""
    if is_missing(value):
        return EMPTY
    return _babel_date(as_date(value), "dd/MM/yyyy", locale=LOCALE)


def long_date(value) -> str:
    """``3 mars 2025``."""
    if is_missing(value):
        return EMPTY
    return _babel_date(as_date(value), "d MMMM y", locale=LOCALE)


def month(value) -> str:
    """``nov. 2026`` (``mai 2026``: CLDR abbreviates only long month names)."""
    if is_missing(value):
        return EMPTY
    return _babel_date(as_date(value), "MMM y", locale=LOCALE)


def month_long(value) -> str:
    """``novembre 2026``."""
    if is_missing(value):
        return EMPTY
    return _babel_date(as_date(value), "MMMM y", locale=LOCALE)


def quarter(value) -> str:
    """``T3 2025`` for any date in July–September 2025."""
    if is_missing(value):
        return EMPTY
    return _babel_date(as_date(value), "QQQ y", locale=LOCALE)
