"""Subsidies: the follow-up users keep in Alambic (app.subsidies, app.subsidy_instalments) and
what Odoo holds of them.

Each granted subsidy is booked at notification as a misc entry: one 441000 receivable line per
instalment (date_maturity = expected date) against a 74xxxx credit on the funded unit's analytic
account — in Odoo 17 joined with the funder's account of the « Financeurs » plan. Each instalment
received is a payment settling its 441000 line. Subsidies come to ~45 % of the year's income.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sandbox._books import Books
from sandbox._common import IdSequence, add_months, ascii_slug, money, random_day, round_to, scaled, years
from sandbox._roles import Roles
from sandbox._tree import children

# funder, account, schemes, pôles it funds, nature
FUNDERS = [
    (
        "Conseil départemental de La Réunion",
        "741300",
        ["Soutien aux tiers-lieux", "Aide au fonctionnement associatif"],
        ["102", "101", "303"],
        "fonctionnement",
    ),
    ("Région Réunion", "741200", ["Économie circulaire", "Aide aux lieux culturels"], ["401", "501"], "fonctionnement"),
    ("Région Réunion", "741200", ["Investissement – équipement des tiers-lieux"], ["101", "302"], "investissement"),
    (
        "Territoire de l'Ouest (TO)",
        "741400",
        ["AAP Tiers-lieux", "AAP Transition écologique"],
        ["101", "303", "401"],
        "fonctionnement",
    ),
    (
        "Office français de la biodiversité (OFB)",
        "741100",
        ["Atlas de la biodiversité communale"],
        ["301"],
        "fonctionnement",
    ),
    (
        "DRAC La Réunion",
        "741100",
        ["Aide aux lieux de diffusion", "Résidences d'artistes"],
        ["501", "502"],
        "fonctionnement",
    ),
    ("ADEME La Réunion", "741100", ["Appel à projets réemploi"], ["401"], "fonctionnement"),
    ("ADEME La Réunion", "741100", ["Fonds chaleur et équipement"], ["302", "304"], "investissement"),
    ("ANCT – Fabriques de territoires", "740000", ["Fabriques de territoires"], ["102"], "fonctionnement"),
    ("Mairie de Saint-Paul", "740000", ["Subvention de fonctionnement"], ["102", "202"], "fonctionnement"),
]
SCHEDULES = [
    (("avance", 50), ("solde", 50)),
    (("acompte", 80), ("solde", 20)),
    (("avance", 30), ("acompte", 40), ("solde", 30)),
]


@dataclass
class Funding:
    """Who funds what: the 17-only « Financeurs » analytic account per (pôle, year)."""

    by_pole_year: dict[tuple[str, int], int] = field(default_factory=dict)


def build_subsidies(
    rng: random.Random,
    books: Books,
    units: list[dict],
    roles: Roles,
    today: date,
    scale: float,
    ids: IdSequence,
    admin: str,
) -> tuple[list[dict], list[dict], Funding]:
    plan = books.plan("Financeurs")
    funders: dict[str, tuple[int, int]] = {}  # name → (partner id, analytic account id)
    subsidies, instalments, funding = [], [], Funding()
    to_book = []
    for year in years(today):
        own_income = -books.balance(("70", "75"), year)
        target = own_income * Decimal(str(rng.uniform(0.42, 0.48) / (1 - 0.45)))
        count = scaled(rng, 6, 10, scale)
        investments = set(rng.sample(range(count), min(count, rng.randint(1, 2))))
        weights = [rng.lognormvariate(0, 0.7) for _ in range(count)]
        for index, weight in enumerate(weights):
            nature = "investissement" if index in investments else "fonctionnement"
            funder, account, schemes, poles, _ = rng.choice([f for f in FUNDERS if f[4] == nature])
            if funder not in funders:
                partner = books.partner(funder, customer=True)
                funders[funder] = (
                    partner,
                    books.analytic_account(
                        f"FIN{len(funders) + 1:02d}", funder, plan, partner_id=partner, only_17=True
                    ),
                )
            partner, funder_account = funders[funder]
            pole = rng.choice(poles)
            unit = rng.choice([pole, pole] + [c["code"] for c in children(units, pole)])
            granted = round_to(min(50_000, max(2_000, float(target) * weight / sum(weights))), 500)
            notified = random_day(rng, date(year, 1, 20), date(year, 11, 30))
            row = _subsidy_row(
                rng,
                ids,
                funder,
                rng.choice(schemes),
                unit,
                nature,
                granted,
                notified,
                today,
                partner,
                roles.holder(pole, "referent_budget_subvention", admin),
            )
            subsidies.append(row)
            if row["amount_granted"] is None:
                continue  # requested, not yet notified
            funding.by_pole_year[(pole, year)] = funder_account
            plan_rows = _instalments(rng, row, today, ids, admin)
            to_book.append((row, plan_rows, account, partner, funder_account))
            instalments += plan_rows
    _keep_one_solde_late(instalments, today)
    # subsidies invoiced on 411: the Mairie's; else (none this time) the latest one booked
    invoiced = {b[0]["subsidy_id"] for b in to_book if b[0]["funder"] == INVOICED_FUNDER}
    if to_book and not invoiced:
        invoiced = {to_book[-1][0]["subsidy_id"]}
    for booking in to_book:
        _book(books, *booking, invoiced=booking[0]["subsidy_id"] in invoiced)
    return subsidies, instalments, funding


def _keep_one_solde_late(instalments: list[dict], today: date) -> None:
    """The treasury alert needs a solde past its date and still awaited: if chance gave none,
    the most recently expected solde has not arrived yet."""
    soldes = [i for i in instalments if i["kind"] == "solde" and i["expected_on"] < today - timedelta(days=7)]
    if soldes and all(i["received_on"] for i in soldes):
        max(soldes, key=lambda i: i["expected_on"])["received_on"] = None


def _subsidy_row(rng, ids, funder, scheme, unit, nature, granted, notified, today, partner, referent) -> dict:
    pending = notified > today
    requested = round_to(float(granted) * rng.uniform(1.0, 1.3), 500)
    start, end = (
        (date(notified.year, 1, 1), date(notified.year, 12, 31))
        if nature == "fonctionnement"
        else (notified, add_months(notified, 18))
    )
    return {
        "subsidy_id": ids(),
        "funder": funder,
        "scheme": scheme,
        "referent_email": referent,
        "unit_code": unit,
        "nature": nature,
        "amount_requested": requested,
        "amount_granted": None if pending else granted,
        "requested_on": notified - timedelta(days=rng.randint(60, 150)),
        "granted_on": None if pending else notified - timedelta(days=rng.randint(5, 30)),
        "notified_on": None if pending else notified,
        "period_start": start,
        "period_end": end,
        "report_due_on": add_months(end, 6),
        "odoo_partner_id": partner,
        "odoo_move_id": None,  # set at booking for every other follow-up (a member named the entry)
        "links": f"https://documentation.exemple.re/subventions/{notified.year}/{ascii_slug(funder, '-')}",
        "created_by": referent,
    }


def _instalments(rng, subsidy: dict, today: date, ids: IdSequence, admin: str) -> list[dict]:
    granted, notified = subsidy["amount_granted"], subsidy["notified_on"]
    schedule = (("solde", 100),) if granted < 5_000 else rng.choice(SCHEDULES)
    rows, left = [], granted
    for index, (kind, pct) in enumerate(schedule):
        last = index == len(schedule) - 1
        amount = left if last else money(granted * pct / 100)
        left -= amount
        if kind == "solde" and len(schedule) > 1:  # paid once the compte rendu financier is in
            expected = subsidy["report_due_on"] + timedelta(days=rng.randint(20, 80))
            delay = rng.choice([0, 5, 15, 30, 45, 120, 150])  # soldes are often late
        else:
            expected = notified + timedelta(days=rng.randint(20, 45) + 60 * index)
            delay = rng.randint(0, 25)
        received = expected + timedelta(days=delay)
        rows.append(
            {
                "instalment_id": ids(),
                "subsidy_id": subsidy["subsidy_id"],
                "kind": kind,
                "amount": amount,
                "expected_on": expected,
                "received_on": received if received <= today else None,
                "odoo_payment_id": None,
                "created_by": subsidy["referent_email"] or admin,
            }
        )
    return rows


INVOICED_FUNDER = "Mairie de Saint-Paul"  # invoiced on 411 instead of an entry on 441 (see build_subsidies)
SPLIT_FROM = Decimal("5000")  # an instalment at least this large comes in two bank transfers


def _book(
    books: Books, subsidy: dict, instalments: list[dict], account: str, partner: int, funder_account: int,
    *, invoiced: bool = False,
) -> None:
    """At notification: a misc entry on 441 (one line per instalment), or for the Mairie a customer
    invoice on 411; each instalment received settles its receivable — in two partial payments for a
    large one (Odoo then writes the matching number 'P' in 15, 'P<n>' in 17), the second one not
    always received yet. A member names the Odoo entry on every other follow-up; the others are
    matched by funder, amount and exercice."""
    label = f"{subsidy['funder']} – {subsidy['scheme']}"
    distribution = books.to(subsidy["unit_code"], funder_account)
    if invoiced:
        move = books.invoice("out_invoice", partner, subsidy["notified_on"],
                             [(account, subsidy["amount_granted"], label, distribution)],
                             due=instalments[0]["expected_on"], ref=f"Subvention {label}")
        receivable = next(l for l in move.lines if l.account == "411000")
        for row in instalments:
            if row["received_on"]:
                row["odoo_payment_id"] = _settle_part(books, receivable, row["amount"], row["received_on"],
                                                      f"{subsidy['funder']} – {row['kind']}")
    else:
        lines = [("441000", row["amount"], f"{label} ({row['kind']})", (), row["expected_on"])
                 for row in instalments]
        lines.append((account, -subsidy["amount_granted"], label, distribution, None))
        move = books.entry(subsidy["notified_on"], partner, f"Notification {label}", lines)
        for row, line in zip(instalments, move.lines):
            if not row["received_on"]:
                continue
            memo = f"{subsidy['funder']} – {row['kind']}"
            if row["amount"] >= SPLIT_FROM:
                first = money(row["amount"] * Decimal("0.6"))
                row["odoo_payment_id"] = _settle_part(books, line, first, row["received_on"], memo + " (1/2)")
                second_on = row["received_on"] + timedelta(days=24)
                if second_on <= books.now.date() and subsidy["subsidy_id"] % 3:
                    _settle_part(books, line, line.residual, second_on, memo + " (2/2)")
            else:
                row["odoo_payment_id"] = books.settle([line], row["received_on"], memo).id
    if subsidy["subsidy_id"] % 2 == 0:
        subsidy["odoo_move_id"] = move.id


def _settle_part(books: Books, line, amount: Decimal, day: date, memo: str) -> int:
    """A payment of `amount` on an open receivable line, and its bank line: a partial
    reconciliation while something is left, the full one (with every earlier part) once paid."""
    from sandbox._books import Payment
    from sandbox._chart import OUTSTANDING
    from sandbox._common import ZERO, local_dt

    if amount >= line.residual:
        payment = books.settle([line], day, memo)
        for debit, credit, _ in [link for link in books.partial_links if link[0] is line]:
            credit.full_reconcile = line.full_reconcile
        books.partial_links = [link for link in books.partial_links if link[0] is not line]
        return payment.id
    move = books._move("entry", "BNK1", day, line.partner_id, memo, "posted")
    outstanding = books._line(move, OUTSTANDING["inbound"], amount, memo, line.partner_id)
    counter = books._line(move, line.account, -amount, memo, line.partner_id)
    counter.residual, line.residual = ZERO, line.residual - amount
    books.partial_links.append((line, counter, amount))
    line.move.touched = max(line.move.touched, min(local_dt(day, 17), books.now))
    payment = Payment(books._ids["payment"](), move, amount, "inbound", "customer", line.partner_id, memo,
                      line.account)
    move.payment_id = payment.id
    books.payments.append(payment)
    statement = books.bank_line(day, amount, OUTSTANDING["inbound"], memo, line.partner_id)
    books._reconcile([outstanding, statement.move.lines[1]], day)
    return payment.id
