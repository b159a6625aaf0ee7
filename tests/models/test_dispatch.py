"""Répartition des recettes d'une soirée: N internal transfers in one audited transaction, only
when the parts add up to the takings, to the cent.

The soirée: « Kabar Zanmari » of tests/sql/test_soiree_marts.py, takings 61 + 12 = 73,00 €,
booked here on the projet 30301 (Jardin partagé) by its référente. Tree (alambic.example.toml):
R → 10 → 101 (pôle) ; R → 30 → 303 (pôle) → 30301 (projet).
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from models import Conflict, Dispatch, DispatchLine, Forbidden, Invalid, NotFound
from tests.conftest import small_config
from tests.models.helpers import ADMIN, COMMUNS, JARDIN, audit_rows, count, rows
from tests.sql.test_soiree_marts import ATELIER, KABAR, tibillet_records
from warehouse.build import build
from warehouse.connection import Warehouse
from warehouse.load import load_records

D = Decimal


@pytest.fixture(scope="session")
def soiree_file(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("soiree-built")
    config = small_config(directory, as_of="2025-06-15")
    warehouse = Warehouse.from_config(config)
    build(warehouse, config.settings())
    for resource, records in tibillet_records().items():
        load_records(warehouse, "tibillet", resource, records)
    with warehouse.write("saisies de test") as con:
        con.execute("INSERT INTO app.event_referents (event_id, person_email, unit_code) VALUES (?, ?, ?)",
                    [KABAR, "alice@example.org", "30301"])
        con.executemany(
            "INSERT INTO app.role_assignments (unit_code, role_code, person_email, started_on) VALUES (?, ?, ?, ?)",
            [("30", "referent_budget_subvention", "jardin@exemple.re", "2024-01-01"),
             ("101", "referent_budget_subvention", "communs@exemple.re", "2024-01-01")],
        )
    build(warehouse, config.settings())
    return config.warehouse_path


@pytest.fixture
def soiree_wh(soiree_file: Path, tmp_path: Path):
    config = small_config(tmp_path, as_of="2025-06-15")
    shutil.copy(soiree_file, config.warehouse_path)
    return Warehouse.from_config(config), config


def form(wh, mode: str, *lines: tuple[str, str], **values) -> Dispatch:
    dispatch = Dispatch.open(wh, KABAR)
    dispatch.mode = mode
    dispatch.lines = [DispatchLine(unit, value) for unit, value in lines]
    for name, value in values.items():
        setattr(dispatch, name, value)
    return dispatch


def transfers(wh) -> list[tuple]:
    return rows(wh, "SELECT from_unit, to_unit, amount, transfer_date::VARCHAR, event_id "
                    "FROM app.internal_transfers ORDER BY transfer_id")


def test_opening_a_soiree_without_dispatch(soiree_wh):
    wh, _ = soiree_wh
    dispatch = Dispatch.open(wh, KABAR)
    assert (dispatch.from_unit, dispatch.mode, dispatch.lines, dispatch.opened) == ("30301", "percent", [], ())
    assert str(dispatch.transfer_date) == "2025-03-15"
    with pytest.raises(NotFound):
        Dispatch.open(wh, "no-such-event")


def test_percentages_that_add_up_are_saved_as_transfers_and_the_remainder_goes_to_the_last_line(soiree_wh):
    wh, config = soiree_wh
    dispatch = form(wh, "percent", ("101", "33,33"), ("303", "33,33"), ("30301", "33,34"))
    saved = dispatch.save(wh, JARDIN)  # référent·e budget of the groupe 30, above 30301
    # 73 × 33,33 % = 24,3309 → 24,33 ; the soirée's own unit keeps 73 − 24,33 − 24,33 = 24,34 (no transfer)
    assert transfers(wh) == [("30301", "101", D("24.33"), "2025-03-15", KABAR),
                             ("30301", "303", D("24.33"), "2025-03-15", KABAR)]
    assert len(saved) == 2
    audit = audit_rows(wh)
    assert [(a["who"], a["table"], a["action"]) for a in audit] == [("jardin", "internal_transfers", "insert")] * 2
    assert audit[0]["after"]["reason"] == "Répartition des recettes « Kabar Zanmari » du 15/03/2025"

    build(wh, config.settings())
    assert rows(wh, f"SELECT takings, dispatched, kept FROM marts.soiree_results WHERE event_id = '{KABAR}'") == [
        (D("73.00"), D("48.66"), D("24.34"))]
    # recettes internes of the receiving pôles, dépenses internes of the soirée's unit (March 2025)
    assert rows(wh, "SELECT unit_code, category_code, reel FROM marts.budget_vs_actual "
                    "WHERE category_code IN ('recettes_internes', 'depenses_internes') ORDER BY unit_code") == [
        ("101", "recettes_internes", D("24.33")),
        ("303", "recettes_internes", D("24.33")),
        ("30301", "depenses_internes", D("48.66")),
    ]
    # rolled up to La Raffinerie they net to zero
    assert rows(wh, """
        SELECT sum(CASE b.direction WHEN 'recette' THEN b.reel ELSE -b.reel END)
        FROM marts.budget_vs_actual AS b JOIN marts.org_rollup AS r USING (unit_code)
        WHERE r.ancestor_code = 'R' AND b.category_code IN ('recettes_internes', 'depenses_internes')""") == [
        (D("0.00"),)]


def test_amounts_that_add_up_are_saved(soiree_wh):
    wh, _ = soiree_wh
    form(wh, "amount", ("101", "50"), ("303", "23,00")).save(wh, ADMIN)
    assert transfers(wh) == [("30301", "101", D("50.00"), "2025-03-15", KABAR),
                             ("30301", "303", D("23.00"), "2025-03-15", KABAR)]


@pytest.mark.parametrize(
    "mode, lines, errors",
    [
        ("amount", [("101", "50"), ("303", "20")],
         {"lines": "Les parts font 70,00\u00a0€ pour des recettes de 73,00\u00a0€ : reste à répartir 3,00\u00a0€. "
                   "Elles doivent faire exactement les recettes de la soirée. Rien n'a été enregistré."}),
        ("amount", [("101", "50"), ("303", "23,01")],
         {"lines": "Les parts font 73,01\u00a0€ pour des recettes de 73,00\u00a0€ : elles dépassent de 0,01\u00a0€. "
                   "Elles doivent faire exactement les recettes de la soirée. Rien n'a été enregistré."}),
        ("percent", [("101", "60"), ("303", "30")],
         {"lines": "Les pourcentages font 90\u00a0% : ils doivent faire exactement 100 %. "
                   "Reste à répartir : 10\u00a0%. Rien n'a été enregistré."}),
        ("percent", [("101", "60"), ("303", "0")],
         {"lines.1": "Ligne 2 (Potager) : saisissez un pourcentage supérieur à 0"}),
        ("amount", [("101", "-5"), ("303", "78")],
         {"lines.0": "Ligne 1 (Outils communs) : saisissez un montant supérieur à 0"}),
        ("amount", [("101", "abc"), ("303", "73")],
         {"lines.0": "Ligne 1 (Outils communs) : saisissez un nombre, par exemple 1 234,56"}),
        ("percent", [("101", "50"), ("999", "50")],
         {"lines.1": "Ligne 2 : « 999 » n'est pas un pôle de l'organisation"}),
        ("percent", [("101", "50"), ("30", "50")],
         {"lines.1": "Ligne 2 : « 30 » n'est pas un pôle de l'organisation"}),
        ("percent", [("101", "50"), ("101", "50")],
         {"lines.1": "Ligne 2 : le pôle Outils communs est déjà sur la ligne 1 ; regroupez ses parts sur une seule ligne"}),
        ("percent", [("101", "50"), (None, "50")], {"lines.1": "Ligne 2 : choisissez un pôle"}),
        ("percent", [], {"lines": "Ajoutez au moins une ligne : un pôle et sa part."}),
    ],
)
def test_a_dispatch_that_does_not_add_up_is_refused_and_nothing_is_written(soiree_wh, mode, lines, errors):
    wh, _ = soiree_wh
    dispatch = form(wh, mode, *lines)
    assert dispatch.validate(wh) == errors
    with pytest.raises(Invalid) as refused:
        dispatch.save(wh, ADMIN)
    assert refused.value.errors == errors
    assert count(wh, "internal_transfers") == 0 and count(wh, "audit_log") == 0
    assert [(l.unit_code, l.value) for l in dispatch.lines] == list(lines)  # the input stays as typed


def test_a_soiree_without_takings_cannot_be_dispatched(soiree_wh):
    wh, _ = soiree_wh
    with wh.write("test") as con:  # the Atelier's only sale is 4 €; without it: nothing to dispatch
        con.execute("DELETE FROM raw_tibillet.sales")
    build(wh, soiree_wh[1].settings())
    dispatch = Dispatch.open(wh, ATELIER)
    dispatch.from_unit, dispatch.lines = "303", [DispatchLine("101", "100")]
    assert dispatch.validate(wh) == {"lines": "Cette soirée n'a pas de recettes à répartir (recettes nettes : 0,00\u00a0€)."}


def test_redispatching_replaces_the_previous_dispatch(soiree_wh):
    wh, _ = soiree_wh
    form(wh, "amount", ("101", "50"), ("303", "23")).save(wh, ADMIN)
    again = Dispatch.open(wh, KABAR)
    assert again.mode == "amount" and [(l.unit_code, l.value) for l in again.lines] == [("101", "50.00".replace(".", ",")),
                                                                                       ("303", "23,00")]
    again.mode, again.lines = "percent", [DispatchLine("303", "100")]
    again.save(wh, ADMIN)
    assert transfers(wh) == [("30301", "303", D("73.00"), "2025-03-15", KABAR)]
    assert [a["action"] for a in audit_rows(wh)] == ["insert", "insert", "delete", "delete", "insert"]
    # what the unit kept is shown again as its own line when reopened
    form(wh, "amount", ("303", "70"), ("30301", "3")).save(wh, ADMIN)
    reopened = Dispatch.open(wh, KABAR)
    assert [(l.unit_code, l.value) for l in reopened.lines] == [("303", "70,00"), ("30301", "3,00")]


def test_two_people_dispatching_the_same_soiree_the_second_is_told(soiree_wh):
    wh, _ = soiree_wh
    first = form(wh, "percent", ("101", "100"))
    second = form(wh, "percent", ("303", "100"))
    first.save(wh, ADMIN)
    with pytest.raises(Conflict) as told:
        second.save(wh, ADMIN)
    assert "modifiée par admin" in str(told.value) and "Rien n'a été enregistré" in str(told.value)
    assert transfers(wh) == [("30301", "101", D("73.00"), "2025-03-15", KABAR)]


def test_only_who_may_edit_the_soiree_unit_dispatches_it(soiree_wh):
    wh, _ = soiree_wh
    dispatch = form(wh, "percent", ("101", "100"))
    with pytest.raises(Forbidden) as refused:
        dispatch.save(wh, COMMUNS)  # référent·e budget of 101 only: the soirée is 30301's
    assert "30301 (Jardin partagé)" in str(refused.value)
    assert count(wh, "internal_transfers") == 0 and count(wh, "audit_log") == 0


def test_nobody_dispatches_another_units_soiree_from_their_own_unit(soiree_wh):
    wh, _ = soiree_wh
    dispatch = form(wh, "percent", ("303", "100"), from_unit="101")  # COMMUNS may edit 101, not 30301
    with pytest.raises(Forbidden):
        dispatch.save(wh, COMMUNS)
    assert count(wh, "internal_transfers") == 0
