"""What every hand-written book of tests/sql shares: the organisation's header of the configuration
(its name, time zone, as_of and unit tree), Odoo's many2one shape and the company record.

Each book (tiny_books, finance_books, subsidy_books, ledger_books) states only what is its own.
"""

from __future__ import annotations

from copy import deepcopy

ORGANISATION = "La Raffinerie"
TIMEZONE = "Indian/Reunion"
EUR = [1, "EUR"]
COMPANY = [1, ORGANISATION]

# R → 10 (Les communs) → 101 (Outils communs); R → 30 (Jardin) → 303 (Potager)
UNITS = [
    {"code": "R", "name": ORGANISATION, "level": "organisation"},
    {"code": "10", "name": "Les communs", "level": "groupe", "parent": "R"},
    {"code": "101", "name": "Outils communs", "level": "pole", "parent": "10"},
    {"code": "30", "name": "Jardin", "level": "groupe", "parent": "R"},
    {"code": "303", "name": "Potager", "level": "pole", "parent": "30"},
]
JARDIN_PARTAGE = {"code": "30301", "name": "Jardin partagé", "level": "projet", "parent": "303"}


def books_config(as_of: str, *, units: list[dict] | None = None, **sections) -> dict:
    """The configuration of a book: [organisation] with `as_of`, the other `sections` given
    ([alerts], [analytic] …), then the unit tree (`UNITS` unless `units`). A fresh copy each time."""
    return deepcopy({
        "organisation": {"name": ORGANISATION, "timezone": TIMEZONE, "as_of": as_of},
        **sections,
        "units": UNITS if units is None else units,
    })


def m2o(id_, name):
    """A many2one as Odoo's search_read returns it: [id, name], or False when empty."""
    return [id_, name] if id_ is not None else False


def company_records(write_date: str) -> list[dict]:
    """res_company: the one company, in euros."""
    return [{"id": 1, "name": ORGANISATION, "currency_id": list(EUR), "write_date": write_date}]
