"""Odoo fixtures: small hand-made books in the Odoo 15 and 17 shapes, served on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sandbox.servers import RunningServer, serve_in_thread
from sandbox.servers.odoo import OdooBooks, odoo_app

ODOO_DB, ODOO_LOGIN, ODOO_PASSWORD = "raffinerie", "alambic", "s3cret-Odoo-pw"
ODOO_COMPANY, ODOO_EUR = [1, "La Raffinerie"], [1, "EUR"]
ODOO_SETUP = "2023-12-01 06:00:00"


def odoo_records(version: str) -> dict[str, list[dict]]:
    """The same tiny books (2 invoices, a bank payment, their analytic lines) as Odoo 15 or 17 returns them."""
    v15 = version == "15"
    partner = lambda pid, name: [pid, name]  # noqa: E731
    books: dict[str, list[dict]] = {
        "res_company": [{"id": 1, "name": "La Raffinerie", "currency_id": ODOO_EUR, "write_date": ODOO_SETUP}],
        "res_partner": [
            {"id": 7, "name": "Région Réunion", "is_company": True, "email": False, "active": True,
             "write_date": "2024-01-05 08:00:00"},
            {"id": 8, "name": "Brasserie Péi", "is_company": True, "email": "contact@pei.re", "active": False,
             "write_date": "2024-01-06 08:00:00"},
        ],
        "account_account": [
            {"id": 1, "code": "411000", "name": "Clients", "reconcile": True, "currency_id": False,
             "deprecated": False, "company_id": ODOO_COMPANY, "internal_group": "asset", "write_date": ODOO_SETUP},
            {"id": 2, "code": "706000", "name": "Prestations de services", "reconcile": False,
             "currency_id": False, "deprecated": False, "company_id": ODOO_COMPANY, "internal_group": "income",
             "write_date": ODOO_SETUP},
            {"id": 3, "code": "512000", "name": "Banque", "reconcile": False, "currency_id": False,
             "deprecated": False, "company_id": ODOO_COMPANY, "internal_group": "asset", "write_date": ODOO_SETUP},
        ],
        "account_journal": [
            {"id": 1, "name": "Ventes", "code": "VE", "type": "sale", "default_account_id": [2, "706000 Prestations"],
             "currency_id": False, "company_id": ODOO_COMPANY, "active": True, "write_date": ODOO_SETUP},
            {"id": 2, "name": "Banque", "code": "BNK1", "type": "bank", "default_account_id": [3, "512000 Banque"],
             "currency_id": False, "company_id": ODOO_COMPANY, "active": False, "write_date": ODOO_SETUP},
        ],
        "account_analytic_account": [
            {"id": 10, "name": "Ateliers vélo", "code": "VELO", "active": True, "partner_id": False,
             "company_id": ODOO_COMPANY, "write_date": "2024-01-02 08:00:00"},
            {"id": 11, "name": "Ancien projet", "code": "OLD", "active": False, "partner_id": False,
             "company_id": ODOO_COMPANY, "write_date": "2024-01-02 08:00:00"},
        ],
        "account_move": [
            _odoo_move(100, "FAC/2025/0001", 120.0, "2025-01-10 09:00:00"),
            _odoo_move(101, "FAC/2025/0002", 80.0, "2025-01-10 09:05:00"),
        ],
        "account_move_line": [
            _odoo_line(1000, 100, 1, 120.0, "2025-01-10 09:00:00"), _odoo_line(1001, 100, 2, -120.0, "2025-01-10 09:00:00"),
            _odoo_line(1002, 101, 1, 80.0, "2025-01-10 09:05:00"), _odoo_line(1003, 101, 2, -80.0, "2025-01-10 09:05:00"),
        ],
        "account_bank_statement_line": [
            {"id": 50, "date": "2025-01-20", "payment_ref": "VIR FAC/2025/0001", "partner_id": partner(7, "Région Réunion"),
             "amount": 120.0, "currency_id": ODOO_EUR, "journal_id": [2, "Banque"], "statement_id": False,
             "move_id": [102, "BNK1/2025/0001"], "is_reconciled": True, "amount_residual": 0.0,
             "write_date": "2025-01-20 10:00:00"},
        ],
        "account_payment": [
            {"id": 60, "name": "PAY/2025/0001", "date": "2025-01-20", "amount": 120.0, "payment_type": "inbound",
             "partner_type": "customer", "partner_id": partner(7, "Région Réunion"), "journal_id": [2, "Banque"],
             "state": "posted", "currency_id": ODOO_EUR, "is_reconciled": True, "is_matched": True,
             "move_id": [103, "PAY/2025/0001"], "ref": "FAC/2025/0001", "write_date": "2025-01-20 10:00:00"},
        ],
        # One partial reconciliation, in the shape both versions return (the fetch is what is tested here).
        "account_partial_reconcile": [
            {"id": 70, "debit_move_id": [1000, "FAC/2025/0001"], "credit_move_id": [1001, "FAC/2025/0001"],
             "amount": 120.0, "debit_amount_currency": 120.0, "credit_amount_currency": 120.0,
             "full_reconcile_id": False, "max_date": "2025-01-20", "company_id": ODOO_COMPANY,
             "write_date": "2025-01-20 10:00:00"},
        ],
        # Three lines written in the same second: paging must break the tie on id. Coherent books:
        # the analytic lines of a journal item add up to at most its amount (1001: −40 − 80 = −120).
        "account_analytic_line": [_odoo_analytic_line(200 + i, 1001 + 2 * (i % 2), amount, "2025-01-10 09:05:00")
                                  for i, amount in enumerate((-40.0, -80.0, -80.0))],
    }
    grouping = [{"id": 1, "name": "Projets", "parent_id": False, "complete_name": "Projets", "write_date": ODOO_SETUP}]
    if v15:
        books["account_analytic_group"] = [g | {"company_id": ODOO_COMPANY} for g in grouping]
        # a tag spreading its journal items 100 % over Ateliers vélo (≤15 tag distributions)
        books["account_analytic_tag"] = [
            {"id": 5, "name": "Vélo", "active": True, "active_analytic_distribution": True,
             "analytic_distribution_ids": [6], "company_id": ODOO_COMPANY, "write_date": ODOO_SETUP}]
        books["account_analytic_distribution"] = [
            {"id": 6, "account_id": [10, "Ateliers vélo"], "percentage": 100.0, "tag_id": [5, "Vélo"],
             "write_date": ODOO_SETUP}]
    else:
        books["account_analytic_plan"] = [g | {"sequence": 10} for g in grouping] + [
            {"id": 2, "name": "Financeurs", "parent_id": False, "complete_name": "Financeurs", "sequence": 20,
             "write_date": ODOO_SETUP}]
    for account in books["account_account"]:
        account |= ({"user_type_id": [1, "Recevable"], "internal_type": "receivable"} if v15
                    else {"account_type": "asset_receivable"})
    for account in books["account_analytic_account"]:
        account |= {"group_id": [1, "Projets"]} if v15 else {"plan_id": [1, "Projets"], "root_plan_id": [1, "Projets"]}
    for line in books["account_move_line"]:
        analytic = [10, "[VELO] Ateliers vélo"] if line["account_id"][0] == 2 else False
        line |= ({"analytic_account_id": analytic, "analytic_tag_ids": []} if v15
                 else {"analytic_distribution": {"10": 100.0} if analytic else False})
    for line in books["account_analytic_line"]:
        journal_item = line.pop("_journal_item")
        line |= ({"move_id": journal_item} if v15
                 else {"move_line_id": journal_item, "journal_id": [1, "Ventes"], "x_plan2_id": False})
    return books


def _odoo_move(move_id: int, name: str, total: float, written: str) -> dict:
    return {"id": move_id, "name": name, "ref": False, "move_type": "out_invoice", "state": "posted",
            "payment_state": "not_paid", "date": written[:10], "invoice_date": written[:10],
            "invoice_date_due": "2025-02-10", "partner_id": [7, "Région Réunion"], "journal_id": [1, "Ventes"],
            "company_id": ODOO_COMPANY, "currency_id": ODOO_EUR, "amount_untaxed": total, "amount_tax": 0.0,
            "amount_total": total, "amount_residual": total, "amount_total_signed": total,
            "amount_residual_signed": total, "payment_reference": name, "write_date": written}


def _odoo_line(line_id: int, move_id: int, account_id: int, balance: float, written: str) -> dict:
    code = {1: "411000 Clients", 2: "706000 Prestations"}[account_id]
    return {"id": line_id, "move_id": [move_id, f"FAC/2025/{move_id - 99:04d}"], "move_name": f"FAC/2025/{move_id - 99:04d}",
            "date": written[:10], "date_maturity": False, "account_id": [account_id, code],
            "partner_id": [7, "Région Réunion"], "journal_id": [1, "Ventes"], "company_id": ODOO_COMPANY, "name": "Atelier",
            "ref": False, "debit": max(balance, 0.0), "credit": max(-balance, 0.0), "balance": balance,
            "amount_currency": balance, "currency_id": ODOO_EUR, "amount_residual": 0.0, "reconciled": False,
            "full_reconcile_id": False, "matching_number": False, "parent_state": "posted", "display_type": False,
            "product_id": False, "quantity": 1.0, "write_date": written}


def _odoo_analytic_line(line_id: int, journal_item: int, amount: float, written: str) -> dict:
    return {"id": line_id, "date": written[:10], "name": "Atelier", "ref": False, "amount": amount, "unit_amount": 1.0,
            "account_id": [10, "[VELO] Ateliers vélo"], "general_account_id": [2, "706000 Prestations"],
            "partner_id": [7, "Région Réunion"], "product_id": False, "company_id": ODOO_COMPANY, "currency_id": ODOO_EUR,
            "category": "invoice", "write_date": written, "_journal_item": [journal_item, "FAC Atelier"]}


def odoo_books(version: str) -> OdooBooks:
    return OdooBooks(version, odoo_records(version), login=ODOO_LOGIN, password=ODOO_PASSWORD)


@pytest.fixture(scope="module", params=["15", "17"])
def odoo_server(request) -> Iterator[RunningServer]:
    """One server per Odoo shape for the whole module; tests must not edit its books."""
    app = odoo_app({ODOO_DB: odoo_books(request.param)})
    with serve_in_thread(app) as server:
        server.app, server.version = app, request.param
        yield server


@pytest.fixture(autouse=True)
def odoo_reset(request) -> Iterator[None]:
    """Faults and request counters start clean in every test."""
    yield
    if "odoo_server" in request.fixturenames:
        server = request.getfixturevalue("odoo_server")
        server.app.state.faults.clear()


@pytest.fixture(params=["15", "17"])
def odoo_editable(request) -> Iterator[RunningServer]:
    """A server of its own, whose books the test may edit."""
    app = odoo_app({ODOO_DB: odoo_books(request.param)})
    with serve_in_thread(app) as server:
        server.app, server.version, server.books = app, request.param, app.state.databases[ODOO_DB]
        yield server


@pytest.fixture(scope="module")
def odoo_sandbox_records() -> dict[str, dict[str, list[dict]]]:
    """The sandbox organisation's books, {"15": {resource: records}, "17": …}, generated once."""
    from sandbox.generate import generate
    return generate(seed=1, scale=0.2).odoo
