import datetime as dt

import pytest

from dashboards.periods import PeriodError, fiscal_year_of, parse_period

D = dt.date


@pytest.mark.parametrize(
    "text, normalised, start, end, label",
    [
        ("2025", "2025", D(2025, 1, 1), D(2026, 1, 1), "2025"),
        ("2025-Q3", "2025-T3", D(2025, 7, 1), D(2025, 10, 1), "T3 2025"),
        ("2025-t3", "2025-T3", D(2025, 7, 1), D(2025, 10, 1), "T3 2025"),
        ("2025-03", "2025-03", D(2025, 3, 1), D(2025, 4, 1), "mars 2025"),
        ("2025-12", "2025-12", D(2025, 12, 1), D(2026, 1, 1), "décembre 2025"),
        ("2025-03-15", "2025-03-15", D(2025, 3, 15), D(2025, 3, 16), "15/03/2025"),
        ("EX2025", "EX2025", D(2025, 1, 1), D(2026, 1, 1), "Exercice 2025"),
        (" ex2025 ", "EX2025", D(2025, 1, 1), D(2026, 1, 1), "Exercice 2025"),
        ("2025-03..2025-06", "2025-03..2025-06", D(2025, 3, 1), D(2025, 7, 1), "de mars 2025 à juin 2025"),
        ("2025-03 - 2025-06", "2025-03..2025-06", D(2025, 3, 1), D(2025, 7, 1), "de mars 2025 à juin 2025"),
        ("2024..2025-Q1", "2024..2025-T1", D(2024, 1, 1), D(2025, 4, 1), "de 2024 à T1 2025"),
    ],
)
def test_periods_as_fava_writes_them(text, normalised, start, end, label):
    period = parse_period(text)
    assert (period.text, period.start, period.end, period.label) == (normalised, start, end, label)


def test_fiscal_year_follows_the_configured_first_month():
    period = parse_period("EX2025", fiscal_year_start_month=9)
    assert (period.start, period.end, period.label) == (D(2025, 9, 1), D(2026, 9, 1), "Exercice 2025-2026")
    assert period.last_day == D(2026, 8, 31)


def test_fiscal_year_of():
    assert fiscal_year_of(D(2025, 11, 27)) == "2025"
    assert fiscal_year_of(D(2025, 3, 1), 9) == "EX2024"
    assert fiscal_year_of(D(2025, 9, 1), 9) == "EX2025"


@pytest.mark.parametrize("text", ["", "   ", "hier", "2025-13", "2025-Q5", "25", "2025-02-30",
                                  "2025-06..2025-03", "2025..", "2025-03..2025-04..2025-05"])
def test_bad_input_gets_a_clear_french_message(text):
    with pytest.raises(PeriodError) as info:
        parse_period(text)
    message = str(info.value)
    assert "période" in message.lower()
    assert "2025-T3" in message or "2025-03" in message


def test_error_message_quotes_the_input():
    with pytest.raises(PeriodError, match="« hier »"):
        parse_period("hier")
    with pytest.raises(PeriodError, match="La fin de la période précède son début"):
        parse_period("2025-06..2025-03")
