"""Rights are checked in save/delete, on the server: a refused write raises Forbidden and writes nothing."""

from __future__ import annotations

import pytest

from models import Actor, Forbidden, Forecast, InternalTransfer, Subsidy, can_edit, editable_units
from models.subsidy import Instalment
from tests.models.helpers import ADMIN, COMMUNS, FINANCE, FORMER, JARDIN, NOBODY, count, rows


def forecast(unit: str) -> Forecast:
    return Forecast(unit_code=unit, category_code="ventes", period_start="2025-01-01", period_end="2025-12-31", amount="100")


def transfer(from_unit: str, to_unit: str) -> InternalTransfer:
    return InternalTransfer(from_unit=from_unit, to_unit=to_unit, transfer_date="2025-04-05", amount="300", reason="Bar")


def subsidy(unit: str) -> Subsidy:
    return Subsidy(funder="Région Réunion", unit_code=unit, amount_requested="5 000",
                   instalments=[Instalment(kind="avance", amount="2 500", expected_on="2025-05-01")])


def test_who_may_edit_which_unit(wh):
    assert editable_units(wh, ADMIN) is None and editable_units(wh, FINANCE) is None
    assert editable_units(wh, JARDIN) == {"30", "303", "30301"}  # the groupe and below; e-mail case ignored
    assert editable_units(wh, COMMUNS) == {"101"}
    assert editable_units(wh, FORMER) == set()  # the role ended
    assert editable_units(wh, NOBODY) == set()  # another role gives no budget rights
    assert editable_units(wh, Actor("x", "x@exemple.re", "visiteur")) == set()
    assert can_edit(wh, JARDIN, "30301") and not can_edit(wh, JARDIN, "101") and not can_edit(wh, JARDIN, "R")


@pytest.mark.parametrize("who", [ADMIN, FINANCE, JARDIN])
def test_allowed_writers_save_in_the_jardin(wh, who):
    forecast("30301").save(wh, who)
    transfer("303", "101").save(wh, who)
    subsidy("303").save(wh, who)
    assert (count(wh, "forecasts"), count(wh, "internal_transfers"), count(wh, "subsidies")) == (1, 1, 1)


@pytest.mark.parametrize("who", [COMMUNS, FORMER, NOBODY, Actor("anonyme", None, "member"), None])
@pytest.mark.parametrize("make", [lambda: forecast("303"), lambda: transfer("303", "101"), lambda: subsidy("30301")])
def test_a_member_of_another_pole_is_refused_and_nothing_is_written(wh, who, make):
    form = make()
    with pytest.raises(Forbidden) as refused:
        form.save(wh, who)
    message = str(refused.value)
    assert "Rien n'a été enregistré" in message or "Connectez-vous" in message
    assert form.id is None
    for table in ("forecasts", "internal_transfers", "subsidies", "subsidy_instalments", "audit_log"):
        assert count(wh, table) == 0


def test_the_message_names_the_unit(wh):
    with pytest.raises(Forbidden, match=r"les prévisionnels de l'unité 303 \(Potager\)"):
        forecast("303").save(wh, COMMUNS)


def test_a_transfer_needs_the_rights_on_the_unit_it_comes_from(wh):
    transfer("101", "303").save(wh, COMMUNS)  # from the pôle they hold, to another one
    with pytest.raises(Forbidden, match="les transferts internes de l'unité 303"):
        transfer("303", "101").save(wh, COMMUNS)
    assert count(wh, "internal_transfers") == 1


def test_a_member_may_neither_move_a_row_out_of_reach_nor_change_or_delete_anothers(wh):
    mine = forecast("303")
    mine.save(wh, JARDIN)
    mine.unit_code = "101"
    with pytest.raises(Forbidden):
        mine.save(wh, JARDIN)  # into a unit they cannot edit
    theirs = Forecast.load(wh, mine.id)
    theirs.amount = "1"
    with pytest.raises(Forbidden):
        theirs.save(wh, COMMUNS)
    with pytest.raises(Forbidden):
        theirs.delete(wh, COMMUNS)
    assert rows(wh, "SELECT unit_code, amount, row_version FROM app.forecasts") == [("303", 100, 1)]
    assert count(wh, "audit_log") == 1


def test_the_budget_role_is_the_configured_one(wh, tmp_path):
    """[permissions] budget_role names the role that gives budget rights: rebuilt with another
    role, its holders get the rights and the former référent·es lose them."""
    import dataclasses

    from tests.conftest import small_config
    from warehouse.build import build

    (tmp_path / "config").mkdir()
    config = small_config(tmp_path / "config")
    config = dataclasses.replace(config, warehouse_path=wh.path, permissions={"budget_role": "garant_cadre"})
    build(wh, config.settings())
    assert editable_units(wh, NOBODY) == {"303", "30301"}  # holds garant_cadre on the pôle 303
    assert editable_units(wh, JARDIN) == set()
    forecast("30301").save(wh, NOBODY)
    assert count(wh, "forecasts") == 1


def test_a_page_reads_rights_through_the_query_cache_and_sees_a_new_right_at_once(wh, monkeypatch):
    """A page asks for the rights of its member at every build: from a Warehouse they come from
    the page-query cache (no file open once cached), and a committed write (a role granted)
    changes the data version, so the next answer includes it."""
    from models import RoleAssignment
    from warehouse import connection

    assert editable_units(wh, COMMUNS) == {"101"}
    opened = []
    real_connect = connection.duckdb.connect
    monkeypatch.setattr(connection.duckdb, "connect", lambda *a, **k: opened.append(a) or real_connect(*a, **k))
    assert editable_units(wh, COMMUNS) == {"101"} and opened == []  # cached: no connection
    monkeypatch.undo()
    RoleAssignment(unit_code="303", role_code="referent_budget_subvention", person_email="communs@exemple.re",
                   started_on="01/01/2025").save(wh, ADMIN)
    assert editable_units(wh, COMMUNS) == {"101", "303", "30301"}
