"""The Plan de trésorerie shows exactly marts.treasury_plan, month by month, and its what-if moves
exactly what it says — computed here by plain SQL over the marts, never by the page's SQL files.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pandas as pd
import pytest

from alambic import formatting
from dashboards.app import AppContext
from dashboards.components import Filters, csv_bytes
from dashboards.plan_de_tresorerie import PlanDeTresorerie, line_columns
from dashboards.treasury_simulation import parse_amount

FRENCH_SOURCES = {"Banque", "Facture ouverte", "Brouillon", "Prévision", "Échéance de subvention", "Simulation"}


def mart_plan(warehouse) -> pd.DataFrame:
    return warehouse.query(
        """SELECT month, kind, opening_balance::DOUBLE AS opening, encaissements::DOUBLE AS enc,
                  decaissements::DOUBLE AS dec, closing_balance::DOUBLE AS closing, below_threshold
           FROM marts.treasury_plan ORDER BY month""")


def whole_plan(warehouse) -> str:
    months = mart_plan(warehouse)["month"]
    return f"{months.min():%Y-%m}..{months.max():%Y-%m}"


def build_page(warehouse, period: str | None = None) -> PlanDeTresorerie:
    filters = Filters.from_warehouse(warehouse)
    filters.period = period or whole_plan(warehouse)
    assert not filters.period_error
    return PlanDeTresorerie(context=AppContext(warehouse=warehouse, filters=filters))


def shown_rows(page: PlanDeTresorerie) -> dict[str, pd.Series]:
    """row_key → the row as shown (one value per month column, then « Total »)."""
    frame, info = page.table_frame()
    body = frame.set_axis(info["row_keys"]).drop(columns=frame.columns[0])
    return {key: body.loc[key] for key in info["row_keys"]}, info


def month_values(page: PlanDeTresorerie, row_key: str) -> pd.Series:
    """The row's value per month (first day), without the total column."""
    rows, info = shown_rows(page)
    values = {}
    for title, month in info["column_month"].items():
        if month:
            values[pd.Timestamp(month + "-01")] = round(float(rows[row_key][title]), 2)
    return pd.Series(values).sort_index()


def awaited_instalment(warehouse, later_than=None):
    """An instalment the plan counts (not received, its month within the plan), from the mart."""
    rows = warehouse.query(
        """SELECT instalment_id, amount::DOUBLE AS amount, treasury_month
           FROM marts.subsidy_instalments_timeline
           WHERE received_on IS NULL
             AND treasury_month <= (SELECT max(month) FROM marts.treasury_plan)
           ORDER BY treasury_month DESC, instalment_id""")
    assert len(rows), "the sandbox should await at least one subsidy instalment"
    if later_than is not None:
        rows = rows[rows["treasury_month"] > pd.Timestamp(later_than)]
    return rows.iloc[0]


# -- the table is the mart ------------------------------------------------------------------------


def test_each_month_opens_on_the_previous_close_as_shown(sandbox_warehouse):
    page = build_page(sandbox_warehouse)
    opening = month_values(page, "solde_debut")
    closing = month_values(page, "solde_fin")
    assert len(opening) == len(mart_plan(sandbox_warehouse)) > 12
    for previous, current in zip(closing.index[:-1], opening.index[1:]):
        assert opening[current] == closing[previous], current


def test_shown_table_equals_the_mart(sandbox_warehouse):
    page = build_page(sandbox_warehouse)
    mart = mart_plan(sandbox_warehouse).set_index("month")
    for key, column in [("solde_debut", "opening"), ("total_encaissements", "enc"),
                        ("total_decaissements", "dec"), ("solde_fin", "closing")]:
        shown = month_values(page, key)
        assert shown.tolist() == mart[column].round(2).tolist(), key
    variation = month_values(page, "variation")
    assert variation.tolist() == (mart["enc"] - mart["dec"]).round(2).tolist()
    # the total column: the first opening, the flows' sums, the last closing
    rows, _info = shown_rows(page)
    assert round(rows["solde_debut"]["Total"], 2) == round(mart["opening"].iloc[0], 2)
    assert round(rows["solde_fin"]["Total"], 2) == round(mart["closing"].iloc[-1], 2)
    assert round(rows["total_encaissements"]["Total"], 2) == round(mart["enc"].sum(), 2)


def test_category_rows_equal_treasury_flows(sandbox_warehouse):
    page = build_page(sandbox_warehouse)
    flows = sandbox_warehouse.query(
        """SELECT month, direction, category_code, sum(amount)::DOUBLE AS amount
           FROM marts.treasury_flows GROUP BY ALL""")
    rows, info = shown_rows(page)
    categories = [k for k in info["row_keys"] if k.startswith(("enc:", "dec:"))]
    assert {f"{'enc' if d == 'encaissement' else 'dec'}:{c}" for d, c in
            zip(flows["direction"], flows["category_code"])} == set(categories)
    for key in categories:
        direction = "encaissement" if key.startswith("enc:") else "decaissement"
        expected = flows[(flows["direction"] == direction) & (flows["category_code"] == key[4:])]
        expected = expected.set_index("month")["amount"]
        shown = month_values(page, key)
        for month, value in shown.items():
            assert value == round(float(expected.get(month, 0.0)), 2), (key, month)
    # category rows add up to their total, month by month
    enc = sum(month_values(page, k) for k in categories if k.startswith("enc:"))
    assert enc.round(2).tolist() == month_values(page, "total_encaissements").tolist()


def test_actual_and_forecast_months_are_styled_apart(sandbox_warehouse):
    page = build_page(sandbox_warehouse)
    frame, info = page.table_frame()
    mart = mart_plan(sandbox_warehouse)
    forecast_months = {f"{m:%Y-%m}" for m in mart[mart["kind"] == "previsionnel"]["month"]}
    assert {info["column_month"][t] for t in info["forecast_columns"]} == forecast_months
    assert all(t.endswith("(prév.)") for t in info["forecast_columns"])
    first_actual = formatting.month(mart["month"].iloc[0])
    assert first_actual in frame.columns  # e.g. « janv. 2024 », no suffix
    html = page.plan_table().style.to_html()
    assert "font-style: italic" in html and "background-color: #f1f3f5" in html
    # closing balances below the threshold are flagged, as the mart says
    below = mart[mart["below_threshold"]]
    assert len(info["below"]) == len(below)


def test_period_limits_the_months_and_keeps_the_balances(sandbox_warehouse):
    mart = mart_plan(sandbox_warehouse).set_index("month")
    page = build_page(sandbox_warehouse, "2025-Q3")
    closing = month_values(page, "solde_fin")
    assert [formatting.month(m) for m in closing.index] == ["juil. 2025", "août 2025", "sept. 2025"]
    assert closing.tolist() == mart.loc[closing.index, "closing"].round(2).tolist()
    opening = month_values(page, "solde_debut")
    assert opening.iloc[0] == round(mart.loc[pd.Timestamp("2025-07-01"), "opening"], 2)


def test_kpis_follow_the_table(sandbox_warehouse):
    page = build_page(sandbox_warehouse)
    k = page.kpi_data()
    closing = month_values(page, "solde_fin")
    assert round(float(k["closing_balance"]), 2) == closing.iloc[-1]
    assert round(float(k["lowest_closing"]), 2) == closing.min()
    assert pd.Timestamp(k["lowest_month"]) == closing.idxmin()
    html = "".join(str(p.object) for p in page.kpis().select(lambda o: hasattr(o, "object")))
    assert formatting.money(closing.min()) in html


# -- the what-if --------------------------------------------------------------------------------


def test_moving_an_instalment_later_moves_exactly_its_amount(sandbox_warehouse):
    mart = mart_plan(sandbox_warehouse).set_index("month")
    instalment = awaited_instalment(sandbox_warehouse)
    source = pd.Timestamp(instalment["treasury_month"])
    target = mart.index.max() if source < mart.index.max() else mart[mart["kind"] == "previsionnel"].index.min()
    assert target != source
    page = build_page(sandbox_warehouse)
    before_enc = month_values(page, "total_encaissements")
    before_close = month_values(page, "solde_fin")
    page.param.update(moved_instalment=int(instalment["instalment_id"]), moved_to=target.date().isoformat())
    after_enc = month_values(page, "total_encaissements")
    after_close = month_values(page, "solde_fin")
    amount = round(float(instalment["amount"]), 2)
    delta = (after_enc - before_enc).round(2)
    assert delta[source] == -amount and delta[target] == amount
    assert (delta.drop([source, target]) == 0).all()
    low, high = min(source, target), max(source, target)
    sign = -1 if source < target else 1
    for month in after_close.index:
        change = round(after_close[month] - before_close[month], 2)
        expected = sign * amount if low <= month < high else 0.0
        assert change == expected, month
    # each month still opens on the previous close
    opening = month_values(page, "solde_debut")
    assert opening.iloc[1:].tolist() == after_close.iloc[:-1].tolist()
    # the movement is listed in its new month, marked as simulated
    page.detail_month = f"{target:%Y-%m}"
    lines = page.lines_data()
    moved = lines[lines["simulated"]]
    assert len(moved) == 1 and round(float(moved["amount"].iloc[0]), 2) == amount
    assert moved["source_label"].iloc[0] == "Échéance de subvention"


def test_moving_an_instalment_earlier(sandbox_warehouse):
    mart = mart_plan(sandbox_warehouse).set_index("month")
    first_forecast = mart[mart["kind"] == "previsionnel"].index.min()
    instalment = awaited_instalment(sandbox_warehouse, later_than=first_forecast)
    source = pd.Timestamp(instalment["treasury_month"])
    page = build_page(sandbox_warehouse)
    before = month_values(page, "solde_fin")
    page.param.update(moved_instalment=int(instalment["instalment_id"]), moved_to=first_forecast.date().isoformat())
    after = month_values(page, "solde_fin")
    amount = round(float(instalment["amount"]), 2)
    for month in after.index:
        expected = amount if first_forecast <= month < source else 0.0
        assert round(after[month] - before[month], 2) == expected, month


def test_a_one_off_payment_lowers_every_later_closing(sandbox_warehouse):
    mart = mart_plan(sandbox_warehouse).set_index("month")
    month = mart[mart["kind"] == "previsionnel"].index[2]
    page = build_page(sandbox_warehouse)
    before_dec = month_values(page, "total_decaissements")
    before = month_values(page, "solde_fin")
    page.param.update(oneoff_label="Réparation du camion", oneoff_amount="1 234,56",
                      oneoff_month=month.date().isoformat(), oneoff_direction="decaissement")
    assert page.amount_error == ""
    after = month_values(page, "solde_fin")
    assert round(month_values(page, "total_decaissements")[month] - before_dec[month], 2) == 1234.56
    for m in after.index:
        assert round(after[m] - before[m], 2) == (-1234.56 if m >= month else 0.0), m
    rows, _info = shown_rows(page)
    assert "dec:simulation" in rows
    frame, _info = page.table_frame()
    assert any("Mouvement ponctuel (simulation)" in label for label in frame.iloc[:, 0])
    page.param.update(detail_month=f"{month:%Y-%m}", detail_row="dec:simulation")
    lines = page.lines_data()
    assert lines["label"].tolist() == ["Réparation du camion"]
    assert lines["signed_amount"].astype(float).tolist() == [-1234.56]


def test_a_one_off_receipt_and_a_move_add_up(sandbox_warehouse):
    mart = mart_plan(sandbox_warehouse).set_index("month")
    last = mart.index.max()
    instalment = awaited_instalment(sandbox_warehouse)
    source = pd.Timestamp(instalment["treasury_month"])
    page = build_page(sandbox_warehouse)
    before = month_values(page, "solde_fin")
    page.param.update(moved_instalment=int(instalment["instalment_id"]), moved_to=last.date().isoformat(),
                      oneoff_amount="500", oneoff_month=source.date().isoformat(), oneoff_direction="encaissement")
    after = month_values(page, "solde_fin")
    amount = round(float(instalment["amount"]), 2)
    for m in after.index:
        expected = (500.0 if m >= source else 0.0) - (amount if source <= m < last else 0.0)
        assert round(after[m] - before[m], 2) == round(expected, 2), m


def test_nothing_is_saved(sandbox_warehouse):
    version = sandbox_warehouse.data_version()
    mart_before = mart_plan(sandbox_warehouse)
    page = build_page(sandbox_warehouse)
    instalment = awaited_instalment(sandbox_warehouse)
    page.param.update(moved_instalment=int(instalment["instalment_id"]),
                      moved_to=mart_before["month"].max().date().isoformat(), oneoff_amount="999")
    assert page.simulating()
    month_values(page, "solde_fin")
    assert sandbox_warehouse.data_version() == version
    pd.testing.assert_frame_equal(mart_plan(sandbox_warehouse), mart_before)
    fresh = build_page(sandbox_warehouse)  # another session sees the plan, not the simulation
    assert month_values(fresh, "solde_fin").tolist() == mart_before["closing"].round(2).tolist()
    page.reset_simulation()
    assert not page.simulating()
    assert month_values(page, "solde_fin").tolist() == mart_before["closing"].round(2).tolist()


def test_a_wrong_amount_is_explained_in_french_and_changes_nothing(sandbox_warehouse):
    page = build_page(sandbox_warehouse)
    before = month_values(page, "solde_fin")
    page.oneoff_amount = "mille euros"
    after = month_values(page, "solde_fin")
    assert page.amount_error == "Montant non reconnu : « mille euros ». Écrivez par exemple 1500 ou 1 500,50."
    assert after.tolist() == before.tolist()
    assert parse_amount("1\u202f500,50\u00a0€") == Decimal("1500.50")
    assert parse_amount("") is None
    with pytest.raises(ValueError, match="supérieur à zéro"):
        parse_amount("0")


# -- the movements behind a figure --------------------------------------------------------------


def test_clicking_a_cell_lists_the_movements_behind_it(sandbox_warehouse):
    from panel.models.tabulator import CellClickEvent

    page = build_page(sandbox_warehouse)
    frame, info = page.table_frame()
    key = next(k for k in info["row_keys"] if k.startswith("dec:"))
    row = info["row_keys"].index(key)
    title = next(t for t in info["forecast_columns"] if frame.iloc[row][t] > 0)
    page.plan_table()._process_event(CellClickEvent(model=None, column=title, row=row))
    assert (page.detail_month, page.detail_row) == (info["column_month"][title], key)
    lines = page.lines_data()
    assert len(lines) > 0
    assert round(float(lines["amount"].sum()), 2) == round(float(frame.iloc[row][title]), 2)
    assert set(lines["source_label"]) <= FRENCH_SOURCES
    assert (lines["signed_amount"].astype(float) < 0).all()  # money out


def test_every_month_lists_its_movements(sandbox_warehouse):
    page = build_page(sandbox_warehouse)
    lines = page.lines_data()  # every month shown, every movement
    net = lines.groupby("month")["signed_amount"].sum().astype(float).round(2)
    variation = month_values(page, "variation")
    for month, value in variation.items():
        assert round(float(net.get(month, 0.0)), 2) == value, month
    assert set(lines["source_label"]) <= FRENCH_SOURCES
    assert "Banque" in set(lines["source_label"])
    assert set(lines[lines["kind"] == "reel"]["source"]) == {"banque"}


def test_csv_exports_are_for_french_excel(sandbox_warehouse):
    page = build_page(sandbox_warehouse, "2026")
    table = page.table()
    import panel as pn

    download = next(obj for obj in table.select(pn.widgets.FileDownload) if obj.filename.endswith(".csv"))
    raw = download.callback().getvalue()
    text = raw.decode("utf-8-sig")
    assert raw.startswith("\ufeff".encode())
    header = text.splitlines()[0].split(";")
    assert header[0] == "Poste" and header[1] == "janv. 2026" and header[-1] == "Total"
    back = pd.read_csv(io.StringIO(text), sep=";", decimal=",")
    closing = back[back["Poste"] == "Solde fin de mois"].iloc[0]
    assert round(closing["Total"], 2) == month_values(page, "solde_fin").iloc[-1]
    lines = csv_bytes(page.lines_data(), line_columns()).decode("utf-8-sig")
    assert lines.splitlines()[0] == "Date;Source;Sens;Catégorie;Libellé;Partenaire;Référence;Unité;Montant"


def test_displayed_frames_hold_no_python_repr(sandbox_warehouse):
    page = build_page(sandbox_warehouse, "2026-06..2027-03")
    page.param.update(oneoff_amount="100", oneoff_label="")
    frames = [page.plan_table().value, page.lines_table().value]
    for frame in frames:
        text = frame.astype(str).to_string()
        for raw in ("nan", "None", "NaT", "True", "False", "<NA>"):
            assert raw not in text.split(), raw
    choices = list(page.param.moved_instalment.names)
    assert choices[0] == "— aucune —"
    assert any("€" in label and "comptée en" in label for label in choices)


def test_a_period_outside_the_plan_says_so(sandbox_warehouse):
    page = build_page(sandbox_warehouse, "2019")
    assert page.plan_data().empty
    text = str(page.kpis().object)
    assert "Aucun mois du plan de trésorerie dans cette période" in text


def test_shortcuts_set_the_period(sandbox_warehouse):
    page = build_page(sandbox_warehouse, "2025")
    mart = mart_plan(sandbox_warehouse)
    page.show_next_months()
    forecast = mart[mart["kind"] == "previsionnel"]["month"]
    assert page.filters.period == f"{forecast.min():%Y-%m}..{forecast.max():%Y-%m}"
    page.show_whole_plan()
    assert page.filters.period == whole_plan(sandbox_warehouse)


def test_a_warehouse_without_the_treasury_marts_gets_a_french_message(budget_warehouse):
    filters = Filters.from_warehouse(budget_warehouse)
    page = PlanDeTresorerie(context=AppContext(warehouse=budget_warehouse, filters=filters))
    assert not page.ready
    assert "pas encore calculé" in str(page.__panel__().object)


def test_the_plan_starts_on_the_bank_history(sandbox_warehouse):
    """Past months are actual (bank) months; the as_of month is the first forecast month."""
    mart = mart_plan(sandbox_warehouse)
    as_of = sandbox_warehouse.query("SELECT CAST(value AS DATE) AS d FROM ref.settings WHERE key = 'as_of'")["d"][0]
    first_forecast = mart[mart["kind"] == "previsionnel"]["month"].min()
    assert first_forecast == pd.Timestamp(dt.date(as_of.year, as_of.month, 1))


def test_the_xlsx_workbook_holds_the_plan_and_its_movements(sandbox_warehouse):
    from openpyxl import load_workbook

    page = build_page(sandbox_warehouse, "2026")
    page.param.update(oneoff_amount="250", detail_month="2026-03")
    book = load_workbook(io.BytesIO(page.workbook_button().callback().getvalue()))
    assert book.sheetnames == ["Plan de trésorerie", "Mouvements"]
    plan = book["Plan de trésorerie"]
    values = [[cell.value for cell in row] for row in plan.iter_rows()]
    assert "Plan de trésorerie" in values[0][0] and "avec la simulation" in values[0][0]
    header = next(row for row in values if row and row[0] == "Poste")
    closing = next(row for row in values if row and row[0] == "Solde fin de mois")
    assert header[-1] == "Total"
    assert round(closing[-1], 2) == month_values(page, "solde_fin").iloc[-1]
    rows = [[cell.value for cell in row] for row in book["Mouvements"].iter_rows()]
    header_at = next(i for i, row in enumerate(rows) if row and row[0] == "Date")
    assert len(rows) - header_at - 1 == len(page.lines_data(every_movement=True))


def test_the_what_if_opens_on_demand_and_closing_it_clears_the_simulation(sandbox_warehouse):
    page = build_page(sandbox_warehouse)
    page.__panel__()
    label = "Et si… ? Simulation"
    assert page.simulation.current is None and not page.simulation.is_built(label)  # not in the first render
    instalment = awaited_instalment(sandbox_warehouse)
    page.simulation.buttons[label].clicks += 1
    assert page.simulation.current == label
    page.param.update(moved_instalment=int(instalment["instalment_id"]),
                      moved_to=mart_plan(sandbox_warehouse)["month"].max().date().isoformat())
    assert page.simulating()
    page.simulation.buttons[label].clicks += 1  # closed: no simulated figure stays without its note
    assert page.simulation.current is None and not page.simulating()
    simulated = build_page(sandbox_warehouse)
    simulated.param.update(moved_instalment=int(instalment["instalment_id"]),
                           moved_to=mart_plan(sandbox_warehouse)["month"].max().date().isoformat())
    simulated.__panel__()
    assert simulated.simulation.current == label  # a simulation set before the render shows its form
