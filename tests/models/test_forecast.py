"""Prévisionnel: save, audit, validation messages with the input kept, lost updates, delete."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from models import Conflict, Forecast, Invalid, NotFound
from tests.models.helpers import ADMIN, FINANCE, JARDIN, audit_rows, count, rows

D = Decimal


def potager(**changes) -> Forecast:
    values = dict(
        unit_code="303", category_code="prestations_externes_achats", period_start="01/03/2025",
        period_end="31/03/2025", amount="1 234,56", label="Graines et terreau",
    )
    return Forecast(**{**values, **changes})


def test_a_valid_forecast_is_saved_with_its_bookkeeping_and_audit(wh):
    form = potager()
    assert form.validate(wh) == {}
    saved = form.save(wh, JARDIN)
    assert (form.id, form.row_version) == (saved.id, 1)
    stored = rows(wh, "SELECT unit_code, category_code, period_start, period_end, amount, label, created_by, "
                      "updated_by, row_version FROM app.forecasts")
    assert stored == [("303", "prestations_externes_achats", dt.date(2025, 3, 1), dt.date(2025, 3, 31),
                       D("1234.56"), "Graines et terreau", "jardin", "jardin", 1)]
    [entry] = audit_rows(wh)
    assert entry["who"] == "jardin" and entry["table"] == "forecasts" and entry["row_id"] == saved.id
    assert entry["action"] == "insert" and entry["before"] is None
    assert entry["after"]["amount"] == "1234.56"
    assert entry["after"]["period_start"] == "2025-03-01"
    assert entry["after"]["row_version"] == 1 and entry["after"]["created_by"] == "jardin"


def test_an_update_bumps_the_version_and_audits_before_and_after(wh):
    form = potager()
    form.save(wh, JARDIN)
    again = Forecast.load(wh, form.id)
    assert again.amount == D("1234.56") and again.period_start == dt.date(2025, 3, 1)
    again.amount = "1500"
    saved = again.save(wh, FINANCE)
    assert saved.row_version == 2 and again.row_version == 2
    assert rows(wh, "SELECT amount, created_by, updated_by, row_version FROM app.forecasts") == [
        (D("1500.00"), "jardin", "tresoriere", 2)
    ]
    update = audit_rows(wh)[-1]
    assert update["action"] == "update" and update["who"] == "tresoriere"
    assert (update["before"]["amount"], update["after"]["amount"]) == ("1234.56", "1500.00")
    assert (update["before"]["row_version"], update["after"]["row_version"]) == (1, 2)


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"amount": "-50"}, "amount", "Montant : un montant négatif n'est pas accepté"),
        ({"amount": "douze euros"}, "amount", "Montant : saisissez un nombre, par exemple 1 234,56"),
        ({"amount": ""}, "amount", "Montant : champ obligatoire"),
        ({"period_end": "28/02/2025"}, "period_end",
         "Fin : la date (28/02/2025) est avant celle du champ « Début » (01/03/2025)"),
        ({"period_start": "le 1er mars"}, "period_start", "Début : saisissez une date, par exemple 27/11/2026"),
        ({"unit_code": "999"}, "unit_code", "Unité : « 999 » n'est pas une unité de l'organisation"),
        ({"category_code": "loisirs"}, "category_code",
         "Catégorie : « loisirs » n'est pas une catégorie budgétaire connue"),
    ],
)
def test_wrong_input_gets_a_french_message_and_stays_as_typed(wh, changes, field, message):
    form = potager(**changes)
    errors = form.validate(wh)
    assert errors == {field: message}
    assert getattr(form, field) == next(iter(changes.values()))  # the input is kept
    with pytest.raises(Invalid) as refused:
        form.save(wh, ADMIN)
    assert refused.value.errors == {field: message}
    assert getattr(form, field) == next(iter(changes.values()))
    assert form.id is None
    assert count(wh, "forecasts") == 0 and count(wh, "audit_log") == 0


def test_french_and_dotted_amounts_and_dates_are_understood(wh):
    for typed, stored in [("1 234,56", "1234.56"), ("1234.56", "1234.56"), ("1\u202f234,5 €", "1234.50"), (12, "12.00")]:
        form = potager(amount=typed, period_start=dt.date(2025, 3, 1), period_end="2025-03-31")
        assert form.validate(wh) == {}
        assert form.check(None)[0]["amount"] == D(stored)


def test_several_errors_at_once(wh):
    errors = potager(amount="abc", unit_code="", period_end="01/01/2025").validate(wh)
    assert set(errors) == {"amount", "unit_code", "period_end"}
    assert errors["unit_code"] == "Unité : champ obligatoire"


def test_the_second_of_two_sessions_is_told_and_nothing_is_lost(wh):
    potager().save(wh, ADMIN)
    [forecast_id] = [r[0] for r in rows(wh, "SELECT forecast_id FROM app.forecasts")]
    first, second = Forecast.load(wh, forecast_id), Forecast.load(wh, forecast_id)
    first.amount = "2 000"
    first.save(wh, JARDIN)
    second.amount = "3 000"
    second.label = "Autre chose"
    with pytest.raises(Conflict) as told:
        second.save(wh, FINANCE)
    conflict = told.value
    assert "modifié par jardin" in str(conflict) and "Rien n'a été écrasé" in str(conflict)
    assert (conflict.theirs_version, conflict.yours_version) == (2, 1)
    stamp = rows(wh, "SELECT updated_at FROM app.forecasts")[0][0].astimezone(ZoneInfo("Indian/Reunion"))
    assert f"par jardin le {stamp:%d/%m/%Y à %H:%M}, après l'ouverture" in str(conflict)  # local time
    assert conflict.theirs["amount"] == D("2000.00")
    assert conflict.yours["amount"] == D("3000.00") and conflict.yours["label"] == "Autre chose"
    assert rows(wh, "SELECT amount, row_version FROM app.forecasts") == [(D("2000.00"), 2)]
    assert second.amount == "3 000" and second.row_version == 1  # the second input is kept
    # having seen theirs, the second user keeps theirs' version as the base and saves again
    second.keep_mine(conflict)
    assert second.save(wh, FINANCE).row_version == 3
    assert rows(wh, "SELECT amount, label FROM app.forecasts") == [(D("3000.00"), "Autre chose")]


def test_saving_or_deleting_a_row_deleted_meanwhile_is_a_conflict(wh):
    potager().save(wh, ADMIN)
    [forecast_id] = [r[0] for r in rows(wh, "SELECT forecast_id FROM app.forecasts")]
    first, second = Forecast.load(wh, forecast_id), Forecast.load(wh, forecast_id)
    first.delete(wh, JARDIN)
    assert first.id is None
    second.amount = "10"
    with pytest.raises(Conflict, match="n'existe plus : jardin l'a supprimé") as told:
        second.save(wh, ADMIN)
    assert told.value.theirs is None
    with pytest.raises(Conflict):
        second.delete(wh, ADMIN)
    assert count(wh, "forecasts") == 0
    with pytest.raises(NotFound, match="n'existe plus"):
        Forecast.load(wh, forecast_id)


def test_delete_is_audited_and_version_checked(wh):
    form = potager()
    form.save(wh, ADMIN)
    stale = Forecast.load(wh, form.id)
    form.amount = "99"
    form.save(wh, ADMIN)
    with pytest.raises(Conflict):
        stale.delete(wh, FINANCE)
    assert count(wh, "forecasts") == 1
    form.delete(wh, FINANCE)
    entry = audit_rows(wh)[-1]
    assert entry["action"] == "delete" and entry["who"] == "tresoriere" and entry["after"] is None
    assert entry["before"]["amount"] == "99.00" and entry["before"]["row_version"] == 2
    assert count(wh, "forecasts") == 0


def test_validate_without_a_warehouse_checks_everything_but_the_references():
    assert potager(unit_code="999").validate() == {}
    assert potager(amount="-1").validate() == {"amount": "Montant : un montant négatif n'est pas accepté"}
