"""Hand-written books for the subsidies taken from Odoo, in the Odoo 15 and the Odoo 17 shape.

as_of = 2025-09-15, fiscal year = calendar year. Units: R → 10 → 101 (Outils communs),
R → 30 → 303 (Potager); analytic accounts 12 = 101, 15 = 303. Bank journal BNK1 (512000),
outstanding receipts account 512100.

E1  MISC/2025/02/0001  entry 2025-02-10, Région Réunion: 741000 credit 10 000 on 101,
    ONE 441000 line of 10 000 due 2025-03-31, paid in instalments:
      S1  2025-03-20 +4 000  statement line reconciled directly with the 441 line: partial n° 1
      P1  2025-06-02  3 000  payment settling the 441 line (partial n° 2); its outstanding line
                             (512100) is reconciled with the statement line S2 of 2025-06-05 (n° 3)
    → received 7 000 (20/03 and 05/06, the bank's dates), left 3 000 (the 441 residual); Odoo
      keeps payment_state 'not_paid' on the entry.
I1  INV/2025/04/0001  out_invoice 2025-04-15 due 2025-05-15, Mairie de Saint-Paul: 741000 credit
    2 500 on 303, 411000 debit 2 500; S3 2025-05-20 +1 000 reconciled partially (n° 4)
    → received 1 000, left 1 500, late at as_of; nobody typed a follow-up.
E2  MISC/2025/03/0001  entry 2025-03-01, DRAC La Réunion: 741000 credit 3 000 on 303, 441 3 000
    due 2025-10-31, unpaid.
E3  MISC/2025/07/0001  entry 2025-07-01, DRAC La Réunion: the same, due 2025-12-31, unpaid.
E5  MISC/2025/05/0001  entry 2025-05-01, État: 441000 debit 1 200 due 2025-10-31 against 791000
    (transfert de charges): not a subsidy (no 74… line), an open item on 441.

In the Odoo 15 shape every partially reconciled line has the matching number 'P'; in 17, 'P<n>'.
The full reconciliation n° 3 is 'A1' in both.
"""

from __future__ import annotations

from tests.sql.books import COMPANY, EUR, books_config, company_records, m2o

AS_OF = "2025-09-15"
W = "2025-09-01 08:00:00"

CONFIG = books_config(AS_OF)

PARTNERS = {3: "Région Réunion", 4: "Mairie de Saint-Paul", 5: "DRAC La Réunion", 6: "État", 7: "ADEME La Réunion"}

# id, code, name, 17 account_type, 15 (internal_type, internal_group)
ACCOUNTS = [
    (5, "741000", "Subventions d'exploitation", "income", ("other", "income")),
    (7, "411000", "Clients", "asset_receivable", ("receivable", "asset")),
    (8, "512000", "Banque", "asset_cash", ("liquidity", "asset")),
    (11, "441000", "État - subventions à recevoir", "asset_current", ("other", "asset")),
    (14, "512100", "Encaissements en attente", "asset_current", ("other", "asset")),
    (16, "791000", "Transferts de charges", "income", ("other", "income")),
]
CODE_ID = {code: id_ for id_, code, *_ in ACCOUNTS}
ANALYTIC = {12: "101", 15: "303"}

# id, name, move_type, date, partner, journal (id, name), due date
MOVES = [
    (1, "MISC/2025/02/0001", "entry", "2025-02-10", 3, (3, "OD"), None),
    (2, "INV/2025/04/0001", "out_invoice", "2025-04-15", 4, (2, "VTE"), "2025-05-15"),
    (3, "MISC/2025/03/0001", "entry", "2025-03-01", 5, (3, "OD"), None),
    (4, "MISC/2025/07/0001", "entry", "2025-07-01", 5, (3, "OD"), None),
    (5, "MISC/2025/05/0001", "entry", "2025-05-01", 6, (3, "OD"), None),
    (6, "PBNK1/2025/00001", "entry", "2025-06-02", 3, (4, "BNK1"), None),  # payment P1
    (21, "BNK1/2025/00001", "entry", "2025-03-20", 3, (4, "BNK1"), None),  # S1
    (22, "BNK1/2025/00002", "entry", "2025-06-05", 3, (4, "BNK1"), None),  # S2
    (23, "BNK1/2025/00003", "entry", "2025-05-20", 4, (4, "BNK1"), None),  # S3
]

# id, move, account, label, balance, analytic account, date_maturity, residual, matching (15, 17)
LINES = [
    (11, 1, "741000", "Subvention Région 2025", -10000.0, 12, None, 0.0, None),
    (12, 1, "441000", "Subvention Région 2025", 10000.0, None, "2025-03-31", 3000.0, ("P", "P1")),
    (21, 2, "741000", "Subvention Mairie – jardin", -2500.0, 15, None, 0.0, None),
    (22, 2, "411000", "INV/2025/04/0001", 2500.0, None, "2025-05-15", 1500.0, ("P", "P4")),
    (31, 3, "741000", "DRAC – résidence", -3000.0, 15, None, 0.0, None),
    (32, 3, "441000", "DRAC – résidence", 3000.0, None, "2025-10-31", 3000.0, None),
    (41, 4, "741000", "DRAC – diffusion", -3000.0, 15, None, 0.0, None),
    (42, 4, "441000", "DRAC – diffusion", 3000.0, None, "2025-12-31", 3000.0, None),
    (51, 5, "441000", "Aide à l'emploi", 1200.0, None, "2025-10-31", 1200.0, None),
    (52, 5, "791000", "Aide à l'emploi", -1200.0, None, None, 0.0, None),
    # payment P1: outstanding 512100 ↔ S2 (full A1), 441 ↔ E1 (partial)
    (61, 6, "512100", "Région – acompte", 3000.0, None, None, 0.0, ("A1", "A1")),
    (62, 6, "441000", "Région – acompte", -3000.0, None, "2025-06-02", 0.0, ("P", "P1")),
    # statement moves: bank line, counterpart
    (211, 21, "512000", "VIR REGION AVANCE", 4000.0, None, None, 0.0, None),
    (212, 21, "441000", "VIR REGION AVANCE", -4000.0, None, "2025-03-20", 0.0, ("P", "P1")),
    (221, 22, "512000", "VIR REGION ACOMPTE", 3000.0, None, None, 0.0, None),
    (222, 22, "512100", "VIR REGION ACOMPTE", -3000.0, None, None, 0.0, ("A1", "A1")),
    (231, 23, "512000", "VIR MAIRIE", 1000.0, None, None, 0.0, None),
    (232, 23, "411000", "VIR MAIRIE", -1000.0, None, "2025-05-20", 0.0, ("P", "P4")),
]

# id, debit line, credit line, amount, full reconcile
PARTIALS = [
    (1, 12, 212, 4000.0, None),
    (2, 12, 62, 3000.0, None),
    (3, 61, 222, 3000.0, 1),
    (4, 22, 232, 1000.0, None),
]

# id, move, date, label, partner, amount
STATEMENT_LINES = [
    (1, 21, "2025-03-20", "VIR REGION AVANCE", 3, 4000.0),
    (2, 22, "2025-06-05", "VIR REGION ACOMPTE", 3, 3000.0),
    (3, 23, "2025-05-20", "VIR MAIRIE", 4, 1000.0),
]

# The ADEME subsidy, booked later (test: typed before its Odoo entry exists): E6 on 2025-08-20,
# 741000 credit 5 000 on 101, 441000 5 000 due 2025-11-30.
ADEME_MOVE = (7, "MISC/2025/08/0001", "entry", "2025-08-20", 7, (3, "OD"), None)
ADEME_LINES = [
    (71, 7, "741000", "ADEME – réemploi", -5000.0, 12, None, 0.0, None),
    (72, 7, "441000", "ADEME – réemploi", 5000.0, None, "2025-11-30", 5000.0, None),
]


def account_record(account, v15: bool) -> dict:
    id_, code, name, kind, (internal_type, group) = account
    record = {"id": id_, "code": code, "name": name, "reconcile": code[:3] in ("441", "411", "512"),
              "currency_id": False, "deprecated": False, "company_id": COMPANY, "write_date": W}
    if v15:
        return record | {"user_type_id": [1, internal_type], "internal_type": internal_type, "internal_group": group}
    return record | {"account_type": kind}


def move_record(move, v15: bool, residual: float) -> dict:
    id_, name, move_type, day, partner, (journal_id, journal), due = move
    total = sum(abs(l[4]) for l in LINES + ADEME_LINES if l[1] == id_) / 2
    return {"id": id_, "name": name, "ref": False, "move_type": move_type, "state": "posted",
            # Odoo leaves a journal entry at not_paid whatever was paid; the invoice is partial
            "payment_state": "partial" if move_type == "out_invoice" else "not_paid",
            "date": day, "invoice_date": day if move_type != "entry" else False,
            "invoice_date_due": due or False, "partner_id": m2o(partner, PARTNERS.get(partner)),
            "journal_id": [journal_id, journal], "company_id": COMPANY, "currency_id": EUR,
            "amount_untaxed": total, "amount_tax": 0.0, "amount_total": total, "amount_residual": residual,
            "amount_total_signed": total, "amount_residual_signed": residual, "payment_reference": False,
            "write_date": W}


def line_record(line, moves: dict, v15: bool) -> dict:
    id_, move_id, code, label, balance, analytic, maturity, residual, matching = line
    move = moves[move_id]
    record = {
        "id": id_, "move_id": [move_id, move[1]], "move_name": move[1], "date": move[3],
        "date_maturity": maturity or False, "account_id": [CODE_ID[code], code],
        "partner_id": m2o(move[4], PARTNERS.get(move[4])), "journal_id": [move[5][0], move[5][1]],
        "company_id": COMPANY, "name": label, "ref": False, "currency_id": EUR,
        "debit": max(balance, 0.0), "credit": max(-balance, 0.0), "balance": balance, "amount_currency": balance,
        "amount_residual": residual, "reconciled": matching is not None and residual == 0,
        "full_reconcile_id": [1, "A1"] if matching and matching[0] == "A1" else False,
        "matching_number": (matching[0] if v15 else matching[1]) if matching else False,
        "parent_state": "posted", "product_id": False, "quantity": 1.0, "write_date": W,
    }
    if v15:
        return record | {"display_type": False, "analytic_tag_ids": [],
                         "analytic_account_id": [analytic, ANALYTIC[analytic]] if analytic else False}
    return record | {"display_type": "product" if analytic else "payment_term",
                     "analytic_distribution": {str(analytic): 100.0} if analytic else False}


def odoo_records(version: str) -> dict[str, list[dict]]:
    """resource → records, as Odoo 15 or 17 `search_read` returns them."""
    v15 = version == "15"
    moves = {m[0]: m for m in MOVES + [ADEME_MOVE]}
    residuals = {m[0]: sum(l[7] for l in LINES if l[1] == m[0] and l[4] > 0) for m in MOVES}
    books: dict[str, list[dict]] = {
        "res_company": company_records(W),
        "res_partner": [{"id": i, "name": n, "display_name": n, "email": False, "is_company": True, "active": True,
                         "write_date": W} for i, n in PARTNERS.items()],
        "account_account": [account_record(a, v15) for a in ACCOUNTS],
        "account_journal": [
            {"id": j, "code": c, "name": c, "type": t, "default_account_id": d, "currency_id": False,
             "company_id": COMPANY, "active": True, "write_date": W}
            for j, c, t, d in [(2, "VTE", "sale", False), (3, "OD", "general", False),
                               (4, "BNK1", "bank", [8, "512000 Banque"])]],
        "account_analytic_account": [
            {"id": i, "code": c, "name": f"Unité {c}", "active": True, "partner_id": False, "company_id": COMPANY,
             "write_date": W} | ({"group_id": [1, "Projets"]} if v15
                                 else {"plan_id": [1, "Projets"], "root_plan_id": [1, "Projets"]})
            for i, c in ANALYTIC.items()],
        ("account_analytic_group" if v15 else "account_analytic_plan"): [
            {"id": 1, "name": "Projets", "complete_name": "Projets", "parent_id": False, "write_date": W}
            | ({"company_id": COMPANY} if v15 else {"sequence": 10})],
        "account_analytic_line": [],
        "account_move": [move_record(m, v15, residuals[m[0]]) for m in MOVES],
        "account_move_line": [line_record(l, moves, v15) for l in LINES],
        "account_bank_statement_line": [
            {"id": i, "date": d, "payment_ref": label, "partner_id": m2o(p, PARTNERS.get(p)), "amount": amount,
             "amount_residual": 0.0, "currency_id": EUR, "journal_id": [4, "BNK1"], "statement_id": False,
             "move_id": [move_id, moves[move_id][1]], "is_reconciled": True, "write_date": W}
            for i, move_id, d, label, p, amount in STATEMENT_LINES],
        "account_payment": [
            {"id": 1, "name": "PBNK1/2025/00001", "date": "2025-06-02", "amount": 3000.0, "payment_type": "inbound",
             "partner_type": "customer", "partner_id": [3, "Région Réunion"], "journal_id": [4, "BNK1"],
             "state": "posted", "currency_id": EUR, "is_reconciled": True, "is_matched": True,
             "move_id": [6, "PBNK1/2025/00001"], "ref": "Région – acompte", "write_date": W}],
        "account_partial_reconcile": [
            {"id": i, "debit_move_id": [d, "line"], "credit_move_id": [c, "line"], "amount": amount,
             "debit_amount_currency": amount, "credit_amount_currency": amount,
             "full_reconcile_id": [full, f"A{full}"] if full else False, "max_date": "2025-06-05",
             "company_id": COMPANY, "write_date": W}
            for i, d, c, amount, full in PARTIALS],
    }
    if v15:  # Odoo 15 has analytic tags and their distributions; these books split no line
        books |= {"account_analytic_tag": [], "account_analytic_distribution": []}
    return books


def ademe_records(version: str) -> tuple[dict, list[dict]]:
    """The ADEME entry booked later: its move and its lines, as `version` returns them."""
    v15 = version == "15"
    moves = {ADEME_MOVE[0]: ADEME_MOVE}
    return move_record(ADEME_MOVE, v15, 5000.0), [line_record(l, moves, v15) for l in ADEME_LINES]


# Follow-ups typed by members: id, funder, scheme, unit, requested, granted, notified, report due,
# odoo_move_id
FOLLOWUPS = [
    (1, "Région Réunion", "Aide aux lieux culturels", "101", 12000.00, 10000.00, "2025-02-01", "2026-06-30", None),
    (2, "DRAC La Réunion", "Résidence", "303", 3000.00, 3000.00, "2025-02-20", None, None),
    (3, "ADEME La Réunion", "Réemploi", "101", 5000.00, 5000.00, "2025-08-01", None, None),
]
# id, subsidy, kind, amount, expected_on, received_on (typed)
SCHEDULE = [
    (11, 1, "avance", 4000.00, "2025-03-15", "2025-03-20"),
    (12, 1, "acompte", 3000.00, "2025-06-01", None),   # the books say it came on 05/06
    (13, 1, "solde", 3000.00, "2025-12-31", None),
    (31, 3, "avance", 2500.00, "2025-10-01", None),
]


def insert_followups(con) -> None:
    for r in FOLLOWUPS:
        con.execute("INSERT INTO app.subsidies (subsidy_id, funder, scheme, unit_code, amount_requested, amount_granted,"
                    " notified_on, report_due_on, odoo_move_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", list(r))
    for r in SCHEDULE:
        con.execute("INSERT INTO app.subsidy_instalments (instalment_id, subsidy_id, kind, amount, expected_on,"
                    " received_on) VALUES (?, ?, ?, ?, ?, ?)", list(r))
