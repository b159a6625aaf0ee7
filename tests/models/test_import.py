"""Import of forecasts from CSV and XLSX: a preview that writes nothing, then an apply that writes
exactly the preview, or nothing when a line is wrong."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from models import Conflict, Forecast, Invalid, import_forecasts
from tests.models.helpers import ADMIN, COMMUNS, audit_rows, count, rows

D = Decimal

SEMICOLON = """Unité;Catégorie;Début;Fin;Montant;Libellé
303;ventes;01/01/2025;31/01/2025;1 234,56;Marché
Potager;Ventes;2025-02-01;2025-02-28;"2 000,00";Marché
30301;bienveillance;01/01/2025;31/03/2025;500;
"""


def existing(wh) -> Forecast:
    form = Forecast(unit_code="303", category_code="ventes", period_start="2025-02-01", period_end="2025-02-28",
                    amount="1500", label="Marché")
    form.save(wh, ADMIN)
    return form


def test_csv_preview_says_what_changes_and_writes_nothing(wh):
    existing(wh)
    before = (count(wh, "forecasts"), count(wh, "audit_log"))
    preview = import_forecasts(wh, ADMIN, SEMICOLON.encode(), "previsionnel.csv")
    assert preview.ok and preview.problems == []
    assert [(l.line, l.action) for l in preview.lines] == [(2, "new"), (3, "changed"), (4, "new")]
    changed = preview.of("changed")[0]
    assert changed.previous_amount == D("1500.00") and changed.forecast.amount == D("2000.00")
    assert preview.lines[0].forecast.check(None)[0]["amount"] == D("1234.56")
    assert preview.summary == "2 nouvelle(s) ligne(s), 1 montant(s) modifié(s), 0 ligne(s) inchangée(s)."
    assert list(preview.frame()["Action"]) == ["Nouvelle ligne", "Montant modifié", "Nouvelle ligne"]
    assert (count(wh, "forecasts"), count(wh, "audit_log")) == before

    saved = preview.apply(wh, ADMIN)
    assert len(saved) == 3
    assert rows(wh, "SELECT unit_code, category_code, period_start, amount, label, row_version FROM app.forecasts "
                    "ORDER BY unit_code, period_start") == [
        ("303", "ventes", dt.date(2025, 1, 1), D("1234.56"), "Marché", 1),
        ("303", "ventes", dt.date(2025, 2, 1), D("2000.00"), "Marché", 2),
        ("30301", "bienveillance", dt.date(2025, 1, 1), D("500.00"), "", 1),
    ]
    assert [a["action"] for a in audit_rows(wh)] == ["insert", "insert", "update", "insert"]
    again = import_forecasts(wh, ADMIN, SEMICOLON.encode(), "previsionnel.csv")
    assert [l.action for l in again.lines] == ["unchanged"] * 3


def test_comma_separated_csv_with_quoted_french_decimals(wh):
    text = 'unite,categorie,debut,fin,montant,libelle\n303,ventes,2025-03-01,2025-03-31,"1 250,75",Bar\n'
    preview = import_forecasts(wh, ADMIN, io.BytesIO(text.encode("cp1252")), "export.csv")
    assert preview.ok and preview.lines[0].forecast.check(None)[0]["amount"] == D("1250.75")
    preview.apply(wh, ADMIN)
    assert rows(wh, "SELECT amount FROM app.forecasts") == [(D("1250.75"),)]


def xlsx(tmp_path, lines) -> str:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Unité", "Catégorie", "Début", "Fin", "Montant", "Libellé"])
    for line in lines:
        sheet.append(line)
    path = tmp_path / "previsionnel.xlsx"
    book.save(path)
    return str(path)


def test_xlsx_preview_then_apply(wh, tmp_path):
    path = xlsx(tmp_path, [
        ["303", "ventes", dt.datetime(2025, 4, 1), dt.datetime(2025, 4, 30), 320.5, "Bar"],
        ["Outils communs", "Prestations externes / achats", "01/04/2025", "30/06/2025", "1 000", None],
    ])
    preview = import_forecasts(wh, ADMIN, path)
    assert preview.ok, preview.messages()
    assert [l.action for l in preview.lines] == ["new", "new"]
    preview.apply(wh, ADMIN)
    assert rows(wh, "SELECT unit_code, category_code, period_end, amount, label FROM app.forecasts ORDER BY unit_code") == [
        ("101", "prestations_externes_achats", dt.date(2025, 6, 30), D("1000.00"), ""),
        ("303", "ventes", dt.date(2025, 4, 30), D("320.50"), "Bar"),
    ]


def test_a_file_with_one_bad_line_writes_nothing(wh, tmp_path):
    path = xlsx(tmp_path, [
        ["303", "ventes", "01/05/2025", "31/05/2025", "100", "Bon"],
        ["999", "ventes", "01/05/2025", "31/05/2025", "-5", "Mauvais"],
        ["303", "ventes", "31/05/2025", "01/05/2025", "dix", "Encore"],
        ["303", "ventes", "01/05/2025", "31/05/2025", "200", "Bon"],
    ])
    preview = import_forecasts(wh, ADMIN, path)
    assert not preview.ok
    assert [(l.line, l.action) for l in preview.lines] == [(2, "new"), (3, "error"), (4, "error"), (5, "error")]
    assert preview.messages() == [
        "Ligne 3 — Unité : « 999 » n'est pas une unité de l'organisation",
        "Ligne 3 — Montant : un montant négatif n'est pas accepté",
        "Ligne 4 — Fin : la date (01/05/2025) est avant celle du champ « Début » (31/05/2025)",
        "Ligne 4 — Montant : saisissez un nombre, par exemple 1 234,56",
        "Ligne 5 — Ligne en double : même unité, catégorie, période et libellé que la ligne 2",
    ]
    assert preview.lines[1].forecast.amount == "-5"  # the line is shown as typed
    assert "1 ligne(s) en erreur" not in preview.summary and "3 ligne(s) en erreur" in preview.summary
    with pytest.raises(Invalid):
        preview.apply(wh, ADMIN)
    assert count(wh, "forecasts") == 0 and count(wh, "audit_log") == 0


def test_lines_for_units_the_member_may_not_edit_are_errors(wh):
    preview = import_forecasts(wh, COMMUNS, SEMICOLON.encode(), "p.csv")
    assert {l.action for l in preview.lines} == {"error"}
    assert preview.lines[0].errors == {
        "unit_code": "Unité : vous ne pouvez pas modifier les prévisionnels de l'unité 303 (Potager)"
    }


def test_a_row_changed_between_preview_and_apply_stops_the_whole_import(wh):
    form = existing(wh)
    preview = import_forecasts(wh, ADMIN, SEMICOLON.encode(), "p.csv")
    form.amount = "1 700"
    form.save(wh, ADMIN)
    with pytest.raises(Conflict, match="^Ligne 3 : "):
        preview.apply(wh, ADMIN)
    assert count(wh, "forecasts") == 1
    assert rows(wh, "SELECT amount FROM app.forecasts") == [(D("1700.00"),)]


def test_missing_columns_and_empty_files(wh):
    preview = import_forecasts(wh, ADMIN, b"Unit\xc3\xa9;Montant\n303;12\n", "p.csv")
    assert preview.problems == [
        "Colonne(s) manquante(s) : catégorie, début, fin (colonnes attendues : unité, catégorie, début, fin, "
        "montant, libellé)."
    ]
    assert not preview.ok
    assert import_forecasts(wh, ADMIN, b"", "p.csv").problems == ["Le fichier ne contient aucune ligne."]
    assert "ne peut pas être lu" in import_forecasts(wh, ADMIN, b"PK\x03\x04broken", "p.xlsx").problems[0]
