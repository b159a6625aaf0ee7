"""The subsidy form of Suivi subventions, with its échéancier: saved in one transaction and audited,
the page's figures rebuilt; wrong input told in French per field and per instalment, input kept;
a lost update shows both versions; only editable units are offered, and a forged save is refused."""

from __future__ import annotations

import html
import shutil

import pytest

from alambic.config import load_config
from alambic.users import User
from dashboards.app import AppContext
from dashboards.components import Filters
from dashboards.forms import RecordWithChildrenForm
from dashboards.session import acting_as
from dashboards.suivi_subventions import SuiviSubventions
from models import Subsidy
from sandbox.demo_config import write_demo_config
from sandbox.generate import generate
from warehouse.connection import Warehouse

FINANCE = User("tresoriere", "tresoriere@exemple.re", "finance")
OTHER = User("secretaire", "secretaire@exemple.re", "finance")
REFERENT = User("damien", "damien.barret@exemple.re", "member")  # referent_budget_subvention of 101 and 102
NOBODY = User("visiteur", "visiteur@exemple.re", "member")  # holds no budget role


@pytest.fixture
def writable(sandbox_warehouse, tmp_path):
    """A copy of the built sandbox, with the configuration it was built from (seed 42, scale 0.3)."""
    shutil.copy(sandbox_warehouse.path, tmp_path / "alambic.duckdb")
    config = load_config(write_demo_config(generate(seed=42, scale=0.3), tmp_path, tmp_path / "alambic.duckdb"))
    return Warehouse.from_config(config), config


def open_page(warehouse, config, who: User, period: str = "2027", unit: str = "R") -> SuiviSubventions:
    filters = Filters.from_warehouse(warehouse)
    filters.param.update(period=period, unit=unit)
    with acting_as(who):
        return SuiviSubventions(context=AppContext(warehouse=warehouse, filters=filters, config=config))


def text(pane) -> str:
    """What the user reads in an HTML pane (entities decoded)."""
    return html.unescape(pane.object)


def fill(widgets, **values):
    for name, value in values.items():
        widgets[name].value = value


SUBSIDY = dict(funder="Fondation Test", scheme="AAP Serres 2027", referent_email="jardin@exemple.re",
               unit_code="302", nature="fonctionnement", amount_requested="9 000", amount_granted="8 000,00",
               requested_on="15/01/2027", granted_on="01/03/2027", period_start="01/01/2027",
               period_end="31/12/2027", report_due_on="30/06/2028")


def enter_subsidy(form: RecordWithChildrenForm, instalments=(("avance", "3 000", "15/03/2027"),
                                                             ("solde", "5 000", "15/09/2027"))):
    form.start_new()
    fill(form.widgets, **SUBSIDY)
    for kind, amount, expected in instalments:
        row = form.add_row()
        fill(row.widgets, kind=kind, amount=amount, expected_on=expected)


def mart_totals(warehouse, exercice: int) -> dict:
    row = warehouse.query(
        """SELECT count(*) AS n, coalesce(sum(accorde), 0)::DOUBLE AS accorde,
                  coalesce(sum(reste_a_percevoir), 0)::DOUBLE AS reste
           FROM marts.subsidy_tracking WHERE exercice = ?""", [exercice]).iloc[0]
    return {"n": int(row["n"]), "accorde": round(row["accorde"], 2), "reste": round(row["reste"], 2)}


def test_a_subsidy_with_two_instalments_changes_the_page_and_is_audited(writable):
    warehouse, config = writable
    page = open_page(warehouse, config, FINANCE)
    form = page.entries.form
    before_mart, before_kpi = mart_totals(warehouse, 2027), page.kpi_data()
    enter_subsidy(form)
    with acting_as(FINANCE):
        assert form.save(), form.message
    assert form.message == "Enregistré." and form.record.id is not None
    # the marts were rebuilt: the page reads the new subsidy, its figures as the mart says
    after_mart, after_kpi = mart_totals(warehouse, 2027), page.kpi_data()
    assert after_mart["n"] == before_mart["n"] + 1
    assert after_mart["accorde"] - before_mart["accorde"] == 8000.0
    assert round(float(after_kpi["accorde"]) - float(before_kpi["accorde"]), 2) == 8000.0
    assert round(float(after_kpi["reste_a_percevoir"]) - float(before_kpi["reste_a_percevoir"]), 2) == 8000.0
    shown = page.subsidies_table().value
    assert any("Fondation Test" in str(cell) for cell in shown.iloc[:, 0])
    instalments = page.instalments_data()
    mine = instalments[instalments["funder"] == "Fondation Test"]
    assert sorted(mine["amount"].astype(float).tolist()) == [3000.0, 5000.0]
    # offered for editing, and audited with the right who (the subsidy and each instalment)
    assert form.record.id in page.entries.subsidy_choice.options.values()
    audit = warehouse.query("SELECT table_name, who, action FROM app.audit_log WHERE who = 'tresoriere' "
                            "ORDER BY audit_id")
    assert audit.values.tolist() == [["subsidies", "tresoriere", "insert"],
                                     ["subsidy_instalments", "tresoriere", "insert"],
                                     ["subsidy_instalments", "tresoriere", "insert"]]


def test_wrong_input_is_told_per_field_and_per_instalment_and_stays(writable):
    warehouse, config = writable
    page = open_page(warehouse, config, FINANCE)
    form = page.entries.form
    count = warehouse.query("SELECT count(*) AS n FROM app.subsidies").iloc[0]["n"]
    enter_subsidy(form, [("avance", "trois mille", "15/03/2027"), ("solde", "-5", "15/09/2027")])
    fill(form.widgets, amount_requested="-100", period_end="01/01/2026")
    with acting_as(FINANCE):
        assert not form.save()
    assert form.message_kind == "danger" and "Rien n'a été enregistré" in form.message
    assert "un montant négatif n'est pas accepté" in text(form.errors["amount_requested"])
    assert "est avant" in text(form.errors["period_end"])
    assert "Échéance 1 — Montant : saisissez un nombre" in text(form.rows[0].errors["amount"])
    assert "Échéance 2 — Montant : saisissez un montant supérieur à 0" in text(form.rows[1].errors["amount"])
    # the input stays as typed
    assert form.widgets["amount_requested"].value == "-100" and form.rows[0].widgets["amount"].value == "trois mille"
    assert len(form.rows) == 2
    # instalments above the granted amount: the model's message, under the échéancier
    fill(form.widgets, amount_requested="9 000", period_end="31/12/2027")
    fill(form.rows[0].widgets, amount="3 000")
    fill(form.rows[1].widgets, amount="5 000,01")
    with acting_as(FINANCE):
        assert not form.save()
    assert ("le total des échéances (8\u202f000,01\u00a0€) dépasse le montant accordé (8\u202f000,00\u00a0€)"
            in text(form.errors["instalments"]))
    assert form.rows[1].widgets["amount"].value == "5 000,01"
    assert warehouse.query("SELECT count(*) AS n FROM app.subsidies").iloc[0]["n"] == count
    # corrected: saved
    fill(form.rows[1].widgets, amount="5 000")
    with acting_as(FINANCE):
        assert form.save(), form.message
    assert text(form.errors["instalments"]) == ""


def test_editing_a_subsidy_adds_and_removes_instalments(writable):
    warehouse, config = writable
    page = open_page(warehouse, config, FINANCE)
    form = page.entries.form
    enter_subsidy(form)
    with acting_as(FINANCE):
        assert form.save()
    subsidy_id = form.record.id
    other = open_page(warehouse, config, FINANCE).entries  # a later session, choosing it from the list
    other.subsidy_choice.value = subsidy_id
    assert other.form.widgets["funder"].value == "Fondation Test" and len(other.form.rows) == 2
    assert other.form.rows[0].widgets["amount"].value == "3000,00"
    other.form.remove_row(other.form.rows[1])
    row = other.form.add_row()
    fill(row.widgets, kind="acompte", amount="2 000", expected_on="15/06/2027")
    row = other.form.add_row()
    fill(row.widgets, kind="solde", amount="3 000", expected_on="15/10/2027")
    with acting_as(FINANCE):
        assert other.form.save(), other.form.message
    stored = warehouse.query("SELECT kind, amount::DOUBLE AS amount FROM app.subsidy_instalments "
                             "WHERE subsidy_id = ? ORDER BY expected_on", [subsidy_id])
    assert stored.values.tolist() == [["avance", 3000.0], ["acompte", 2000.0], ["solde", 3000.0]]
    actions = warehouse.query("SELECT action, count(*) AS n FROM app.audit_log WHERE table_name = "
                              "'subsidy_instalments' GROUP BY 1 ORDER BY 1").values.tolist()
    assert actions == [["delete", 1], ["insert", 4]]


def test_a_second_editor_is_told_and_shown_both_versions(writable):
    warehouse, config = writable
    first = open_page(warehouse, config, FINANCE).entries
    enter_subsidy(first.form)
    with acting_as(FINANCE):
        assert first.form.save()
    subsidy_id = first.form.record.id
    mine, theirs = (open_page(warehouse, config, who).entries for who in (FINANCE, OTHER))
    mine.subsidy_choice.value = subsidy_id
    theirs.subsidy_choice.value = subsidy_id
    fill(theirs.form.rows[1].widgets, amount="4 000")
    fill(theirs.form.widgets, funder="Fondation Test (modifiée)")
    with acting_as(OTHER):
        assert theirs.form.save()
    fill(mine.form.rows[1].widgets, amount="4 500")
    with acting_as(FINANCE):
        assert not mine.form.save()
    assert mine.form.message_kind == "warning" and "secretaire" in mine.form.message
    comparison = text(mine.form.comparison)
    assert "Fondation Test (modifiée)" in comparison  # their funder beside yours
    assert "Montant : 4000,00" in comparison and "Montant : 4 500" in comparison  # the instalment, both versions
    stored = warehouse.query("SELECT funder FROM app.subsidies WHERE subsidy_id = ?", [subsidy_id]).iloc[0, 0]
    amounts = warehouse.query("SELECT amount::DOUBLE FROM app.subsidy_instalments WHERE subsidy_id = ? "
                              "ORDER BY expected_on", [subsidy_id]).iloc[:, 0].tolist()
    assert stored == "Fondation Test (modifiée)" and amounts == [3000.0, 4000.0]  # nothing overwritten
    assert mine.form.rows[1].widgets["amount"].value == "4 500"  # input kept
    # after seeing theirs, keep mine: exactly this form's version is written
    with acting_as(FINANCE):
        assert mine.form.save(overwrite=True), mine.form.message
    amounts = warehouse.query("SELECT amount::DOUBLE FROM app.subsidy_instalments WHERE subsidy_id = ? "
                              "ORDER BY expected_on", [subsidy_id]).iloc[:, 0].tolist()
    assert amounts == [3000.0, 4500.0]


def test_only_editable_units_are_offered_and_a_member_without_rights_reads_why(writable):
    warehouse, config = writable
    referent = open_page(warehouse, config, REFERENT).entries
    offered = set(referent.form.widgets["unit_code"].options.values()) - {None}
    held = """SELECT r.unit_code FROM marts.org_rollup AS r JOIN app.role_assignments AS a
                  ON a.unit_code = r.ancestor_code
               WHERE a.person_email = 'damien.barret@exemple.re' AND a.role_code = 'referent_budget_subvention'
                 AND a.started_on <= current_date AND (a.ended_on IS NULL OR a.ended_on >= current_date)"""
    below = set(warehouse.query(held)["unit_code"])
    assert {"101", "102"} <= below and "302" not in below
    assert offered == below & set(referent.filters.unit_labels())
    assert referent.can_enter
    # the list of subsidies to edit: those of the table shown that are theirs
    for period in ("2025", "2026"):
        page = open_page(warehouse, config, REFERENT, period=period)
        table = page.subsidies_data()
        table = table[~table["is_total"].astype(bool)]
        listed = set(page.entries.subsidy_choice.options.values()) - {None}
        assert listed == {int(i) for i, unit in zip(table["subsidy_id"], table["unit_code"]) if unit in below}
        assert len(listed) < len(table)
    # no rights: no form, a reason
    nobody = open_page(warehouse, config, NOBODY).entries
    assert not nobody.can_enter
    shown = nobody.__panel__()
    texts = [getattr(o, "object", "") for o in shown.objects]
    assert any("Vous ne pouvez pas saisir de subvention" in str(t) for t in texts)
    assert nobody.form not in shown.objects


def test_a_forged_save_on_another_pole_is_refused_and_nothing_is_written(writable):
    warehouse, config = writable
    entries = open_page(warehouse, config, REFERENT).entries
    form = entries.form
    enter_subsidy(form)
    # a forged browser message: a unit the list does not offer (Serre aquaponique, 302)
    form.widgets["unit_code"].options = {**form.widgets["unit_code"].options, "Serre aquaponique": "302"}
    form.widgets["unit_code"].value = "302"
    count = warehouse.query("SELECT count(*) AS n FROM app.audit_log").iloc[0]["n"]
    with acting_as(REFERENT):
        assert not form.save()
    assert form.message_kind == "danger" and "Vous ne pouvez pas modifier les subventions" in form.message
    assert warehouse.query("SELECT count(*) AS n FROM app.subsidies WHERE funder = 'Fondation Test'").iloc[0]["n"] == 0
    assert warehouse.query("SELECT count(*) AS n FROM app.audit_log").iloc[0]["n"] == count
    # the same form on their own pôle is saved
    form.widgets["unit_code"].value = "101"
    with acting_as(REFERENT):
        assert form.save(), form.message
    assert Subsidy.load(warehouse, form.record.id).unit_code == "101"

