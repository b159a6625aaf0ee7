"""A tiny hand-written organisation: its Odoo books in Odoo-15 and Odoo-17 shapes, and its app rows.

The same accounting facts are written twice, as each Odoo version's `search_read` returns them
(docs/sources/odoo.md §1.5, §2). The expected figures are computed by hand in
test_marts.py from the facts listed here.

Facts (as_of = 2025-06-15; June has 30 days, so half of June has elapsed):

  M1 BILL/2025/04/0001  in_invoice posted paid      2025-04-10  Alice Payet      604100  250.00 → 101 (Outils communs)
  M2 BILL/2025/05/0002  in_invoice posted not_paid  2025-05-20  Quincaillerie    606300  180.00 → 303 (Potager)
  M3 RBILL/2025/05/0001 in_refund  posted paid      2025-05-25  Quincaillerie    606300  -30.00 → 303 (a refund)
  M4 INV/2025/06/0001   out_invoice posted partial  2025-06-05  Mairie           706000  500.00 → 60 % 303, 40 % 30301
  M5 MISC/2025/06/0001  entry posted                2025-06-01  Région           741000 3000.00 → 101 (+ funder plan "Région" in 17)
  M6 /                  in_invoice DRAFT            2025-06-20  Quincaillerie    606300 1000.00 → 60 % 303, 40 % 30301
  M7 BILL/2025/06/0003  in_invoice CANCELLED        2025-06-02  Quincaillerie    606300  999.00 → 303 (ignored)
  M8 MISC/2025/06/0002  entry posted                2025-06-03  —                864/875 volunteering 100.00 → 303 (no category: ignored)
  M9 BILL/2025/06/0004  in_invoice posted paid      2025-06-04  Quincaillerie    606300   50.00 → analytic account of no unit (ignored)

In the Odoo-15 book a split line is two journal items (one per analytic account); in the
Odoo-17 book it is one journal item with an analytic_distribution (and 17's joined keys
"<unit account>,<funder plan account>" for the plan "Financeurs").
"""

from __future__ import annotations

from copy import deepcopy

from tests.sql.books import JARDIN_PARTAGE, UNITS, books_config, company_records, m2o

AS_OF = "2025-06-15"

CONFIG = books_config(AS_OF, units=[*UNITS, JARDIN_PARTAGE])

W = "2025-06-14 08:00:00"  # write_date of every record

# -- master data ---------------------------------------------------------------------------------

COMPANIES = company_records(W)

PARTNERS = [
    {"id": 1, "name": "Alice Payet", "display_name": "Alice Payet", "email": "Alice@Example.org", "is_company": False},
    {"id": 2, "name": "Quincaillerie du Port", "display_name": "Quincaillerie du Port", "email": False, "is_company": True},
    {"id": 3, "name": "Région Réunion", "display_name": "Région Réunion", "email": "subventions@region.re", "is_company": True},
    {"id": 4, "name": "Mairie de Saint-Paul", "display_name": "Mairie de Saint-Paul", "email": False, "is_company": True},
]

# (id, code, name, ≤15 internal_type, ≤15 internal_group, 16+ account_type)
_ACCOUNTS = [
    (1, "604100", "Bienveillance", "other", "expense", "expense"),
    (2, "604200", "Prestations internes", "other", "expense", "expense"),
    (3, "606300", "Petit équipement", "other", "expense", "expense"),
    (4, "706000", "Prestations de services", "other", "income", "income"),
    (5, "741000", "Subventions d'exploitation", "other", "income", "income"),
    (6, "401000", "Fournisseurs", "payable", "liability", "liability_payable"),
    (7, "411000", "Clients", "receivable", "asset", "asset_receivable"),
    (8, "512000", "Banque", "liquidity", "asset", "asset_cash"),
    (9, "864000", "Personnel bénévole", "other", "expense", "expense"),
    (10, "875000", "Bénévolat", "other", "income", "income"),
    (11, "441000", "État - subventions à recevoir", "other", "asset", "asset_current"),
]


def _account(version: str, id_, code, name, internal_type, internal_group, account_type) -> dict:
    record = {"id": id_, "code": code, "name": name, "reconcile": internal_type in ("payable", "receivable"),
              "deprecated": False, "company_id": [1, "La Raffinerie"], "write_date": W}
    if version == "15":
        user_type = {"payable": "Payable", "receivable": "Receivable", "liquidity": "Bank and Cash"}.get(
            internal_type, internal_group.title())
        record.update(user_type_id=[len(code), user_type], internal_type=internal_type, internal_group=internal_group)
    else:
        record.update(account_type=account_type, internal_group=internal_group)
    return record


JOURNALS = [
    {"id": 1, "code": "ACH", "name": "Achats", "type": "purchase", "default_account_id": False,
     "company_id": [1, "La Raffinerie"], "active": True, "write_date": W},
    {"id": 2, "code": "VTE", "name": "Ventes", "type": "sale", "default_account_id": False,
     "company_id": [1, "La Raffinerie"], "active": True, "write_date": W},
    {"id": 3, "code": "OD", "name": "Opérations diverses", "type": "general", "default_account_id": False,
     "company_id": [1, "La Raffinerie"], "active": True, "write_date": W},
    {"id": 4, "code": "BNK1", "name": "Banque", "type": "bank", "default_account_id": [8, "512000 Banque"],
     "company_id": [1, "La Raffinerie"], "active": True, "write_date": W},
]

# Analytic plans / groups: 1 "Projets" (the units), 2 "Financeurs" (17 only needs it as a plan).
_PLANS = [(1, "Projets"), (2, "Financeurs")]
# (id, code, name, plan)
_ANALYTIC = [
    (12, "101", "Outils communs", 1),
    (15, "303", "Potager", 1),
    (16, "30301", "Jardin partagé", 1),
    (34, "FIN-REGION", "Région Réunion", 2),  # a funder, not a unit
    (40, "HORS", "Hors organisation", 1),      # mapped to no unit
]

# -- journal entries -----------------------------------------------------------------------------

# Moves: id, name, move_type, state, payment_state, date, partner id, journal id, total
_MOVES = [
    (1, "BILL/2025/04/0001", "in_invoice", "posted", "paid", "2025-04-10", 1, 1, 250.0),
    (2, "BILL/2025/05/0002", "in_invoice", "posted", "not_paid", "2025-05-20", 2, 1, 180.0),
    (3, "RBILL/2025/05/0001", "in_refund", "posted", "paid", "2025-05-25", 2, 1, 30.0),
    (4, "INV/2025/06/0001", "out_invoice", "posted", "partial", "2025-06-05", 4, 2, 500.0),
    (5, "MISC/2025/06/0001", "entry", "posted", "not_paid", "2025-06-01", 3, 3, 3000.0),
    (6, "/", "in_invoice", "draft", "not_paid", "2025-06-20", 2, 1, 1000.0),
    (7, "BILL/2025/06/0003", "in_invoice", "cancel", "not_paid", "2025-06-02", 2, 1, 999.0),
    (8, "MISC/2025/06/0002", "entry", "posted", "not_paid", "2025-06-03", None, 3, 100.0),
    (9, "BILL/2025/06/0004", "in_invoice", "posted", "paid", "2025-06-04", 2, 1, 50.0),
]

# Journal items, as ONE logical line each; `analytic` = {analytic account id: pct} (17 keys may
# join a funder account: see _DISTRIBUTION_17). The 15 book splits a multi-account line in two.
# (id, move, account, label, balance, analytic)
_LINES = [
    (11, 1, 1, "Mission accueil avril", 250.0, {12: 100.0}),
    (19, 1, 6, "BILL/2025/04/0001", -250.0, None),
    (21, 2, 3, "Outils de jardin", 180.0, {15: 100.0}),
    (29, 2, 6, "BILL/2025/05/0002", -180.0, None),
    (31, 3, 3, "Retour sécateur", -30.0, {15: 100.0}),
    (39, 3, 6, "RBILL/2025/05/0001", 30.0, None),
    (41, 4, 4, "Animation potager", -500.0, {15: 60.0, 16: 40.0}),
    (49, 4, 7, "INV/2025/06/0001", 500.0, None),
    (51, 5, 5, "Subvention Région 2025", -3000.0, {12: 100.0}),
    (59, 5, 11, "Subvention Région 2025", 3000.0, None),
    (61, 6, 3, "Serre et arrosage", 1000.0, {15: 60.0, 16: 40.0}),
    (69, 6, 6, False, -1000.0, None),
    (71, 7, 3, "Commande annulée", 999.0, {15: 100.0}),
    (79, 7, 6, "BILL/2025/06/0003", -999.0, None),
    (81, 8, 9, "Bénévolat chantier", 100.0, {15: 100.0}),
    (82, 8, 10, "Bénévolat chantier", -100.0, {15: 100.0}),
    (91, 9, 3, "Hors organisation", 50.0, {40: 100.0}),
    (99, 9, 6, "BILL/2025/06/0004", -50.0, None),
]

# Odoo 17: the distribution keys as they would be stored (joined keys for the funder plan).
_DISTRIBUTION_17 = {
    51: {"12,34": 100.0},                # subsidy: project plan 12 + funder plan 34
    61: {"15": 60.0, "16,34": 40.0},     # draft bill: 60 % Potager, 40 % Jardin partagé (+ funder)
}

# Analytic lines of POSTED moves: (id, move line, analytic account, amount, date).
# Odoo: amount = -balance × pct / 100 (expenses negative). In the 15 book the split line 41
# becomes two journal items, 41 (60 %) and 42 (40 %).
_ANALYTIC_LINES = [
    (101, 11, 12, -250.0),
    (102, 21, 15, -180.0),
    (103, 31, 15, 30.0),
    (104, 41, 15, 300.0),
    (105, 41, 16, 200.0),   # 15 book: move line 42
    (106, 51, 12, 3000.0),  # 17 book: also x_plan2_id = 34
    (107, 81, 15, -100.0),
    (108, 82, 15, 100.0),
    (109, 91, 40, -50.0),
]

_SPLIT_15 = {41: 42, 61: 62}  # 15 book: the second journal item of each split line


def odoo_books(version: str) -> dict[str, list[dict]]:
    """resource → records, as Odoo `version` ("15" or "17") returns them."""
    assert version in ("15", "17")
    accounts = {a[0]: a for a in _ACCOUNTS}
    analytic = {a[0]: a for a in _ANALYTIC}
    partners = {p["id"]: p["name"] for p in PARTNERS}
    moves = {m[0]: m for m in _MOVES}

    books: dict[str, list[dict]] = {
        "res_company": deepcopy(COMPANIES),
        "res_partner": [dict(p, active=True, company_id=False, parent_id=False, write_date=W) for p in PARTNERS],
        "account_account": [_account(version, *a) for a in _ACCOUNTS],
        "account_journal": deepcopy(JOURNALS),
    }
    plan_model = "account_analytic_group" if version == "15" else "account_analytic_plan"
    books[plan_model] = [
        {"id": i, "name": n, "complete_name": n, "parent_id": False, "write_date": W,
         **({"company_id": [1, "La Raffinerie"]} if version == "15" else {"sequence": i})}
        for i, n in _PLANS
    ]
    books["account_analytic_account"] = [
        {"id": i, "code": c, "name": n, "active": True, "partner_id": False, "company_id": [1, "La Raffinerie"],
         "write_date": W,
         **({"group_id": [p, dict(_PLANS)[p]]} if version == "15"
            else {"plan_id": [p, dict(_PLANS)[p]], "root_plan_id": [p, dict(_PLANS)[p]]})}
        for i, c, n, p in _ANALYTIC
    ]
    books["account_move"] = [
        {"id": i, "name": name if version == "15" or name != "/" else False, "ref": False, "move_type": t,
         "state": s, "payment_state": ps, "date": d, "invoice_date": d if t != "entry" else False,
         "invoice_date_due": d if t != "entry" else False, "partner_id": m2o(p, partners.get(p)),
         "journal_id": [j, f"journal {j}"], "company_id": [1, "La Raffinerie"], "currency_id": [1, "EUR"],
         "amount_untaxed": total, "amount_tax": 0.0, "amount_total": total,
         "amount_residual": 0.0 if ps == "paid" else total,
         "amount_total_signed": -total if t.startswith("in_") else total,
         "amount_residual_signed": 0.0, "payment_reference": False, "write_date": W}
        for i, name, t, s, ps, d, p, j, total in _MOVES
    ]

    lines = []
    for id_, move_id, account_id, label, balance, dist in _LINES:
        move = moves[move_id]
        base = {
            "move_id": [move_id, move[1]], "move_name": move[1], "date": move[5], "date_maturity": move[5],
            "account_id": [account_id, f"{accounts[account_id][1]} {accounts[account_id][2]}"],
            "partner_id": m2o(move[6], partners.get(move[6])), "journal_id": [move[7], f"journal {move[7]}"],
            "company_id": [1, "La Raffinerie"], "name": label, "ref": False, "currency_id": [1, "EUR"],
            "amount_residual": 0.0, "reconciled": False, "full_reconcile_id": False, "matching_number": False,
            "parent_state": move[3], "display_type": "product" if dist else "payment_term", "write_date": W,
        }
        if version == "17":
            distribution = _DISTRIBUTION_17.get(id_) or (
                {str(k): v for k, v in dist.items()} if dist else False)
            lines.append(dict(base, id=id_, balance=balance, debit=max(balance, 0.0), credit=max(-balance, 0.0),
                              analytic_distribution=distribution))
            continue
        # 15: one journal item per analytic account (the split of a line is two items)
        parts = list(dist.items()) if dist else [(None, 100.0)]
        for n, (analytic_id, pct) in enumerate(parts):
            part = round(balance * pct / 100, 2)
            lines.append(dict(
                base, id=id_ if n == 0 else _SPLIT_15[id_], balance=part, debit=max(part, 0.0),
                credit=max(-part, 0.0),
                analytic_account_id=m2o(analytic_id, analytic[analytic_id][2] if analytic_id else None),
                analytic_tag_ids=[],
            ))
    books["account_move_line"] = lines

    analytic_lines = []
    for id_, move_line_id, analytic_id, amount in _ANALYTIC_LINES:
        line = next(l for l in _LINES if l[0] == move_line_id)
        move = moves[line[1]]
        record = {
            "id": id_, "date": move[5], "name": line[3], "ref": move[1], "amount": amount, "unit_amount": 0.0,
            "account_id": [analytic_id, analytic[analytic_id][2]],
            "general_account_id": [line[2], accounts[line[2]][1]],
            "partner_id": m2o(move[6], partners.get(move[6])), "product_id": False,
            "company_id": [1, "La Raffinerie"], "currency_id": [1, "EUR"], "category": "other", "write_date": W,
        }
        if version == "15":
            ml = _SPLIT_15[move_line_id] if id_ == 105 else move_line_id
            record["move_id"] = [ml, move[1]]
        else:
            record["move_line_id"] = [move_line_id, move[1]]
            record["journal_id"] = [move[7], f"journal {move[7]}"]
            record["x_plan2_id"] = [34, "Région Réunion"] if id_ == 106 else False
        analytic_lines.append(record)
    books["account_analytic_line"] = analytic_lines

    books["account_bank_statement_line"] = [
        {"id": 1, "date": "2025-04-20", "payment_ref": "Virement Alice Payet", "partner_id": [1, "Alice Payet"],
         "amount": -250.0, "amount_residual": 0.0, "currency_id": [1, "EUR"], "journal_id": [4, "Banque"],
         "statement_id": False, "move_id": [20, "BNK1/2025/00001"], "is_reconciled": True, "write_date": W},
    ]
    books["account_payment"] = [
        {"id": 1, "name": "PBNK1/2025/00001", "date": "2025-04-20", "amount": 250.0, "payment_type": "outbound",
         "partner_type": "supplier", "partner_id": [1, "Alice Payet"], "journal_id": [4, "Banque"],
         "state": "posted", "currency_id": [1, "EUR"], "is_reconciled": True, "is_matched": True,
         "move_id": [21, "PBNK1/2025/00001"], "ref": "BILL/2025/04/0001", "write_date": W},
    ]
    return books


# -- what members entered in Alambic -------------------------------------------------------------

APP_ROWS = {
    "forecasts": [
        # forecast_id, unit, category, start, end, amount
        (1, "303", "prestations_externes_achats", "2025-04-01", "2025-06-30", 1200.00),  # 400 a month
        (2, "101", "bienveillance", "2025-06-01", "2025-06-30", 200.00),
        (3, "303", "prestations", "2025-05-01", "2025-07-31", 100.00),                   # 33.33 33.33 33.34
        (4, "101", "subventions", "2025-01-01", "2025-12-31", 2400.00),                  # 200 a month
    ],
    "remuneration_proposals": [
        # proposal_id, email, unit, kind, mission, amount, start, end, status, odoo_move_id
        (1, "alice@example.org", "101", "bienveillance", "Accueil des soirées de juin", 150.00,
         "2025-06-01", "2025-06-30", "proposee", None),
        (2, "alice@example.org", "30301", "prestation_interne", "Atelier semis", 80.00,
         "2025-06-01", "2025-06-10", "validee", None),
        (3, "bob@example.org", "303", "bienveillance", "Refusée", 999.00, "2025-06-01", "2025-06-02", "refusee", None),
        (4, "alice@example.org", "101", "bienveillance", "Accueil avril", 250.00,
         "2025-04-01", "2025-04-10", "payee", 1),
        (5, "alice@example.org", "101", "bienveillance", "Facturée, pas encore dans Odoo", 70.00,
         "2025-06-01", "2025-06-05", "facturee", None),
    ],
    "internal_transfers": [
        # transfer_id, from, to, date, amount, reason
        (1, "30301", "101", "2025-06-12", 300.00, "Participation aux outils communs"),
    ],
    "subsidies": [
        # subsidy_id, funder, unit, requested, granted
        (1, "Région Réunion", "101", 3500.00, 3000.00),
    ],
    "subsidy_instalments": [
        # instalment_id, subsidy_id, kind, amount, expected_on
        (1, 1, "avance", 2400.00, "2025-07-01"),
        (2, 1, "solde", 600.00, "2026-03-01"),
    ],
}


def insert_app_rows(con, rows: dict = APP_ROWS) -> None:
    """The app rows, as plain INSERTs (the forms' models/ are not needed to test the SQL)."""
    for r in rows["forecasts"]:
        con.execute("INSERT INTO app.forecasts (forecast_id, unit_code, category_code, period_start, period_end, amount)"
                    " VALUES (?, ?, ?, ?, ?, ?)", list(r))
    for r in rows["remuneration_proposals"]:
        con.execute("INSERT INTO app.remuneration_proposals (proposal_id, person_email, unit_code, kind, mission,"
                    " amount, start_date, end_date, status, odoo_move_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    list(r))
    for r in rows["internal_transfers"]:
        con.execute("INSERT INTO app.internal_transfers (transfer_id, from_unit, to_unit, transfer_date, amount, reason)"
                    " VALUES (?, ?, ?, ?, ?, ?)", list(r))
    for r in rows["subsidies"]:
        con.execute("INSERT INTO app.subsidies (subsidy_id, funder, unit_code, amount_requested, amount_granted)"
                    " VALUES (?, ?, ?, ?, ?)", list(r))
    for r in rows["subsidy_instalments"]:
        con.execute("INSERT INTO app.subsidy_instalments (instalment_id, subsidy_id, kind, amount, expected_on)"
                    " VALUES (?, ?, ?, ?, ?)", list(r))
