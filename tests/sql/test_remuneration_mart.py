"""marts.remuneration_proposals: the effective status of each proposal from hand-made Odoo bills
(paid, in payment, not paid, draft, cancelled, ambiguous), in the Odoo 15 and 17 shapes, and the
budget lines that count a proposal only while no bill stands for it.

The books are tests/sql/tiny_books.py's, plus bills entered through the sandbox Odoo server's
helpers (`OdooBooks.add_bill` / `pay_bill`), as a member and the treasurer would in Odoo.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from sandbox.servers.odoo import OdooBooks
from tests.sql.test_marts import make_config
from tests.sql.tiny_books import odoo_books
from warehouse.build import build
from warehouse.connection import Warehouse
from warehouse.load import load_records
from warehouse.migrations import migrate

D = Decimal
BOB = "bob@example.org"

# proposal_id, person, unit, amount, start, stored status, stored odoo_move_id
PROPOSALS = [
    (1, "alice@example.org", "101", "250.00", "2025-04-01", "validee", None),   # tiny M1, paid → payee
    (2, BOB, "303", "300.00", "2025-05-01", "validee", None),      # bill paid, reconciled → payee, paid_on
    (3, BOB, "30301", "120.00", "2025-05-01", "validee", None),    # bill in_payment → payee
    (4, BOB, "303", "80.00", "2025-05-20", "validee", None),       # bill not paid → facturee
    (5, BOB, "101", "50.00", "2025-05-01", "validee", None),       # three bills of 50 on 101: the first
    (6, BOB, "101", "50.00", "2025-06-04", "validee", None),       # … the second dated before P6: ambiguous
    (7, BOB, "303", "80.01", "2025-05-20", "validee", None),       # one cent off: no bill
    (8, BOB, "101", "300.00", "2025-05-01", "validee", None),      # the 300 bill is on 303: no bill
    (9, BOB, "303", "80.00", "2025-05-20", "proposee", None),      # not validated: never matched
    (10, "alice@example.org", "303", "999.00", "2025-06-01", "facturee", 9),  # attached by hand: M9 paid
    (11, "alice@example.org", "303", "999.00", "2025-06-01", "facturee", 7),  # attached bill cancelled
    (12, "alice@example.org", "303", "70.00", "2025-06-01", "facturee", 99999),  # attached, not synced
    (13, BOB, "303", "40.00", "2025-05-01", "validee", None),      # draft bill → facturee
    (14, BOB, "303", "300.00", "2025-06-01", "refusee", None),
    (15, BOB, "303", "300.00", "2025-07-01", "validee", None),     # bill dated before the mission: no
]


def books_with_bills(version: str) -> tuple[OdooBooks, dict[str, int]]:
    books = OdooBooks(version, odoo_books(version))
    books.add("res_partner", {"name": "Bob Hoarau", "display_name": "Bob Hoarau", "email": BOB, "is_company": False,
                              "active": True, "company_id": False, "parent_id": False})
    bill = {}
    bill["paid"] = books.add_bill(BOB, "2025-05-10", [("604200", 300.0, "Chantier serre", "303")])["id"]
    books.pay_bill(bill["paid"], "2025-05-20")
    bill["in_payment"] = books.add_bill(BOB, "2025-05-12", [("604100", 120.0, "Semis", "30301")])["id"]
    books.pay_bill(bill["in_payment"], "2025-05-25", payment_state="in_payment")
    bill["not_paid"] = books.add_bill(BOB, "2025-06-01", [("604100", 80.0, "Bar", "303")])["id"]
    bill["twin_a"] = books.add_bill(BOB, "2025-06-02", [("604100", 50.0, "Accueil", "101")])["id"]
    bill["twin_b"] = books.add_bill(BOB, "2025-06-03", [("604100", 50.0, "Accueil", "101")])["id"]
    bill["draft"] = books.add_bill(BOB, "2025-06-05", [("604100", 40.0, "Affiches", "303")], state="draft")["id"]
    bill["twin_c"] = books.add_bill(BOB, "2025-06-10", [("604100", 50.0, "Accueil", "101")])["id"]
    return books, bill


@pytest.fixture(scope="module", params=["15", "17"])
def built(request, tmp_path_factory):
    directory = tmp_path_factory.mktemp(f"remuneration{request.param}")
    config = make_config(directory)
    warehouse = Warehouse(directory / "w.duckdb")
    migrate(warehouse)
    books, bill = books_with_bills(request.param)
    for resource in odoo_books(request.param):
        load_records(warehouse, "odoo", resource, books.rows(resource))
    with warehouse.write("propositions de test") as con:
        for pid, email, unit, amount, start, status, move in PROPOSALS:
            con.execute(
                "INSERT INTO app.remuneration_proposals (proposal_id, person_email, unit_code, kind, mission, amount,"
                " start_date, end_date, status, decided_by, decision_comment, odoo_move_id)"
                " VALUES (?, ?, ?, 'bienveillance', ?, ?, ?, ?, ?, ?, ?, ?)",
                [pid, email, unit, f"Mission {pid}", amount, start, start, status,
                 None if status == "proposee" else "referente", "Non" if status == "refusee" else None, move])
    build(warehouse, config.settings())
    return warehouse, bill


def mart(warehouse) -> dict[int, dict]:
    with warehouse.read() as con:
        cursor = con.execute("SELECT * FROM marts.remuneration_proposals")
        rows = cursor.fetchall()
        names = [d[0] for d in cursor.description]
    return {row[0]: dict(zip(names, row)) for row in rows}


def test_effective_status_from_the_bills(built):
    warehouse, bill = built
    got = {pid: (row["status"], row["odoo_move_id"], row["match"]) for pid, row in mart(warehouse).items()}
    assert got == {
        1: ("payee", 1, "automatique"),
        2: ("payee", bill["paid"], "automatique"),
        3: ("payee", bill["in_payment"], "automatique"),
        4: ("facturee", bill["not_paid"], "automatique"),
        5: ("facturee", bill["twin_a"], "automatique"),
        6: ("validee", None, "ambigue"),
        7: ("validee", None, None),
        8: ("validee", None, None),
        9: ("proposee", None, None),
        10: ("payee", 9, "rattachee"),
        11: ("validee", 7, "rattachee"),
        12: ("facturee", 99999, "rattachee"),
        13: ("facturee", bill["draft"], "automatique"),
        14: ("refusee", None, None),
        15: ("validee", None, None),
    }


def test_bill_details_and_payment_dates(built):
    warehouse, bill = built
    rows = mart(warehouse)
    # the reconciled payments' dates; tiny M1 is paid without a reconciliation in the books
    assert {pid: rows[pid]["paid_on"] for pid in (1, 2, 3, 4)} == {
        1: None, 2: date(2025, 5, 20), 3: date(2025, 5, 25), 4: None}
    assert rows[2]["invoice_date"] == date(2025, 5, 10)
    assert rows[1]["odoo_move_name"] == "BILL/2025/04/0001"
    assert rows[13]["odoo_move_name"] is None  # a draft has no number yet
    assert rows[2]["person_name"] == "Bob Hoarau" and rows[1]["person_name"] == "Alice Payet"
    assert rows[2]["unit_name"] == "Potager" and rows[2]["stored_status"] == "validee"


def test_ambiguous_matches_are_shown_not_guessed(built):
    """Bob's three bills of 50 on 101 (02/06, 03/06, 10/06) and his two proposals (from 01/05 and
    04/06): in chronological order P5 takes the first bill, and P6 the second — which is dated
    before P6 starts. The order cannot say which bill is P6's (the 03/06 one is for something
    else, or P5's is), so P6 is shown with its free candidate, not guessed. (Two proposals with
    the same start and two bills both after it used to be ambiguous; under the chronological
    rule their items are interchangeable and pair in order, test_a_recurring_mission_….)"""
    warehouse, bill = built
    rows = mart(warehouse)
    with warehouse.read() as con:
        late = con.execute("SELECT move_name FROM staging.stg_odoo__account_moves WHERE move_id = ?",
                           [bill["twin_c"]]).fetchone()[0]
    assert rows[5]["match_note"] == "Rapprochée automatiquement : même personne, même unité, même montant"
    assert rows[6]["match_note"] == (
        f"Plusieurs rapprochements possibles : facture(s) {late}, aussi candidate(s) pour la proposition n° 5"
        " — à rattacher à la main")
    assert rows[11]["match_note"] == "Facture BILL/2025/06/0003 annulée dans Odoo"
    assert rows[12]["match_note"].startswith("Facture Odoo n° 99999 absente de l'entrepôt")
    assert rows[13]["match_note"] == "Facture en brouillon dans Odoo"
    assert rows[7]["match_note"] is None


def test_budget_lines_count_a_proposal_only_without_its_bill(built):
    warehouse, _ = built
    with warehouse.read() as con:
        lines = dict(con.execute(
            "SELECT reference, status FROM marts.budget_lines WHERE source = 'alambic' AND reference LIKE 'proposition%'"
        ).fetchall())
    assert lines == {
        "proposition n° 6": "a_facturer", "proposition n° 7": "a_facturer",
        "proposition n° 8": "a_facturer", "proposition n° 9": "a_valider", "proposition n° 11": "a_facturer",
        "proposition n° 15": "a_facturer",
    }


def test_the_data_tests_catch_a_bill_on_two_proposals(built, tmp_path):
    warehouse, _ = built
    import shutil

    from warehouse.build import _run, discover

    copy = tmp_path / "copie.duckdb"
    shutil.copy(warehouse.path, copy)
    broken = Warehouse(copy)
    tests = {t.name: t for t in discover("tests")}
    with broken.write("casse") as con:
        con.execute("UPDATE marts.remuneration_proposals SET odoo_move_id = 1, match = 'rattachee' WHERE proposal_id = 10")
        assert _run(con, tests["remuneration_one_bill_per_proposal"],
                    tests["remuneration_one_bill_per_proposal"].sql).fetchall()
        con.execute("UPDATE marts.remuneration_proposals SET odoo_move_id = 5 WHERE proposal_id = 6")
        assert _run(con, tests["remuneration_status_consistent"], tests["remuneration_status_consistent"].sql).fetchall()


def test_the_build_step_writes_nothing_in_app_and_the_mart_says_invoiced_and_paid(built, tmp_path):
    """The `build` flow's step (flows.sync.build_and_record) only rebuilds: « facturée » and
    « payée » are the mart's reading of the Odoo books, the proposals stay as members left them."""
    import shutil

    from flows.sync import build_and_record

    warehouse, _ = built
    config = make_config(tmp_path)  # its warehouse: tmp_path / "w.duckdb"
    shutil.copy(warehouse.path, tmp_path / "w.duckdb")
    copy = Warehouse(tmp_path / "w.duckdb")
    app = ("SELECT proposal_id, status, odoo_move_id, row_version FROM app.remuneration_proposals "
           "ORDER BY proposal_id")
    with copy.read() as con:
        before = con.execute(app).fetchall()
        audited = con.execute("SELECT count(*) FROM app.audit_log").fetchall()
    build_and_record(config, log=lambda line: None)
    with copy.read() as con:
        assert con.execute(app).fetchall() == before
        assert con.execute("SELECT count(*) FROM app.audit_log").fetchall() == audited
    rows = mart(copy)
    assert {pid: (rows[pid]["status"], rows[pid]["stored_status"], rows[pid]["match"]) for pid in (2, 4)} == {
        2: ("payee", "validee", "automatique"), 4: ("facturee", "validee", "automatique")}


@pytest.mark.parametrize("version", ["15", "17"])
def test_a_recurring_mission_keeps_its_earlier_matches(version, tmp_path):
    """Carol's monthly mission on 303, 150 € each month: P1 (from January) is paid by her February
    bill; when P2 (from March) and her March bill arrive, P1 keeps its paid bill and P2 takes the
    new one — the later items never reopen an earlier pair. A bill dated before its proposal's
    start (April, for P3 from May) is not taken: P3 stays unmatched, then shown 'ambigue' once a
    bill it could take (mid-May) arrives, since the order cannot say which bill is its own."""
    carol = "carol@example.org"
    config = make_config(tmp_path)
    warehouse = Warehouse(tmp_path / "w.duckdb")
    migrate(warehouse)
    books = OdooBooks(version, odoo_books(version))
    books.add("res_partner", {"name": "Carol Técher", "display_name": "Carol Técher", "email": carol,
                              "is_company": False, "active": True, "company_id": False, "parent_id": False})
    next_id = iter(range(101, 200))

    def arrive(proposals: list[tuple[str, str]] = (), bills: list[str] = ()) -> tuple[dict[int, dict], list[int]]:
        """New proposals (start, status) entered in Alambic and bills (date) in Odoo, then a build."""
        added = [books.add_bill(carol, day, [("604100", 150.0, "Mission mensuelle", "303")])["id"] for day in bills]
        for resource in odoo_books(version):
            load_records(warehouse, "odoo", resource, books.rows(resource))
        with warehouse.write("propositions de test") as con:
            for start, status in proposals:
                con.execute(
                    "INSERT INTO app.remuneration_proposals (proposal_id, person_email, unit_code, kind, mission,"
                    " amount, start_date, end_date, status, decided_by) VALUES (?, ?, '303', 'bienveillance',"
                    " 'Mission mensuelle', 150, ?, ?, ?, 'referente')", [next(next_id), carol, start, start, status])
        build(warehouse, config.settings())
        rows = {pid: row for pid, row in mart(warehouse).items() if row["person_email"] == carol}
        return rows, added

    def seen(rows):
        return {pid: (row["status"], row["odoo_move_id"], row["match"]) for pid, row in rows.items()}

    rows, (b1,) = arrive([("2025-01-01", "validee")], ["2025-02-05"])
    books.pay_bill(b1, "2025-02-20")
    rows, _ = arrive()
    assert seen(rows) == {101: ("payee", b1, "automatique")}
    assert rows[101]["paid_on"] == date(2025, 2, 20)

    rows, (b2,) = arrive([("2025-03-01", "validee")], ["2025-03-10"])
    assert seen(rows) == {101: ("payee", b1, "automatique"), 102: ("facturee", b2, "automatique")}

    # April's bill is dated before P3's start: not P3's
    rows, (b3,) = arrive([("2025-05-01", "validee")], ["2025-04-20"])
    assert seen(rows) == {101: ("payee", b1, "automatique"), 102: ("facturee", b2, "automatique"),
                          103: ("validee", None, None)}

    rows, (b4,) = arrive(bills=["2025-05-15"])
    assert seen(rows) == {101: ("payee", b1, "automatique"), 102: ("facturee", b2, "automatique"),
                          103: ("validee", None, "ambigue")}
    b4_name = rows[103]["match_note"].split("facture(s) ")[1].split(",")[0]
    with warehouse.read() as con:
        assert con.execute("SELECT move_id FROM staging.stg_odoo__account_moves WHERE move_name = ?",
                           [b4_name]).fetchone() == (b4,)
    assert rows[103]["match_note"].endswith("pour la proposition n° 101, 102 — à rattacher à la main")
