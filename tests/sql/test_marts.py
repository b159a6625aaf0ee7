"""The SQL models on a tiny hand-written organisation (tests/sql/tiny_books.py): every figure is
checked against a number computed by hand, for Odoo-15-shaped and Odoo-17-shaped books alike."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from alambic.config import parse_config
from tests.sql.tiny_books import CONFIG, insert_app_rows, odoo_books
from warehouse.build import BuildError, build
from warehouse.connection import Warehouse
from warehouse.load import load_records
from warehouse.migrations import migrate

REPO = Path(__file__).resolve().parents[2]
D = Decimal


def make_config(directory: Path):
    """The tiny tree of books.py with the budget categories of alambic.example.toml."""
    import tomllib

    example = tomllib.loads((REPO / "alambic.example.toml").read_text(encoding="utf-8"))
    data = dict(CONFIG, categories=example["categories"],
                warehouse={"path": str(directory / "w.duckdb"), "lock_timeout_seconds": 10})
    return parse_config(data, directory / "alambic.toml")


def load_books(warehouse: Warehouse, version: str) -> None:
    for resource, records in odoo_books(version).items():
        load_records(warehouse, "odoo", resource, records)


def built_warehouse(directory: Path, version: str) -> tuple[Warehouse, object]:
    directory.mkdir(parents=True, exist_ok=True)
    config = make_config(directory)
    warehouse = Warehouse(directory / "w.duckdb")
    migrate(warehouse)
    load_books(warehouse, version)
    with warehouse.write("saisies de test") as con:
        insert_app_rows(con)
    build(warehouse, config.settings())
    return warehouse, config


def rows(warehouse: Warehouse, sql: str) -> list[tuple]:
    with warehouse.read() as con:
        return con.execute(sql).fetchall()


def all_marts(warehouse: Warehouse) -> dict[str, list[tuple]]:
    return {
        "org_tree": rows(warehouse, "SELECT * FROM marts.org_tree ORDER BY sort"),
        "org_rollup": rows(warehouse, "SELECT * FROM marts.org_rollup ORDER BY ALL"),
        "budget_lines": rows(warehouse, "SELECT * FROM marts.budget_lines ORDER BY ALL"),
        "budget_vs_actual": rows(warehouse, "SELECT * FROM marts.budget_vs_actual ORDER BY ALL"),
    }


@pytest.fixture(scope="module", params=["15", "17"])
def books(request, tmp_path_factory):
    return built_warehouse(tmp_path_factory.mktemp(f"odoo{request.param}"), request.param)


# -- the organisation tree -----------------------------------------------------------------------

def test_org_tree(books):
    warehouse, _ = books
    tree = rows(warehouse, "SELECT unit_code, level, parent_code, depth, path, label FROM marts.org_tree ORDER BY sort")
    nbsp = "\u00a0"
    assert tree == [
        ("R", "organisation", None, 0, "R", "La Raffinerie"),
        ("10", "groupe", "R", 1, "R/10", nbsp * 4 + "Les communs"),
        ("101", "pole", "10", 2, "R/10/101", nbsp * 8 + "Outils communs"),
        ("30", "groupe", "R", 1, "R/30", nbsp * 4 + "Jardin"),
        ("303", "pole", "30", 2, "R/30/303", nbsp * 8 + "Potager"),
        ("30301", "projet", "303", 3, "R/30/303/30301", nbsp * 12 + "Jardin partagé"),
    ]


def test_org_rollup(books):
    warehouse, _ = books
    below_jardin = rows(warehouse, "SELECT unit_code, distance FROM marts.org_rollup WHERE ancestor_code = '30' ORDER BY distance")
    assert below_jardin == [("30", 0), ("303", 1), ("30301", 2)]
    above_project = rows(warehouse, "SELECT ancestor_code FROM marts.org_rollup WHERE unit_code = '30301' ORDER BY distance")
    assert [r[0] for r in above_project] == ["30301", "303", "30", "R"]
    assert rows(warehouse, "SELECT count(*) FROM marts.org_rollup")[0][0] == 1 + 2 + 3 + 2 + 3 + 4


# -- budget lines --------------------------------------------------------------------------------

BUDGET_LINES = [
    # unit, category, direction, date, label, partner, reference, amount, status, counts_as
    # Réel Odoo — M1: posted paid bill on 604100 (longest prefix 6041 → bienveillance), 250 € → +250 paye
    ("101", "bienveillance", "depense", date(2025, 4, 10), "Mission accueil avril", "Alice Payet",
     "BILL/2025/04/0001", D("250.00"), "paye", "reel"),
    # M2: posted unpaid bill on 606300 (prefix 60), 180 € → +180 a_payer
    ("303", "prestations_externes_achats", "depense", date(2025, 5, 20), "Outils de jardin",
     "Quincaillerie du Port", "BILL/2025/05/0002", D("180.00"), "a_payer", "reel"),
    # M3: a supplier refund of 30 € → -30 in the dépense category
    ("303", "prestations_externes_achats", "depense", date(2025, 5, 25), "Retour sécateur",
     "Quincaillerie du Port", "RBILL/2025/05/0001", D("-30.00"), "paye", "reel"),
    # M5: a posted entry (subsidy notified) 3 000 € on 741000 → recette subventions, an entry counts as encaisse;
    # in 17 its line also carries the funder plan (key "12,34"): still one line for unit 101
    ("101", "subventions", "recette", date(2025, 6, 1), "Subvention Région 2025", "Région Réunion",
     "MISC/2025/06/0001", D("3000.00"), "encaisse", "reel"),
    # M9: 50 € on an analytic account of no unit → « non affecté », shown on the organisation (R)
    ("R", "prestations_externes_achats", "depense", date(2025, 6, 4), "Hors organisation",
     "Quincaillerie du Port", "BILL/2025/06/0004", D("50.00"), "paye", "reel"),
    # M4: customer invoice 500 € on 706000 split 60/40 → 300 on 303, 200 on 30301, partially paid → a_encaisser
    ("303", "prestations", "recette", date(2025, 6, 5), "Animation potager", "Mairie de Saint-Paul",
     "INV/2025/06/0001", D("300.00"), "a_encaisser", "reel"),
    ("30301", "prestations", "recette", date(2025, 6, 5), "Animation potager", "Mairie de Saint-Paul",
     "INV/2025/06/0001", D("200.00"), "a_encaisser", "reel"),
    # Proposal 2, validated, prestation interne 80 € → a_facturer, engagé (dated by its end date)
    ("30301", "prestations_internes", "depense", date(2025, 6, 10), "Atelier semis", "Alice Payet",
     "proposition n° 2", D("80.00"), "a_facturer", "engage"),
    # Transfer 1: 300 € from 30301 to 101 → a dépense interne and a recette interne
    ("101", "recettes_internes", "recette", date(2025, 6, 12), "Participation aux outils communs",
     "Jardin partagé", "transfert n° 1", D("300.00"), "interne", "reel"),
    ("30301", "depenses_internes", "depense", date(2025, 6, 12), "Participation aux outils communs",
     "Outils communs", "transfert n° 1", D("300.00"), "interne", "reel"),
    # Engagé Odoo — M6: draft bill 1 000 € on 606300 split 60/40 → 600 / 400 brouillon
    ("303", "prestations_externes_achats", "depense", date(2025, 6, 20), "Serre et arrosage",
     "Quincaillerie du Port", "brouillon n° 6", D("600.00"), "brouillon", "engage"),
    ("30301", "prestations_externes_achats", "depense", date(2025, 6, 20), "Serre et arrosage",
     "Quincaillerie du Port", "brouillon n° 6", D("400.00"), "brouillon", "engage"),
    # Proposal 1, proposed, bienveillance 150 € → a_valider, counts in neither engagé nor réel
    ("101", "bienveillance", "depense", date(2025, 6, 30), "Accueil des soirées de juin", "Alice Payet",
     "proposition n° 1", D("150.00"), "a_valider", "aucun"),
    # Left out: M7 (cancelled), M8 (86/87: no category),
    # proposals 3 (refused), 4 (paid: already M1) and 5 (invoiced).
]


def test_budget_lines(books):
    warehouse, _ = books
    got = rows(warehouse, """SELECT unit_code, category_code, direction, line_date, label, partner, reference,
                                    amount, status, counts_as
                             FROM marts.budget_lines ORDER BY line_date, unit_code, category_code""")
    assert got == BUDGET_LINES


def test_budget_lines_keys_and_months(books):
    warehouse, _ = books
    got = rows(warehouse, "SELECT source, count(*), count(DISTINCT line_key), bool_and(month = date_trunc('month', line_date)::DATE) FROM marts.budget_lines GROUP BY source ORDER BY source")
    assert got == [("alambic", 4, 4, True), ("odoo", 9, 9, True)]


# -- budget vs actual ----------------------------------------------------------------------------

def bva(unit, category, direction, month, previsionnel, engage, reel, theorique, pct, depassement):
    previsionnel, engage, reel, theorique = (D(str(x)).quantize(D("0.01")) for x in (previsionnel, engage, reel, theorique))
    return (unit, category, direction, month, previsionnel, engage, reel, theorique, reel - previsionnel, pct, depassement)


def month(m: int, y: int = 2025) -> date:
    return date(y, m, 1)


# as_of = 2025-06-15: months before June are fully elapsed (théorique = prévisionnel), June is
# 15/30 = half elapsed (théorique = prévisionnel / 2), later months 0.
BUDGET_VS_ACTUAL = sorted(
    [
        # 101 bienveillance: April réel 250 (M1) with no forecast → overrun; June forecast 200 (théorique 100),
        # the proposal to validate counts in nothing
        bva("101", "bienveillance", "depense", month(4), 0, 0, 250, 0, None, True),
        bva("101", "bienveillance", "depense", month(6), 200, 0, 0, 100, 0.0, False),
        # 101 recettes internes: the transfer's 300
        bva("101", "recettes_internes", "recette", month(6), 0, 0, 300, 0, None, False),
    ]
    # 101 subventions: 2 400 € over the year → 200 € a month; June réel 3 000 (M5): 3000 / 200 = 15
    + [bva("101", "subventions", "recette", month(m), 200, 0, 0, 200, 0.0, False) for m in range(1, 6)]
    + [bva("101", "subventions", "recette", month(6), 200, 0, 3000, 100, 15.0, False)]
    + [bva("101", "subventions", "recette", month(m), 200, 0, 0, 0, 0.0, False) for m in range(7, 13)]
    + [
        # 303 presta. ext. / achats: 1 200 € over April–June → 400 a month;
        # May réel 180 - 30 (refund) = 150 → 150 / 400 = 0.375; June engagé 600 (draft split) > 400 → overrun,
        # « % consommé » (réel + engagé) / prévisionnel = 600 / 400 = 1.5
        bva("303", "prestations_externes_achats", "depense", month(4), 400, 0, 0, 400, 0.0, False),
        bva("303", "prestations_externes_achats", "depense", month(5), 400, 0, 150, 400, 0.375, False),
        bva("303", "prestations_externes_achats", "depense", month(6), 400, 600, 0, 200, 1.5, True),
        # 303 prestations: 100 € over May–July → 33.33, 33.33 and 33.34 (the last month takes the remainder);
        # June théorique 33.33 / 2 = 16.665 → 16.67; réel 300 (60 % of M4)
        bva("303", "prestations", "recette", month(5), "33.33", 0, 0, "33.33", 0.0, False),
        bva("303", "prestations", "recette", month(6), "33.33", 0, 300, "16.67", 300 / 33.33, False),
        bva("303", "prestations", "recette", month(7), "33.34", 0, 0, 0, 0.0, False),
        # 30301: transfer out 300, draft 400 (40 % of M6), validated proposal 80, réel 200 (40 % of M4)
        bva("30301", "depenses_internes", "depense", month(6), 0, 0, 300, 0, None, True),
        # R: M9's 50 €, on no unit's account → non affecté, on the organisation
        bva("R", "prestations_externes_achats", "depense", month(6), 0, 0, 50, 0, None, True),
        bva("30301", "prestations", "recette", month(6), 0, 0, 200, 0, None, False),
        bva("30301", "prestations_externes_achats", "depense", month(6), 0, 400, 0, 0, None, True),
        bva("30301", "prestations_internes", "depense", month(6), 0, 80, 0, 0, None, True),
    ]
)


def test_budget_vs_actual(books):
    warehouse, _ = books
    got = rows(warehouse, "SELECT * FROM marts.budget_vs_actual ORDER BY ALL")
    assert len(got) == len(BUDGET_VS_ACTUAL) == 26
    for row, expected in zip(got, BUDGET_VS_ACTUAL):
        assert row[:9] == expected[:9]
        assert row[9] == pytest.approx(expected[9]) if expected[9] is not None else row[9] is None
        assert row[10] is expected[10], row


def test_budget_vs_actual_columns(books):
    warehouse, _ = books
    types = dict(rows(warehouse, """SELECT column_name, data_type FROM information_schema.columns
                                    WHERE table_schema = 'marts' AND table_name = 'budget_vs_actual'"""))
    assert types == {
        "unit_code": "VARCHAR", "category_code": "VARCHAR", "direction": "VARCHAR", "month": "DATE",
        "previsionnel": "DECIMAL(14,2)", "engage": "DECIMAL(14,2)", "reel": "DECIMAL(14,2)",
        "theorique": "DECIMAL(14,2)", "ecart": "DECIMAL(14,2)", "pct_consomme": "DOUBLE", "depassement": "BOOLEAN",
    }


def test_internal_transfers_net_to_zero_for_the_organisation(books):
    warehouse, _ = books
    (net,) = rows(warehouse, """SELECT sum(CASE direction WHEN 'recette' THEN amount ELSE -amount END)
                                FROM marts.budget_lines WHERE status = 'interne'""")[0]
    assert net == 0


def test_rolled_up_figure(books):
    """The pôle Potager rolled up: its own réel plus its project's (via org_rollup)."""
    warehouse, _ = books
    got = rows(warehouse, """SELECT b.category_code, sum(b.reel), sum(b.engage)
                             FROM marts.budget_vs_actual b JOIN marts.org_rollup r USING (unit_code)
                             WHERE r.ancestor_code = '303' GROUP BY ALL ORDER BY ALL""")
    assert got == [
        ("depenses_internes", D("300.00"), D("0.00")),
        ("prestations", D("500.00"), D("0.00")),                    # 300 + 200
        ("prestations_externes_achats", D("150.00"), D("1000.00")),  # 600 + 400
        ("prestations_internes", D("0.00"), D("80.00")),
    ]


# -- staging -------------------------------------------------------------------------------------

def test_staging_normalises_both_odoo_shapes(books):
    warehouse, _ = books
    accounts = rows(warehouse, "SELECT account_code, account_type, account_group FROM staging.stg_odoo__accounts ORDER BY 1")
    assert ("401000", "liability_payable", "liability") in accounts
    assert ("512000", "asset_cash", "asset") in accounts
    assert ("604100", "expense", "expense") in accounts
    assert ("706000", "income", "income") in accounts
    analytic = rows(warehouse, "SELECT analytic_code, unit_code, plan_id FROM staging.stg_odoo__analytic_accounts ORDER BY 1")
    assert analytic == [("101", "101", 1), ("303", "303", 1), ("30301", "30301", 1),
                        ("FIN-REGION", None, 2), ("HORS", None, 1)]
    # each analytic line knows its journal item, whether Odoo called the link move_id or move_line_id
    assert rows(warehouse, "SELECT count(*) FROM staging.stg_odoo__analytic_lines WHERE move_line_id IS NULL")[0][0] == 0
    assert rows(warehouse, "SELECT sum(amount) FROM staging.stg_odoo__analytic_lines")[0][0] == D("3050.00")


def test_analytic_distribution_of_the_draft_split(books):
    warehouse, _ = books
    got = rows(warehouse, """SELECT d.unit_code, d.pct, l.balance, round(l.balance * d.pct / 100, 2)
                             FROM staging.stg_odoo__analytic_distribution d
                             JOIN staging.stg_odoo__account_move_lines l USING (move_line_id)
                             WHERE l.move_id = 6 ORDER BY 1""")
    amounts = [(unit, r) for unit, _, _, r in got]
    assert amounts == [("303", D("600.00")), ("30301", D("400.00"))]


def test_15_and_17_books_give_identical_marts(tmp_path):
    w15, _ = built_warehouse(tmp_path / "15", "15")
    w17, _ = built_warehouse(tmp_path / "17", "17")
    marts15, marts17 = all_marts(w15), all_marts(w17)
    for name in ("org_tree", "org_rollup", "budget_vs_actual"):
        assert marts15[name] == marts17[name], name
    # budget lines: identical but for the keys of the draft split (two journal items in 15, one in 17)
    strip = lambda table: sorted(r[1:] for r in table)  # noqa: E731
    assert strip(marts15["budget_lines"]) == strip(marts17["budget_lines"])


# -- idempotence and atomicity ------------------------------------------------------------------

def test_loading_twice_and_rebuilding_changes_no_mart(tmp_path):
    warehouse, config = built_warehouse(tmp_path, "17")
    before = all_marts(warehouse)
    load_books(warehouse, "17")
    build(warehouse, config.settings())
    assert all_marts(warehouse) == before


def test_a_failing_data_test_rolls_the_build_back(tmp_path):
    warehouse, config = built_warehouse(tmp_path, "17")
    before = all_marts(warehouse)
    with warehouse.write("saisie fautive") as con:
        # a new forecast would change the marts…
        con.execute("INSERT INTO app.forecasts (forecast_id, unit_code, category_code, period_start, period_end, amount)"
                    " VALUES (100, '303', 'ventes', '2025-06-01', '2025-06-30', 500)")
        # …but this instalment takes the subsidy beyond its granted 3 000 € (2 400 + 600 + 100)
        con.execute("INSERT INTO app.subsidy_instalments (instalment_id, subsidy_id, kind, amount, expected_on)"
                    " VALUES (101, 1, 'acompte', 100, '2025-09-01')")
    with pytest.raises(BuildError, match="subsidy_instalments_within_granted"):
        build(warehouse, config.settings())
    assert all_marts(warehouse) == before  # the previous figures are intact
    outcome = rows(warehouse, "SELECT outcome FROM meta.runs WHERE kind = 'build' ORDER BY run_id DESC LIMIT 1")
    assert outcome == [("failed",)]


def test_tibillet_and_oceco_staging(tmp_path):
    """Faithful staging of the other sources: a sale line's amount, DDP dates, actions per contributor."""
    warehouse, config = built_warehouse(tmp_path, "15")
    load_records(warehouse, "tibillet", "sales", [
        {"@context": "https://schema.org", "@type": "Product", "name": "Billet Soirée Maloya",
         "sku": "a1", "productID": "a1", "category": "Ticket booking", "description": None,
         "datePublished": "2025-03-10T08:12:44.120391+00:00",
         "offers": {"@type": "Offer", "price": "10.5", "priceCurrency": "EUR"},
         "additionalProperty": [
             {"@type": "PropertyValue", "name": "sale_line_uuid", "value": "s1", "description": "…"},
             {"@type": "PropertyValue", "name": "quantity", "value": "-2.000000", "description": "…"},
             {"@type": "PropertyValue", "name": "vat", "value": "8.50", "description": "…"},
             {"@type": "PropertyValue", "name": "status", "value": "R", "description": "…"}]},
    ])
    load_records(warehouse, "oceco", "actions", [
        {"_id": "act1", "name": "Préparer le repas", "credits": 2, "status": "todo", "parentType": "events",
         "parentId": "ev1", "startDate": {"$date": 1603256400000}, "endDate": {"$date": 1603267200000},
         "links": {"contributors": {"c1": {"type": "citoyens"}, "c2": {"type": "citoyens"}}},
         "finishedBy": {"c1": "validated"}},
        {"_id": "act2", "name": "Personne encore", "status": "todo", "parentType": "projects", "parentId": "p1"},
    ])
    build(warehouse, config.settings())
    sale = rows(warehouse, "SELECT sale_line_id, unit_price, quantity, amount, status, payment_method, sold_at::VARCHAR FROM staging.stg_tibillet__sales")
    assert sale == [("s1", D("10.50"), D("-2.000000"), D("-21.00"), "R", None, "2025-03-10 08:12:44.120391+00")]
    actions = rows(warehouse, """SELECT action_id, contributor_id, finished_state, credits, start_at::VARCHAR
                                 FROM staging.stg_oceco__actions ORDER BY ALL""")
    assert actions == [
        ("act1", "c1", "validated", 2, "2020-10-21 05:00:00+00"),
        ("act1", "c2", None, 2, "2020-10-21 05:00:00+00"),
        ("act2", None, None, 0, None),
    ]
