"""The change log's model: reading app.audit_log with filters, and undoing one change through the
Record that made it — each action, the subsidy with its échéancier, and every refusal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import ClassVar

import pytest

from models import (
    Conflict,
    Forbidden,
    Forecast,
    InternalTransfer,
    Invalid,
    NotFound,
    Record,
    Subsidy,
    audit,
    audit_display,
    audit_undo,
)
from models.fields import Text
from models.subsidy import Instalment
from tests.models.helpers import ADMIN, FINANCE, JARDIN, NOBODY, audit_rows, count, rows

D = Decimal


def potager(**changes) -> Forecast:
    values = dict(unit_code="303", category_code="prestations_externes_achats", period_start="01/03/2025",
                  period_end="31/03/2025", amount="1 234,56", label="Graines et terreau")
    return Forecast(**{**values, **changes})


def forecast_row(wh, forecast_id: int):
    found = rows(wh, "SELECT unit_code, category_code, period_start, period_end, amount, label "
                     "FROM app.forecasts WHERE forecast_id = ?", [forecast_id])
    return found[0] if found else None


def last_audit_id(wh) -> int:
    return rows(wh, "SELECT max(audit_id) FROM app.audit_log")[0][0]


def undo_lines(wh) -> list[tuple]:
    return rows(wh, "SELECT who, table_name, row_id, action, undoes FROM app.audit_log "
                    "WHERE undoes IS NOT NULL ORDER BY audit_id")


# -- each action ----------------------------------------------------------------------------------


def test_undo_of_an_update_restores_the_values_before_and_is_audited_as_an_undo(wh):
    form = potager()
    form.save(wh, JARDIN)
    form.amount, form.label = "2 000", "Graines bio"
    form.save(wh, JARDIN)
    update_id = last_audit_id(wh)

    done = audit_undo.undo(wh, update_id, FINANCE)

    assert forecast_row(wh, form.id) == ("303", "prestations_externes_achats", dt.date(2025, 3, 1),
                                         dt.date(2025, 3, 31), D("1234.56"), "Graines et terreau")
    assert rows(wh, "SELECT updated_by, row_version FROM app.forecasts") == [("tresoriere", 3)]
    assert undo_lines(wh) == [("tresoriere", "forecasts", form.id, "undo_update", update_id)]
    line = audit_rows(wh)[-1]
    assert (line["before"]["amount"], line["after"]["amount"]) == ("2000.00", "1234.56")
    assert (line["before"]["label"], line["after"]["label"]) == ("Graines bio", "Graines et terreau")
    assert done.audit_id == update_id and done.tables == ("forecasts",)
    assert done.lines == (last_audit_id(wh),)
    assert done.message == f"Modification n° {update_id} annulée : prévisionnel n° {form.id} a repris ses valeurs d'avant."


def test_undo_of_an_insert_deletes_the_row(wh):
    form = potager()
    form.save(wh, JARDIN)
    insert_id = last_audit_id(wh)
    audit_undo.undo(wh, insert_id, ADMIN)
    assert count(wh, "forecasts") == 0
    assert undo_lines(wh) == [("admin", "forecasts", form.id, "undo_insert", insert_id)]
    line = audit_rows(wh)[-1]
    assert line["before"]["amount"] == "1234.56" and line["after"] is None


def test_undo_of_a_delete_brings_the_row_back_with_the_same_id(wh):
    form = potager()
    form.save(wh, JARDIN)
    kept_id = form.id
    form.delete(wh, JARDIN)
    delete_id = last_audit_id(wh)
    assert count(wh, "forecasts") == 0

    audit_undo.undo(wh, delete_id, FINANCE)

    assert forecast_row(wh, kept_id) == ("303", "prestations_externes_achats", dt.date(2025, 3, 1),
                                         dt.date(2025, 3, 31), D("1234.56"), "Graines et terreau")
    assert undo_lines(wh) == [("tresoriere", "forecasts", kept_id, "undo_delete", delete_id)]
    # the row is an ordinary row again: it can be opened, edited and saved
    again = Forecast.load(wh, kept_id)
    again.amount = "10"
    again.save(wh, JARDIN)
    assert forecast_row(wh, kept_id)[4] == D("10.00")


def test_an_undo_can_itself_be_undone(wh):
    form = potager()
    form.save(wh, JARDIN)
    form.amount = "99"
    form.save(wh, JARDIN)
    audit_undo.undo(wh, last_audit_id(wh), FINANCE)
    assert forecast_row(wh, form.id)[4] == D("1234.56")
    undo_id = last_audit_id(wh)
    audit_undo.undo(wh, undo_id, ADMIN)  # redo
    assert forecast_row(wh, form.id)[4] == D("99.00")
    assert undo_lines(wh)[-1] == ("admin", "forecasts", form.id, "undo_update", undo_id)


def test_undo_of_an_internal_transfer(wh):
    form = InternalTransfer(from_unit="303", to_unit="101", transfer_date="12/04/2025", amount="300",
                            reason="Recettes du bar")
    form.save(wh, JARDIN)
    form.amount = "450"
    form.save(wh, JARDIN)
    audit_undo.undo(wh, last_audit_id(wh), FINANCE)
    assert rows(wh, "SELECT amount, reason FROM app.internal_transfers") == [(D("300.00"), "Recettes du bar")]


# -- refusals -------------------------------------------------------------------------------------


def test_a_member_cannot_undo_even_on_a_unit_they_edit(wh):
    form = potager()
    form.save(wh, JARDIN)
    form.amount = "2 000"
    form.save(wh, JARDIN)
    before = count(wh, "audit_log")
    with pytest.raises(Forbidden, match="réservé au groupe finances et aux administrateur·rices"):
        audit_undo.undo(wh, last_audit_id(wh), JARDIN)
    with pytest.raises(Forbidden):
        audit_undo.preview(wh, last_audit_id(wh), NOBODY)
    with pytest.raises(Forbidden, match="Connectez-vous"):
        audit_undo.undo(wh, last_audit_id(wh), None)
    with pytest.raises(Forbidden):
        audit.read_audit(wh, JARDIN)
    assert count(wh, "audit_log") == before and forecast_row(wh, form.id)[4] == D("2000.00")


def test_the_records_own_rights_apply_to_an_undo(wh, monkeypatch):
    """Admin and finance pass the change log's check; the Record's `authorise` still decides."""
    form = potager()
    form.save(wh, JARDIN)
    form.amount = "2 000"
    form.save(wh, JARDIN)

    def refuse(self, con, who, before, after):
        if who.role != "admin":
            raise Forbidden("Seul·es les administrateur·rices modifient ce prévisionnel.")

    monkeypatch.setattr(Forecast, "authorise", refuse)
    with pytest.raises(Forbidden, match="Seul·es les administrateur·rices"):
        audit_undo.preview(wh, last_audit_id(wh), FINANCE)
    with pytest.raises(Forbidden, match="Seul·es les administrateur·rices"):
        audit_undo.undo(wh, last_audit_id(wh), FINANCE)
    assert forecast_row(wh, form.id)[4] == D("2000.00") and undo_lines(wh) == []
    audit_undo.undo(wh, last_audit_id(wh), ADMIN)
    assert forecast_row(wh, form.id)[4] == D("1234.56")


def test_only_the_latest_change_of_a_row_can_be_undone(wh):
    form = potager()
    form.save(wh, JARDIN)
    form.amount = "2 000"
    form.save(wh, JARDIN)
    first_update = last_audit_id(wh)
    form.amount = "3 000"
    form.save(wh, FINANCE)
    second_update = last_audit_id(wh)
    audit_count = count(wh, "audit_log")

    with pytest.raises(Conflict) as refused:
        audit_undo.undo(wh, first_update, ADMIN)
    message = str(refused.value)
    assert f"a changé depuis la modification n° {first_update}" in message
    assert "modification par tresoriere le " in message and f"(n° {second_update})" in message
    assert "Seule la dernière modification d'une ligne peut être annulée" in message
    assert refused.value.theirs["amount"] == D("3000.00")
    assert count(wh, "audit_log") == audit_count and forecast_row(wh, form.id)[4] == D("3000.00")
    with pytest.raises(Conflict):
        audit_undo.preview(wh, first_update, ADMIN)

    # newest first, then the older one: back to the start
    audit_undo.undo(wh, second_update, ADMIN)
    assert forecast_row(wh, form.id)[4] == D("2000.00")
    with pytest.raises(Conflict):  # the undo is now the row's latest change
        audit_undo.undo(wh, first_update, ADMIN)


def test_an_undo_is_refused_when_the_row_changed_without_a_trace(wh):
    form = potager()
    form.save(wh, JARDIN)
    form.amount = "2 000"
    form.save(wh, JARDIN)
    with wh.write() as con:
        con.execute("UPDATE app.forecasts SET amount = 5, row_version = row_version + 1")
    with pytest.raises(Conflict, match="version 3 au lieu de 2"):
        audit_undo.undo(wh, last_audit_id(wh), ADMIN)
    assert forecast_row(wh, form.id)[4] == D("5.00")


def test_an_undo_whose_values_are_no_longer_valid_says_why(wh):
    form = potager(unit_code="30301")
    form.save(wh, JARDIN)
    form.unit_code = "303"
    form.save(wh, JARDIN)
    with wh.write() as con:  # the unit left the organisation since
        con.execute("DELETE FROM ref.units WHERE unit_code = '30301'")
    with pytest.raises(Invalid, match="« 30301 » n'est pas une unité de l'organisation"):
        audit_undo.undo(wh, last_audit_id(wh), ADMIN)
    assert rows(wh, "SELECT unit_code FROM app.forecasts") == [("303",)]


def test_unknown_lines_and_login_accounts_are_not_undone(wh):
    with pytest.raises(NotFound):
        audit_undo.undo(wh, 999_999, ADMIN)
    with wh.write() as con:
        con.execute("INSERT INTO app.audit_log (who, table_name, row_id, action, before, after) "
                    "VALUES ('cli', 'users', 1, 'update', '{\"active\": true}', '{\"active\": false}')")
    with pytest.raises(audit_undo.NotUndoable, match="alambic users"):
        audit_undo.undo(wh, last_audit_id(wh), ADMIN)


# -- a subsidy and its échéancier -------------------------------------------------------------------


def region() -> Subsidy:
    return Subsidy(
        funder="Région Réunion", unit_code="303", nature="fonctionnement", amount_requested="12 000",
        amount_granted="10 000", instalments=[
            Instalment(kind="avance", amount="5 000", expected_on="01/04/2025"),
            Instalment(kind="acompte", amount="3 000", expected_on="01/09/2025"),
        ])


def schedule(wh, subsidy_id: int) -> list[tuple]:
    return rows(wh, "SELECT instalment_id, kind, amount, expected_on FROM app.subsidy_instalments "
                    "WHERE subsidy_id = ? ORDER BY instalment_id", [subsidy_id])


def edit_schedule(wh, subsidy_id: int) -> Subsidy:
    """Grant less, move the avance, drop the acompte, add a solde — one save."""
    form = Subsidy.load(wh, subsidy_id)
    form.amount_granted = "9 000"
    form.instalments[0].amount = "4 000"
    form.instalments = [form.instalments[0], Instalment(kind="solde", amount="5 000", expected_on="30/06/2026")]
    form.save(wh, FINANCE)
    return form


@pytest.mark.parametrize("through", ["subsidy", "instalment"])
def test_undo_of_a_subsidy_save_restores_its_schedule(wh, through):
    form = region()
    form.save(wh, JARDIN)
    original = schedule(wh, form.id)
    mark = last_audit_id(wh)
    edit_schedule(wh, form.id)
    lines = rows(wh, "SELECT audit_id, table_name, action FROM app.audit_log WHERE audit_id > ? ORDER BY audit_id", [mark])
    assert [(t, a) for _, t, a in lines] == [("subsidies", "update"), ("subsidy_instalments", "update"),
                                             ("subsidy_instalments", "insert"), ("subsidy_instalments", "delete")]
    chosen = lines[0][0] if through == "subsidy" else lines[3][0]

    plan = audit_undo.preview(wh, chosen, ADMIN)
    assert [line.audit_id for line in plan.lines] == [audit_id for audit_id, _, _ in lines]
    if through == "instalment":
        assert plan.message.startswith(f"Cette échéance (n° {plan.line.row_id}) faisait partie d'un "
                                       f"enregistrement de subvention n° {form.id}")
    audit_undo.undo(wh, chosen, ADMIN)

    assert rows(wh, "SELECT amount_granted, row_version FROM app.subsidies") == [(D("10000.00"), 3)]
    assert schedule(wh, form.id) == original  # the same instalments, with their ids
    assert [(t, a, u) for _, t, _, a, u in undo_lines(wh)] == [  # the children newest first, then the subsidy
        ("subsidy_instalments", "undo_delete", lines[3][0]),
        ("subsidy_instalments", "undo_insert", lines[2][0]),
        ("subsidy_instalments", "undo_update", lines[1][0]),
        ("subsidies", "undo_update", lines[0][0]),
    ]


def test_undo_of_a_subsidy_deletion_brings_it_back_with_its_schedule(wh):
    form = region()
    form.save(wh, JARDIN)
    kept_id, original = form.id, schedule(wh, form.id)
    form = Subsidy.load(wh, kept_id)
    form.delete(wh, JARDIN)
    assert count(wh, "subsidies") == 0 and count(wh, "subsidy_instalments") == 0
    audit_undo.undo(wh, last_audit_id(wh), FINANCE)
    assert rows(wh, "SELECT subsidy_id, funder, amount_granted FROM app.subsidies") == [
        (kept_id, "Région Réunion", D("10000.00"))]
    assert schedule(wh, kept_id) == original
    assert [a for _, _, _, a, _ in undo_lines(wh)] == ["undo_delete"] * 3
    # its creation is no longer its latest change: refused
    creation = rows(wh, "SELECT min(audit_id) FROM app.audit_log WHERE table_name = 'subsidies'")[0][0]
    with pytest.raises(Conflict, match="a changé depuis"):
        audit_undo.undo(wh, creation, FINANCE)


def test_undo_of_a_subsidy_creation_removes_its_schedule(wh):
    form = region()
    form.save(wh, JARDIN)
    creation = rows(wh, "SELECT audit_id FROM app.audit_log WHERE table_name = 'subsidies'")[0][0]
    audit_undo.undo(wh, creation, FINANCE)
    assert count(wh, "subsidies") == 0 and count(wh, "subsidy_instalments") == 0
    assert [a for _, _, _, a, _ in undo_lines(wh)] == ["undo_insert"] * 3


def test_an_instalment_line_without_its_subsidy_is_not_undone_alone(wh):
    form = region()
    form.save(wh, JARDIN)
    with wh.write() as con:
        con.execute("INSERT INTO app.audit_log (who, table_name, row_id, action, before, after) "
                    "VALUES ('script', 'subsidy_instalments', 1, 'update', ?, ?)",
                    [f'{{"subsidy_id": {form.id}}}', f'{{"subsidy_id": {form.id}}}'])
    with pytest.raises(audit_undo.NotUndoable, match="n'a pas été enregistré·e en même temps que cette subvention"):
        audit_undo.undo(wh, last_audit_id(wh), ADMIN)


# -- reading --------------------------------------------------------------------------------------


def test_read_audit_filters_by_table_author_period_and_unit(wh):
    potager().save(wh, JARDIN)  # 303, under 30
    potager(unit_code="101").save(wh, FINANCE)
    InternalTransfer(from_unit="303", to_unit="101", transfer_date="12/04/2025", amount="300",
                     reason="Bar").save(wh, FINANCE)
    every = audit.read_audit(wh, ADMIN)
    assert every["audit_id"].tolist() == sorted(every["audit_id"].tolist(), reverse=True)  # newest first
    assert len(every) == count(wh, "audit_log") == 3
    assert audit.read_audit(wh, ADMIN, table="forecasts")["who"].tolist() == ["tresoriere", "jardin"]
    assert audit.read_audit(wh, FINANCE, who="jardin")["table_name"].tolist() == ["forecasts"]
    assert audit.read_audit(wh, ADMIN, unit="30")["table_name"].tolist() == ["internal_transfers", "forecasts"]
    assert audit.read_audit(wh, ADMIN, unit="101")["who"].tolist() == ["tresoriere", "tresoriere"]
    today = rows(wh, "SELECT timezone((SELECT value FROM ref.settings WHERE key = 'timezone'), max(changed_at))::DATE "
                     "FROM app.audit_log")[0][0]
    day = dt.timedelta(days=1)
    assert len(audit.read_audit(wh, ADMIN, date_from=today, date_to=today + day)) == 3
    assert len(audit.read_audit(wh, ADMIN, date_to=today)) == 0
    assert len(audit.read_audit(wh, ADMIN, limit=2)) == 2
    tables, authors = audit.filter_choices(wh, ADMIN)
    assert tables == ["forecasts", "internal_transfers"] and authors == ["jardin", "tresoriere"]


def test_changes_are_labelled_with_the_form_fields(wh):
    form = potager()
    form.save(wh, JARDIN)
    form.amount = "2 000"
    form.save(wh, FINANCE)
    line = audit.entry(wh, ADMIN, last_audit_id(wh))
    shown = {c.label: (c.before, c.after, c.changed) for c in audit_display.changes(line)}
    assert list(shown)[:6] == ["Unité", "Catégorie", "Début", "Fin", "Montant", "Libellé"]
    assert shown["Montant"] == (D("1234.56"), D("2000.00"), True)
    assert shown["Unité"] == ("303", "303", False)
    assert shown["Modifié par"] == ("jardin", "tresoriere", True)
    assert audit_display.table_label("forecasts") == "Prévisionnels"
    assert audit_display.row_summary("forecasts", line.after).startswith("303 · prestations_externes_achats · 01/03/2025")
    assert audit_display.field_labels("subsidy_instalments")["subsidy_id"] == "Subvention (n°)"


def test_runs_are_read_newest_first(wh):
    runs = audit.read_runs(wh, FINANCE)
    assert len(runs) == rows(wh, "SELECT count(*) FROM meta.runs")[0][0] >= 1
    assert runs.iloc[0]["kind"] == "build" and runs.iloc[0]["outcome"] == "ok"
    with pytest.raises(Forbidden):
        audit.read_runs(wh, JARDIN)


# -- the registry ---------------------------------------------------------------------------------


def test_a_new_record_plugs_in_by_its_table(wh, monkeypatch):
    """How the other records (roles, proposals, referents…) reach the undo: by their `table`."""
    assert audit.record_type("forecasts") is Forecast
    assert audit.record_type("subsidy_instalments") is Instalment
    assert audit.parent_of("subsidy_instalments") == ("subsidies", "subsidy_id")

    class Note(Record):
        table: ClassVar[str] = "notes_test"
        key: ClassVar[str] = "note_id"
        noun: ClassVar[str] = "cette note"
        subject: ClassVar[str] = "les notes"
        text = Text(required=True, label="Texte")

        def permission_units(self, row):
            return []

    assert audit.record_type("notes_test") is None  # defined outside the models package
    monkeypatch.setattr(audit, "_explicit", dict(audit._explicit))
    audit.register(Note)
    with wh.write() as con:
        con.execute("""CREATE TABLE app.notes_test (note_id BIGINT PRIMARY KEY DEFAULT nextval('app.id_seq'),
                       text VARCHAR NOT NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
                       created_by VARCHAR NOT NULL, updated_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
                       updated_by VARCHAR NOT NULL, row_version INTEGER NOT NULL DEFAULT 1)""")
    note = Note(text="première")
    note.save(wh, ADMIN)
    note.text = "seconde"
    note.save(wh, ADMIN)
    audit_undo.undo(wh, last_audit_id(wh), FINANCE)
    assert rows(wh, "SELECT text FROM app.notes_test") == [("première",)]
    assert audit_display.table_label("notes_test") == "Notes"


def test_transfers_saved_together_for_a_soiree_are_undone_together(wh):
    """A soirée's dispatch (models.dispatch) writes its transfers in one transaction: one change."""
    with wh.write() as con:
        for unit, amount in (("101", "300"), ("30", "200")):
            InternalTransfer(from_unit="303", to_unit=unit, transfer_date="12/04/2025", amount=amount,
                             reason="Répartition", event_id="soiree-1").save_in(con, ADMIN)
    InternalTransfer(from_unit="303", to_unit="101", transfer_date="13/04/2025", amount="50",
                     reason="Autre", event_id="soiree-2").save(wh, ADMIN)
    first = rows(wh, "SELECT min(audit_id) FROM app.audit_log")[0][0]
    plan = audit_undo.preview(wh, first + 1, FINANCE)  # the second line of the dispatch
    assert [line.audit_id for line in plan.lines] == [first, first + 1]
    assert plan.message.startswith("Cette ligne fait partie de la répartition des recettes d'une soirée (soiree-1)")
    audit_undo.undo(wh, first + 1, FINANCE)
    assert rows(wh, "SELECT event_id, amount FROM app.internal_transfers") == [("soiree-2", D("50.00"))]
    assert [(a, u) for _, _, _, a, u in undo_lines(wh)] == [("undo_insert", first + 1), ("undo_insert", first)]


def test_messages_agree_with_the_records_noun():
    """#12.8: « cette subvention … modifiée », « ce prévisionnel … modifié », no « modifié·e » where
    the noun is known."""
    from models.base import cls_agree
    assert cls_agree(Subsidy.noun, "modifié") == "modifiée"
    assert cls_agree(Forecast.noun, "modifié") == "modifié"
    assert cls_agree("ce ou cette référent·e de soirée", "modifié") == "modifié·e"
