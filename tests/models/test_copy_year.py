"""Copy a year's forecasts to another: dates shifted, no duplicates, one audited transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from models import Forbidden, Forecast, Invalid, copy_year
from tests.models.helpers import ADMIN, JARDIN, audit_rows, count, rows


def seed(wh):
    for unit, start, end, amount, label in [
        ("303", "2024-02-01", "2024-02-29", "100", "Graines"),
        ("30301", "2024-01-01", "2024-03-31", "250,50", "Outils"),
        ("101", "2024-06-01", "2024-06-30", "80", ""),
        ("303", "2023-05-01", "2023-05-31", "999", "Autre année"),
    ]:
        Forecast(unit_code=unit, category_code="ventes", period_start=start, period_end=end, amount=amount,
                 label=label).save(wh, ADMIN)


def forecasts(wh, year):
    return rows(wh, "SELECT unit_code, period_start, period_end, amount, label, created_by FROM app.forecasts "
                    "WHERE year(period_start) = ? ORDER BY unit_code, period_start", [year])


def test_a_year_is_copied_with_dates_shifted_and_audited(wh):
    seed(wh)
    result = copy_year(wh, ADMIN, 2024, 2025)
    assert len(result.copied) == 3 and result.skipped == 0
    assert forecasts(wh, 2025) == [
        ("101", dt.date(2025, 6, 1), dt.date(2025, 6, 30), Decimal("80.00"), "", "admin"),
        ("303", dt.date(2025, 2, 1), dt.date(2025, 2, 28), Decimal("100.00"), "Graines", "admin"),  # end of month kept
        ("30301", dt.date(2025, 1, 1), dt.date(2025, 3, 31), Decimal("250.50"), "Outils", "admin"),
    ]
    inserts = [a for a in audit_rows(wh) if a["after"] and a["after"]["period_start"].startswith("2025")]
    assert len(inserts) == 3 and all(a["action"] == "insert" for a in inserts)
    assert result.message == "3 ligne(s) de prévisionnel copiée(s)."


def test_copying_again_creates_no_duplicate(wh):
    seed(wh)
    copy_year(wh, ADMIN, 2024, 2025)
    before = count(wh, "audit_log")
    with pytest.raises(Invalid, match="déjà tous copiés"):
        copy_year(wh, ADMIN, 2024, 2025)
    assert count(wh, "forecasts") == 7 and count(wh, "audit_log") == before
    # one line removed from 2025: only that one is copied again
    [gone] = rows(wh, "SELECT forecast_id FROM app.forecasts WHERE label = 'Outils' AND year(period_start) = 2025")
    Forecast.load(wh, gone[0]).delete(wh, ADMIN)
    result = copy_year(wh, ADMIN, 2024, 2025)
    assert (len(result.copied), result.skipped) == (1, 2)
    assert "2 déjà présente(s)" in result.message


def test_a_unit_and_the_units_below_it(wh):
    seed(wh)
    copy_year(wh, JARDIN, 2024, 2025, units=["303"])
    assert [r[0] for r in forecasts(wh, 2025)] == ["303", "30301"]


def test_a_member_copying_units_they_may_not_edit_copies_nothing(wh):
    seed(wh)
    with pytest.raises(Forbidden, match="101"):
        copy_year(wh, JARDIN, 2024, 2025)
    assert forecasts(wh, 2025) == []


def test_nothing_to_copy_or_same_year(wh):
    with pytest.raises(Invalid, match="aucun prévisionnel en 2020"):
        copy_year(wh, ADMIN, 2020, 2021)
    with pytest.raises(Invalid, match="une autre année que 2024"):
        copy_year(wh, ADMIN, 2024, 2024)
