"""The finance marts (plan de trésorerie, suivi des subventions, alerts) on a tiny hand-written
organisation (tests/sql/finance_books.py): every figure is checked against a number computed by
hand in the comments below; then the sandbox organisation, end to end."""

from __future__ import annotations

import tomllib
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from alambic.config import load_config, parse_config
from tests.sql.finance_books import CONFIG, TRANSFERS, insert_app_rows, odoo_books
from warehouse import SQL_DIR
from warehouse.build import build
from warehouse.connection import Warehouse
from warehouse.load import load_records
from warehouse.migrations import migrate

REPO = Path(__file__).resolve().parents[2]
D = Decimal


def finance_warehouse(directory: Path, transfers: list = TRANSFERS, as_of: str | None = None) -> Warehouse:
    directory.mkdir(parents=True, exist_ok=True)
    example = tomllib.loads((REPO / "alambic.example.toml").read_text(encoding="utf-8"))
    organisation = dict(CONFIG["organisation"], **({"as_of": as_of} if as_of else {}))
    config = parse_config(
        dict(CONFIG, organisation=organisation, categories=example["categories"],
             warehouse={"path": str(directory / "w.duckdb"), "lock_timeout_seconds": 10}),
        directory / "alambic.toml",
    )
    warehouse = Warehouse(directory / "w.duckdb")
    migrate(warehouse)
    for resource, records in odoo_books().items():
        load_records(warehouse, "odoo", resource, records)
    with warehouse.write("saisies de test") as con:
        insert_app_rows(con, transfers)
    build(warehouse, config.settings())  # raises if a data test of sql/tests fails
    return warehouse


def rows(warehouse: Warehouse, sql: str) -> list[tuple]:
    with warehouse.read() as con:
        return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    return finance_warehouse(tmp_path_factory.mktemp("finance"))


def m(month: int, year: int = 2025) -> date:
    return date(year, month, 1)


# -- treasury lines ------------------------------------------------------------------------------

ENC, DEC = "encaissement", "decaissement"
PEA = "prestations_externes_achats"

TREASURY_LINES = [
    # line_key, source, month, kind, direction, category, unit, amount
    # April (reel): S1 pays B1 (reconciled directly with B1, whose line is on 604100 → bienveillance)
    ("banque:1", "banque", m(4), "reel", DEC, "bienveillance", None, D("250.00")),
    # S2: bank fees, its own counterpart line on 627000 → prestations externes / achats
    ("banque:2", "banque", m(4), "reel", DEC, PEA, None, D("12.00")),
    # May (reel): S3 → payment P1 (512100, A2) → subsidy entry E1 (441000, A3) → 741000 → subventions
    ("banque:3", "banque", m(5), "reel", ENC, "subventions", None, D("1200.00")),
    # S4: unreconciled (suspense account) → autres
    ("banque:4", "banque", m(5), "reel", DEC, "autres", None, D("40.00")),
    # June = the as_of month (previsionnel): S5, part of I1 (partial P9) → 706000 → prestations
    ("banque:5", "banque", m(6), "previsionnel", ENC, "prestations", None, D("100.00")),
    # the Région's solde, expected 2025-06-01, not received
    ("subvention:2", "echeance_subvention", m(6), "previsionnel", ENC, "subventions", "101", D("800.00")),
    # B2 open, due 2025-05-30: overdue → counted in the as_of month
    ("facture:29", "facture_ouverte", m(6), "previsionnel", DEC, PEA, None, D("180.00")),
    # 303 achats: forecast 1 200 over April–September = 200 a month; June: nothing booked → 200
    ("prevision:303:prestations_externes_achats:2025-06", "prevision", m(6), "previsionnel", DEC, PEA, "303",
     D("200.00")),
    # July: I1's residual 400, due 2025-07-05
    ("facture:39", "facture_ouverte", m(7), "previsionnel", ENC, "prestations", None, D("400.00")),
    # 303 prestations: 1 000 over June–July = 500 a month; June has I1's 500 booked → 0; July → 500
    ("prevision:303:prestations:2025-07", "prevision", m(7), "previsionnel", ENC, "prestations", "303",
     D("500.00")),
    # 303 ventes: 600 over July–December = 100 a month, nothing booked
    ("prevision:303:ventes:2025-07", "prevision", m(7), "previsionnel", ENC, "ventes", "303", D("100.00")),
    # (303 achats in July: 200 forecast − 600 of the draft D1 dated July → nothing)
    # August: the draft D1, 1 000, due 2025-08-10
    ("brouillon:6", "brouillon", m(8), "previsionnel", DEC, PEA, None, D("1000.00")),
    ("prevision:303:prestations_externes_achats:2025-08", "prevision", m(8), "previsionnel", DEC, PEA, "303",
     D("200.00")),
    ("prevision:303:ventes:2025-08", "prevision", m(8), "previsionnel", ENC, "ventes", "303", D("100.00")),
    ("prevision:303:prestations_externes_achats:2025-09", "prevision", m(9), "previsionnel", DEC, PEA, "303",
     D("200.00")),
    ("prevision:303:ventes:2025-09", "prevision", m(9), "previsionnel", ENC, "ventes", "303", D("100.00")),
    ("prevision:303:ventes:2025-10", "prevision", m(10), "previsionnel", ENC, "ventes", "303", D("100.00")),
    # the Mairie's avance (subsidy not granted yet), expected 2025-11-15
    ("subvention:3", "echeance_subvention", m(11), "previsionnel", ENC, "subventions", "303", D("3000.00")),
    # I2, the subsidy invoiced to the Mairie on 411 (no follow-up, so no échéancier typed): its residual
    # at its due date — the timeline's row for the receivable line 49
    ("subvention:-49", "echeance_subvention", m(9), "previsionnel", ENC, "subventions", "303", D("500.00")),
    ("prevision:303:ventes:2025-11", "prevision", m(11), "previsionnel", ENC, "ventes", "303", D("100.00")),
    ("prevision:303:ventes:2025-12", "prevision", m(12), "previsionnel", ENC, "ventes", "303", D("100.00")),
    # Left out: the opening entry O (not a statement line: it is the opening balance), I2's open item
    # (its residual comes through the subsidy timeline above), the forecasts of 101 subventions (échéancier),
    # 30301 dépenses internes (no cash), 101 bienveillance (April: past), the transfer (no cash),
    # the Région's received avance (already in the bank: S3).
]


def test_treasury_lines(books):
    got = rows(books, """SELECT line_key, source, month, kind, direction, category_code, unit_code, amount
                         FROM marts.treasury_lines ORDER BY month, line_key""")
    assert got == sorted(TREASURY_LINES, key=lambda r: (r[2], r[0]))


def test_treasury_flows_add_up_the_lines(books):
    got = rows(books, """SELECT month, direction, category_code, category_label, source, amount, line_count
                         FROM marts.treasury_flows ORDER BY ALL""")
    # every line is alone in its (month, direction, category, source) here
    labels = {"autres": "Autres mouvements", "bienveillance": "Bienveillance", "prestations": "Prestations",
              PEA: "Prestations externes / achats", "subventions": "Subventions / AAP", "ventes": "Ventes"}
    expected = sorted((r[2], r[4], r[5], labels[r[5]], r[1], r[7], 1) for r in TREASURY_LINES)
    assert got == expected


# Plan, by hand (threshold 6 400):
#   opening of April = the opening entry on 512000 = 5 000
#   April   in 0            out 250 + 12 = 262             close 5 000 − 262      = 4 738  (< 6 400)
#   May     in 1 200        out 40                         close 4 738 + 1 160    = 5 898  (< 6 400)
#   June    in 100 + 800    out 180 + 200 = 380            close 5 898 + 520      = 6 418
#   July    in 400+500+100  out 0                          close 6 418 + 1 000    = 7 418
#   August  in 100          out 1 000 + 200                close 7 418 − 1 100    = 6 318  (< 6 400)
#   Sept.   in 100 + 500 (I2, the Mairie's subsidy invoice, due 01/09)
#                           out 200                        close 6 318 + 400      = 6 718
#   Oct.    in 100                                         close                  = 6 818
#   Nov.    in 3 000 + 100                                 close                  = 9 918
#   Dec.    in 100                                         close                  = 10 018
#   Jan.–June 2026: nothing                                close                  = 10 018
PLAN = [
    (m(4), "reel", "5000.00", "0.00", "262.00", "4738.00", True),
    (m(5), "reel", "4738.00", "1200.00", "40.00", "5898.00", True),
    (m(6), "previsionnel", "5898.00", "900.00", "380.00", "6418.00", False),
    (m(7), "previsionnel", "6418.00", "1000.00", "0.00", "7418.00", False),
    (m(8), "previsionnel", "7418.00", "100.00", "1200.00", "6318.00", True),
    (m(9), "previsionnel", "6318.00", "600.00", "200.00", "6718.00", False),
    (m(10), "previsionnel", "6718.00", "100.00", "0.00", "6818.00", False),
    (m(11), "previsionnel", "6818.00", "3100.00", "0.00", "9918.00", False),
    (m(12), "previsionnel", "9918.00", "100.00", "0.00", "10018.00", False),
] + [(m(month, 2026), "previsionnel", "10018.00", "0.00", "0.00", "10018.00", False) for month in range(1, 7)]


def test_treasury_plan(books):
    got = rows(books, """SELECT month, kind, opening_balance, encaissements, decaissements, closing_balance,
                                threshold, below_threshold
                         FROM marts.treasury_plan ORDER BY month""")
    expected = [(month, kind, D(o), D(i), D(out), D(c), D("6400.00"), below)
                for month, kind, o, i, out, c, below in PLAN]
    assert got == expected
    # from the first month of the bank history (April 2025) to 12 months after as_of (June 2026)
    assert len(got) == 15


def test_transfers_change_no_cash_figure(books, tmp_path):
    """With three times the transfers, or none, every treasury figure is the same."""
    more = TRANSFERS + [(2, "101", "303", "2025-07-01", 999.00, "Autre transfert"),
                        (3, "303", "30301", "2025-04-02", 50.00, "Transfert passé")]
    treasury = """SELECT 'plan', month::VARCHAR, closing_balance FROM marts.treasury_plan
                  UNION ALL SELECT 'ligne', line_key, amount FROM marts.treasury_lines ORDER BY ALL"""
    for variant, transfers in (("none", []), ("more", more)):
        other = finance_warehouse(tmp_path / variant, transfers)
        assert rows(other, treasury) == rows(books, treasury), variant
        interne = rows(other, "SELECT count(*) FROM marts.budget_lines WHERE status = 'interne'")[0][0]
        assert interne == 2 * len(transfers)  # the transfers did reach the budget


# -- subsidies -----------------------------------------------------------------------------------

SUBSIDY_TRACKING = [
    # key, subsidy, match, exercice, funder, unit, nature, demandé, accordé, versé, reste à percevoir,
    # dépensé, reste à dépenser, versé (exercice), dépensé (exercice), period, report due, next expected,
    # amount, late
    # Région: booked in Odoo as E1 (741000 credit 2 000 on 101); the follow-up n° 1 (same funder, granted
    # 2 000, notified in 2025) is attached to it by the rule (one candidate each way). Received: the
    # partial reconciliation A3 of E1's first 441 line by the payment P1, whose outstanding line is
    # reconciled with the bank line S3 of 10/05 → 1 200; left: the residual of the second 441 line, 800.
    # dépensé = réel dépenses of 101 in 2025 = B1's 250 → 1 750 to spend; the solde typed (800, expected
    # 01/06) is what the residual is awaited as: late
    ("odoo:5", 1, "auto", 2025, "2025", "Région Réunion", "101", "fonctionnement", "2500.00", "2000.00",
     "1200.00", "800.00", "250.00", "1750.00", "1200.00", "250.00", date(2025, 1, 1), date(2025, 12, 31),
     date(2025, 7, 31), date(2025, 6, 1), "800.00", True),
    # I2: the Mairie's subsidy invoiced on 411 (741000 credit 500 on 303), nobody follows it up: requested
    # unknown, granted 500, nothing received, 500 left (the invoice's residual) due 01/09; exercice of the
    # invoice's date; dépensé = réel dépenses of 303 and 30301 in 2025 = B2's 180 → 320 to spend
    ("odoo:4", None, None, 2025, "2025", "Mairie de Saint-Paul", "303", "fonctionnement", None, "500.00",
     "0.00", "500.00", "180.00", "320.00", "0.00", "180.00", date(2025, 1, 1), date(2025, 12, 31),
     None, date(2025, 9, 1), "500.00", False),
    # Mairie follow-up n° 2: requested 6 000, not granted yet (accordé NULL → reste 0), not in Odoo (no
    # amount granted to match on): shown as typed. Its period (Oct 2025 – Mar 2026) covers two exercices: a
    # row in each, with the subsidy's own figures repeated; no réel dépense of 303 or 30301 over the period
    # (the draft D1 is engagé, not réel); avance 3 000 expected 15/11/2025
    ("saisie:2", 2, "aucun", 2025, "2025", "Mairie de Saint-Paul", "303", "investissement", "6000.00", None,
     "0.00", "0.00", "0.00", "0.00", "0.00", "0.00", date(2025, 10, 1), date(2026, 3, 31), date(2026, 9, 30),
     date(2025, 11, 15), "3000.00", False),
    ("saisie:2", 2, "aucun", 2026, "2026", "Mairie de Saint-Paul", "303", "investissement", "6000.00", None,
     "0.00", "0.00", "0.00", "0.00", "0.00", "0.00", date(2025, 10, 1), date(2026, 3, 31), date(2026, 9, 30),
     date(2025, 11, 15), "3000.00", False),
]


def test_subsidy_tracking(books):
    got = rows(books, """SELECT subsidy_key, subsidy_id, match, exercice, exercice_label, funder, unit_code, nature,
                                demande, accorde, verse, reste_a_percevoir, depense, reste_a_depenser,
                                verse_exercice, depense_exercice, period_start, period_end, report_due_on,
                                next_expected_on, next_expected_amount, has_late_instalment
                         FROM marts.subsidy_tracking ORDER BY source, subsidy_key DESC, exercice""")
    # columns 8 to 15 and 20 are amounts (written as strings above, None for « not granted »)
    amounts = set(range(8, 16)) | {20}
    expected = [tuple(D(v) if i in amounts and v is not None else v for i, v in enumerate(r))
                for r in SUBSIDY_TRACKING]
    assert got == expected


def test_subsidy_instalments_timeline(books):
    got = rows(books, """SELECT instalment_id, subsidy_key, subsidy_id, source, kind, amount, expected_on,
                                received_on, status, days_late, treasury_month
                         FROM marts.subsidy_instalments_timeline ORDER BY instalment_id""")
    assert got == [
        # the Région's avance as the books say it: partial reconciliation n° 3, dated by the bank (S3)
        (-1000000000003, "odoo:5", 1, "odoo", "versement", D("1200.00"), date(2025, 5, 10), date(2025, 5, 10),
         "reçu", None, None),
        # I2's receivable line (49), no échéancier typed: its residual at its due date
        (-49, "odoo:4", None, "odoo", "echeance", D("500.00"), date(2025, 9, 1), None, "à venir", None, m(9)),
        # the typed solde carries E1's residual (800): expected 01/06, as_of 15/06 → 14 days late, counted in
        # the treasury's as_of month. The typed avance n° 1 is not listed: the books' receipt above is it.
        (2, "odoo:5", 1, "saisie", "solde", D("800.00"), date(2025, 6, 1), None, "en retard", 14, m(6)),
        (3, "saisie:2", 2, "saisie", "avance", D("3000.00"), date(2025, 11, 15), None, "à venir", None, m(11)),
    ]


# -- alerts --------------------------------------------------------------------------------------

NBSP = "\u00a0"
ALERTS = [
    # code, unit, category, subsidy, label, amount, date, link — ordered: 'haute', 'moyenne', then
    # 'info' (below [alerts] materiality, 60 € here); within each, by amount at stake
    # the Région's solde, expected 01/06/2025, not received (the subsidy's exercice is 2025)
    ("echeance_en_retard", "101", None, 1,
     "Versement en retard : solde Région Réunion (Aide aux lieux culturels), attendu le 01/06/2025",
     D("800.00"), date(2025, 6, 1), "suivi-subventions?unite=101&periode=2025&subvention=1"),
    # 30301 achats: no forecast, engagé 400 (40 % of D1) → overrun 400
    # (303 achats: 180 réel + 600 engagé = 780 ≤ 1 200 prévisionnel: none)
    ("depassement", "30301", PEA, None, "Dépassement : Prestations externes / achats, Jardin partagé, 2025",
     D("400.00"), None, "suivi-budgetaire?unite=30301&periode=2025"),
    # August 2025 closes on 6 318 < 6 400 (April and May too, but they are past: no alert);
    # 82 € under the threshold
    ("tresorerie_basse", "R", None, None, "Trésorerie prévisionnelle sous le seuil : août 2025",
     D("6318.00"), date(2025, 8, 1), "plan-de-tresorerie?periode=2025"),
    # Gaps over January–May (the months before June), threshold 15 % of the prévisionnel:
    # 101 subventions: prévisionnel 5 × 200 = 1 000, réel 2 000 (E1) → +1 000 > 150 → +100 %
    ("ecart_previsionnel", "101", "subventions", None,
     f"Écart prévisionnel / réel de +100{NBSP}% : Subventions / AAP, Outils communs, 2025",
     D("1000.00"), None, "suivi-budgetaire?unite=101&periode=2025"),
    # 303 achats: prévisionnel April + May = 400, réel 180 → −220 > 60 → −55 %
    ("ecart_previsionnel", "303", PEA, None,
     f"Écart prévisionnel / réel de -55{NBSP}% : Prestations externes / achats, Potager, 2025",
     D("-220.00"), None, "suivi-budgetaire?unite=303&periode=2025"),
    # none for 303 prestations (its forecast starts in June) nor for 30301 (no forecast before June)
    # the Région's report, due 31/07/2025: within 60 days of 15/06 (the Mairie's, 30/09/2026, is not)
    ("compte_rendu_proche", "101", None, 1,
     "Compte rendu financier à rendre : Région Réunion (Aide aux lieux culturels), le 31/07/2025",
     None, date(2025, 7, 31), "suivi-subventions?unite=101&periode=2025&subvention=1"),
    # 101 bienveillance in 2025: prévisionnel 200 (April), réel 250 → overrun 50 (< 60 €: info)
    ("depassement", "101", "bienveillance", None, "Dépassement : Bienveillance, Outils communs, 2025",
     D("50.00"), None, "suivi-budgetaire?unite=101&periode=2025"),
    # 101 bienveillance: 250 − 200 = +50 > 30 → +25 % (< 60 €: info)
    ("ecart_previsionnel", "101", "bienveillance", None,
     f"Écart prévisionnel / réel de +25{NBSP}% : Bienveillance, Outils communs, 2025",
     D("50.00"), None, "suivi-budgetaire?unite=101&periode=2025"),
    # R achats: S2's bank fees (627000, no analytic account) are « non affecté », on the
    # organisation, which has no forecast → overrun 12 (< 60 €: info)
    ("depassement", "R", PEA, None, "Dépassement : Prestations externes / achats, La Raffinerie, 2025",
     D("12.00"), None, "suivi-budgetaire?unite=R&periode=2025"),
]


def test_unit_alerts(books):
    got = rows(books, """SELECT alert_code, unit_code, category_code, subsidy_id, label, amount, alert_date, link
                         FROM marts.unit_alerts""")
    assert got == ALERTS  # ordered: 'haute', 'moyenne', then 'info'; within each, by amount at stake
    severities = rows(books, "SELECT alert_code, unit_code, severity, stake FROM marts.unit_alerts")
    assert severities == [
        ("echeance_en_retard", "101", "haute", D("800.00")),
        ("depassement", "30301", "haute", D("400.00")),
        ("tresorerie_basse", "R", "haute", D("82.00")),  # 6 400 − 6 318
        ("ecart_previsionnel", "101", "moyenne", D("1000.00")),
        ("ecart_previsionnel", "303", "moyenne", D("220.00")),
        ("compte_rendu_proche", "101", "moyenne", None),
        # below the materiality (60 €): information only
        ("depassement", "101", "info", D("50.00")),
        ("ecart_previsionnel", "101", "info", D("50.00")),
        ("depassement", "R", "info", D("12.00")),
    ]


def test_a_late_instalment_links_to_its_subsidys_exercice(tmp_path):
    """Seen from 2026, the Région's 2025 solde still late links to Suivi subventions for 2025, where
    the subsidy and its late instalment show — not to the current exercice, 2026 (#12.6)."""
    later = finance_warehouse(tmp_path, as_of="2026-02-10")
    got = rows(later, "SELECT link, periode FROM marts.unit_alerts WHERE alert_code = 'echeance_en_retard' "
                      "AND subsidy_id = 1")
    assert got == [("suivi-subventions?unite=101&periode=2025&subvention=1", "2025")]
    # and the target page's query, for that period, counts the instalment as late
    from dashboards.queries import run_query
    kpis = run_query(later, "suivi_subventions/indicateurs", unit="101", date_from=date(2025, 1, 1))
    assert int(kpis["late_count"].iloc[0]) == 1 and kpis["late_amount"].iloc[0] == D("800.00")


def test_alerts_roll_up_the_tree(books):
    """A page for unit U shows the alerts of U's subtree (org_rollup)."""
    def codes(unit):
        return rows(books, f"""SELECT a.alert_code, a.unit_code FROM marts.unit_alerts a
                               JOIN marts.org_rollup r USING (unit_code)
                               WHERE r.ancestor_code = '{unit}' ORDER BY ALL""")
    assert codes("30") == [("depassement", "30301"), ("ecart_previsionnel", "303")]
    assert codes("303") == codes("30")
    assert len(codes("R")) == len(ALERTS)
    assert [c for c, _ in codes("10")] == ["compte_rendu_proche", "depassement", "ecart_previsionnel",
                                           "ecart_previsionnel", "echeance_en_retard"]


# -- the data tests catch a broken plan ---------------------------------------------------------

@pytest.mark.parametrize("breakage, test", [
    ("UPDATE marts.treasury_plan SET opening_balance = opening_balance + 1 WHERE month = '2025-08-01'",
     "treasury_opening_is_previous_closing"),
    ("UPDATE marts.treasury_plan SET closing_balance = closing_balance + 1 WHERE month = '2025-06-01'",
     "treasury_opening_is_previous_closing"),
    ("UPDATE marts.treasury_flows SET amount = amount + 1 WHERE source = 'banque' AND month = '2025-05-01'",
     "treasury_past_months_are_bank_lines"),
    ("UPDATE marts.treasury_flows SET source = 'prevision' WHERE month = '2025-04-01'",
     "treasury_past_months_are_bank_lines"),
    ("INSERT INTO marts.treasury_lines (line_key, source, month, kind, direction, category_code, reference, amount)"
     " VALUES ('x', 'prevision', '2025-07-01', 'previsionnel', 'decaissement', 'depenses_internes',"
     " 'transfert n° 1', 300)", "treasury_without_internal_transfers"),
    # 2 100 received on a subsidy granted 2 000 (the échéancier and the mart agreeing)
    ("UPDATE app.subsidy_instalments SET amount = 2100 WHERE instalment_id = 1;"
     " UPDATE marts.subsidy_tracking SET verse = 2100 WHERE subsidy_id = 1", "subsidy_received_within_granted"),
    # the mart disagreeing with the échéancier
    ("UPDATE marts.subsidy_instalments_timeline SET received_on = '2025-06-10' WHERE instalment_id = 2",
     "subsidy_received_within_granted"),
])
def test_data_tests_catch_breakage(tmp_path, breakage, test):
    warehouse = finance_warehouse(tmp_path)
    sql = (SQL_DIR / "tests" / f"{test}.sql").read_text(encoding="utf-8")
    with warehouse.write("casse") as con:
        assert con.execute(sql).fetchall() == []
        for statement in breakage.split(";"):
            con.execute(statement)
        assert con.execute(sql).fetchall(), breakage


# -- the sandbox, end to end ---------------------------------------------------------------------

def test_sandbox_treasury_shows_the_cash_dip(tmp_path):
    from sandbox.demo import load_sandbox
    from sandbox.demo_config import write_demo_config
    from sandbox.generate import generate

    org = generate(seed=1, scale=0.3)
    config = load_config(write_demo_config(org, tmp_path, tmp_path / "w.duckdb"))
    warehouse = Warehouse.from_config(config)
    load_sandbox(warehouse, org)
    result = build(warehouse, config.settings())  # every data test of sql/tests passes, or this raises
    assert {"treasury_opening_is_previous_closing", "treasury_past_months_are_bank_lines",
            "treasury_without_internal_transfers", "subsidy_received_within_granted"} <= set(result.tests)

    # The dip, recomputed from the raw Odoo statement lines as sandbox/_treasury.py picks it: the
    # past month (from April 2024) with the lowest closing balance.
    net = defaultdict(Decimal)
    for line in org.odoo["17"]["account_bank_statement_line"]:
        net[date.fromisoformat(line["date"]).replace(day=1)] += Decimal(str(line["amount"]))
    this_month = org.today.replace(day=1)
    closing, balance = {}, Decimal(0)
    for month in sorted(net):
        balance += net[month]
        closing[month] = balance
    past = {month: b for month, b in closing.items() if date(2024, 4, 1) <= month < this_month}
    dip = min(past, key=past.get)
    assert past[dip] < 0

    plan = {month: (kind, close, below) for month, kind, close, below in rows(
        warehouse, "SELECT month, kind, closing_balance, below_threshold FROM marts.treasury_plan")}
    kind, close, below = plan[dip]
    assert (kind, below) == ("reel", True)
    assert close == past[dip].quantize(D("0.01"))
    # every past month of the plan closes on the raw statement lines' running balance
    for month, b in past.items():
        assert plan[month][1] == b.quantize(D("0.01")), month
    # the Tableau de bord flags the forecast months below the threshold, if any, at the root
    low = rows(warehouse, "SELECT count(*) FROM marts.treasury_plan WHERE kind = 'previsionnel' AND below_threshold")
    alerts = rows(warehouse, "SELECT count(*), count(DISTINCT unit_code) FROM marts.unit_alerts"
                             " WHERE alert_code = 'tresorerie_basse'")
    assert alerts[0][0] == low[0][0]
    assert alerts[0][1] <= 1
    # the sandbox's late solde raises its alert
    assert rows(warehouse, "SELECT count(*) FROM marts.unit_alerts WHERE alert_code = 'echeance_en_retard'")[0][0] >= 1


def test_sandbox_odoo_15_and_17_books_give_the_same_finance_marts(tmp_path):
    """Reconciliation is followed the same way whatever the Odoo version's shape."""
    from sandbox.demo import load_sandbox
    from sandbox.demo_config import write_demo_config
    from sandbox.generate import generate

    org = generate(seed=1, scale=0.2)
    figures = {}
    for version in ("15", "17"):
        directory = tmp_path / version
        config = load_config(write_demo_config(org, directory, directory / "w.duckdb"))
        warehouse = Warehouse.from_config(config)
        load_sandbox(warehouse, org, odoo_version=version)
        build(warehouse, config.settings())
        figures[version] = [rows(warehouse, f"SELECT * FROM marts.{name} ORDER BY ALL") for name in
                            ("treasury_lines", "treasury_plan", "subsidy_tracking", "unit_alerts")]
    assert figures["15"][0], "the sandbox should have treasury lines"
    assert figures["15"] == figures["17"]
