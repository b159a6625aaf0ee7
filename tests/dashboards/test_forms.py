"""The form component: what is typed stays, messages are French, nothing is overwritten."""

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
