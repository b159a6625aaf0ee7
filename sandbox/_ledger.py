"""Shapes of real books that the rest of the sandbox does not make, so the demo shows how
Alambic counts them (docs/regles-de-calcul.md):

- a second analytic plan, « Fonctions support » (Administration, Communication), whose accounts
  the pôle « Instances » lists — Administration by its Odoo id, Communication by its code;
- bills on a pôle AND on Administration, 100 % each (Odoo 17's joined key "12,34"; in Odoo 15
  the item's analytic account plus an analytic tag distributing to Administration);
- communication bills half on a pôle, the rest of the second plan on Communication;
- income booked only on Administration (a training sold), on no pôle;
- drafts spread by distributions (Odoo 15: analytic tag distributions on a draft);
- bank fees with no analytic account (the quarterly account-keeping fee).

Booked into the neutral books before `close()`; the Odoo 15 renderer turns the accounts of the
second plan into analytic tags (sandbox/_odoo.py, `tag_records` and `support_analytic_lines`).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sandbox._books import Books
from sandbox._common import money, month_end, random_day, years

SUPPORT_PLAN = "Fonctions support"
SUPPORT_UNIT = "102"  # the pôle Instances holds the support functions


def open_support_plan(books: Books, units: list[dict]) -> dict[str, int]:
    """The second plan and its two accounts, mapped to the pôle Instances (by id and by code)."""
    plan = books.plan(SUPPORT_PLAN)
    accounts = {
        "ADM": books.analytic_account("ADM", "Administration", plan),
        "COM": books.analytic_account("COM", "Communication", plan),
    }
    unit = next(u for u in units if u["code"] == SUPPORT_UNIT)
    unit["analytic_accounts"] = [*unit["analytic_accounts"], f"id:{accounts['ADM']}", "COM"]
    return accounts


def build_ledger_shapes(rng: random.Random, books: Books, units: list[dict], today: date, scale: float) -> None:
    support = open_support_plan(books, units)
    poles = [u["code"] for u in units if u["level"] == "pole" and u["code"] != SUPPORT_UNIT]
    pole_account = {code: books.account_by_code[code].id for code in poles}
    printer = books.partner("Imprimerie Bourbon (exemple)", supplier=True)
    office = books.partner("Bureautique Océan (exemple)", supplier=True)
    trainee = books.partner("Comité d'entreprise du Port (exemple)", customer=True)
    bank_partner = None
    per_year = max(2, round(6 * scale))
    for year in years(today):
        start, end = date(year, 1, 1), min(date(year, 12, 31), today)
        for _ in range(per_year):
            pole = rng.choice(poles)
            # 1. a pôle AND Administration, 100 % each: it counts on the pôle only
            day = random_day(rng, start, end)
            amount = money(rng.uniform(60, 400))
            _bill(books, office, day, today, "606400", amount, "Fournitures et logiciel de gestion",
                  ((((pole_account[pole], support["ADM"]), 100.0),)))
            # 2. half on a pôle, the second plan 100 % on Communication: the other half counts there
            day = random_day(rng, start, end)
            amount = money(rng.uniform(80, 600))
            _bill(books, printer, day, today, "623000", amount, "Affiches et flyers",
                  (((pole_account[pole], support["COM"]), 50.0), ((support["COM"],), 50.0)))
        # 3. income booked only on a second-plan account
        day = random_day(rng, start, end)
        if day <= today:
            books.invoice("out_invoice", trainee, day,
                          [("706000", money(rng.uniform(400, 1500)), "Formation gouvernance partagée",
                           ((((support["ADM"],), 100.0),)))],
                          ref=f"Formation {year}")
        # 4. bank fees with no analytic account, each quarter
        for quarter_end in (3, 6, 9, 12):
            day = month_end(date(year, quarter_end, 1))
            if day <= today:
                books.bank_line(day, -money(rng.uniform(15, 30)), "627000",
                                f"Commission de tenue de compte T{quarter_end // 3} {year}", bank_partner)
    # 5. drafts (commitments) spread by distributions, one with a second-plan account
    first, second = rng.sample(poles, 2)
    day = today - timedelta(days=3)
    books.invoice("in_invoice", printer, day,
                  [("623000", money(rng.uniform(200, 500)), "Programme de la saison (brouillon)",
                    (((pole_account[first],), 60.0), ((pole_account[second], support["COM"]), 40.0)))],
                  ref="Devis programme", state="draft")
    books.invoice("in_invoice", office, day,
                  [("606400", money(rng.uniform(100, 300)), "Matériel de bureau (brouillon)",
                    (((pole_account[first],), 30.0), ((pole_account[second],), 70.0)))],
                  ref="Devis bureau", state="draft")


def _bill(books: Books, partner: int, day: date, today: date, account: str, amount: Decimal, label: str,
          distribution) -> None:
    move = books.invoice("in_invoice", partner, day, [(account, amount, label, distribution)],
                         ref=f"{label[:12]} {day:%d/%m}")
    paid = day + timedelta(days=20)
    if paid <= today:
        books.settle(books.open_lines(move), paid, f"Règlement {books.partner_name(partner)}")
