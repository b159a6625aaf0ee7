"""Fields read what a French user types and keep it when they cannot."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import param
import pytest

from models.fields import Amount, Choice, Day, Email, FieldError, WholeNumber

D = Decimal


class Sample(param.Parameterized):
    amount = Amount(bounds=(0, None), required=True, label="Montant")
    positive = Amount(bounds=(0, None), inclusive_bounds=(False, True), label="Montant")
    day = Day(label="Date")
    kind = Choice(objects={"Avance": "avance", "Solde": "solde"}, label="Type")
    email = Email(label="E-mail")
    number = WholeNumber(label="N°")


@pytest.mark.parametrize(
    "typed, stored",
    [("1 234,56", D("1234.56")), ("1234.56", D("1234.56")), ("1.234,56", D("1234.56")), ("1,234.56", D("1234.56")),
     ("1\u202f234,56\u00a0€", D("1234.56")), ("0", D("0.00")), (12, D("12.00")), (0.1, D("0.10")), (D("7.5"), D("7.50"))],
)
def test_amounts_as_typed_in_france(typed, stored):
    value = Sample.param.amount.clean(typed)
    assert value == stored and isinstance(value, Decimal) and value.as_tuple().exponent == -2


@pytest.mark.parametrize(
    "typed, message",
    [("abc", "saisissez un nombre, par exemple 1 234,56"), ("12,5O", "saisissez un nombre, par exemple 1 234,56"),
     ("-1", "un montant négatif n'est pas accepté"), ("0,005", "deux décimales au plus (les centimes), par exemple 1 234,56"),
     (True, "saisissez un nombre, par exemple 1 234,56"), ("NaN", "saisissez un nombre, par exemple 1 234,56"),
     ("", "champ obligatoire")],
)
def test_wrong_amounts(typed, message):
    with pytest.raises(FieldError, match=f"^{re.escape(message)}$"):
        Sample.param.amount.clean(typed)


def test_an_amount_that_must_be_above_zero():
    with pytest.raises(FieldError, match="supérieur à 0"):
        Sample.param.positive.clean("0,00")
    assert Sample.param.positive.clean(None) is None  # optional


def test_the_object_keeps_what_was_typed():
    sample = Sample(amount="douze", day="hier", kind="autre")
    assert (sample.amount, sample.day, sample.kind) == ("douze", "hier", "autre")


def test_days_choices_emails_numbers():
    assert Sample.param.day.clean("27/11/2026") == dt.date(2026, 11, 27)
    assert Sample.param.day.clean("2026-11-27") == dt.date(2026, 11, 27)
    assert Sample.param.day.clean(dt.datetime(2026, 11, 27, 10)) == dt.date(2026, 11, 27)
    with pytest.raises(FieldError, match="par exemple 27/11/2026"):
        Sample.param.day.clean("31/02/2026")
    assert Sample.param.kind.clean("Solde") == "solde" and Sample.param.kind.clean("avance") == "avance"
    with pytest.raises(FieldError, match="choisissez parmi : Avance, Solde"):
        Sample.param.kind.clean("acompte")
    assert Sample.param.email.clean(" Prenom@Exemple.RE ") == "prenom@exemple.re"
    assert Sample.param.number.clean("812") == 812
    with pytest.raises(FieldError, match="nombre entier"):
        Sample.param.number.clean("8.5")


@pytest.mark.parametrize("typed", ["1 500", "1\u202f500,50\u00a0€", "1500.5 €", "1.500,50", "1,500.50", "0,01",
                                   "mille euros", "0", "-5", "1,234", "12,345,67", "9" * 40])
def test_one_parser_of_french_amounts(typed):
    """The treasury simulation's amount and a form's Amount field read a typed amount alike
    (models.fields.french_number): same value, or both refused."""
    from dashboards.treasury_simulation import parse_amount

    try:
        form = Sample.param.positive.clean(typed)
    except FieldError:
        form = None
    try:
        page = parse_amount(typed)
    except ValueError:
        page = None
    assert page == form
