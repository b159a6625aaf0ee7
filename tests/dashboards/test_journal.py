"""Journal des modifications: the table is app.audit_log as it is, the filters keep what SQL keeps,
a selected line shows before / after, and the undo works from the page (and refuses in French)."""

from __future__ import annotations

import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import panel as pn
import pytest

from alambic import formatting
from alambic.users import User
from dashboards.app import AppContext, page_body
from dashboards.journal import Journal
from dashboards.pages import page as page_spec
from dashboards.session import acting_as
from models import Actor, Forecast, InternalTransfer
from tests.conftest import small_config
from warehouse.build import build
from warehouse.connection import Warehouse

FINANCE = User(login="tresoriere", email="tresoriere@exemple.re", role="finance")
ADMIN = User(login="admin", email="admin@exemple.re", role="admin")
MEMBER = User(login="jardin", email="jardin@exemple.re", role="member")


@pytest.fixture(scope="session")
def journal_file(tmp_path_factory) -> Path:
    """A built warehouse with a few changes by two people."""
    directory = tmp_path_factory.mktemp("journal")
    config = small_config(directory)
    warehouse = Warehouse.from_config(config)
    build(warehouse, config.settings())
    finance, admin = Actor("tresoriere", role="finance"), Actor("admin", role="admin")
    line = Forecast(unit_code="303", category_code="prestations_externes_achats", period_start="01/03/2025",
                    period_end="31/03/2025", amount="1 234,56", label="Graines <script>alert(1)</script>")
    line.save(warehouse, finance)
    line.amount = "2 000"
    line.save(warehouse, admin)
    Forecast(unit_code="101", category_code="bienveillance", period_start="01/01/2025", period_end="31/12/2025",
             amount="600", label="Café").save(warehouse, finance)
    InternalTransfer(from_unit="303", to_unit="101", transfer_date="12/04/2025", amount="300",
                     reason="Recettes du bar").save(warehouse, admin)
    build(warehouse, config.settings())
    return config.warehouse_path


@pytest.fixture
def journal(journal_file: Path, tmp_path: Path):
    """(warehouse, config) on a fresh copy, so that an undo does not leak into other tests."""
    config = small_config(tmp_path)
    shutil.copy(journal_file, config.warehouse_path)
    return Warehouse.from_config(config), config


def open_page(warehouse, config=None, user=FINANCE) -> Journal:
    with acting_as(user):
        return Journal(context=AppContext(warehouse=warehouse, config=config))


def audit_sql(warehouse, where: str = "TRUE", params=None) -> pd.DataFrame:
    return warehouse.query(f"SELECT audit_id, changed_at, who, table_name, row_id, action FROM app.audit_log "
                           f"WHERE {where} ORDER BY audit_id DESC", params or [])


def test_the_table_is_the_audit_log(journal):
    warehouse, config = journal
    page = open_page(warehouse, config)
    expected = audit_sql(warehouse)
    assert len(expected) == 4
    assert page.lines["audit_id"].tolist() == expected["audit_id"].tolist()
    shown = page.audit_table.value
    assert list(shown.columns) == ["N°", "Quand", "Qui", "Quoi", "Quelle ligne", "Action"]
    assert shown["N°"].astype(int).tolist() == expected["audit_id"].tolist()
    assert shown["Qui"].tolist() == expected["who"].tolist()
    zone = ZoneInfo(config.timezone)
    assert shown["Quand"].tolist() == [
        f"{formatting.date(t.astimezone(zone))} à {t.astimezone(zone):%H:%M}" for t in expected["changed_at"]]
    words = {"forecasts": "Prévisionnels", "internal_transfers": "Transferts internes"}
    assert shown["Quoi"].tolist() == [words[t] for t in expected["table_name"]]
    actions = {"insert": "Création", "update": "Modification"}
    assert shown["Action"].tolist() == [actions[a] for a in expected["action"]]
    assert [int(text.split()[1]) for text in shown["Quelle ligne"]] == expected["row_id"].tolist()
    assert shown["Quelle ligne"].iloc[0].endswith("Potager · Outils communs · 12/04/2025 · 300,00\u00a0€")  # names, not codes


def test_filters_keep_what_sql_keeps(journal):
    warehouse, config = journal
    page = open_page(warehouse, config)
    page.table_select.value = "forecasts"
    assert page.lines["audit_id"].tolist() == audit_sql(warehouse, "table_name = 'forecasts'")["audit_id"].tolist()
    page.who_select.value = "admin"
    assert page.lines["audit_id"].tolist() == audit_sql(
        warehouse, "table_name = 'forecasts' AND who = 'admin'")["audit_id"].tolist()
    page.table_select.value = None
    page.who_select.value = None
    page.unit_select.value = "101"  # the café forecast and the transfer towards 101
    assert page.lines["table_name"].tolist() == ["internal_transfers", "forecasts"]
    page.unit_select.value = None
    page.period_input.value = "2020"
    assert page.lines.empty
    page.period_input.value = "demain"
    assert page.period_error.visible and "demain" in page.period_error.object
    assert len(page.lines) == 4  # a period not understood filters nothing; the input stays
    assert page.period_input.value == "demain"


def test_a_selected_line_shows_before_and_after(journal):
    warehouse, config = journal
    page = open_page(warehouse, config)
    update_id = int(audit_sql(warehouse, "action = 'update'")["audit_id"].iloc[0])
    page.select(update_id)
    detail = page.detail.object
    assert f"Modification n° {update_id} : modification par admin" in detail
    assert ('<tr class="changed" data-field="amount"><th>Montant</th><td>1\u202f234,56\u00a0€</td>'
            '<td>2\u202f000,00\u00a0€</td></tr>') in detail
    assert '<tr data-field="unit_code"><th>Unité</th><td>Potager</td><td>Potager</td></tr>' in detail
    assert "&lt;script&gt;" in detail and "<script>" not in detail  # user text shown as text
    assert not page.undo_button.disabled


def test_undo_from_the_page_restores_the_row_and_the_figures(journal):
    warehouse, config = journal
    page = open_page(warehouse, config)
    update_id = int(audit_sql(warehouse, "action = 'update'")["audit_id"].iloc[0])
    page.select(update_id)
    page.ask_undo()
    assert page.confirm_text.visible and page.confirm_button.visible
    assert page.confirm_text.object.startswith(f"Annuler la modification n° {update_id} (modification par admin")
    with acting_as(FINANCE):
        assert page.confirm_undo()
    assert page.message_kind == "success" and "a repris ses valeurs d'avant" in page.message
    stored = warehouse.query("SELECT amount::VARCHAR AS a FROM app.forecasts WHERE label LIKE 'Graines%'")
    assert stored["a"].tolist() == ["1234.56"]
    # the figures were rebuilt: the mart's forecast total is the forecasts' total again
    total = warehouse.query("SELECT sum(amount)::VARCHAR AS t FROM app.forecasts")["t"].iloc[0]
    mart = warehouse.query("SELECT sum(previsionnel)::DECIMAL(14, 2)::VARCHAR AS t FROM marts.budget_vs_actual")
    assert mart["t"].iloc[0] == total == "1834.56"
    # the undo is the newest line of the table, saying what it undid
    assert page.lines["audit_id"].tolist() == audit_sql(warehouse)["audit_id"].tolist()
    assert page.audit_table.value["Action"].iloc[0] == f"Annulation d'une modification (n° {update_id})"
    assert page.audit_table.value["Qui"].iloc[0] == "tresoriere"


def test_refusals_are_shown_in_french_and_nothing_changes(journal):
    warehouse, config = journal
    page = open_page(warehouse, config)
    insert_id = int(audit_sql(warehouse, "action = 'insert' AND table_name = 'forecasts'")["audit_id"].iloc[-1])
    before = len(audit_sql(warehouse))
    page.select(insert_id)  # the creation of a line changed since
    page.ask_undo()
    assert page.message_kind == "warning"
    assert "a changé depuis la modification" in page.message
    assert "Seule la dernière modification d'une ligne peut être annulée" in page.message
    assert not page.confirm_button.visible
    assert len(audit_sql(warehouse)) == before


def test_the_page_is_for_finance_and_admin_only(journal):
    warehouse, config = journal
    page = open_page(warehouse, config, MEMBER)
    assert not page.allowed
    assert "réservée au groupe finances" in page.__panel__().object
    spec, context = page_spec("journal"), AppContext(warehouse=warehouse, config=config)
    with acting_as(MEMBER):
        assert "réservée au groupe finances" in page_body(spec, context).object
    with acting_as(ADMIN):
        opened = page_body(spec, context)
    assert isinstance(opened, Journal)
    pn.panel(opened).get_root()  # the whole page renders


def test_runs_section_is_meta_runs(journal):
    warehouse, config = journal
    page = open_page(warehouse, config, ADMIN)
    expected = warehouse.query("SELECT run_id, kind, target, outcome, rows_in FROM meta.runs ORDER BY run_id DESC")
    shown = page.runs_table.value
    assert len(shown) == len(expected) >= 2
    assert list(shown.columns)[:3] == ["Quand", "Quoi", "Cible"]
    kinds = {"build": "Construction des chiffres", "migrate": "Migration", "load": "Chargement"}
    assert shown["Quoi"].tolist() == [kinds[k] for k in expected["kind"]]
    assert shown["Résultat"].tolist() == ["Réussi" if o == "ok" else "Échec" for o in expected["outcome"]]
    assert shown["Lignes reçues"].tolist() == [
        "" if pd.isna(n) else formatting.number(int(n)) for n in expected["rows_in"]]


def test_a_restore_shows_in_the_journal_and_cannot_be_undone(journal, tmp_path):
    from warehouse.backup import backup, restore

    warehouse, config = journal
    restore(warehouse, backup(warehouse, config.backups_path), app_only=True)
    page = open_page(warehouse, config)
    restore_id = int(audit_sql(warehouse, "action = 'restore'")["audit_id"].iloc[0])
    page.select(restore_id)
    assert "restauration d&#x27;une sauvegarde par cli" in page.detail.object
    from models.audit_undo import NotUndoable, undo

    with pytest.raises(NotUndoable, match="Une restauration ne s'annule pas"):
        undo(warehouse, restore_id, Actor("admin", role="admin"))


def test_a_deletion_and_an_undo_keep_the_journal_readable(journal):
    """A line with no `after` (a deletion, an undone creation) or no `before` reads as empty, not NaN
    (#12.1, #15.8): the page opens again, after the undo, in a new session too."""
    warehouse, config = journal
    line = Forecast.load(warehouse, int(warehouse.query(
        "SELECT forecast_id FROM app.forecasts WHERE label = 'Café'")["forecast_id"].iloc[0]))
    line.delete(warehouse, Actor("tresoriere", role="finance"))
    page = open_page(warehouse, config)
    deleted = page.audit_table.value.iloc[0]
    assert deleted["Action"] == "Suppression" and "Outils communs" in deleted["Quelle ligne"]
    update_id = int(audit_sql(warehouse, "action = 'update'")["audit_id"].iloc[0])
    page.select(update_id)
    page.ask_undo()
    with acting_as(FINANCE):
        assert page.confirm_undo()
    again = open_page(warehouse, config)  # a new session, as after a restart
    assert len(again.lines) == len(audit_sql(warehouse))
    text = again.audit_table.value.to_csv()
    assert "nan" not in text.lower() and "None" not in text
    page.select(int(audit_sql(warehouse, "action = 'delete'")["audit_id"].iloc[0]))
    assert "Café" in page.detail.object and "nan" not in page.detail.object.lower()
    assert "bienveillance" not in text and "prestations_externes" not in text  # categories by their label
