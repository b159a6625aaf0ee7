"""The page shows, for a given unit and period, exactly what the marts say.

Expected figures are computed here by plain SQL straight over the marts — not by the page's
SQL files — so that a mistake in either shows up.
"""

import datetime as dt
import io

import pandas as pd
import pytest
from panel.io.location import Location

from dashboards import formatting
from dashboards.app import AppContext
from dashboards.components import URL_KEYS, Filters, csv_bytes, display_frame
from dashboards.suivi_budgetaire import BudgetTracking, recap_columns

CASES = [("R", "2025"), ("30", "2025-Q3"), ("303", "2025-03..2025-06"), ("101", "EX2025"), ("30301", "2025-08")]


def mart_totals(warehouse, unit, start, end, direction):
    return warehouse.query(
        """SELECT c.label,
                  coalesce(sum(b.previsionnel), 0)::DOUBLE AS prev,
                  coalesce(sum(b.engage), 0)::DOUBLE AS eng,
                  coalesce(sum(b.reel), 0)::DOUBLE AS reel
           FROM ref.categories c
           LEFT JOIN marts.budget_vs_actual b
             ON b.category_code = c.category_code
            AND b.unit_code IN (SELECT unit_code FROM marts.org_rollup WHERE ancestor_code = ?)
            AND b.month >= ? AND b.month < ?
           WHERE c.direction = ?
           GROUP BY c.label, c.sort ORDER BY c.sort""",
        [unit, start, end, direction],
    )


def build_page(warehouse, unit, period):
    filters = Filters.from_warehouse(warehouse)
    filters.param.update(unit=unit, period=period)
    assert not filters.period_error
    return BudgetTracking(context=AppContext(warehouse=warehouse, filters=filters))


@pytest.mark.parametrize("unit, period", CASES)
def test_expenses_recap_matches_the_mart(page_warehouse, unit, period):
    page = build_page(page_warehouse, unit, period)
    p = page.filters.current
    expected = mart_totals(page_warehouse, unit, p.start, p.end, "depense")
    table = page.recap_table("depense")
    shown = table.value
    body = shown[shown["Catégorie"] != "Total"].reset_index(drop=True)
    assert list(body["Catégorie"]) == list(expected["label"])
    assert body["Prévisionnel"].round(2).tolist() == expected["prev"].round(2).tolist()
    assert body["Engagé"].round(2).tolist() == expected["eng"].round(2).tolist()
    assert body["Dépensé"].round(2).tolist() == expected["reel"].round(2).tolist()
    reste = (expected["prev"] - expected["reel"] - expected["eng"]).round(2)
    assert body["Reste à dépenser"].round(2).tolist() == reste.tolist()
    total = shown[shown["Catégorie"] == "Total"].iloc[0]
    assert round(total["Dépensé"], 2) == round(expected["reel"].sum(), 2)
    # overrun rows are flagged in French
    overrun = (expected["reel"] + expected["eng"]) > expected["prev"]
    assert (body["Alerte"] == "Dépassement").tolist() == overrun.tolist()


@pytest.mark.parametrize("unit, period", CASES)
def test_income_recap_matches_the_mart(page_warehouse, unit, period):
    page = build_page(page_warehouse, unit, period)
    p = page.filters.current
    expected = mart_totals(page_warehouse, unit, p.start, p.end, "recette")
    shown = page.recap_table("recette").value
    body = shown[shown["Catégorie"] != "Total"].reset_index(drop=True)
    assert list(shown.columns) == ["Catégorie", "Prévisionnel", "Encaissé", "Reste à encaisser"]
    assert body["Encaissé"].round(2).tolist() == expected["reel"].round(2).tolist()
    assert body["Reste à encaisser"].round(2).tolist() == (expected["prev"] - expected["reel"]).round(2).tolist()


@pytest.mark.parametrize("unit, period", CASES[:3])
def test_kpi_cards_show_the_mart_in_french(page_warehouse, unit, period):
    page = build_page(page_warehouse, unit, period)
    p = page.filters.current
    exp = mart_totals(page_warehouse, unit, p.start, p.end, "depense")
    inc = mart_totals(page_warehouse, unit, p.start, p.end, "recette")
    html = "".join(str(pane.object) for pane in page.kpis().select(lambda o: hasattr(o, "object")))
    for value in (exp["prev"].sum(), exp["reel"].sum(), exp["eng"].sum(),
                  exp["prev"].sum() - exp["reel"].sum() - exp["eng"].sum(),
                  inc["reel"].sum(), inc["prev"].sum() - inc["reel"].sum()):
        assert formatting.money(round(value, 2)) in html
    assert "Reste à dépenser" in html and "Reste à encaisser" in html


def test_monthly_chart_data_covers_every_month(budget_warehouse):
    page = build_page(budget_warehouse, "30", "2025-03..2025-06")
    data = page.monthly_data("depense")
    assert [formatting.month(m) for m in data["month"]] == ["mars 2025", "avr. 2025", "mai 2025", "juin 2025"]
    expected = mart_totals(budget_warehouse, "30", dt.date(2025, 3, 1), dt.date(2025, 7, 1), "depense")
    assert round(float(data["reel"].sum()), 2) == round(expected["reel"].sum(), 2)
    assert page.chart_object("depense") is not None


def test_drill_down_lists_the_lines_with_french_statuses(budget_warehouse):
    page = build_page(budget_warehouse, "303", "2025")
    page.category = "bienveillance"
    expected = budget_warehouse.query(
        """SELECT line_key, amount::DOUBLE AS amount FROM marts.budget_lines
           WHERE unit_code IN (SELECT unit_code FROM marts.org_rollup WHERE ancestor_code = '303')
             AND category_code = 'bienveillance' AND line_date >= '2025-01-01' AND line_date < '2026-01-01'""")
    shown = page.lines_table().value
    assert len(shown) == len(expected) > 0
    assert round(shown["Montant"].sum(), 2) == round(expected["amount"].sum(), 2)
    assert set(shown["Statut"]) <= {"À valider", "À facturer", "Brouillon", "À payer", "Payé",
                                    "À encaisser", "Encaissé", "Interne"}
    assert all("/" in d and len(d) == 10 for d in shown["Date"])  # 27/11/2026


def test_clicking_a_recap_row_drills_down(budget_warehouse):
    page = build_page(budget_warehouse, "R", "2025")
    table = page.recap_table("depense")
    from panel.models.tabulator import CellClickEvent

    table._process_event(CellClickEvent(model=None, column="Catégorie", row=1))
    assert page.category == "prestations_internes"


def test_displayed_frames_hold_no_python_repr(budget_warehouse):
    page = build_page(budget_warehouse, "30301", "2025-08")
    for direction in ("depense", "recette"):
        text = page.recap_table(direction).value.astype(str).to_string()
        for raw in ("nan", "NaN", "inf", "None", "NaT", "True", "False", "<NA>"):
            assert raw not in text.split(), (direction, raw)


def test_a_percentage_of_no_forecast_is_left_empty_not_nan():
    """Tabulator writes a NaN « NaN » and an infinity « Infinity »: the table gets None (#12.3)."""
    from dashboards.components import Column, display_frame
    data = pd.DataFrame({"pct": [0.5, None, float("inf")], "amount": [1.0, float("nan"), 2.0]})
    shown = display_frame(data, [Column("pct", "%", "percent"), Column("amount", "€", "money")])
    assert shown["%"].tolist() == [50.0, None, None]
    assert shown["€"].tolist() == [1.0, None, 2.0]


def test_csv_export_is_for_french_excel(budget_warehouse):
    page = build_page(budget_warehouse, "30", "2025-Q3")
    data = page.recap_data("depense")
    raw = csv_bytes(data, recap_columns("depense"))
    assert raw.startswith("\ufeff".encode())
    text = raw.decode("utf-8-sig")
    header = text.splitlines()[0]
    assert header == "Catégorie;Prévisionnel;Engagé;Dépensé;Reste à dépenser;% consommé;Alerte"
    back = pd.read_csv(io.StringIO(text), sep=";", decimal=",")
    assert back["Dépensé"].round(2).tolist() == data["reel"].astype(float).round(2).tolist()
    assert set(back["Alerte"].fillna("")) <= {"Dépassement", "Dépassement (sans prévisionnel)", ""}
    lines = page.lines_data()
    text = csv_bytes(lines, __import__("dashboards.suivi_budgetaire", fromlist=["x"]).line_columns()).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Date;Libellé;Montant;Statut;Catégorie;Unité")


def test_filters_follow_the_url(budget_warehouse):
    filters = Filters.from_warehouse(budget_warehouse)
    assert filters.period == "2025"  # the fiscal year of the build's date
    location = Location(search="?periode=2025&unite=303")
    location.sync(filters, URL_KEYS, on_error=filters._on_url_error)
    assert (filters.period, filters.unit) == ("2025", "303")  # the URL gives 2025 and 303 as numbers
    filters.period = "2025-Q3"
    assert "periode=2025-T3" in location.search
    assert filters.query_string() == "?periode=2025-T3&unite=303"
    filters.period = "n'importe quoi"
    assert "Période non reconnue" in filters.period_error
    assert filters.current.text == "2025-T3"  # figures stay on the last valid period
    assert filters.query_string() == "?periode=2025-T3&unite=303"


def test_unknown_unit_in_a_link_is_explained(budget_warehouse):
    filters = Filters.from_warehouse(budget_warehouse)
    Location(search="?unite=999").sync(filters, URL_KEYS, on_error=filters._on_url_error)
    assert filters.unit == "R"
    assert filters.unit_error == "Unité inconnue : 999."


def test_unit_choices_are_groups_poles_projects(budget_warehouse):
    filters = Filters.from_warehouse(budget_warehouse)
    labels = filters.unit_labels()
    assert list(labels) == ["R", "10", "101", "30", "303", "30301"]  # no action
    assert labels["R"] == "La Raffinerie"
    assert labels["303"].strip() == "Potager (pôle)"


def test_display_frame_formats():
    data = pd.DataFrame({"d": [pd.Timestamp("2026-11-27")], "s": ["a_payer"], "p": [0.125]})
    from dashboards.components import Column

    shown = display_frame(data, [Column("d", "Date", "date"), Column("s", "Statut", "status"),
                                 Column("p", "%", "percent")])
    assert shown.iloc[0].tolist() == ["27/11/2026", "À payer", 12.5]


@pytest.mark.parametrize("unit, period", [("R", "2025"), ("30", "2025")])
def test_proposals_by_status_count_the_units_proposals(sandbox_warehouse, unit, period):
    page = build_page(sandbox_warehouse, unit, period)
    shown = page.proposals_data().set_index("status")
    start, end = page.filters.current.start, page.filters.current.end
    expected = sandbox_warehouse.query(
        """SELECT status, count(*) AS n, sum(amount)::DOUBLE AS amount FROM marts.remuneration_proposals
           WHERE unit_code IN (SELECT unit_code FROM marts.org_rollup WHERE ancestor_code = ?)
             AND end_date >= ? AND end_date < ? GROUP BY status""", [unit, start, end]).set_index("status")
    assert not expected.empty
    for status in ("proposee", "validee", "refusee", "facturee", "payee"):
        n = int(expected["n"].get(status, 0))
        assert int(shown.loc[status, "proposals"]) == n
        assert float(shown.loc[status, "amount"]) == pytest.approx(float(expected["amount"].get(status, 0) or 0))
    assert int(shown.loc["total", "proposals"]) == int(expected["n"].sum())
    assert shown.loc["validee", "status_label"] == "Validée, à facturer"


def test_proposals_section_waits_for_the_mart(budget_warehouse):
    page = build_page(budget_warehouse, "R", "2025")  # the hand-made warehouse has no proposals mart
    assert page.proposals().height == 0
