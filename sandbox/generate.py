"""A fictional organisation shaped like La Raffinerie, generated from a seed and a scale factor.

It yields SOURCE-SHAPED records — what Odoo (15 and 17), TiBillet and Oceco return — and what
members would have entered in Alambic (app.* rows), all consistent with each other: a soirée's
takings in TiBillet are its sales invoice in Odoo, a paid co-remuneration proposal points to a
paid bill, a received subsidy instalment to its payment. The demo and the tests use it; the
simulated servers serve it. Same seed and scale → the same organisation, byte for byte.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from datetime import date

from sandbox._books import Books
from sandbox._common import IdSequence, local_dt, stream
from sandbox._expenses import build_expenses
from sandbox._forecasts import build_forecasts
from sandbox._ledger import build_ledger_shapes
from sandbox._oceco import build_oceco
from sandbox._odoo import render
from sandbox._people import build_people, of_kind, public_emails
from sandbox._remuneration import build_proposals
from sandbox._roles import assign_roles
from sandbox._sales import book_sales
from sandbox._soiree_follow_up import build_referents, build_transfers
from sandbox._subsidies import build_subsidies
from sandbox._tibillet import build_ticketing
from sandbox._treasury import make_cash_dip, open_bank
from sandbox._tree import build_units, by_level

ODOO_VERSIONS = ("15", "17")


@dataclass
class SandboxOrganisation:
    seed: int
    scale: float
    today: date
    units: list[dict]  # the organisation tree, like the [[units]] entries of alambic.toml
    people: list[dict]  # name, email, phone, kind (raffineur, volontaire, adherent, decouvreur)…
    odoo: dict[str, dict[str, list[dict]]]  # {"15": {resource: records}, "17": {…}}: the same books
    tibillet: dict[str, list[dict]]  # events, products, sales, reservations
    oceco: dict[str, list[dict]]  # organizations, projects, events, actions, citoyens, loguseractions
    app: dict[str, list[dict]]  # table of the app schema (e.g. "forecasts" for app.forecasts) → rows


def generate(seed: int = 42, scale: float = 1.0, today: date = date(2026, 11, 27)) -> SandboxOrganisation:
    if scale <= 0:
        raise ValueError("Le facteur d'échelle doit être positif.")
    units = build_units(stream(seed, "tree"), scale)
    people = build_people(stream(seed, "people"), scale, today)
    admin = of_kind(people, "raffineur")[0]["email"]
    ids = IdSequence()  # app.* tables share one sequence
    roles = assign_roles(stream(seed, "roles"), units, people, today, ids)

    books = open_books(units, today)
    open_bank(stream(seed, "bank"), books, scale)
    ticketing = build_ticketing(
        stream(seed, "tibillet"), scale, today, units, public_emails(stream(seed, "public"), people, scale)
    )
    book_sales(stream(seed, "sales"), books, ticketing, units, today, scale)
    referents = build_referents(stream(seed, "referents"), ticketing.soirees, people, ids)
    transfers = build_transfers(stream(seed, "transfers"), ticketing.soirees, referents, today, scale, ids, admin)
    subsidies, instalments, funding = build_subsidies(
        stream(seed, "subsidies"), books, units, roles, today, scale, ids, admin
    )
    proposals = build_proposals(stream(seed, "proposals"), books, units, people, roles, funding, today, scale, ids)
    build_expenses(stream(seed, "expenses"), books, units, ticketing.soirees, funding, today, scale)
    make_cash_dip(stream(seed, "dip"), books, today, scale)
    # a second analytic plan, joined keys, 15 tag distributions, bank fees with no analytic account
    build_ledger_shapes(stream(seed, "ledger"), books, units, today, scale)
    books.close()
    forecasts = build_forecasts(stream(seed, "forecasts"), books, transfers, units, roles, today, ids, admin)

    return SandboxOrganisation(
        seed=seed,
        scale=scale,
        today=today,
        units=units,
        people=people,
        odoo={version: render(books, version) for version in ODOO_VERSIONS},
        tibillet=ticketing.records,
        oceco=build_oceco(stream(seed, "oceco"), people, units, ticketing.soirees, today, scale),
        app={
            "forecasts": forecasts,
            "internal_transfers": transfers,
            "remuneration_proposals": proposals,
            "role_assignments": roles.rows,
            "event_referents": referents,
            "subsidies": subsidies,
            "subsidy_instalments": instalments,
        },
    )


def open_books(units: list[dict], today: date) -> Books:
    """The company's analytic structure: a « Projets » plan with one sub-plan per groupe, one
    analytic account per unit (code = unit code). Odoo 15 calls the plans analytic groups."""
    books = Books(now=local_dt(today, 12))
    root = books.plan("Projets")
    plans = {g["code"]: books.plan(g["name"], root) for g in by_level(units, "groupe")}
    for unit in units:
        if unit["level"] == "organisation":
            continue
        groupe = unit["code"][:2]
        books.analytic_account(unit["code"], unit["name"], plans[groupe])
    return books


def main() -> None:
    """`python -m sandbox.generate --scale 1`: generate and print the volumes (and the time taken)."""
    parser = argparse.ArgumentParser(description="Génère l'organisation fictive du bac à sable et affiche ses volumes.")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    started = time.perf_counter()
    org = generate(args.seed, args.scale)
    print(f"généré en {time.perf_counter() - started:.2f} s")
    print(f"unités : {len(org.units)}, personnes : {len(org.people)}")
    for source, resources in (
        ("odoo 17", org.odoo["17"]),
        ("tibillet", org.tibillet),
        ("oceco", org.oceco),
        ("app", org.app),
    ):
        for name, rows in resources.items():
            print(f"  {source:9} {name:32} {len(rows):>8}")


if __name__ == "__main__":
    main()
