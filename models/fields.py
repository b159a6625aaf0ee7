"""Form fields that keep what the user typed.

A `param.Number` refuses « 12,5O » the moment it is assigned, so a form bound to it would lose
the input before the user could be told what is wrong (docs/architecture.md §4.3: input kept on
error). These parameters accept any value as typed; `clean()` turns it into what the warehouse
stores (`Decimal`, `date`, `str`, `int`) or raises `FieldError` with a French message. A form's
`validate()` collects those messages; the typed value stays on the object until the user fixes it.

Each field still declares its type and rules the param way (`bounds`, `objects`, `doc`, `label`),
so a page builds the right widget from the parameter, and the rules live in one place.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

import param
from param.parameterized import Undefined

from alambic import formatting

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999999.99")  # DECIMAL(14,2)
SPACES = re.compile(r"[\s\u00a0\u202f']")
NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y")


class FieldError(ValueError):
    """One field's input cannot be stored; the message (French) says what to type instead."""


def is_empty(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def french_number(raw) -> Decimal:
    """The one parser of a number typed in French (« 1 234,56 », « 1234.56 », « 1.234,56 »,
    « 1 234,56 € ») or read from a spreadsheet cell; raises FieldError. Every form field and page
    that reads an amount goes through it (Amount, the treasury simulation's one-off movement)."""
    wrong = FieldError("saisissez un nombre, par exemple 1 234,56")
    if isinstance(raw, bool):
        raise wrong
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):  # a spreadsheet cell: its shortest repr is what was typed
        value = Decimal(repr(raw))
    else:
        text = SPACES.sub("", str(raw)).removesuffix("€").removeprefix("€")
        if "," in text and "." in text:  # the last separator is the decimal one
            thousands = "." if text.rfind(",") > text.rfind(".") else ","
            text = text.replace(thousands, "")
        text = text.replace(",", ".")
        if not NUMBER.match(text):
            raise wrong
        value = Decimal(text)
    try:
        if not value.is_finite():
            raise wrong
    except InvalidOperation:
        raise wrong from None
    return value


class Field(param.Parameter):
    """A form field: holds the raw input; `clean()` gives the stored value or raises FieldError."""

    __slots__ = ["required", "empty"]

    _slot_defaults = dict(param.Parameter._slot_defaults, default=None, allow_None=True, required=False, empty=None)

    def __init__(self, default=Undefined, *, required=Undefined, empty=Undefined, **params):
        super().__init__(default=default, **params)
        self.required = required  # an empty input is refused
        self.empty = empty  # what an empty, optional input is stored as

    def clean(self, raw):
        if is_empty(raw):
            if self.required:
                raise FieldError("champ obligatoire")
            return self.empty
        return self.convert(raw)

    def convert(self, raw):
        return raw


class Text(Field):
    """Free text, stored stripped; empty is stored as '' (the app columns are NOT NULL DEFAULT '')."""

    _slot_defaults = dict(Field._slot_defaults, empty="")

    def convert(self, raw) -> str:
        return str(raw).strip()


class Email(Field):
    """An e-mail address: the key that Odoo, TiBillet and Oceco share for a person."""

    def convert(self, raw) -> str:
        text = str(raw).strip().lower()
        if not EMAIL.match(text):
            raise FieldError("adresse e-mail invalide, par exemple prenom@exemple.re")
        return text


class Reference(Text):
    """The code of a row of a `ref.*` table (a unit, a budget category), checked by the form
    against the warehouse, where the configuration file's tree and categories live."""

    __slots__ = ["ref"]

    _slot_defaults = dict(Text._slot_defaults, empty=None, ref="units")

    def __init__(self, default=Undefined, *, ref=Undefined, **params):
        super().__init__(default=default, **params)
        self.ref = ref  # a key of REFERENCES


# ref → (table, code column, label column, how a wrong code is reported)
REFERENCES = {
    "units": ("ref.units", "unit_code", "name", "« {code} » n'est pas une unité de l'organisation"),
    "categories": ("ref.categories", "category_code", "label", "« {code} » n'est pas une catégorie budgétaire connue"),
    "roles": ("ref.roles", "role_code", "label", "« {code} » n'est pas un rôle de la configuration"),
}


class Amount(Field):
    """Euros, stored as DECIMAL(14,2). Accepts what a French user types: « 1 234,56 », « 1234.56 »,
    « 1.234,56 », « 1 234,56 € »; spreadsheet numbers too. Never a float in the result."""

    __slots__ = ["bounds", "inclusive_bounds"]

    _slot_defaults = dict(Field._slot_defaults, bounds=(None, None), inclusive_bounds=(True, True))

    def __init__(self, default=Undefined, *, bounds=Undefined, inclusive_bounds=Undefined, **params):
        super().__init__(default=default, **params)
        self.bounds = bounds
        self.inclusive_bounds = inclusive_bounds

    def convert(self, raw) -> Decimal:
        value = french_number(raw)
        if value.adjusted() > MAX_AMOUNT.adjusted():  # before quantize, which fails past 28 digits
            raise FieldError(f"saisissez au plus {formatting.money(MAX_AMOUNT)}")
        if value.as_tuple().exponent < -10:  # 0.00000000001: more than cents, and never quantized
            raise FieldError("deux décimales au plus (les centimes), par exemple 1 234,56")
        if value != value.quantize(CENT):
            raise FieldError("deux décimales au plus (les centimes), par exemple 1 234,56")
        value = value.quantize(CENT)
        low, high = self.bounds
        low_inclusive, high_inclusive = self.inclusive_bounds
        if low is not None and (value < low or (value == low and not low_inclusive)):
            if low == 0 and low_inclusive:
                raise FieldError("un montant négatif n'est pas accepté")
            if low == 0:
                raise FieldError("saisissez un montant supérieur à 0")
            raise FieldError(f"saisissez au moins {formatting.money(Decimal(low))}")
        high = MAX_AMOUNT if high is None else Decimal(high)
        if value > high or (value == high and not high_inclusive):
            raise FieldError(f"saisissez au plus {formatting.money(high)}")
        return value


class Day(Field):
    """A calendar day. Accepts a date, a datetime (spreadsheet cell), « 27/11/2026 » or « 2026-11-27 »."""

    def convert(self, raw) -> dt.date:
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        text = str(raw).strip()
        for pattern in DATE_FORMATS:
            try:
                return dt.datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        raise FieldError("saisissez une date, par exemple 27/11/2026")


class Choice(Field):
    """One of `objects` ({French label: stored value}); the label is accepted in place of the value."""

    __slots__ = ["objects"]

    _slot_defaults = dict(Field._slot_defaults, objects={})

    def __init__(self, default=Undefined, *, objects=Undefined, **params):
        super().__init__(default=default, **params)
        self.objects = objects

    def convert(self, raw) -> str:
        text = str(raw).strip()
        for label, value in self.objects.items():
            if text == value or text.lower() == label.lower():
                return value
        raise FieldError("choisissez parmi : " + ", ".join(self.objects))


class WholeNumber(Field):
    """An identifier in another tool (e.g. an Odoo payment id)."""

    def convert(self, raw) -> int:
        if isinstance(raw, bool):
            raise FieldError("saisissez un nombre entier")
        if isinstance(raw, int):
            return raw
        text = SPACES.sub("", str(raw))
        if not text.isdigit():
            raise FieldError("saisissez un nombre entier")
        return int(text)
