"""Hand-written books for the rules of « the whole ledger »: two analytic plans mapped to units,
17's joined keys, 15's tag distributions (a draft included), bank fees with no analytic account,
income booked only on a second-plan account, an account of no budget category, internal flows.

The same accounting facts, written as Odoo 15 and Odoo 17 `search_read` return them; the tests
(test_ledger_marts.py) serve them through the simulated Odoo server and the real connector.

Tree (as_of 2025-06-15):
  R La Raffinerie → 10 Les communs → 101 Administration, 102 Communication
                  → 30 Jardin      → 303 Potager
                  → 40 Culture     → 401 Concerts
Analytic plans (17) / groups (15):
  1 « Pôles » — the tree ([analytic] tree_plan): 20 '303' Potager, 21 'CULT' Concerts
    (mapped by id: `id:21`), 29 'HORS' (no unit)
  2 « Fonctions support »: 30 'ADM' Administration (mapped by id: `id:30` → 101),
    31 'COM' Communication (by code → 102)
  3 « Financeurs » — a second dimension only: 40 'FIN-REG' Région Réunion

Journal items (balance: + debit; all in June 2025):
  L1 BILL/2025/06/0001 posted   606300  120.00  Potager 100 % AND Administration 100 %
       (17 key "20,30"; 15 analytic_account_id 20 + tag T_ADM {30: 100})
       → 120 on Potager, nothing on Administration (the tree plan holds the whole line)
  L2 BILL/2025/06/0002 posted   623000  200.00  Concerts 50 %; Communication 100 %
       (17 {"21,31": 50, "31": 50}; 15 tags T_C50 {21: 50} + T_COM {31: 100})
       → 100 on Concerts, 100 on Communication (what the tree plan leaves)
  L3 BNK1/2025/0001    posted   627000   12.50  bank fees, no analytic account → non affecté
  L4 INV/2025/06/0001  posted   706000 -300.00  income on Administration only (17 {"30": 100};
       15 analytic_account_id 30) → 300 recette on Administration
  L5 draft (move 5)    DRAFT    606300  400.00  Potager 25 %, Concerts 75 % + Région (dimension)
       (17 {"20": 25, "21,40": 75}; 15 tags T_PC {20: 25, 21: 75} + T_REG {40: 100})
       → engagé 100 Potager, 300 Concerts
  L6 MISC/2025/06/0001 posted   741000 -1000.00 Concerts + Région (17 "21,40"; 15 account 21 +
       tag T_REG) → 1 000 subventions on Concerts, dimension « Région Réunion »
  L7 BILL/2025/06/0003 posted   606300  100.00  Potager 70 % only (17 {"20": 70}; 15 tag T_P70,
       plus a plain label tag T_LBL without distribution) → 70 Potager, 30 non affecté
  L8 MISC/2025/06/0002 posted   681100   50.00  a dotation, no budget category → in the books,
       not in the budget (reconciliation: hors catégories)
Internal flows (app.internal_transfers): a soirée dispatch of 150 € from 303 to 401 (event
  'evt-1') and a transfer of 80 € from 401 to 101.
"""

from __future__ import annotations

from tests.sql.books import COMPANY, books_config, company_records, m2o

AS_OF = "2025-06-15"
W = "2025-06-14 08:00:00"

CONFIG = books_config(
    AS_OF, analytic={"tree_plan": "Pôles", "dimension_plans": ["Financeurs"]},
    units=[
        {"code": "R", "name": "La Raffinerie", "level": "organisation"},
        {"code": "10", "name": "Les communs", "level": "groupe", "parent": "R", "analytic_accounts": []},
        {"code": "101", "name": "Administration", "level": "pole", "parent": "10", "analytic_accounts": ["id:30"]},
        {"code": "102", "name": "Communication", "level": "pole", "parent": "10", "analytic_accounts": ["COM"]},
        {"code": "30", "name": "Jardin", "level": "groupe", "parent": "R", "analytic_accounts": []},
        {"code": "303", "name": "Potager", "level": "pole", "parent": "30"},
        {"code": "40", "name": "Culture", "level": "groupe", "parent": "R", "analytic_accounts": []},
        {"code": "401", "name": "Concerts", "level": "pole", "parent": "40", "analytic_accounts": ["id:21"]},
    ],
)

PARTNERS = {2: "Quincaillerie du Port", 3: "Région Réunion", 4: "Mairie de Saint-Paul", 5: "Imprimerie Bourbon"}

# id, code, name, 16+ account_type, ≤15 internal_type
ACCOUNTS = [
    (1, "606300", "Petit équipement", "expense", "other"),
    (2, "623000", "Publicité", "expense", "other"),
    (3, "627000", "Services bancaires", "expense", "other"),
    (4, "706000", "Prestations de services", "income", "other"),
    (5, "741000", "Subventions d'exploitation", "income", "other"),
    (6, "681100", "Dotations aux amortissements", "expense", "other"),
    (7, "401000", "Fournisseurs", "liability_payable", "payable"),
    (8, "411000", "Clients", "asset_receivable", "receivable"),
    (9, "512000", "Banque", "asset_cash", "liquidity"),
    (10, "441000", "État - subventions à recevoir", "asset_current", "other"),
    (11, "281800", "Amortissements", "asset_non_current", "other"),
]

PLANS = [(1, "Pôles"), (2, "Fonctions support"), (3, "Financeurs")]
# id, code, name, plan
ANALYTIC = [
    (20, "303", "Potager", 1), (21, "CULT", "Concerts", 1), (29, "HORS", "Hors organisation", 1),
    (30, "ADM", "Administration", 2), (31, "COM", "Communication", 2),
    (40, "FIN-REG", "Région Réunion", 3),
]

# id, name, move_type, state, payment_state, date, partner, journal
MOVES = [
    (1, "BILL/2025/06/0001", "in_invoice", "posted", "paid", "2025-06-02", 2, 1),
    (2, "BILL/2025/06/0002", "in_invoice", "posted", "not_paid", "2025-06-03", 5, 1),
    (3, "BNK1/2025/0001", "entry", "posted", "not_paid", "2025-06-05", None, 4),
    (4, "INV/2025/06/0001", "out_invoice", "posted", "paid", "2025-06-06", 4, 2),
    (5, "/", "in_invoice", "draft", "not_paid", "2025-06-20", 2, 1),
    (6, "MISC/2025/06/0001", "entry", "posted", "not_paid", "2025-06-01", 3, 3),
    (7, "BILL/2025/06/0003", "in_invoice", "posted", "paid", "2025-06-08", 2, 1),
    (8, "MISC/2025/06/0002", "entry", "posted", "not_paid", "2025-06-30", None, 3),
]

# 15 tags: id, name, active distribution, {analytic account: pct}
TAGS_15 = [
    (1, "Administration", True, {30: 100.0}),
    (2, "Concerts 50 %", True, {21: 50.0}),
    (3, "Communication", True, {31: 100.0}),
    (4, "Potager / Concerts", True, {20: 25.0, 21: 75.0}),
    (5, "Région", True, {40: 100.0}),
    (6, "Potager 70 %", True, {20: 70.0}),
    (7, "Étiquette", False, {29: 100.0}),  # a mere label: its distribution is not active
]

# id, move, account, label, balance, 17 analytic_distribution, 15 (analytic_account_id, tag ids)
LINES = [
    (11, 1, 1, "Bâche potager", 120.0, {"20,30": 100.0}, (20, [1])),
    (19, 1, 7, "BILL/2025/06/0001", -120.0, False, (None, [])),
    (21, 2, 2, "Affiches concert", 200.0, {"21,31": 50.0, "31": 50.0}, (None, [2, 3])),
    (29, 2, 7, "BILL/2025/06/0002", -200.0, False, (None, [])),
    (31, 3, 3, "Frais bancaires", 12.5, False, (None, [])),
    (39, 3, 9, "Frais bancaires", -12.5, False, (None, [])),
    (41, 4, 4, "Formation bureautique", -300.0, {"30": 100.0}, (30, [])),
    (49, 4, 8, "INV/2025/06/0001", 300.0, False, (None, [])),
    (51, 5, 1, "Sono et lumières", 400.0, {"20": 25.0, "21,40": 75.0}, (None, [4, 5])),
    (59, 5, 7, False, -400.0, False, (None, [])),
    (61, 6, 5, "Subvention Région concerts", -1000.0, {"21,40": 100.0}, (21, [5])),
    (69, 6, 10, "Subvention Région concerts", 1000.0, False, (None, [])),
    (71, 7, 1, "Graines", 100.0, {"20": 70.0}, (None, [6, 7])),
    (79, 7, 7, "BILL/2025/06/0003", -100.0, False, (None, [])),
    (81, 8, 6, "Dotation amortissements", 50.0, False, (None, [])),
    (89, 8, 11, "Dotation amortissements", -50.0, False, (None, [])),
]

# Analytic lines of posted moves, as each version makes them:
# 15: one per account (the item's own account, then one per active tag distribution line);
# 17: one per distribution key, the tree plan in account_id, plan 2 in x_plan2_id, 3 in x_plan3_id.
# id, move line, amount, 15 account, 17 {column: account}
ANALYTIC_LINES_15 = [
    (101, 11, -120.0, 20), (102, 11, -120.0, 30),
    (103, 21, -100.0, 21), (104, 21, -200.0, 31),
    (105, 41, 300.0, 30),
    (106, 61, 1000.0, 21), (107, 61, 1000.0, 40),
    (108, 71, -70.0, 20),
]
ANALYTIC_LINES_17 = [
    (101, 11, -120.0, {"account_id": 20, "x_plan2_id": 30}),
    (103, 21, -100.0, {"account_id": 21, "x_plan2_id": 31}),
    (104, 21, -100.0, {"x_plan2_id": 31}),
    (105, 41, 300.0, {"x_plan2_id": 30}),
    (106, 61, 1000.0, {"account_id": 21, "x_plan3_id": 40}),
    (108, 71, -70.0, {"account_id": 20}),
]

TRANSFERS = [
    # transfer_id, from, to, date, amount, reason, event_id
    (1, "303", "401", "2025-06-10", 150.00, "Répartition de la soirée du 7 juin", "evt-1"),
    (2, "401", "101", "2025-06-12", 80.00, "Participation aux frais d'administration", None),
]


def odoo_books(version: str) -> dict[str, list[dict]]:
    """resource → records, as Odoo `version` ("15" or "17") returns them."""
    assert version in ("15", "17")
    v15 = version == "15"
    accounts = {a[0]: a for a in ACCOUNTS}
    analytic = {a[0]: a for a in ANALYTIC}
    plans = dict(PLANS)
    moves = {m[0]: m for m in MOVES}
    books: dict[str, list[dict]] = {
        "res_company": company_records(W),
        "res_partner": [{"id": i, "name": n, "display_name": n, "email": False, "is_company": True, "active": True,
                         "company_id": False, "parent_id": False, "write_date": W} for i, n in PARTNERS.items()],
        "account_journal": [
            {"id": j, "code": c, "name": n, "type": t, "default_account_id": [9, "512000 Banque"] if t == "bank" else False,
             "company_id": COMPANY, "active": True, "write_date": W}
            for j, c, n, t in [(1, "ACH", "Achats", "purchase"), (2, "VTE", "Ventes", "sale"),
                               (3, "OD", "Opérations diverses", "general"), (4, "BNK1", "Banque", "bank")]],
    }
    books["account_account"] = []
    for id_, code, name, account_type, internal_type in ACCOUNTS:
        record = {"id": id_, "code": code, "name": name, "reconcile": internal_type in ("payable", "receivable"),
                  "deprecated": False, "company_id": COMPANY, "write_date": W,
                  "internal_group": "expense" if code[0] == "6" else "income" if code[0] == "7" else "asset"}
        record |= ({"user_type_id": [1, "Autre"], "internal_type": internal_type} if v15
                   else {"account_type": account_type})
        books["account_account"].append(record)
    grouping = [{"id": i, "name": n, "complete_name": n, "parent_id": False, "write_date": W} for i, n in PLANS]
    if v15:
        books["account_analytic_group"] = [g | {"company_id": COMPANY} for g in grouping]
    else:
        books["account_analytic_plan"] = [g | {"sequence": g["id"]} for g in grouping]
    books["account_analytic_account"] = [
        {"id": i, "code": c, "name": n, "active": True, "partner_id": False, "company_id": COMPANY, "write_date": W,
         **({"group_id": [p, plans[p]]} if v15 else {"plan_id": [p, plans[p]], "root_plan_id": [p, plans[p]]})}
        for i, c, n, p in ANALYTIC]
    if v15:
        books["account_analytic_tag"] = [
            {"id": t, "name": n, "active": True, "active_analytic_distribution": active,
             "analytic_distribution_ids": [10 * t + k for k in range(len(dist))], "company_id": COMPANY,
             "write_date": W} for t, n, active, dist in TAGS_15]
        books["account_analytic_distribution"] = [
            {"id": 10 * t + k, "account_id": [a, analytic[a][2]], "percentage": pct, "tag_id": [t, n], "write_date": W}
            for t, n, _, dist in TAGS_15 for k, (a, pct) in enumerate(dist.items())]
    books["account_move"] = [
        {"id": i, "name": (name if v15 else False) if name == "/" else name, "ref": False, "move_type": t,
         "state": s, "payment_state": ps, "date": d, "invoice_date": d if t != "entry" else False,
         "invoice_date_due": d if t != "entry" else False, "partner_id": m2o(p, PARTNERS.get(p)),
         "journal_id": [j, f"journal {j}"], "company_id": COMPANY, "currency_id": [1, "EUR"],
         "amount_residual": 0.0, "write_date": W}
        for i, name, t, s, ps, d, p, j in MOVES]
    books["account_move_line"] = []
    for id_, move_id, account_id, label, balance, dist17, (account15, tags15) in LINES:
        move = moves[move_id]
        record = {
            "id": id_, "move_id": [move_id, move[1]], "move_name": move[1], "date": move[5], "date_maturity": move[5],
            "account_id": [account_id, f"{accounts[account_id][1]} {accounts[account_id][2]}"],
            "partner_id": m2o(move[6], PARTNERS.get(move[6])), "journal_id": [move[7], f"journal {move[7]}"],
            "company_id": COMPANY, "name": label, "ref": False, "currency_id": [1, "EUR"],
            "debit": max(balance, 0.0), "credit": max(-balance, 0.0), "balance": balance,
            "amount_residual": 0.0, "reconciled": False, "full_reconcile_id": False, "matching_number": False,
            "parent_state": move[3], "display_type": "product", "write_date": W,
        }
        if v15:
            record |= {"analytic_account_id": m2o(account15, analytic[account15][2] if account15 else None),
                       "analytic_tag_ids": tags15}
        else:
            record["analytic_distribution"] = dist17
        books["account_move_line"].append(record)
    books["account_analytic_line"] = []
    lines = {line[0]: line for line in LINES}
    for id_, move_line_id, amount, where in (ANALYTIC_LINES_15 if v15 else ANALYTIC_LINES_17):
        line = lines[move_line_id]
        move = moves[line[1]]
        record = {
            "id": id_, "date": move[5], "name": line[3], "ref": move[1], "amount": amount, "unit_amount": 0.0,
            "general_account_id": [line[2], accounts[line[2]][1]], "partner_id": m2o(move[6], PARTNERS.get(move[6])),
            "product_id": False, "company_id": COMPANY, "currency_id": [1, "EUR"], "category": "other",
            "write_date": W,
        }
        if v15:
            record |= {"account_id": [where, analytic[where][2]], "move_id": [move_line_id, move[1]]}
        else:
            record |= {"move_line_id": [move_line_id, move[1]], "journal_id": [move[7], f"journal {move[7]}"]}
            for column in ("account_id", "x_plan2_id", "x_plan3_id"):
                account = where.get(column)
                record[column] = [account, analytic[account][2]] if account else False
        books["account_analytic_line"].append(record)
    books["account_bank_statement_line"] = []
    books["account_payment"] = []
    books["account_partial_reconcile"] = []  # every Odoo has the model; these books reconcile nothing
    return books


def insert_app_rows(con) -> None:
    for row in TRANSFERS:
        con.execute("INSERT INTO app.internal_transfers (transfer_id, from_unit, to_unit, transfer_date, amount,"
                    " reason, event_id) VALUES (?, ?, ?, ?, ?, ?, ?)", list(row))
