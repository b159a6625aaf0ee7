"""Subsidies from the books (tests/sql/subsidy_books.py), in the Odoo 15 and the Odoo 17 shape, read
by the real Odoo connector from the simulated Odoo server: every figure checked to the cent against
the numbers worked out by hand in the comments."""

from __future__ import annotations

import tomllib
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from alambic.config import parse_config
from flows.sources.odoo import EXTRACTS, OdooSource
from sandbox.servers import serve_in_thread
from sandbox.servers.odoo import OdooBooks, odoo_app
from tests.sql.subsidy_books import CONFIG, ademe_records, insert_followups, odoo_records
from warehouse.build import build
from warehouse.connection import Warehouse
from warehouse.load import load_records
from warehouse.migrations import migrate

REPO = Path(__file__).resolve().parents[2]
D = Decimal
DB, LOGIN, PASSWORD = "raffinerie", "alambic", "pw"


class Books:
    """One Odoo version's books served on loopback, synced into a warehouse and built."""

    def __init__(self, version: str, directory: Path):
        self.version = version
        self.odoo = OdooBooks(version, odoo_records(version), login=LOGIN, password=PASSWORD)
        example = tomllib.loads((REPO / "alambic.example.toml").read_text(encoding="utf-8"))
        self.config = parse_config(
            dict(CONFIG, categories=example["categories"],
                 warehouse={"path": str(directory / "w.duckdb"), "lock_timeout_seconds": 10}),
            directory / "alambic.toml")
        self.warehouse = Warehouse(directory / "w.duckdb")
        migrate(self.warehouse)
        with self.warehouse.write("suivis de test") as con:
            insert_followups(con)

    def sync_and_build(self) -> None:
        with serve_in_thread(odoo_app({DB: self.odoo})) as server:
            source = OdooSource(server.url, DB, LOGIN, PASSWORD)
            for resource in EXTRACTS:
                batch = source.fetch(resource, None)
                assert not batch.rejected, (resource, batch.rejected)
                load_records(self.warehouse, "odoo", resource, batch.records, watermark=batch.watermark,
                             delete_missing=batch.complete)
        build(self.warehouse, self.config.settings())  # raises if a data test fails

    def rows(self, sql: str) -> list[tuple]:
        with self.warehouse.read() as con:
            return con.execute(sql).fetchall()


@pytest.fixture(params=["15", "17"])
def books(request, tmp_path):
    books = Books(request.param, tmp_path)
    books.sync_and_build()
    return books


def money(*values):
    """Amounts written as strings like "10000.00" become Decimals."""
    return tuple(D(v) if isinstance(v, str) and "." in v and v.replace(".", "").isdigit() else v for v in values)


def test_subsidies_are_the_74_moves_with_their_receipts_and_residuals(books):
    got = books.rows("""SELECT subsidy_key, subsidy_id, match, funder, unit_code, demande, accorde, verse,
                               reste_a_percevoir, verse_exercice, next_expected_on, next_expected_amount,
                               has_late_instalment
                        FROM marts.subsidy_tracking WHERE exercice = 2025 ORDER BY source, subsidy_key""")
    assert got == [
        # E1, the Région's entry on 441 (one line of 10 000), attached to follow-up n° 1 by the rule (same
        # funder, 10 000 granted, notified in 2025: the only candidate both ways). Received: 4 000 (the bank
        # line reconciled partially with the 441 line) + 3 000 (the payment P1, partially) = 7 000; left:
        # the 441 residual, 3 000 — awaited as the solde typed (31/12): not late.
        money("odoo:1", 1, "auto", "Région Réunion", "101", "12000.00", "10000.00", "7000.00", "3000.00",
              "7000.00", date(2025, 12, 31), "3000.00", False),
        # I1, the subsidy invoiced to the Mairie on 411, nobody follows it up: 1 000 received partially,
        # 1 500 left, due 15/05: late
        money("odoo:2", None, None, "Mairie de Saint-Paul", "303", None, "2500.00", "1000.00", "1500.00",
              "1000.00", date(2025, 5, 15), "1500.00", True),
        # E2 and E3: two DRAC entries of 3 000 in 2025 — the follow-up n° 2 fits both: attached to none
        money("odoo:3", None, None, "DRAC La Réunion", "303", None, "3000.00", "0.00", "3000.00", "0.00",
              date(2025, 10, 31), "3000.00", False),
        money("odoo:4", None, None, "DRAC La Réunion", "303", None, "3000.00", "0.00", "3000.00", "0.00",
              date(2025, 12, 31), "3000.00", False),
        # the DRAC follow-up, ambiguous: shown as typed (accordé − versé), no échéancier
        money("saisie:2", 2, "ambigu", "DRAC La Réunion", "303", "3000.00", "3000.00", "0.00", "3000.00", "0.00",
              None, None, False),
        # ADEME, typed before any Odoo entry: shown as typed, its avance expected 01/10
        money("saisie:3", 3, "aucun", "ADEME La Réunion", "101", "5000.00", "5000.00", "0.00", "5000.00", "0.00",
              date(2025, 10, 1), "2500.00", False),
    ]
    assert books.rows("SELECT subsidy_id, match, candidates FROM marts.subsidy_matches ORDER BY 1") == [
        (1, "auto", 1), (2, "ambigu", 2), (3, "aucun", 0)]


def test_each_instalment_received_is_dated_by_the_bank(books):
    got = books.rows("""SELECT partial_id, subsidy_move_id, amount, kind, received_on, statement_line_id
                        FROM marts.odoo_subsidy_receipts ORDER BY partial_id""")
    assert got == [
        (1, 1, D("4000.00"), "banque", date(2025, 3, 20), 1),  # the bank line itself settles the 441 line
        (2, 1, D("3000.00"), "banque", date(2025, 6, 5), 2),   # the payment of 02/06, on the bank on 05/06
        (4, 2, D("1000.00"), "banque", date(2025, 5, 20), 3),  # the Mairie's part payment
    ]
    # the échéancier of the Région: the books' receipts, then what is left spread over the typed
    # instalments from the last one back (the avance and the acompte are received: not listed)
    got = books.rows("""SELECT instalment_id, source, kind, amount, expected_on, received_on, status
                        FROM marts.subsidy_instalments_timeline WHERE subsidy_key = 'odoo:1'
                        ORDER BY expected_on, instalment_id""")
    assert got == [
        (-1000000000001, "odoo", "versement", D("4000.00"), date(2025, 3, 20), date(2025, 3, 20), "reçu"),
        (-1000000000002, "odoo", "versement", D("3000.00"), date(2025, 6, 5), date(2025, 6, 5), "reçu"),
        (13, "saisie", "solde", D("3000.00"), date(2025, 12, 31), None, "à venir"),
    ]


def test_treasury_expects_the_residuals_and_lists_441_open_items(books):
    got = books.rows("""SELECT line_key, source, month, direction, category_code, unit_code, amount
                        FROM marts.treasury_lines ORDER BY month, line_key""")
    enc = "encaissement"
    assert got == [
        # the bank lines of subsidies are found through the partial reconciliations (matching number 'P'
        # in Odoo 15): S1 → E1's 441 line; S3 → I1's 411 line; S2 → P1's outstanding line → P1's 441
        # line → E1
        ("banque:1", "banque", date(2025, 3, 1), enc, "subventions", None, D("4000.00")),
        ("banque:3", "banque", date(2025, 5, 1), enc, "subventions", None, D("1000.00")),
        ("banque:2", "banque", date(2025, 6, 1), enc, "subventions", None, D("3000.00")),
        # I1's residual, no échéancier typed: due 15/05, late → the as_of month
        ("subvention:-22", "echeance_subvention", date(2025, 9, 1), enc, "subventions", "303", D("1500.00")),
        # E5, an open item on 441 that is no subsidy (no 74… line): category unknown
        ("facture:51", "facture_ouverte", date(2025, 10, 1), enc, "autres", None, D("1200.00")),
        ("subvention:-32", "echeance_subvention", date(2025, 10, 1), enc, "subventions", "303", D("3000.00")),
        # ADEME typed only: its avance
        ("subvention:31", "echeance_subvention", date(2025, 10, 1), enc, "subventions", "101", D("2500.00")),
        # E1's residual as the solde typed; E3's residual at its due date
        ("subvention:-42", "echeance_subvention", date(2025, 12, 1), enc, "subventions", "303", D("3000.00")),
        ("subvention:13", "echeance_subvention", date(2025, 12, 1), enc, "subventions", "101", D("3000.00")),
    ]


def test_a_member_resolves_an_ambiguous_match_by_naming_the_odoo_move(books):
    with books.warehouse.write("lien") as con:
        con.execute("UPDATE app.subsidies SET odoo_move_id = 4 WHERE subsidy_id = 2")
    build(books.warehouse, books.config.settings())
    got = books.rows("""SELECT subsidy_key, subsidy_id, match, scheme, demande, accorde, reste_a_percevoir
                        FROM marts.subsidy_tracking WHERE funder LIKE 'DRAC%' ORDER BY subsidy_key""")
    assert got == [
        ("odoo:3", None, None, "DRAC – résidence", None, D("3000.00"), D("3000.00")),
        # attached: the scheme and the amount requested typed, the books' figures
        ("odoo:4", 2, "lien", "Résidence", D("3000.00"), D("3000.00"), D("3000.00")),
    ]


def test_a_follow_up_typed_first_is_matched_when_the_odoo_entry_appears(books):
    move, lines = ademe_records(books.version)
    for record in [move, *lines]:
        record.pop("write_date")
    books.odoo.add("account_move", move)
    for line in lines:
        books.odoo.add("account_move_line", line)
    books.sync_and_build()
    got = books.rows("""SELECT subsidy_key, subsidy_id, match, accorde, reste_a_percevoir
                        FROM marts.subsidy_tracking WHERE funder LIKE 'ADEME%'""")
    assert got == [("odoo:7", 3, "auto", D("5000.00"), D("5000.00"))]
    # the residual (5 000) is awaited as the avance typed (2 500, 01/10), and the rest at the 441 line's
    # due date (30/11)
    got = books.rows("""SELECT line_key, month, amount FROM marts.treasury_lines
                        WHERE line_key IN ('subvention:31', 'subvention:-2000000000007') ORDER BY month""")
    assert got == [("subvention:31", date(2025, 10, 1), D("2500.00")),
                   ("subvention:-2000000000007", date(2025, 11, 1), D("2500.00"))]


def test_the_page_shows_each_odoo_entry_and_offers_only_follow_ups_to_edit(books):
    from dashboards.app import AppContext
    from dashboards.components import Filters
    from dashboards.subsidy_entries import SubsidyEntries
    from dashboards.suivi_subventions import SuiviSubventions

    filters = Filters.from_warehouse(books.warehouse)
    filters.param.update(period="2025", unit="R")
    page = SuiviSubventions(context=AppContext(warehouse=books.warehouse, filters=filters))
    data = page.subsidies_data()
    shown = dict(zip(data["odoo_label"], data["match_label"]))
    assert shown["MISC/2025/02/0001 (n° 1)"] == "rattaché (même financeur, montant et exercice)"
    assert shown["INV/2025/04/0001 (n° 2)"] == "aucun suivi saisi"
    assert "à rattacher : plusieurs pièces Odoo correspondent, choisissez-en une dans le formulaire" in set(
        data["match_label"])
    # the échéancier and the KPIs count the Odoo subsidies nobody follows up too: the Mairie's residual is late
    instalments = page.instalments_data()
    assert -22 in set(instalments["instalment_id"])
    from dashboards.queries import run_query

    k = run_query(books.warehouse, "suivi_subventions/indicateurs", **page._params()).iloc[0]
    assert (int(k["late_count"]), Decimal(str(k["late_amount"]))) == (1, D("1500.00"))
    # the form offers the follow-ups (1, 2, 3), never an Odoo subsidy nobody follows up
    from alambic.users import User

    finance = User("tresoriere", "tresoriere@exemple.re", "finance")
    entries = SubsidyEntries(books.warehouse, filters, who=lambda: finance)
    assert sorted(v for v in entries.subsidy_choice.options.values() if v is not None) == [1, 2, 3]

