"""A tiny hand-written organisation for the finance marts: its Odoo 17 books and its app rows.

Every figure the finance marts should give is computed by hand in test_finance_marts.py from the
facts listed here. as_of = 2025-06-15 (the plan's 'previsionnel' months start in June 2025),
fiscal year = calendar year, [alerts] cash_threshold = 6 400 €, report_due_days = 60, materiality = 60 €,
forecast_gap_ratio = 0.15.

Units: R → 10 → 101 (Outils communs); R → 30 → 303 (Potager) → 30301 (Jardin partagé).
Analytic accounts 12 = 101, 15 = 303, 16 = 30301.

Bank (journal BNK1, account 512000), statement lines — each one a move of its own:
  O   2025-03-31  opening entry 512000 / 110000 +5 000.00 (a journal entry, NOT a statement line:
                  the bank balance before the first month of the plan)
  S1  2025-04-20  -250.00  pays B1, reconciled directly with B1's payable line (matching A1)
  S2  2025-04-28   -12.00  bank fees booked straight on 627000 (category from its own line)
  S3  2025-05-10 +1200.00  Région's avance: bank → payment P1 (512100, matching A2) → the subsidy
                           entry E1's first 441000 line (matching A3): two steps
  S4  2025-05-20   -40.00  unreconciled (counterpart on the suspense account 471000) → 'autres'
  S5  2025-06-05  +100.00  part of I1, reconciled partially with I1's receivable line (P9)

Invoices and entries:
  B1  BILL/2025/04/0001 in_invoice posted paid     2025-04-10  604100 250.00 → 101 (bienveillance)
  E1  MISC/2025/04/0001 entry posted               2025-04-15  741000 2 000.00 → 101 (subventions),
                        441000 1 200.00 due 2025-05-01 (received: S3) + 800.00 due 2025-06-01 (open)
  B2  BILL/2025/05/0002 in_invoice posted not_paid 2025-05-20  606300 180.00 → 303, due 2025-05-30
                        (overdue at as_of)
  I1  INV/2025/06/0001  out_invoice posted partial 2025-06-05  706000 500.00 → 303, due 2025-07-05,
                        residual 400.00
  I2  INV/2025/06/0002  out_invoice posted not_paid 2025-06-10 741000 500.00 → 303 (a subsidy
                        invoiced to the Mairie), due 2025-09-01: left out of the treasury
  D1  /                 in_invoice DRAFT           2025-07-10  606300 1 000.00 → 60 % 303, 40 % 30301,
                        due 2025-08-10
"""

from __future__ import annotations

from tests.sql.books import COMPANY, JARDIN_PARTAGE, UNITS, books_config, company_records, m2o

AS_OF = "2025-06-15"

CONFIG = books_config(
    AS_OF, alerts={"forecast_gap_ratio": 0.15, "cash_threshold": 6400, "report_due_days": 60, "materiality": 60},
    units=[*UNITS, JARDIN_PARTAGE],
)

W = "2025-06-14 08:00:00"

PARTNERS = {1: "Alice Payet", 2: "Quincaillerie du Port", 3: "Région Réunion", 4: "Mairie de Saint-Paul"}

# id, code, name, Odoo 16+ account_type
ACCOUNTS = [
    (1, "604100", "Bienveillance", "expense"),
    (3, "606300", "Petit équipement", "expense"),
    (4, "706000", "Prestations de services", "income"),
    (5, "741000", "Subventions d'exploitation", "income"),
    (6, "401000", "Fournisseurs", "liability_payable"),
    (7, "411000", "Clients", "asset_receivable"),
    (8, "512000", "Banque", "asset_cash"),
    (11, "441000", "État - subventions à recevoir", "asset_current"),
    (12, "110000", "Report à nouveau", "equity"),
    (13, "627000", "Services bancaires", "expense"),
    (14, "512100", "Encaissements en attente", "asset_current"),
    (15, "471000", "Compte d'attente", "asset_current"),
]
ACCOUNT_ID = {code: id_ for id_, code, _, _ in ACCOUNTS}

# analytic account id → code (= the unit's code)
ANALYTIC = {12: "101", 15: "303", 16: "30301"}

# Moves: id, name, move_type, state, payment_state, date, partner, journal, total, due date
MOVES = [
    (1, "BILL/2025/04/0001", "in_invoice", "posted", "paid", "2025-04-10", 1, 1, 250.0, "2025-04-20"),
    (2, "BILL/2025/05/0002", "in_invoice", "posted", "not_paid", "2025-05-20", 2, 1, 180.0, "2025-05-30"),
    (3, "INV/2025/06/0001", "out_invoice", "posted", "partial", "2025-06-05", 4, 2, 500.0, "2025-07-05"),
    (4, "INV/2025/06/0002", "out_invoice", "posted", "not_paid", "2025-06-10", 4, 2, 500.0, "2025-09-01"),
    (5, "MISC/2025/04/0001", "entry", "posted", "not_paid", "2025-04-15", 3, 3, 2000.0, None),
    (6, "/", "in_invoice", "draft", "not_paid", "2025-07-10", 2, 1, 1000.0, "2025-08-10"),
    (7, "MISC/2025/03/0001", "entry", "posted", "not_paid", "2025-03-31", None, 3, 5000.0, None),
    (8, "PBNK1/2025/00001", "entry", "posted", "not_paid", "2025-05-10", 3, 4, 1200.0, None),  # payment P1
    # the statement lines' own moves
    (21, "BNK1/2025/00001", "entry", "posted", "not_paid", "2025-04-20", 1, 4, 250.0, None),
    (22, "BNK1/2025/00002", "entry", "posted", "not_paid", "2025-04-28", None, 4, 12.0, None),
    (23, "BNK1/2025/00003", "entry", "posted", "not_paid", "2025-05-10", 3, 4, 1200.0, None),
    (24, "BNK1/2025/00004", "entry", "posted", "not_paid", "2025-05-20", None, 4, 40.0, None),
    (25, "BNK1/2025/00005", "entry", "posted", "not_paid", "2025-06-05", 4, 4, 100.0, None),
]

# Journal items: id, move, account code, label, balance, analytic {account id: pct},
# date_maturity, amount_residual, matching_number
LINES = [
    # B1: paid by S1 (direct reconciliation A1)
    (11, 1, "604100", "Mission accueil avril", 250.0, {12: 100.0}, None, 0.0, None),
    (19, 1, "401000", "BILL/2025/04/0001", -250.0, None, "2025-04-20", 0.0, "A1"),
    # B2: open, due 2025-05-30
    (21, 2, "606300", "Outils de jardin", 180.0, {15: 100.0}, None, 0.0, None),
    (29, 2, "401000", "BILL/2025/05/0002", -180.0, None, "2025-05-30", -180.0, None),
    # I1: 100 received (S5, partial P9), 400 left, due 2025-07-05
    (31, 3, "706000", "Animation potager", -500.0, {15: 100.0}, None, 0.0, None),
    (39, 3, "411000", "INV/2025/06/0001", 500.0, None, "2025-07-05", 400.0, "P9"),
    # I2: subsidy invoiced, open
    (41, 4, "741000", "Subvention Mairie", -500.0, {15: 100.0}, None, 0.0, None),
    (49, 4, "411000", "INV/2025/06/0002", 500.0, None, "2025-09-01", 500.0, None),
    # E1: the Région's subsidy at notification, one 441 line per instalment
    (51, 5, "741000", "Subvention Région 2025", -2000.0, {12: 100.0}, None, 0.0, None),
    (52, 5, "441000", "Subvention Région 2025 (avance)", 1200.0, None, "2025-05-01", 0.0, "A3"),
    (53, 5, "441000", "Subvention Région 2025 (solde)", 800.0, None, "2025-06-01", 800.0, None),
    # D1: draft bill split 60/40
    (61, 6, "606300", "Serre et arrosage", 1000.0, {15: 60.0, 16: 40.0}, None, 0.0, None),
    (69, 6, "401000", False, -1000.0, None, "2025-08-10", -1000.0, None),
    # O: opening entry on the bank account
    (71, 7, "512000", "À-nouveau banque", 5000.0, None, None, 0.0, None),
    (72, 7, "110000", "À-nouveau banque", -5000.0, None, None, 0.0, None),
    # P1: the payment of the avance (outstanding account 512100 ↔ S3, 441000 ↔ E1)
    (81, 8, "512100", "Région Réunion – avance", 1200.0, None, None, 0.0, "A2"),
    (82, 8, "441000", "Région Réunion – avance", -1200.0, None, "2025-05-10", 0.0, "A3"),
    # statement moves: the bank line, then its counterpart
    (211, 21, "512000", "Virement Alice Payet", -250.0, None, None, 0.0, None),
    (212, 21, "401000", "Virement Alice Payet", 250.0, None, "2025-04-20", 0.0, "A1"),
    (221, 22, "512000", "Frais bancaires avril", -12.0, None, None, 0.0, None),
    (222, 22, "627000", "Frais bancaires avril", 12.0, None, None, 0.0, None),
    (231, 23, "512000", "Région Réunion avance", 1200.0, None, None, 0.0, None),
    (232, 23, "512100", "Région Réunion avance", -1200.0, None, None, 0.0, "A2"),
    (241, 24, "512000", "Retrait DAB", -40.0, None, None, 0.0, None),
    (242, 24, "471000", "Retrait DAB", 40.0, None, None, 40.0, None),
    (251, 25, "512000", "Mairie acompte INV/2025/06/0001", 100.0, None, None, 0.0, None),
    (252, 25, "411000", "Mairie acompte INV/2025/06/0001", -100.0, None, "2025-06-05", 0.0, "P9"),
]

# Partial reconciliations (account.partial.reconcile): id, debit line, credit line, amount, full
# reconcile (the matching numbers above: A… are full, P9 is partial)
PARTIALS = [
    (1, 212, 19, 250.0, 1),     # A1: S1 pays B1
    (2, 81, 232, 1200.0, 2),    # A2: S3 ↔ P1's outstanding line
    (3, 52, 82, 1200.0, 3),     # A3: P1 settles E1's avance line
    (9, 39, 252, 100.0, None),  # P9: S5 pays 100 of I1
]

# Analytic lines of POSTED moves: id, move line, analytic account, amount (= -balance × pct / 100)
ANALYTIC_LINES = [
    (101, 11, 12, -250.0),
    (102, 21, 15, -180.0),
    (103, 31, 15, 500.0),
    (104, 41, 15, 500.0),
    (105, 51, 12, 2000.0),
]

# Statement lines: id, move, date, label, partner, amount, reconciled
STATEMENT_LINES = [
    (1, 21, "2025-04-20", "Virement Alice Payet", 1, -250.0, True),
    (2, 22, "2025-04-28", "Frais bancaires avril", None, -12.0, True),
    (3, 23, "2025-05-10", "Région Réunion avance", 3, 1200.0, True),
    (4, 24, "2025-05-20", "Retrait DAB", None, -40.0, False),
    (5, 25, "2025-06-05", "Mairie acompte INV/2025/06/0001", 4, 100.0, True),
]


def odoo_books() -> dict[str, list[dict]]:
    """resource → records, as Odoo 17's search_read returns them."""
    moves = {m[0]: m for m in MOVES}
    accounts = {a[1]: a for a in ACCOUNTS}
    books: dict[str, list[dict]] = {
        "res_company": company_records(W),
        "res_partner": [{"id": i, "name": n, "display_name": n, "email": False, "is_company": True,
                         "active": True, "company_id": False, "parent_id": False, "write_date": W}
                        for i, n in PARTNERS.items()],
        "account_account": [{"id": i, "code": c, "name": n, "account_type": t,
                             "reconcile": t in ("asset_receivable", "liability_payable") or c in ("441000", "512100"),
                             "deprecated": False, "company_id": COMPANY, "write_date": W}
                            for i, c, n, t in ACCOUNTS],
        "account_journal": [
            {"id": j, "code": c, "name": n, "type": t, "default_account_id": d, "company_id": COMPANY,
             "active": True, "write_date": W}
            for j, c, n, t, d in [(1, "ACH", "Achats", "purchase", False), (2, "VTE", "Ventes", "sale", False),
                                  (3, "OD", "Opérations diverses", "general", False),
                                  (4, "BNK1", "Banque", "bank", [8, "512000 Banque"])]
        ],
        "account_analytic_plan": [{"id": 1, "name": "Projets", "complete_name": "Projets", "parent_id": False,
                                   "sequence": 1, "write_date": W}],
        "account_analytic_account": [
            {"id": i, "code": c, "name": f"Unité {c}", "active": True, "partner_id": False, "company_id": COMPANY,
             "plan_id": [1, "Projets"], "root_plan_id": [1, "Projets"], "write_date": W}
            for i, c in ANALYTIC.items()
        ],
    }
    books["account_move"] = [
        {"id": i, "name": name if name != "/" else False, "ref": False, "move_type": t, "state": s,
         "payment_state": ps, "date": d, "invoice_date": d if t != "entry" else False,
         "invoice_date_due": due or False, "partner_id": m2o(p, PARTNERS.get(p)),
         "journal_id": [j, f"journal {j}"], "company_id": COMPANY, "currency_id": [1, "EUR"],
         "amount_untaxed": total, "amount_tax": 0.0, "amount_total": total,
         "amount_residual": {2: 180.0, 3: 400.0, 4: 500.0, 6: 1000.0}.get(i, 0.0),
         "amount_total_signed": -total if t.startswith("in_") else total,
         "amount_residual_signed": 0.0, "payment_reference": False, "write_date": W}
        for i, name, t, s, ps, d, p, j, total, due in MOVES
    ]
    books["account_move_line"] = []
    for id_, move_id, code, label, balance, dist, maturity, residual, matching in LINES:
        move = moves[move_id]
        account = accounts[code]
        books["account_move_line"].append({
            "id": id_, "move_id": [move_id, move[1]], "move_name": move[1], "date": move[5],
            "date_maturity": maturity or False,
            "account_id": [account[0], f"{code} {account[2]}"],
            "partner_id": m2o(move[6], PARTNERS.get(move[6])), "journal_id": [move[7], f"journal {move[7]}"],
            "company_id": COMPANY, "name": label, "ref": False, "currency_id": [1, "EUR"],
            "debit": max(balance, 0.0), "credit": max(-balance, 0.0), "balance": balance,
            "amount_residual": residual, "reconciled": matching is not None and residual == 0,
            "full_reconcile_id": False, "matching_number": matching or False, "parent_state": move[3],
            "display_type": "product" if dist else "payment_term",
            "analytic_distribution": {str(k): v for k, v in dist.items()} if dist else False,
            "write_date": W,
        })
    line_by_id = {l[0]: l for l in LINES}
    books["account_analytic_line"] = []
    for id_, move_line_id, analytic_id, amount in ANALYTIC_LINES:
        line = line_by_id[move_line_id]
        move = moves[line[1]]
        books["account_analytic_line"].append({
            "id": id_, "date": move[5], "name": line[3], "ref": move[1], "amount": amount, "unit_amount": 0.0,
            "account_id": [analytic_id, f"Unité {ANALYTIC[analytic_id]}"],
            "general_account_id": [ACCOUNT_ID[line[2]], line[2]],
            "move_line_id": [move_line_id, move[1]], "journal_id": [move[7], f"journal {move[7]}"],
            "partner_id": m2o(move[6], PARTNERS.get(move[6])), "product_id": False,
            "company_id": COMPANY, "currency_id": [1, "EUR"], "category": "other", "write_date": W,
        })
    books["account_bank_statement_line"] = [
        {"id": i, "date": d, "payment_ref": label, "partner_id": m2o(p, PARTNERS.get(p)), "amount": amount,
         "amount_residual": 0.0 if reconciled else amount, "currency_id": [1, "EUR"],
         "journal_id": [4, "Banque"], "statement_id": False, "move_id": [move_id, moves[move_id][1]],
         "is_reconciled": reconciled, "write_date": W}
        for i, move_id, d, label, p, amount, reconciled in STATEMENT_LINES
    ]
    line_names = {l[0]: moves[l[1]][1] for l in LINES}
    books["account_partial_reconcile"] = [
        {"id": i, "debit_move_id": [d, line_names[d]], "credit_move_id": [c, line_names[c]], "amount": amount,
         "debit_amount_currency": amount, "credit_amount_currency": amount,
         "full_reconcile_id": [full, f"A{full}"] if full else False, "max_date": "2025-06-05",
         "company_id": COMPANY, "write_date": W}
        for i, d, c, amount, full in PARTIALS
    ]
    books["account_payment"] = [
        {"id": 1, "name": "PBNK1/2025/00001", "date": "2025-05-10", "amount": 1200.0, "payment_type": "inbound",
         "partner_type": "customer", "partner_id": [3, "Région Réunion"], "journal_id": [4, "Banque"],
         "state": "posted", "currency_id": [1, "EUR"], "is_reconciled": True, "is_matched": True,
         "move_id": [8, "PBNK1/2025/00001"], "ref": "Région Réunion – avance", "write_date": W},
    ]
    return books


# -- what members entered in Alambic -------------------------------------------------------------

FORECASTS = [
    # forecast_id, unit, category, start, end, amount
    (1, "303", "prestations_externes_achats", "2025-04-01", "2025-09-30", 1200.00),  # 200 a month
    (2, "303", "prestations", "2025-06-01", "2025-07-31", 1000.00),                  # 500 a month
    (3, "101", "subventions", "2025-01-01", "2025-12-31", 2400.00),                  # 200 a month
    (4, "101", "bienveillance", "2025-04-01", "2025-04-30", 200.00),
    (5, "30301", "depenses_internes", "2025-07-01", "2025-07-31", 300.00),           # internal: no cash
    (6, "303", "ventes", "2025-07-01", "2025-12-31", 600.00),                        # 100 a month
]

TRANSFERS = [
    # transfer_id, from, to, date, amount, reason
    (1, "30301", "101", "2025-06-12", 300.00, "Participation aux outils communs"),
]

SUBSIDIES = [
    # subsidy_id, funder, scheme, unit, nature, requested, granted, period start, end, report due
    (1, "Région Réunion", "Aide aux lieux culturels", "101", "fonctionnement", 2500.00, 2000.00,
     "2025-01-01", "2025-12-31", "2025-07-31"),
    (2, "Mairie de Saint-Paul", "Équipement", "303", "investissement", 6000.00, None,
     "2025-10-01", "2026-03-31", "2026-09-30"),
]

INSTALMENTS = [
    # instalment_id, subsidy_id, kind, amount, expected_on, received_on
    (1, 1, "avance", 1200.00, "2025-05-01", "2025-05-10"),
    (2, 1, "solde", 800.00, "2025-06-01", None),     # late at as_of
    (3, 2, "avance", 3000.00, "2025-11-15", None),
]


def insert_app_rows(con, transfers: list = TRANSFERS) -> None:
    for r in FORECASTS:
        con.execute("INSERT INTO app.forecasts (forecast_id, unit_code, category_code, period_start, period_end,"
                    " amount) VALUES (?, ?, ?, ?, ?, ?)", list(r))
    for r in transfers:
        con.execute("INSERT INTO app.internal_transfers (transfer_id, from_unit, to_unit, transfer_date, amount,"
                    " reason) VALUES (?, ?, ?, ?, ?, ?)", list(r))
    for r in SUBSIDIES:
        con.execute("INSERT INTO app.subsidies (subsidy_id, funder, scheme, unit_code, nature, amount_requested,"
                    " amount_granted, period_start, period_end, report_due_on)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", list(r))
    for r in INSTALMENTS:
        con.execute("INSERT INTO app.subsidy_instalments (instalment_id, subsidy_id, kind, amount, expected_on,"
                    " received_on) VALUES (?, ?, ?, ?, ?, ?)", list(r))
