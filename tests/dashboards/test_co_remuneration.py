"""Co-rémunération page: what it shows equals marts.remuneration_proposals on the sandbox; a
member proposes through the form, the pôle's référent·e validates or refuses on the page, and
every list and count follows (the marts are rebuilt after each write)."""

from __future__ import annotations

import io
import shutil

import pandas as pd
import pytest

from alambic.config import load_config
from dashboards.app import AppContext
from dashboards.co_remuneration import CoRemuneration
from dashboards.components import Filters, state_labels
from models import Actor
from sandbox.demo_config import write_demo_config
from sandbox.generate import generate
from warehouse.connection import Warehouse

SUBTREE = "SELECT unit_code FROM marts.org_rollup WHERE ancestor_code = ?"


def page_for(warehouse, who, unit="R", period="", config=None) -> CoRemuneration:
    filters = Filters.from_warehouse(warehouse)
    filters.param.update(unit=unit, **({"period": period} if period else {}))
    return CoRemuneration(context=AppContext(warehouse=warehouse, filters=filters, config=config), who=lambda: who)


def sandbox_people(warehouse) -> tuple[Actor, Actor, str]:
    """A pôle's référent·e budget, a member with proposals who is not them, and the pôle."""
    referent, unit = warehouse.query(
        "SELECT a.person_email, a.unit_code FROM app.role_assignments AS a JOIN ref.units AS u USING (unit_code) "
        "WHERE a.role_code = 'referent_budget_subvention' AND a.ended_on IS NULL AND u.level = 'pole' "
        "ORDER BY a.unit_code LIMIT 1").iloc[0]
    member = warehouse.query(
        "SELECT person_email FROM marts.remuneration_proposals WHERE person_email <> ? "
        "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1", [referent]).iloc[0, 0]
    return Actor("membre", member, "member"), Actor("referente", referent, "member"), unit


def test_the_sandbox_has_proposals_in_every_state(sandbox_warehouse):
    states = set(sandbox_warehouse.query("SELECT DISTINCT status FROM marts.remuneration_proposals")["status"])
    assert states == {"proposee", "validee", "refusee", "facturee", "payee"}


@pytest.mark.parametrize("unit", ["R", "pole"])
def test_unit_proposals_and_states_equal_the_mart(sandbox_warehouse, unit):
    member, _, pole = sandbox_people(sandbox_warehouse)
    code = pole if unit == "pole" else "R"
    page = page_for(sandbox_warehouse, member, unit=code)
    period = page.filters.current
    expected = sandbox_warehouse.query(
        f"SELECT proposal_id, status, amount, odoo_move_name FROM marts.remuneration_proposals "
        f"WHERE unit_code IN ({SUBTREE}) AND end_date >= ? AND end_date < ? ORDER BY end_date DESC, proposal_id DESC",
        [code, period.start, period.end])
    shown = page.unit_data()
    assert len(expected) > 0
    assert shown["proposal_id"].tolist() == expected["proposal_id"].tolist()
    assert shown["status"].tolist() == expected["status"].tolist()
    assert shown["amount"].tolist() == expected["amount"].tolist()

    states = page.state_data().set_index("status")
    for status in ("proposee", "validee", "refusee", "facturee", "payee"):
        rows = expected[expected["status"] == status]
        assert int(states.loc[status, "proposals"]) == len(rows)
        assert round(float(states.loc[status, "amount"]), 2) == round(float(rows["amount"].sum()), 2)
    assert int(states.loc["total", "proposals"]) == len(expected)

    # the table shows the rows in French, the CSV holds the same rows
    table = page.unit_proposals()[1]
    assert len(table.value) == len(expected)
    assert set(table.value["Statut"]) <= set(state_labels().values())
    csv = page.unit_proposals()[2].callback().read().decode("utf-8-sig")
    frame = pd.read_csv(io.StringIO(csv), sep=";", decimal=",")
    assert frame["N°"].tolist() == expected["proposal_id"].tolist()
    assert [round(x, 2) for x in frame["Montant"]] == [round(float(x), 2) for x in expected["amount"]]


def test_my_proposals_are_mine_only(sandbox_warehouse):
    member, _, _ = sandbox_people(sandbox_warehouse)
    page = page_for(sandbox_warehouse, member)
    expected = sandbox_warehouse.query(
        "SELECT proposal_id FROM marts.remuneration_proposals WHERE person_email = ? "
        "ORDER BY end_date DESC, proposal_id DESC", [member.email])
    assert page.mine_data()["proposal_id"].tolist() == expected["proposal_id"].tolist()
    assert len(page.mine().value) == len(expected)


def test_waiting_for_my_decision_keeps_my_units_and_not_my_own(sandbox_warehouse):
    _, referent, pole = sandbox_people(sandbox_warehouse)
    page = page_for(sandbox_warehouse, referent)
    # the units under those where the référent·e holds the budget role today
    expected = sandbox_warehouse.query(
        "SELECT p.proposal_id FROM app.remuneration_proposals AS p WHERE p.status = 'proposee' "
        "AND lower(p.person_email) <> lower(?) AND p.unit_code IN ("
        "  SELECT r.unit_code FROM marts.org_rollup AS r JOIN app.role_assignments AS a ON a.unit_code = r.ancestor_code"
        "  WHERE lower(a.person_email) = lower(?) AND a.role_code = 'referent_budget_subvention'"
        "    AND a.started_on <= current_date AND (a.ended_on IS NULL OR a.ended_on >= current_date)) "
        "ORDER BY p.created_at, p.proposal_id", [referent.email, referent.email])
    assert pole in page.decidable
    assert page.pending_data()["proposal_id"].tolist() == expected["proposal_id"].tolist()
    page.pending()
    assert sorted(v for v in page.pending_choice.options.values() if v is not None) == sorted(expected["proposal_id"])


@pytest.fixture
def writable(sandbox_warehouse, tmp_path):
    """A copy of the built sandbox, with the configuration it was built from (seed 42, scale 0.3)."""
    shutil.copy(sandbox_warehouse.path, tmp_path / "alambic.duckdb")
    config = load_config(write_demo_config(generate(seed=42, scale=0.3), tmp_path, tmp_path / "alambic.duckdb"))
    return Warehouse.from_config(config), config


def test_propose_then_validate_and_refuse_on_the_page(writable):
    warehouse, config = writable
    member, referent, pole = sandbox_people(warehouse)
    as_member = page_for(warehouse, member, unit=pole, config=config)
    form = as_member.form
    assert form.widgets["person_email"].value == member.email and form.widgets["person_email"].disabled
    before = as_member.state_data().set_index("status")
    mine_before = len(as_member.mine_data())
    end = as_member.filters.current.start.strftime("%d/%m/%Y")
    values = dict(unit_code=pole, kind="bienveillance", mission="Accueil des soirées", hours="10",
                  hourly_rate="25", start_date=end, end_date="01/01/1999")
    for name, value in values.items():
        form.widgets[name].value = value
    assert not form.save()  # the end is before the start: nothing saved, the input stays
    assert form.widgets["end_date"].value == "01/01/1999" and "Fin : la date" in form.errors["end_date"].object
    form.widgets["end_date"].value = end
    assert form.save(), form.message
    after = as_member.state_data().set_index("status")
    assert int(after.loc["proposee", "proposals"]) == int(before.loc["proposee", "proposals"]) + 1
    assert round(float(after.loc["proposee", "amount"]) - float(before.loc["proposee", "amount"]), 2) == 250
    assert len(as_member.mine_data()) == mine_before + 1
    new_id = int(form.record.id)

    # a second one, to be refused
    form.new_button.clicks += 1  # « Nouvelle saisie »
    assert form.widgets["person_email"].value == member.email
    for name, value in dict(values, mission="Doublon", end_date=end).items():
        form.widgets[name].value = value
    assert form.save(), form.message
    refused_id = int(form.record.id)

    as_referent = page_for(warehouse, referent, unit=pole, config=config)
    as_referent.pending()
    assert {new_id, refused_id} <= set(as_referent.pending_choice.options.values())
    as_referent.pending_choice.value = new_id
    as_referent.comment.value = "Validé en cercle"
    assert as_referent.decide("validee"), as_referent.decision_message
    as_referent.pending()
    as_referent.pending_choice.value = refused_id
    as_referent.comment.value = ""
    assert not as_referent.decide("refusee")  # a refusal needs its comment
    assert "dites pourquoi" in as_referent.decision_message
    as_referent.comment.value = "Doublon avec la proposition n° %d" % new_id
    assert as_referent.decide("refusee"), as_referent.decision_message

    mine = as_member.mine_data().set_index("proposal_id")
    assert mine.loc[new_id, "status"] == "validee" and mine.loc[new_id, "decided_by"] == "referente"
    assert mine.loc[refused_id, "status"] == "refusee"
    assert mine.loc[refused_id, "decision_comment"] == f"Doublon avec la proposition n° {new_id}"
    lines = warehouse.query("SELECT status, counts_as FROM marts.budget_lines WHERE line_key = ?",
                            [f"alambic:proposal:{new_id}"])
    assert lines.values.tolist() == [["a_facturer", "engage"]]
    # the member cannot decide on their own: it is not in their list
    assert new_id not in set(page_for(warehouse, member).pending_data()["proposal_id"])
