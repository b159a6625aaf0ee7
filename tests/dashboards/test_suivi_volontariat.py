"""Suivi volontariat shows exactly marts.volunteer_hours, volunteer_contributions and
volunteer_valuation for a period and a unit — on the sandbox (checked by plain SQL over the marts)
and on the hand-made organisation of tests/sql/test_volunteer_marts.py (checked against figures
computed by hand)."""

from __future__ import annotations

import html
import io

import pandas as pd
import panel as pn
import pytest

from alambic import formatting
from dashboards.app import AppContext
from dashboards.components import Filters, csv_bytes
from dashboards.suivi_volontariat import SuiviVolontariat, member_columns
from tests.sql.test_volunteer_marts import tiny_people_warehouse


def build_page(warehouse, period: str, unit: str = "R") -> SuiviVolontariat:
    filters = Filters.from_warehouse(warehouse)
    filters.param.update(period=period, unit=unit)
    assert not filters.period_error and not filters.unit_error
    return SuiviVolontariat(context=AppContext(warehouse=warehouse, filters=filters))


def mart(warehouse, year: int, unit: str) -> pd.DataFrame:
    return warehouse.query(
        """SELECT person_key, person_name, person_email, unit_code, month, hours_validated::DOUBLE AS hv,
                  hours_pending::DOUBLE AS hp, credits::DOUBLE AS credits, valuation::DOUBLE AS valuation
           FROM marts.volunteer_hours
           WHERE year(month) = ? AND unit_code IN (SELECT unit_code FROM marts.org_rollup WHERE ancestor_code = ?)""",
        [year, unit])


@pytest.fixture(scope="module")
def sandbox_year(sandbox_warehouse) -> int:
    years = sandbox_warehouse.query("SELECT DISTINCT year(month) AS y FROM marts.volunteer_hours ORDER BY 1")["y"]
    assert len(years) >= 2, "the sandbox has volunteering over several years"
    return int(years.iloc[-2])  # a whole past year


@pytest.mark.parametrize("unit", ["R", "303", "30"])
def test_kpis_and_tables_equal_the_mart(sandbox_warehouse, sandbox_year, unit):
    page = build_page(sandbox_warehouse, str(sandbox_year), unit)
    expected = mart(sandbox_warehouse, sandbox_year, unit)
    assert not expected.empty
    k = page.kpi_data()
    assert float(k["hours_validated"]) == pytest.approx(expected["hv"].sum())
    assert float(k["hours_pending"]) == pytest.approx(expected["hp"].sum())
    assert float(k["valuation"]) == pytest.approx(expected["valuation"].sum())
    active = expected[(expected["hv"] != 0) | (expected["hp"] != 0)]["person_key"].nunique()
    assert int(k["members_active"]) == active

    members = page.members_data()
    by_person = expected.groupby("person_key")[["hv", "hp", "valuation"]].sum()
    assert sorted(members["person_key"]) == sorted(by_person.index)
    for row in members.itertuples():
        assert float(row.hours_validated) == pytest.approx(by_person.loc[row.person_key, "hv"])
        assert float(row.valuation) == pytest.approx(by_person.loc[row.person_key, "valuation"])
    assert list(members["hours_validated"]) == sorted(members["hours_validated"], reverse=True)

    units = page.units_data()
    per_unit = expected.groupby(["unit_code", "month"])[["hv", "hp"]].sum()
    assert len(units) == len(per_unit)
    for row in units.itertuples():
        assert float(row.hours_validated) == pytest.approx(per_unit.loc[(row.unit_code, row.month), "hv"])

    monthly = page.monthly_data()
    assert len(monthly) == 12
    assert monthly["hours_validated"].astype(float).sum() == pytest.approx(expected["hv"].sum())


def test_pending_actions_and_yearly_valuation_equal_the_marts(sandbox_warehouse):
    page = build_page(sandbox_warehouse, "2026", "R")
    pending = page.pending_data()
    expected = sandbox_warehouse.query(
        "SELECT count(*) AS n, sum(hours)::DOUBLE AS h FROM marts.volunteer_contributions "
        "WHERE state = 'pending' AND day < DATE '2027-01-01'").iloc[0]
    assert len(pending) == int(expected["n"]) > 0
    assert pending["hours"].astype(float).sum() == pytest.approx(expected["h"])
    yearly = page.yearly_data()
    valuation = sandbox_warehouse.query(
        "SELECT exercice, valuation::DOUBLE AS v, hours_validated::DOUBLE AS h FROM marts.volunteer_valuation "
        "ORDER BY exercice DESC")
    assert yearly["exercice"].tolist() == valuation["exercice"].tolist()
    assert yearly["valuation"].astype(float).tolist() == pytest.approx(valuation["v"].tolist())
    rate = float(sandbox_warehouse.query("SELECT volunteer_hourly_rate::DOUBLE AS r FROM staging.stg_ref__settings")["r"][0])
    assert rate == 11.88
    assert yearly["valuation"].astype(float).tolist() == pytest.approx([round(h * rate, 2) for h in valuation["h"]])


def test_members_csv_is_french_and_equals_the_table(sandbox_warehouse, sandbox_year):
    page = build_page(sandbox_warehouse, str(sandbox_year))
    data = page.members_data()
    text = csv_bytes(data, member_columns()).decode("utf-8-sig")
    back = pd.read_csv(io.StringIO(text), sep=";", decimal=",")
    assert list(back.columns)[:3] == ["Membre", "Correspondance", "Heures validées"]
    assert back["Heures validées"].sum() == pytest.approx(data["hours_validated"].astype(float).sum())
    assert back["Valorisation"].sum() == pytest.approx(data["valuation"].astype(float).sum(), abs=0.01)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    warehouse, _config = tiny_people_warehouse(tmp_path_factory.mktemp("volontariat"))
    return warehouse


def test_hand_made_figures(tiny):
    page = build_page(tiny, "2025")
    k = page.kpi_data()
    # 3 + 4 + 2 (adjustment) + 5 + 1 validated hours; 3 + 2 pending; 15 h × 12,50 €
    assert (float(k["hours_validated"]), float(k["hours_pending"]), float(k["valuation"])) == (15.0, 5.0, 187.5)
    assert int(k["members_active"]) == 4  # Alice, and the citizens C2 (pending), C3, C6 not matched yet
    members = page.members_data()
    assert members[["person_name", "hours_validated", "hours_pending", "match_text"]].values.tolist() == [
        ["Alice Payet", 9.0, 0.0, ""],
        ["Chloé Grondin", 5.0, 2.0, "à vérifier (Répertoire)"],
        ["Léa Payet", 1.0, 0.0, "à vérifier (Répertoire)"],
        ["Bob Hoarau", 0.0, 3.0, "à vérifier (Répertoire)"],
    ]
    potager = build_page(tiny, "2025", "303")
    assert float(potager.kpi_data()["hours_validated"]) == 7.0  # A1 3 h + A2 4 h
    assert potager.units_data()[["unit_code", "hours_validated", "hours_pending"]].values.tolist() == [
        ["303", 3.0, 3.0], ["303", 4.0, 2.0]]
    assert potager.pending_data()["action_id"].tolist() == ["A1", "A6"]
    assert page.yearly_data()[["exercice_label", "valuation"]].values.tolist() == [["2025", 187.5]]


def test_the_page_renders_its_figures_in_french(tiny):
    page = build_page(tiny, "2025")
    root = pn.panel(page).get_root()
    assert root is not None
    row = page.kpis()
    texts = " ".join(str(card.object) for card in row.objects)
    assert "15\u00a0h" in texts and formatting.money(187.5) in texts and "5\u00a0h en attente de validation" in texts
    assert html.escape(f"à {formatting.money(12.5)} de l'heure") in texts
