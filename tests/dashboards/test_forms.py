"""The form component: what is typed stays, messages are French, nothing is overwritten."""

import html

import pytest

from dashboards.forms import RecordForm
from models import Actor, Forecast

FINANCE = Actor("tresorier", "tresorier@exemple.re", "finance")
OTHER = Actor("secretaire", "secretaire@exemple.re", "finance")


@pytest.fixture
def warehouse(sandbox_warehouse, tmp_path):
    """A copy of the built sandbox: these tests write."""
    import shutil

    from warehouse.connection import Warehouse

    copy = tmp_path / "alambic.duckdb"
    shutil.copy(sandbox_warehouse.path, copy)
    return Warehouse(copy)


def fill(form, **values):
    for name, value in values.items():
        form.widgets[name].value = value


def forecast_form(warehouse, who=FINANCE):
    return RecordForm(Forecast, warehouse, who=lambda: who,
                      choices={"unit_code": {"Potager": "303"}, "category_code": {"Ventes": "ventes"}})


def test_a_valid_entry_is_saved_and_audited(warehouse):
    form = forecast_form(warehouse)
    fill(form, unit_code="303", category_code="ventes", period_start="01/03/2027", period_end="31/03/2027",
         amount="1 234,56", label="Plants")
    assert form.save() and form.saved == 1 and form.message == "Enregistré."
    with warehouse.read() as con:
        row = con.execute("SELECT amount::VARCHAR, created_by FROM app.forecasts WHERE label = 'Plants'").fetchall()
        audit = con.execute("SELECT who, action FROM app.audit_log WHERE table_name = 'forecasts' "
                            "ORDER BY audit_id DESC LIMIT 1").fetchall()
    assert row == [("1234.56", "tresorier")] and audit == [("tresorier", "insert")]


def test_wrong_input_gets_french_messages_and_stays_as_typed(warehouse):
    form = forecast_form(warehouse)
    fill(form, unit_code="303", category_code="ventes", period_start="31/03/2027", period_end="01/03/2027",
         amount="douze", label="Plants")
    assert not form.save()
    assert "Rien n'a été enregistré" in form.message and form.message_kind == "danger"
    assert "saisissez un nombre" in form.errors["amount"].object
    assert "est avant" in form.errors["period_end"].object
    assert form.widgets["amount"].value == "douze" and form.widgets["period_start"].value == "31/03/2027"


def test_a_second_editor_is_told_and_sees_both_versions(warehouse):
    first = forecast_form(warehouse)
    fill(first, unit_code="303", category_code="ventes", period_start="01/04/2027", period_end="30/04/2027",
         amount="100", label="Semis")
    first.save()
    row_id = first.record.id
    mine, theirs = forecast_form(warehouse), forecast_form(warehouse, who=OTHER)
    mine.edit(row_id)
    theirs.edit(row_id)
    theirs.widgets["amount"].value = "150"
    assert theirs.save()
    mine.widgets["amount"].value = "120"
    assert not mine.save()
    assert mine.message_kind == "warning" and "Rien n'a été écrasé" in mine.message
    assert "150" in mine.comparison.object and "120" in mine.comparison.object
    with warehouse.read() as con:
        assert con.execute("SELECT amount::VARCHAR FROM app.forecasts WHERE forecast_id = ?", [row_id]).fetchall() == [("150.00",)]
    assert mine.save(overwrite=True)  # after seeing theirs, the user keeps theirs aside and saves
    with warehouse.read() as con:
        assert con.execute("SELECT amount::VARCHAR FROM app.forecasts WHERE forecast_id = ?", [row_id]).fetchall() == [("120.00",)]


def test_a_forbidden_write_is_refused_by_the_server(warehouse):
    form = forecast_form(warehouse, who=Actor("visiteur", "visiteur@exemple.re", "member"))
    fill(form, unit_code="303", category_code="ventes", period_start="01/03/2027", period_end="31/03/2027",
         amount="10", label="Interdit")
    assert not form.save()
    assert form.message_kind == "danger" and "Rien n'a été enregistré" in form.message
    with warehouse.read() as con:
        assert con.execute("SELECT count(*) FROM app.forecasts WHERE label = 'Interdit'").fetchall() == [(0,)]


# -- a record with children: a subsidy and its échéancier ------------------------------------------


def subsidy_form(warehouse, who=FINANCE):
    from dashboards.forms import RecordWithChildrenForm
    from models import Subsidy

    return RecordWithChildrenForm(Subsidy, warehouse, who=lambda: who, children="instalments",
                                  children_title="Échéancier", child_label="Échéance",
                                  choices={"unit_code": {"Potager": "303"}})


def test_children_rows_are_saved_with_their_parent_and_a_removed_row_is_deleted(warehouse):
    form = subsidy_form(warehouse)
    fill(form, funder="Département", unit_code="303", nature="fonctionnement", amount_requested="4 000",
         amount_granted="4 000", period_start="01/01/2027", period_end="31/12/2027")
    for kind, amount, day in (("avance", "1 000", "01/02/2027"), ("acompte", "1 000", "01/05/2027"),
                              ("solde", "2 000", "01/10/2027")):
        row = form.add_row()
        row.widgets["kind"].value, row.widgets["amount"].value, row.widgets["expected_on"].value = kind, amount, day
    assert form.save(), form.message
    subsidy_id = form.record.id
    form.remove_row(form.rows[1])
    assert form.save(), form.message
    with warehouse.read() as con:
        kinds = con.execute("SELECT kind, amount::VARCHAR FROM app.subsidy_instalments WHERE subsidy_id = ? "
                            "ORDER BY expected_on", [subsidy_id]).fetchall()
        actions = con.execute("SELECT action FROM app.audit_log WHERE table_name = 'subsidy_instalments' "
                              "ORDER BY audit_id").fetchall()
    assert kinds == [("avance", "1000.00"), ("solde", "2000.00")]
    assert [a for (a,) in actions] == ["insert", "insert", "insert", "delete"]
    form.start_new()
    assert form.rows == [] and form.widgets["funder"].value == "" and form.record.id is None


def test_keeping_mine_after_they_removed_a_child_writes_exactly_my_rows(warehouse):
    first = subsidy_form(warehouse)
    fill(first, funder="Région", unit_code="303", nature="fonctionnement", amount_requested="3 000")
    for amount, day in (("1 000", "01/02/2027"), ("2 000", "01/06/2027")):
        row = first.add_row()
        row.widgets["amount"].value, row.widgets["expected_on"].value = amount, day
    assert first.save(), first.message
    mine, theirs = subsidy_form(warehouse), subsidy_form(warehouse, who=OTHER)
    mine.edit(first.record.id)
    theirs.edit(first.record.id)
    theirs.remove_row(theirs.rows[0])
    assert theirs.save()
    mine.rows[1].widgets["amount"].value = "1 500"
    assert not mine.save()
    assert "Rien n'a été écrasé" in mine.message and mine.keep_mine.visible
    comparison = html.unescape(mine.comparison.object)
    assert "Échéance 1" in comparison and "Montant : 1000,00" in comparison  # theirs no longer has it: « — »
    assert "Montant : 1 500" in comparison
    with warehouse.read() as con:
        assert con.execute("SELECT count(*) FROM app.subsidy_instalments WHERE subsidy_id = ?",
                           [first.record.id]).fetchall() == [(1,)]
    assert mine.save(overwrite=True), mine.message
    with warehouse.read() as con:
        amounts = con.execute("SELECT amount::VARCHAR FROM app.subsidy_instalments WHERE subsidy_id = ? "
                              "ORDER BY expected_on", [first.record.id]).fetchall()
    assert amounts == [("1000.00",), ("1500.00",)]


def test_form_fields_raise_no_bokeh_sizing_warning():
    """#12.16: « fixed » sizing without a height logged W-1005 FIXED_SIZING_MODE for every field."""
    import panel as pn
    from bokeh.core.validation.check import check_integrity

    from dashboards.forms import field_column
    widget = pn.widgets.TextInput(name="Montant", width=200)
    root = field_column(widget, pn.pane.HTML("")).get_root()
    issues = check_integrity(list(root.references()))
    assert not [w for w in issues.warning if w.code == 1005]
