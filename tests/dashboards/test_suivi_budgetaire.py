"""The page shows, for a given unit and period, exactly what the marts say.

Expected figures are computed here by plain SQL straight over the marts — not by the page's
SQL files — so that a mistake in either shows up.
"""

import datetime as dt
import io

import pandas as pd
import pytest
from panel.io.location import Location

from alambic import formatting
from dashboards.app import AppContext
from dashboards.components import URL_KEYS, Filters, csv_bytes, display_frame
from dashboards.suivi_budgetaire import SuiviBudgetaire, recap_columns

CASES = [("R", "2025"), ("30", "2025-Q3"), ("303", "2025-03..2025-06"), ("101", "EX2025"), ("30301", "2025-08")]


def mart_totals(warehouse, unit, start, end, direction):
    """The subtree's sums of budget_vs_actual, less the internal flows with both ends in the subtree
    (eliminated: budget_lines whose counterpart_unit is in the subtree)."""
    return warehouse.query(
        """WITH subtree AS (SELECT unit_code FROM marts.org_rollup WHERE ancestor_code = $unit),
                eliminated AS (
                    SELECT category_code, sum(amount) AS amount FROM marts.budget_lines
                    WHERE unit_code IN (SELECT unit_code FROM subtree)
                      AND counterpart_unit IN (SELECT unit_code FROM subtree) AND counts_as = 'reel'
                      AND month >= $start AND month < $end
                    GROUP BY category_code),
                figures AS (
                    SELECT category_code, sum(previsionnel) AS prev, sum(engage) AS eng, sum(reel) AS reel
                    FROM marts.budget_vs_actual
                    WHERE unit_code IN (SELECT unit_code FROM subtree) AND month >= $start AND month < $end
                    GROUP BY category_code)
           SELECT c.label,
                  coalesce(f.prev, 0)::DOUBLE AS prev,
                  coalesce(f.eng, 0)::DOUBLE AS eng,
                  (coalesce(f.reel, 0) - coalesce(e.amount, 0))::DOUBLE AS reel
           FROM ref.categories c
           LEFT JOIN figures f USING (category_code)
           LEFT JOIN eliminated e USING (category_code)
           WHERE c.direction = $direction
           ORDER BY c.sort""",
        {"unit": unit, "start": start, "end": end, "direction": direction},
    )


def build_page(warehouse, unit, period):
    filters = Filters.from_warehouse(warehouse)
    filters.param.update(unit=unit, period=period)
    assert not filters.period_error
    return SuiviBudgetaire(context=AppContext(warehouse=warehouse, filters=filters))


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
    assert "periode=2025-Q3" in location.search  # the address keeps what was typed
    assert filters.query_string() == "?periode=2025-T3&unite=303"  # links to other pages: French T
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


def test_the_organisation_shows_its_real_against_the_books_and_a_pole_does_not(sandbox_warehouse):
    page = build_page(sandbox_warehouse, "R", "2025")
    data = page.reconciliation_data()
    assert list(data["direction"]) == ["depense", "recette"]
    expected = sandbox_warehouse.query(
        """SELECT CASE account_class WHEN '6' THEN 'depense' ELSE 'recette' END AS direction,
                  sum(amount)::DOUBLE AS ledger
           FROM marts.ledger_pnl WHERE month >= '2025-01-01' AND month < '2026-01-01' GROUP BY 1 ORDER BY 1""")
    assert [float(v) for v in data["ledger"]] == list(expected["ledger"])
    # every sandbox account of classes 6/7 is in a category: the organisation's réel is its books
    assert [float(v) for v in data["reel_budget"]] == list(expected["ledger"])
    assert (data["ecart"] == 0).all() and (data["non_affecte"] > 0).any() and (data["elimine"] > 0).all()
    shown = page.reconciliation()
    assert "Le réel rapproché de la comptabilité" in str(shown.objects[0].object)
    assert build_page(sandbox_warehouse, "303", "2025").reconciliation_data().empty
    assert not build_page(sandbox_warehouse, "303", "2025").reconciliation().objects


def test_the_organisation_shows_the_books_month_by_month(sandbox_warehouse):
    page = build_page(sandbox_warehouse, "R", "2025")
    months = page.ledger_months_data()
    expected = sandbox_warehouse.query(
        """SELECT month, sum(debit - credit) FILTER (WHERE account_code LIKE '6%')::DOUBLE AS charges,
                  sum(credit - debit) FILTER (WHERE account_code LIKE '7%')::DOUBLE AS produits
           FROM marts.ledger_pnl WHERE month >= '2025-01-01' AND month < '2026-01-01' GROUP BY 1 ORDER BY 1""")
    assert len(months) == len(expected) == 12
    assert [float(v) for v in months["charges"]] == list(expected["charges"])
    assert [float(v) for v in months["produits"]] == list(expected["produits"])
    assert [round(float(r), 2) for r in months["resultat"]] == [
        round(float(p) - float(c), 2) for p, c in zip(months["produits"], months["charges"])]
    # the year's months add up to the reconciliation's books
    totals = page.reconciliation_data().set_index("direction")["ledger"]
    assert round(float(months["charges"].sum()), 2) == round(float(totals["depense"]), 2)
    assert round(float(months["produits"].sum()), 2) == round(float(totals["recette"]), 2)
    assert build_page(sandbox_warehouse, "30", "2025").ledger_months_data().empty


def test_a_filter_change_updates_the_page_in_place(budget_warehouse):
    """A unit change recomputes the figures into the widgets already shown (no new tables, the
    eight cards one pane): the browser receives new rows and text, not a new page."""
    import panel as pn

    page = build_page(budget_warehouse, "R", "2025")
    layout = page.__panel__()
    tables = list(layout.select(pn.widgets.Tabulator))
    cards = [p for p in layout.select(pn.pane.HTML) if "budget-kpis" in p.css_classes]
    assert len(cards) == 1 and cards[0].object.count('class="kpi-card') == 8
    recap = next(t for t in tables if "recap-depense" in t.css_classes)
    lines = next(t for t in tables if "budget-lines" in t.css_classes)
    assert lines.pagination == "remote"  # the browser gets one page of lines at a time

    page.filters.unit = "30"
    assert list(layout.select(pn.widgets.Tabulator)) == tables  # the same objects
    p = page.filters.current
    expected = mart_totals(budget_warehouse, "30", p.start, p.end, "depense")
    assert formatting.money(round(expected["reel"].sum(), 2)) in cards[0].object
    body = recap.value[recap.value["Catégorie"] != "Total"]
    assert body["Dépensé"].round(2).tolist() == expected["reel"].round(2).tolist()
    every_line = len(lines.value)
    assert every_line == len(page.lines_data()) > 0

    page.category = "bienveillance"  # a drill-down changes the lines only
    assert list(layout.select(pn.widgets.Tabulator)) == tables
    assert 0 < len(lines.value) == len(page.lines_data()) < every_line


def test_an_updated_table_styles_its_new_rows():
    """update_table: the red (overrun) and bold (total) rows follow the new rows, not the first ones."""
    from dashboards.components import Column, french_table, update_table

    columns = [Column("label", "Libellé"), Column("amount", "Montant", "money")]
    first = pd.DataFrame({"label": ["a", "b"], "amount": [1.0, 2.0], "red": [True, False], "total": [False, True]})
    table = french_table(first, columns, highlight="red", bold="total")
    second = pd.DataFrame({"label": ["c", "d", "e"], "amount": [3.0, 4.0, 5.0],
                           "red": [False, False, True], "total": [True, False, False]})
    same = update_table(table, second)
    assert same is table and list(table.value["Libellé"]) == ["c", "d", "e"]
    ctx = table.style._compute().ctx  # {(row, column): [(property, value)]}: what Tabulator is sent
    row_css = {row: " ".join(f"{p}: {v}" for (r, _c), props in ctx.items() if r == row for p, v in props)
               for row in range(3)}
    assert "font-weight" in row_css[0] and "background-color" not in row_css[0]
    assert "background-color" in row_css[2] and "font-weight" not in row_css[2]
    assert "font-weight" not in row_css[1] and "background-color" not in row_css[1]
