"""Entering a forecast on Suivi budgétaire rebuilds the marts and the page's figures change."""

import io
import shutil
from decimal import Decimal

import pytest

from alambic import formatting
from alambic.config import load_config
from dashboards.app import AppContext
from dashboards.budget_entries import BudgetEntries
from dashboards.components import Filters
from dashboards.suivi_budgetaire import SuiviBudgetaire
from models import Actor
from sandbox.demo_config import write_demo_config
from sandbox.generate import generate
from warehouse.connection import Warehouse

FINANCE = Actor("tresorier", "tresorier@exemple.re", "finance")


@pytest.fixture
def writable(sandbox_warehouse, tmp_path):
    """A copy of the built sandbox, with the configuration it was built from (seed 42, scale 0.3)."""
    shutil.copy(sandbox_warehouse.path, tmp_path / "alambic.duckdb")
    config = load_config(write_demo_config(generate(seed=42, scale=0.3), tmp_path, tmp_path / "alambic.duckdb"))
    return Warehouse.from_config(config), config


def test_a_saved_forecast_changes_the_figures_of_the_page(writable):
    warehouse, config = writable
    filters = Filters.from_warehouse(warehouse)
    filters.param.update(unit="303", period="2027")
    page = SuiviBudgetaire(context=AppContext(warehouse=warehouse, filters=filters, config=config))
    entries = BudgetEntries(warehouse, filters, config)
    entries.forecast_form.who = lambda: FINANCE
    before = Decimal(str(page.kpi_data()["depenses_previsionnel"]))
    values = dict(unit_code="303", category_code="bienveillance", period_start="01/01/2027",
                  period_end="31/12/2027", amount="1 200,00", label="Animation 2027")
    for name, value in values.items():
        entries.forecast_form.widgets[name].value = value
    assert entries.forecast_form.save(), entries.forecast_form.message
    after = Decimal(str(page.kpi_data()["depenses_previsionnel"]))
    assert after - before == Decimal("1200.00")
    lines = entries.forecast_lines()
    assert "Animation 2027" in lines.value.to_string()


# -- copy a fiscal year, import a spreadsheet, rights ------------------------------------------

REFERENT = Actor("damien", "damien.barret@exemple.re", "member")  # referent_budget_subvention of 101, 102…
NOBODY = Actor("visiteur", "visiteur@exemple.re", "member")  # holds no budget role
SUBTREE = "SELECT unit_code FROM marts.org_rollup WHERE ancestor_code = ?"


def one(warehouse, sql: str, params=None):
    """The first row as DuckDB gives it (DECIMAL stays Decimal)."""
    with warehouse.read() as con:
        return con.execute(sql, params or []).fetchone()


def entries_for(warehouse, config, who, unit="303", period="2027"):
    filters = Filters.from_warehouse(warehouse)
    filters.param.update(unit=unit, period=period)
    return BudgetEntries(warehouse, filters, config, who=lambda: who), filters


def test_copy_a_year_previews_then_copies_and_the_figures_change(writable):
    warehouse, config = writable
    entries, filters = entries_for(warehouse, config, FINANCE)
    page = SuiviBudgetaire(context=AppContext(warehouse=warehouse, filters=filters, config=config))
    n, total, depenses = one(warehouse,
        f"""SELECT count(*), sum(f.amount)::DECIMAL(14,2),
                   coalesce(sum(f.amount) FILTER (WHERE c.direction = 'depense'), 0)::DECIMAL(14,2)
            FROM app.forecasts AS f JOIN ref.categories AS c USING (category_code)
            WHERE year(f.period_start) = 2026 AND f.unit_code IN ({SUBTREE})""", ["303"])
    assert n > 0 and warehouse.query("SELECT count(*) FROM app.forecasts WHERE year(period_start) = 2027"
                                               ).iloc[0, 0] == 0
    before = Decimal(str(page.kpi_data()["depenses_previsionnel"]))
    entries.copy.source.value = 2026
    assert entries.copy.preview()
    text = entries.copy.message.object
    assert f"{n} ligne(s) de prévisionnel 2026 de Potager (pôle)" in text and "vers 2027" in text
    assert formatting.money(total) in text and entries.copy.apply_button.disabled is False
    assert warehouse.query("SELECT count(*) FROM app.forecasts WHERE year(period_start) = 2027").iloc[0, 0] == 0
    assert entries.copy.apply()
    assert entries.copy.message.alert_type == "success"
    copied = one(warehouse, f"SELECT count(*), sum(amount)::DECIMAL(14,2) FROM app.forecasts "
                            f"WHERE year(period_start) = 2027 AND unit_code IN ({SUBTREE})", ["303"])
    assert copied == (n, total)
    audited = warehouse.query("SELECT count(*) FROM app.audit_log WHERE who = 'tresorier' AND action = 'insert' "
                              "AND table_name = 'forecasts'").iloc[0, 0]
    assert audited == n
    after = Decimal(str(page.kpi_data()["depenses_previsionnel"]))  # marts rebuilt
    assert after - before == depenses
    # again: nothing left to copy, said in French, nothing written
    assert not entries.copy.preview()
    assert "déjà tous copiés" in entries.copy.message.object and entries.copy.apply_button.disabled


def test_copy_is_limited_to_the_units_a_member_may_edit(writable):
    warehouse, config = writable
    entries, filters = entries_for(warehouse, config, REFERENT, unit="303")
    entries.copy.source.value = 2026
    assert not entries.copy.preview()
    assert "Choisissez dans la barre de filtres une unité" in entries.copy.message.object
    filters.unit = "101"
    assert entries.copy.preview() and entries.copy.apply()
    units = set(warehouse.query("SELECT DISTINCT unit_code FROM app.forecasts WHERE year(period_start) = 2027")
                ["unit_code"])
    assert units and units <= set(warehouse.query(SUBTREE, ["101"])["unit_code"])


def test_import_a_spreadsheet_previews_refuses_errors_then_applies(writable):
    warehouse, config = writable
    entries, filters = entries_for(warehouse, config, FINANCE)
    spreadsheet = entries.spreadsheet
    wrong = ("unité;catégorie;début;fin;montant;libellé\n"
             "303;ventes;01/01/2027;31/12/2027;1 500,00;Import test\n"
             "Potager;bienveillance;01/01/2027;31/03/2027;douze;Mauvais\n").encode()
    preview = spreadsheet.read(wrong, "previsionnel.csv")
    assert not preview.ok and spreadsheet.apply_button.disabled
    assert spreadsheet.message.alert_type == "danger" and "Ligne 3" in spreadsheet.message.object
    shown = spreadsheet.table.objects[0].value
    assert shown["Action"].tolist() == ["Nouvelle ligne", "Erreur"]
    assert "saisissez un nombre" in shown["Motifs"].iloc[1] and shown["Montant"].iloc[1] == "douze"
    assert not spreadsheet.apply()
    assert warehouse.query("SELECT count(*) FROM app.forecasts WHERE label = 'Import test'").iloc[0, 0] == 0

    with warehouse.read() as con:
        cursor = con.execute("SELECT * FROM app.forecasts WHERE unit_code = '303' ORDER BY forecast_id LIMIT 1")
        stored = dict(zip([d[0] for d in cursor.description], cursor.fetchone()))
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Unité", "Catégorie", "Début", "Fin", "Montant", "Libellé"])
    sheet.append(["303", "ventes", "01/01/2027", "31/12/2027", 1500, "Import test"])
    sheet.append([stored["unit_code"], stored["category_code"], stored["period_start"], stored["period_end"],
                  float(stored["amount"]) + 100, stored["label"]])
    data = io.BytesIO()
    book.save(data)
    preview = spreadsheet.read(data.getvalue(), "previsionnel.xlsx")
    assert preview.ok and not spreadsheet.apply_button.disabled
    assert spreadsheet.table.objects[0].value["Action"].tolist() == ["Nouvelle ligne", "Montant modifié"]
    assert spreadsheet.apply() and spreadsheet.message.alert_type == "success"
    assert "2 ligne(s) de prévisionnel importée(s)" in spreadsheet.message.object
    assert warehouse.query("SELECT amount::DOUBLE FROM app.forecasts WHERE label = 'Import test'").iloc[0, 0] == 1500
    assert one(warehouse, "SELECT amount FROM app.forecasts WHERE forecast_id = ?",
               [stored["forecast_id"]]) == (stored["amount"] + 100,)
    audit = warehouse.query("SELECT action FROM app.audit_log WHERE who = 'tresorier' AND table_name = 'forecasts' "
                            "ORDER BY audit_id")["action"].tolist()
    assert audit == ["insert", "update"]


def test_members_are_offered_only_their_units_and_without_rights_see_no_form(writable):
    warehouse, config = writable
    referent, _filters = entries_for(warehouse, config, REFERENT)
    offered = set(referent.forecast_form.widgets["unit_code"].options.values()) - {None}
    assert offered and "303" not in offered and {"101", "102"} <= offered
    assert set(referent.transfer_form.widgets["from_unit"].options.values()) - {None} == offered
    nobody, _filters = entries_for(warehouse, config, NOBODY)
    shown = nobody.__panel__().objects
    assert not nobody.can_enter
    assert any("Vous ne pouvez pas saisir de prévisionnel" in str(getattr(o, "object", "")) for o in shown)
    for part in (nobody.forecast_form, nobody.transfer_form, nobody.copy, nobody.spreadsheet, nobody.line_choice):
        assert part not in shown


@pytest.mark.parametrize("form_name, values", [
    ("forecast_form", dict(unit_code="303", category_code="ventes", period_start="01/01/2027",
                           period_end="31/12/2027", amount="100", label="Forgé")),
    ("transfer_form", dict(from_unit="303", to_unit="101", transfer_date="01/02/2027", amount="100",
                           reason="Forgé")),
])
def test_a_forged_save_on_another_pole_is_refused_and_nothing_is_written(writable, form_name, values):
    warehouse, config = writable
    entries, _filters = entries_for(warehouse, config, REFERENT)
    form = getattr(entries, form_name)
    for name, value in values.items():
        widget = form.widgets[name]
        if hasattr(widget, "options") and value not in widget.options.values():
            widget.options = {**widget.options, value: value}  # what a forged browser message would select
        widget.value = value
    audit_before = warehouse.query("SELECT count(*) FROM app.audit_log").iloc[0, 0]
    assert not form.save()
    assert form.message_kind == "danger" and "Vous ne pouvez pas modifier" in form.message
    assert "Potager" in form.message and form.saved == 0
    assert warehouse.query("SELECT count(*) FROM app.audit_log").iloc[0, 0] == audit_before
    table = "forecasts" if form_name == "forecast_form" else "internal_transfers"
    column = "label" if form_name == "forecast_form" else "reason"
    assert warehouse.query(f"SELECT count(*) FROM app.{table} WHERE {column} = 'Forgé'").iloc[0, 0] == 0


def test_the_forms_are_built_only_when_opened_and_editing_a_line_opens_its_form(writable):
    warehouse, config = writable
    entries, _filters = entries_for(warehouse, config, FINANCE, unit="R", period="2025")
    panel = entries.__panel__()
    assert entries.tools.__panel__() in panel.objects and entries.forecast_form not in panel.objects
    assert not any(entries.tools.is_built(label) for label in entries.tools.buttons)
    lines = entries.forecast_lines_data()
    assert not lines.empty
    entries.line_choice.value = int(lines["forecast_id"].iloc[0])  # « modifier une ligne »
    assert entries.tools.current == entries.forecast_tool
    assert entries.forecast_form.widgets["amount"].value not in ("", None)
