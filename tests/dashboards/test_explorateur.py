"""The Explorateur's pivot is a plain GROUP BY over the marts, and the lines behind a cell are
exactly that cell's lines. Expected figures are plain SQL here, not the page's SQL files."""

import io

import pandas as pd
import pytest
from openpyxl import load_workbook
from panel.models.tabulator import CellClickEvent

from dashboards.app import AppContext
from dashboards.components import Filters
from dashboards.explorateur import BUDGET, LINES, Explorateur
from dashboards.workbook import MONEY_FORMAT, workbook_bytes

# SQL expressions of the dimensions, for the expected GROUP BYs
DIMENSION_SQL = {
    "pole": "coalesce((SELECT a.unit_code FROM marts.org_rollup r JOIN marts.org_tree a "
            "ON a.unit_code = r.ancestor_code WHERE r.unit_code = l.unit_code AND a.level = 'pole'), '')",
    "categorie": "l.category_code",
    "mois": "strftime(l.{date}, '%Y-%m')",
    "statut": "l.status",
    "direction": "l.direction",
    "unite": "l.unit_code",
}


# an internal flow whose other end is in the selected unit's subtree is eliminated there (issue #10)
NOT_ELIMINATED = ("NOT coalesce(l.counterpart_unit IN "
                  "(SELECT unit_code FROM marts.org_rollup WHERE ancestor_code = ?), false)")


def counted(lines) -> float:
    """What the listed lines add up to in the pivot: eliminated internal flows are listed, not counted."""
    return lines.loc[~lines["eliminated"], "amount"].astype(float).sum()


def build_page(warehouse, unit, period, **choices):
    filters = Filters.from_warehouse(warehouse)
    filters.param.update(unit=unit, period=period)
    assert not filters.period_error
    page = Explorateur(context=AppContext(warehouse=warehouse, filters=filters),
                    directions=choices.pop("directions", []))  # both directions, unless told
    page.param.update(**choices)
    return page


def test_the_default_total_is_not_expenses_plus_income(sandbox_warehouse):
    """#12.7: opened as is, the pivot shows the expenses only: its Total is the expenses' total."""
    filters = Filters.from_warehouse(sandbox_warehouse)
    page = Explorateur(context=AppContext(warehouse=sandbox_warehouse, filters=filters))
    assert page.directions == ["depense"]
    p = filters.current
    expected = sandbox_warehouse.query(
        # the expenses of the period, less the internal flows whose two ends are inside the
        # organisation (eliminated at its level: a transfer, a soirée dispatch)
        """SELECT coalesce(sum(amount), 0)::DOUBLE AS v FROM marts.budget_lines
           WHERE direction = 'depense' AND line_date >= ? AND line_date < ?
             AND NOT coalesce(counterpart_unit IN
                 (SELECT unit_code FROM marts.org_rollup WHERE ancestor_code = ?), false)""",
        [p.start, p.end, filters.unit])["v"].iloc[0]
    frame, _columns, _keys = page.pivot()
    assert round(frame[frame["row1_label"] == "Total"].iloc[0]["total"], 2) == round(expected, 2)


def expected_lines_pivot(warehouse, unit, start, end, row, col, measure="sum(l.amount)"):
    r, c = DIMENSION_SQL[row].format(date="line_date"), DIMENSION_SQL[col].format(date="line_date")
    return warehouse.query(
        f"""SELECT {r} AS r, {c} AS c, {measure}::DOUBLE AS v
            FROM marts.budget_lines l
            WHERE l.unit_code IN (SELECT unit_code FROM marts.org_rollup WHERE ancestor_code = ?)
              AND l.line_date >= ? AND l.line_date < ? AND {NOT_ELIMINATED}
            GROUP BY ALL""", [unit, start, end, unit])


def shown_cells(page) -> dict:
    """(row1 key, column key) → value, for the body cells of the pivot as shown."""
    frame, columns, keys = page.pivot()
    body = frame[~frame["is_total"]]
    cells = {}
    for _, record in body.iterrows():
        for name, key in keys.items():
            if key is None or pd.isna(record[name]):
                continue
            cells[(record["row1_key"], key)] = round(float(record[name]), 2)
    return cells


CASES = [("R", "2026", "pole", "mois"), ("30", "2026", "categorie", "statut"),
         ("R", "2025..2026", "unite", "direction"), ("50", "2026-Q2", "categorie", "mois")]


@pytest.mark.parametrize("unit, period, row, col", CASES)
def test_pivot_of_the_lines_is_a_group_by(sandbox_warehouse, unit, period, row, col):
    page = build_page(sandbox_warehouse, unit, period, dataset=LINES, row1=row, row2="", col=col,
                      measure="montant")
    p = page.filters.current
    expected = expected_lines_pivot(sandbox_warehouse, unit, p.start, p.end, row, col)
    assert shown_cells(page) == {(e.r, e.c): round(e.v, 2) for e in expected.itertuples()}
    frame, columns, keys = page.pivot()
    total = frame[frame["row1_label"] == "Total"].iloc[0]
    assert round(total["total"], 2) == round(expected["v"].sum(), 2)
    # row totals: the sum of each row
    for _, record in frame[~frame["is_total"]].iterrows():
        want = expected[expected["r"] == record["row1_key"]]["v"].sum()
        assert round(record["total"], 2) == round(want, 2)


def test_count_and_second_row_dimension(sandbox_warehouse):
    page = build_page(sandbox_warehouse, "R", "2026", dataset=LINES, row1="pole", row2="categorie",
                      col="direction", measure="nombre")
    p = page.filters.current
    expected = sandbox_warehouse.query(
        f"""SELECT {DIMENSION_SQL['pole']} AS r1, l.category_code AS r2, l.direction AS c, count(*) AS n
            FROM marts.budget_lines l
            WHERE l.unit_code IN (SELECT unit_code FROM marts.org_rollup WHERE ancestor_code = 'R')
              AND l.line_date >= ? AND l.line_date < ? AND {NOT_ELIMINATED}
            GROUP BY ALL""", [p.start, p.end, "R"])
    frame, columns, keys = page.pivot()
    body = frame[~frame["is_total"]]
    got = {}
    for _, rec in body.iterrows():
        for name, key in keys.items():
            if key is not None and not pd.isna(rec[name]):
                got[(rec["row1_key"], rec["row2_key"], key)] = int(rec[name])
    assert got == {(e.r1, e.r2, e.c): e.n for e in expected.itertuples()}
    subtotals = frame[frame["row2_label"] == "Sous-total"]
    for _, rec in subtotals.iterrows():
        assert rec["total"] == expected[expected["r1"] == rec["row1_key"]]["n"].sum()
    assert [c.title for c in columns[:2]] == ["Pôle", "Catégorie"]


def test_pivot_of_forecast_and_actual_is_a_group_by(sandbox_warehouse):
    page = build_page(sandbox_warehouse, "R", "2026", dataset=BUDGET, row1="categorie", row2="",
                      col="mois", measure="previsionnel")
    p = page.filters.current
    expected = sandbox_warehouse.query(
        """SELECT category_code AS r, strftime(month, '%Y-%m') AS c, sum(previsionnel)::DOUBLE AS v
           FROM marts.budget_vs_actual
           WHERE month >= ? AND month < ? GROUP BY ALL""", [p.start, p.end])
    assert shown_cells(page) == {(e.r, e.c): round(e.v, 2) for e in expected.itertuples()}
    frame, columns, _ = page.pivot()
    assert [c.title for c in columns][1] == "janv. 2026"
    page.measure = "ecart"
    # the réel of the Suivi budgétaire at La Raffinerie: internal flows eliminated
    expected = sandbox_warehouse.query(
        """SELECT category_code AS r, strftime(month, '%Y-%m') AS c,
                  (sum(reel) - sum(previsionnel))::DOUBLE AS v
           FROM marts.budget_rollup WHERE unit_code = 'R' AND month >= ? AND month < ?
           GROUP BY ALL HAVING sum(previsionnel) <> 0 OR sum(engage) <> 0 OR sum(reel) <> 0""",
        [p.start, p.end])
    assert shown_cells(page) == {(e.r, e.c): round(e.v, 2) for e in expected.itertuples()}


def test_filters_restrict_the_pivot(sandbox_warehouse):
    page = build_page(sandbox_warehouse, "R", "2026", dataset=LINES, row1="categorie", row2="",
                      col="", measure="montant", statuses=["paye"], directions=["depense"])
    p = page.filters.current
    expected = sandbox_warehouse.query(
        """SELECT category_code AS r, sum(amount)::DOUBLE AS v FROM marts.budget_lines
           WHERE status = 'paye' AND direction = 'depense' AND line_date >= ? AND line_date < ?
           GROUP BY ALL""", [p.start, p.end])
    frame, columns, keys = page.pivot()
    body = frame[~frame["is_total"]]
    assert dict(zip(body["row1_key"], body["total"].round(2))) == \
        {e.r: round(e.v, 2) for e in expected.itertuples()}
    assert columns[-1].title == "Montant (somme)"


def test_clicking_a_cell_lists_exactly_its_lines(sandbox_warehouse):
    page = build_page(sandbox_warehouse, "R", "2026", dataset=LINES, row1="pole", row2="",
                      col="mois", measure="montant")
    frame, columns, keys = page.pivot()
    body = frame[~frame["is_total"]]
    position = int(body.index[0])
    name = next(n for n, k in keys.items() if k is not None and not pd.isna(frame.loc[position, n]))
    page.selection = page.describe_cell(frame, columns, keys, position, name)
    pole, month = frame.loc[position, "row1_key"], keys[name]
    p = page.filters.current
    expected = sandbox_warehouse.query(
        f"""SELECT l.line_key FROM marts.budget_lines l
            WHERE {DIMENSION_SQL['pole']} = ? AND strftime(l.line_date, '%Y-%m') = ?
              AND l.line_date >= ? AND l.line_date < ? ORDER BY l.line_key""", [pole, month, p.start, p.end])
    lines = page.lines_data()
    assert sorted(lines["line_key"]) == expected["line_key"].tolist()
    assert round(counted(lines), 2) == round(frame.loc[position, name], 2)
    assert page.selection["text"].startswith("Pôle : ")


def test_clicking_totals_lists_their_lines(sandbox_warehouse):
    page = build_page(sandbox_warehouse, "30", "2026", dataset=LINES, row1="categorie", row2="",
                      col="statut", measure="montant")
    frame, columns, keys = page.pivot()
    # a row total (Total column)
    row = int(frame.index[~frame["is_total"]][0])
    page.selection = page.describe_cell(frame, columns, keys, row, "total")
    assert round(counted(page.lines_data()), 2) == round(frame.loc[row, "total"], 2)
    # a column total (Total row)
    total_row = int(frame.index[frame["row1_label"] == "Total"][0])
    name = next(n for n, k in keys.items() if k is not None)
    page.selection = page.describe_cell(frame, columns, keys, total_row, name)
    lines = page.lines_data()
    assert set(lines["status"]) == {keys[name]}
    assert round(counted(lines), 2) == round(frame.loc[total_row, name], 2)
    # the grand total: every line of the table
    page.selection = page.describe_cell(frame, columns, keys, total_row, "total")
    assert round(counted(page.lines_data()), 2) == round(frame.loc[total_row, "total"], 2)
    # a label cell is its row's total
    page.selection = page.describe_cell(frame, columns, keys, row, "row1_label")
    assert page.selection["col"] is None and page.selection["row1"] == frame.loc[row, "row1_key"]


def test_the_table_shows_french_titles_and_clicks_drill_down(sandbox_warehouse):
    page = build_page(sandbox_warehouse, "R", "2026", dataset=LINES, row1="pole", row2="",
                      col="trimestre", measure="montant")
    table = page.pivot_table()
    assert list(table.value.columns)[:2] == ["Pôle", "T1 2026"]
    assert table.value.columns[-1] == "Total"

    table._process_event(CellClickEvent(model=None, column="T1 2026", row=0))
    assert page.selection is not None and page.selection["col"] == "2026-T1"


def test_pivot_xlsx_keeps_the_shape(sandbox_warehouse):
    page = build_page(sandbox_warehouse, "R", "2026", dataset=LINES, row1="pole", row2="categorie",
                      col="trimestre", measure="montant")
    frame, columns, keys = page.pivot()
    book = load_workbook(io.BytesIO(workbook_bytes(page.workbook_sheets(), "Explorateur")))
    assert book.sheetnames == ["Tableau croisé", "Lignes"]
    sheet = book["Tableau croisé"]
    headers = [c.value for c in sheet[3]]
    assert headers == [c.title for c in columns]
    assert sheet.max_row == 3 + len(frame)
    for i, (_, record) in enumerate(frame.iterrows(), start=4):
        for j, column in enumerate(columns, start=1):
            cell = sheet.cell(row=i, column=j)
            if column.kind == "money":
                if pd.isna(record[column.name]):
                    assert cell.value is None
                else:
                    assert isinstance(cell.value, float | int)
                    assert round(cell.value, 2) == round(record[column.name], 2)
                    assert cell.number_format == MONEY_FORMAT
            else:
                assert cell.value == (record[column.name] or None)
    # total rows in bold
    last = sheet.cell(row=3 + len(frame), column=1)
    assert last.value == "Total" and last.font.bold


def test_csv_export_of_the_pivot(sandbox_warehouse):
    from dashboards.components import csv_bytes

    page = build_page(sandbox_warehouse, "R", "2026", dataset=LINES, row1="categorie", row2="",
                      col="direction", measure="montant")
    frame, columns, _ = page.pivot()
    text = csv_bytes(frame, columns).decode("utf-8-sig")
    header = text.splitlines()[0]
    assert header == "Catégorie;Dépenses;Recettes;Total"
    assert text.splitlines()[-1].startswith("Total;")
