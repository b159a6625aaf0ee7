import datetime as dt
import math

import pandas as pd
import pytest

from alambic import formatting as f

NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.mark.parametrize(
    "value, expected",
    [
        (1234.56, f"1{NNBSP}234,56{NBSP}€"),
        (-1234.56, f"-1{NNBSP}234,56{NBSP}€"),
        (0, f"0,00{NBSP}€"),
        (-0.0, f"0,00{NBSP}€"),
        (1234567.891, f"1{NNBSP}234{NNBSP}567,89{NBSP}€"),
        (12.5, f"12,50{NBSP}€"),
    ],
)
def test_money_is_french(value, expected):
    assert f.money(value) == expected


def test_money_without_cents():
    assert f.money(1234.56, decimals=False) == f"1{NNBSP}235{NBSP}€"


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NA, pd.NaT, math.nan])
def test_missing_values_are_blank_not_repr(missing):
    assert f.money(missing) == ""
    assert f.percent(missing) == ""
    assert f.date(missing) == ""


def test_percent():
    assert f.percent(0.125) == f"12,5{NBSP}%"
    assert f.percent(1.5) == f"150,0{NBSP}%"
    assert f.percent(0.125, decimals=0) == f"12{NBSP}%"


def test_dates_months_quarters():
    day = dt.date(2026, 11, 27)
    assert f.date(day) == "27/11/2026"
    assert f.date(pd.Timestamp("2026-11-27")) == "27/11/2026"
    assert f.date("2026-11-27") == "27/11/2026"
    assert f.month(day) == "nov. 2026"
    assert f.month(dt.date(2026, 5, 1)) == "mai 2026"
    assert f.month(dt.date(2025, 2, 1)) == "févr. 2025"
    assert f.month_long(day) == "novembre 2026"
    assert f.long_date(dt.date(2025, 3, 3)) == "3 mars 2025"
    assert f.quarter(dt.date(2025, 8, 14)) == "T3 2025"


def test_number():
    assert f.number(12345.5, 1) == f"12{NNBSP}345,5"


def test_hours_show_a_decimal_only_when_needed():
    assert f.hours(12) == "12\u00a0h"
    assert f.hours(1234.5) == "1\u202f234,5\u00a0h"
    assert f.hours(None) == ""
