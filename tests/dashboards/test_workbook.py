"""The XLSX workbook every finance page exports: a sheet per table, French headers, money as
numbers with the euro format, dates as dates, a title row with the unit and period."""

import datetime as dt
import io

import pandas as pd
import panel as pn
import pytest
from openpyxl import load_workbook

from dashboards.app import AppContext
from dashboards.components import Column, Filters
from dashboards.suivi_budgetaire import SuiviBudgetaire
from dashboards.tableau_de_bord import TableauDeBord
from dashboards.workbook import (
    DATE_FORMAT,
    MONEY_FORMAT,
    budget_tracking_workbook,
    sheet_name,
    workbook_bytes,
    workbook_download,
)


def read(data: bytes):
    return load_workbook(io.BytesIO(data))


def download_bytes(button: pn.widgets.FileDownload) -> bytes:
    return button.callback().getvalue()


def test_a_sheet_per_table_french_headers_numbers_and_dates():
    frame = pd.DataFrame({
        "day": [dt.date(2026, 11, 27), None],
        "label": ["Achat graines", "Total"],
        "amount": [1234.56, -20.0],
        "status": ["a_payer", None],
        "ratio": [0.125, None],
        "total": [False, True],
    })
    columns = [Column("day", "Date", "date"), Column("label", "Libellé"), Column("amount", "Montant", "money"),
               Column("status", "Statut", "status"), Column("ratio", "% consommé", "percent")]
    data = workbook_bytes({"Lignes": (frame, columns, {"bold": "total"}),
                           "Récap: dépenses/recettes [2026]": (frame, columns[:3])},
                          "Suivi budgétaire — Potager — 2026")
    book = read(data)
    assert book.sheetnames == ["Lignes", "Récap- dépenses-recettes -2026-"]
    sheet = book["Lignes"]
    assert sheet["A1"].value == "Suivi budgétaire — Potager — 2026"
    assert [c.value for c in sheet[3]] == ["Date", "Libellé", "Montant", "Statut", "% consommé"]
    assert sheet["A4"].value == dt.datetime(2026, 11, 27) and sheet["A4"].number_format == DATE_FORMAT
    assert sheet["C4"].value == 1234.56 and sheet["C4"].number_format == MONEY_FORMAT == '#,##0.00 "€"'
    assert sheet["C5"].value == -20.0
    assert sheet["D4"].value == "À payer"
    assert sheet["E4"].value == 0.125 and sheet["E4"].number_format == "0.0 %"
    assert sheet["B5"].font.bold and not sheet["B4"].font.bold
    assert sheet.freeze_panes == "A4"


def test_sheet_names_are_valid_and_unique():
    taken = set()
    assert sheet_name("Récap dépenses", taken) == "Récap dépenses"
    assert sheet_name("Récap dépenses", taken) == "Récap dépenses (2)"
    assert len(sheet_name("x" * 40, taken)) == 31


def test_download_button_computes_on_click_with_the_filename():
    calls = []

    def sheets():
        calls.append(1)
        return {"A": (pd.DataFrame({"v": [1.5]}), [Column("v", "Valeur", "money")])}

    button = workbook_download(sheets, lambda: "classeur_303_2026.xlsx", title=lambda: "Titre")
    assert calls == [] and button.filename == "classeur_303_2026.xlsx"
    book = read(download_bytes(button))
    assert calls == [1] and book["A"]["A4"].value == 1.5
    assert button.label == "Télécharger le classeur (XLSX)"
    assert button.icon in (None, "")  # no icon: icons load a web font


def test_budget_tracking_workbook_matches_the_page(sandbox_warehouse):
    filters = Filters.from_warehouse(sandbox_warehouse)
    filters.param.update(unit="303", period="2026")
    page = SuiviBudgetaire(context=AppContext(warehouse=sandbox_warehouse, filters=filters))
    button = budget_tracking_workbook(page)
    book = read(download_bytes(button))
    assert button.filename == "suivi-budgetaire_303_2026.xlsx"
    assert book.sheetnames == ["Récap dépenses", "Récap recettes", "Mois par mois", "Lignes",
                               "Propositions par état"]
    proposals = book["Propositions par état"]
    expected_states = page.proposals_data()
    assert [proposals.cell(row=i, column=1).value for i in range(4, 4 + len(expected_states))] == \
        expected_states["status_label"].tolist()
    assert [proposals.cell(row=i, column=3).value for i in range(4, 4 + len(expected_states))] == \
        pytest.approx(expected_states["amount"].astype(float).tolist())
    recap = book["Récap dépenses"]
    assert "Potager" in recap["A1"].value and "2026" in recap["A1"].value
    assert [c.value for c in recap[3]][:4] == ["Catégorie", "Prévisionnel", "Engagé", "Dépensé"]
    expected = page.recap_data("depense")
    for i, row in enumerate(expected.itertuples(), start=4):
        assert recap.cell(row=i, column=1).value == row.label
        assert recap.cell(row=i, column=4).value == pytest.approx(float(row.reel))
        assert recap.cell(row=i, column=4).number_format == MONEY_FORMAT
    lines = book["Lignes"]
    assert lines.max_row == 3 + len(page.lines_data())
    if len(page.lines_data()):
        assert isinstance(lines["A4"].value, dt.datetime) and lines["A4"].number_format == DATE_FORMAT
    months = book["Mois par mois"]
    assert months["A4"].value == dt.datetime(2026, 1, 1) and months["A4"].number_format == "mmm yyyy"


def test_dashboard_workbook(sandbox_warehouse):
    filters = Filters.from_warehouse(sandbox_warehouse)
    filters.param.update(unit="R")
    page = TableauDeBord(context=AppContext(warehouse=sandbox_warehouse, filters=filters))
    book = read(workbook_bytes(page.workbook_sheets(), "Tableau de bord"))
    assert book.sheetnames == ["Indicateurs", "Alertes"]
    alerts = book["Alertes"]
    assert [c.value for c in alerts[3]] == ["Gravité", "Alerte", "Libellé", "Unité", "Montant", "Date"]
    assert alerts.max_row == 3 + len(page.alerts_data())
    amounts = [alerts.cell(row=r, column=5) for r in range(4, alerts.max_row + 1)]
    assert all(c.number_format == MONEY_FORMAT for c in amounts if c.value is not None)
    assert all(isinstance(c.value, float | int) for c in amounts if c.value is not None)
    indicators = book["Indicateurs"]
    assert indicators["B4"].value == "Dépenses prévisionnelles"
    assert indicators["C4"].number_format == MONEY_FORMAT
