"""Organigramme des rôles shows exactly marts.role_chart and marts.role_history — checked by
plain SQL over the marts — every vacancy the sandbox generator made shows as « vacant », and
assigning a vacant role through the page's form clears it once the marts are rebuilt."""

from __future__ import annotations

import io
import re
import shutil

import pandas as pd
import panel as pn
import pytest

from alambic.users import User
from dashboards.app import AppContext
from dashboards.components import Filters, csv_bytes
from dashboards.organigramme import Organigramme, chart_columns
from dashboards.session import acting_as
from warehouse.build import build
from warehouse.connection import Warehouse

ADMIN = User("admin", email="admin@exemple.re", role="admin")
ROW = re.compile(r'<tr class="(?:vacant|held)" data-unit="([^"]+)" data-role="([^"]+)" data-vacant="(true|false)"')


def build_page(warehouse, unit: str = "R", who: User = ADMIN, config=None) -> Organigramme:
    filters = Filters.from_warehouse(warehouse)
    filters.unit = unit
    with acting_as(who):
        return Organigramme(context=AppContext(warehouse=warehouse, config=config, filters=filters))


def shown_roles(page: Organigramme) -> dict[tuple[str, str], bool]:
    """(unit, role) → vacant, as the tree's HTML shows them."""
    html_text = page.tree()[0].object
    return {(unit, role): vacant == "true" for unit, role, vacant in ROW.findall(html_text)}


def mart_roles(warehouse, unit: str = "R") -> dict[tuple[str, str], bool]:
    rows = warehouse.query(
        """SELECT unit_code, role_code, bool_and(vacant) AS vacant FROM marts.role_chart
           WHERE unit_code IN (SELECT unit_code FROM marts.org_rollup WHERE ancestor_code = ?)
           GROUP BY ALL""", [unit])
    return {(r.unit_code, r.role_code): bool(r.vacant) for r in rows.itertuples()}


def sandbox_vacancies() -> list[tuple[str, str]]:
    """The generator's own list (sandbox/_roles.py `Roles.vacant`), drawn again from the same
    streams as sandbox.generate.generate(seed=42, scale=0.3) draws it."""
    from sandbox._common import IdSequence, stream
    from sandbox._people import build_people
    from sandbox._roles import assign_roles
    from sandbox._tree import build_units
    from sandbox.generate import generate

    org = generate(seed=42, scale=0.3)
    units = build_units(stream(42, "tree"), 0.3)
    people = build_people(stream(42, "people"), 0.3, org.today)
    roles = assign_roles(stream(42, "roles"), units, people, org.today, IdSequence())
    assert [(r["unit_code"], r["role_code"], r["person_email"]) for r in roles.rows] == [
        (r["unit_code"], r["role_code"], r["person_email"]) for r in org.app["role_assignments"]]
    return roles.vacant


def test_every_sandbox_vacancy_shows_as_vacant(sandbox_warehouse):
    vacant = sandbox_vacancies()
    assert 2 <= len(vacant) <= 3
    page = build_page(sandbox_warehouse)
    shown = shown_roles(page)
    assert shown == mart_roles(sandbox_warehouse)
    assert sorted(key for key, is_vacant in shown.items() if is_vacant) == sorted(vacant)
    assert len(shown) == 5 * sandbox_warehouse.query("SELECT count(*) AS n FROM ref.units WHERE level = 'pole'")["n"][0]


def test_tree_order_and_holders_equal_the_mart(sandbox_warehouse):
    page = build_page(sandbox_warehouse)
    units = page.units_data()
    expected = sandbox_warehouse.query(
        "SELECT unit_code FROM marts.org_tree WHERE level IN ('organisation', 'groupe', 'pole', 'projet') ORDER BY sort")
    assert units["unit_code"].tolist() == expected["unit_code"].tolist()  # groupe, its pôles, each with its projets
    html_text = page.tree()[0].object
    chart = sandbox_warehouse.query(
        "SELECT person_name, person_email FROM marts.role_chart WHERE NOT vacant")
    for row in chart.itertuples():
        shown = f"{row.person_name} ({row.person_email})" if isinstance(row.person_name, str) else row.person_email
        assert shown in html_text
    assert html_text.count('class="badge-vacant"') == len(sandbox_vacancies())


def test_cards_count_the_mart(sandbox_warehouse):
    page = build_page(sandbox_warehouse)
    cards = {re.search(r'data-kpi="(\w+)"', p.object).group(1): p.object for p in page.kpis().select(pn.pane.HTML)}
    counts = sandbox_warehouse.query(
        """SELECT count(*) AS needed, count(*) FILTER (WHERE vacant) AS vacant FROM
           (SELECT unit_code, role_code, bool_and(vacant) AS vacant FROM marts.role_chart GROUP BY ALL)""").iloc[0]
    value = lambda key: int(re.search(r'kpi-value">([\d\u202f]+)<', cards[key]).group(1).replace("\u202f", ""))
    assert value("roles_needed") == counts["needed"]
    assert value("roles_vacant") == counts["vacant"] == len(sandbox_vacancies())
    assert value("roles_held") == counts["needed"] - counts["vacant"]
    assert "kpi-alert" in cards["roles_vacant"]


def test_a_pole_shows_its_own_roles_and_history(sandbox_warehouse):
    pole = sandbox_vacancies()[0][0]
    page = build_page(sandbox_warehouse, unit=pole)
    assert shown_roles(page) == mart_roles(sandbox_warehouse, pole)
    assert set(shown_roles(page)) == {(pole, r) for r in ("garant_cadre", "referent_budget_subvention",
                                                           "referent_taches_planning", "prestation_interne",
                                                           "bienveillant")}
    history = page.history_data()
    expected = sandbox_warehouse.query("SELECT assignment_id FROM marts.role_history WHERE unit_code = ?", [pole])
    assert sorted(history["assignment_id"].tolist()) == sorted(expected["assignment_id"].tolist())
    assert set(history["status_label"]) <= {"En cours", "Terminée", "À venir"}


def test_csv_export_has_one_line_per_chart_row(sandbox_warehouse):
    page = build_page(sandbox_warehouse)
    data = page.chart_data()
    frame = pd.read_csv(io.BytesIO(csv_bytes(data, chart_columns())), sep=";", encoding="utf-8-sig", dtype=str)
    assert len(frame) == len(sandbox_warehouse.query("SELECT * FROM marts.role_chart"))
    assert list(frame.columns)[:4] == ["Unité", "Niveau", "Rôle", "Titulaire"]
    assert (frame["Vacant"] == "oui").sum() == len(sandbox_vacancies())


def test_a_member_who_is_not_garant_reads_why_there_is_no_form(sandbox_warehouse):
    page = build_page(sandbox_warehouse, who=User("membre", email="personne@exemple.re", role="member"))
    forms = page.forms()
    assert isinstance(forms, pn.pane.Alert)  # no form to fill in vain
    assert forms.object.startswith("Seul·es les garant·es du cadre d'une unité")


def test_the_role_forms_are_built_only_when_opened(sandbox_warehouse):
    page = build_page(sandbox_warehouse)
    page.__panel__()
    tools = page.tools
    assert list(tools.buttons) == ["Attribuer un rôle", "Terminer un rôle"]
    assert tools.current is None and not tools.is_built("Attribuer un rôle")
    assert tools.open("Attribuer un rôle") is page.assign_form
    tools.open("Terminer un rôle")
    assert page.end_choice in tools.tool("Terminer un rôle").objects[1].objects


# -- assigning and ending, with the configuration (the marts are rebuilt) -------------------------

@pytest.fixture(scope="module")
def small_built(tmp_path_factory):
    """The example tree (pôles 101 and 303), as_of 2025-03-15, the garant·e of 303 held, the rest vacant."""
    from tests.conftest import small_config

    config = small_config(tmp_path_factory.mktemp("organigramme"))
    warehouse = Warehouse.from_config(config)
    build(warehouse, config.settings())
    with warehouse.write("rôles de test") as con:
        con.execute("INSERT INTO app.role_assignments (unit_code, role_code, person_email, started_on) "
                    "VALUES ('303', 'garant_cadre', 'alice@exemple.re', DATE '2024-01-01')")
    build(warehouse, config.settings())
    return config


@pytest.fixture
def small(small_built, tmp_path):
    """A fresh copy for each test (a save rebuilds the copy's marts, with the same configuration)."""
    path = tmp_path / "alambic.duckdb"
    shutil.copy(small_built.warehouse_path, path)
    return Warehouse(path, lock_timeout=10), small_built


def test_assigning_a_vacant_role_clears_it(small):
    warehouse, config = small
    page = build_page(warehouse, config=config)
    assert shown_roles(page)[("303", "referent_budget_subvention")] is True
    form = page.assign_form
    form.widgets["unit_code"].value = "303"
    assert set(form.widgets["role_code"].options.values()) == {None, "garant_cadre", "referent_budget_subvention",
                                                               "referent_taches_planning", "prestation_interne",
                                                               "bienveillant"}
    form.widgets["role_code"].value = "referent_budget_subvention"
    form.widgets["person_email"].value = "alice@exemple.re"
    form.widgets["started_on"].value = "01/03/2025"
    with acting_as(ADMIN):
        assert form.save(), form.message
    assert shown_roles(page)[("303", "referent_budget_subvention")] is False
    assert mart_roles(warehouse)[("303", "referent_budget_subvention")] is False
    assert "alice@exemple.re depuis le 01/03/2025" not in page.tree()[0].object  # a name-less holder shows the e-mail
    assert "alice@exemple.re</span> <span class=\"org-since\">depuis le 01/03/2025" in page.tree()[0].object


def test_after_a_save_the_next_entry_is_a_new_assignment(small):
    """#12.12: two roles entered one after the other are two assignments; the first is unchanged."""
    warehouse, config = small
    page = build_page(warehouse, config=config)
    form = page.assign_form
    before = warehouse.query("SELECT count(*) AS n FROM app.role_assignments")["n"].iloc[0]
    for role, person in (("referent_budget_subvention", "alice@exemple.re"), ("bienveillant", "alice@exemple.re")):
        form.widgets["unit_code"].value = "303"
        form.widgets["role_code"].value = role
        form.widgets["person_email"].value = person
        form.widgets["started_on"].value = "01/03/2025"
        with acting_as(ADMIN):
            assert form.save(), form.message
        assert form.message_kind == "success" and form.message
        assert form.record.id is None and form.widgets["role_code"].value is None  # an empty form
    rows = warehouse.query("SELECT unit_code, role_code FROM app.role_assignments ORDER BY assignment_id")
    assert len(rows) == before + 2
    assert rows.tail(2).values.tolist() == [["303", "referent_budget_subvention"], ["303", "bienveillant"]]


def test_ending_a_role_keeps_it_in_the_history_and_makes_it_vacant(small):
    warehouse, config = small
    page = build_page(warehouse, config=config)
    (choice,) = [v for v in page.end_choice.options.values() if v is not None]
    page.end_choice.value = choice
    page.end_date.value = "31/12/2023"  # before the start: refused, the input kept
    with acting_as(ADMIN):
        assert not page.end_role()
    assert "est avant celle du champ « Depuis le » (01/01/2024)" in page.end_error.object
    assert page.end_date.value == "31/12/2023"
    page.end_date.value = "14/03/2025"
    with acting_as(ADMIN):
        assert page.end_role(), page.end_message.object
    assert shown_roles(page)[("303", "garant_cadre")] is True
    history = page.history_data("R")
    assert history[["person_email", "ended_on", "status"]].values.tolist() == [
        ["alice@exemple.re", pd.Timestamp(2025, 3, 14), "terminee"]]
    assert [v for v in page.end_choice.options.values() if v is not None] == []


def test_the_garant_of_another_pole_is_refused_and_told(small):
    warehouse, config = small
    stranger = User("bob", email="bob@exemple.re", role="member")
    with warehouse.write("rôle de test") as con:
        con.execute("INSERT INTO app.role_assignments (unit_code, role_code, person_email, started_on) "
                    "VALUES ('101', 'garant_cadre', 'bob@exemple.re', DATE '2024-01-01')")
    page = build_page(warehouse, config=config, who=stranger)
    assert set(page.assign_form.widgets["unit_code"].options.values()) == {None, "101"}
    form = page.assign_form
    unit = form.widgets["unit_code"]
    unit.options = {**unit.options, "Potager": "303"}  # as a forged request would
    unit.value = "303"
    form.widgets["role_code"].value = "bienveillant"
    form.widgets["person_email"].value = "alice@exemple.re"
    form.widgets["started_on"].value = "01/03/2025"
    with acting_as(stranger):
        assert not form.save()
    assert "seul·es les garant·es du cadre" in form.message
    assert warehouse.query("SELECT count(*) AS n FROM app.role_assignments WHERE unit_code = '303'")["n"][0] == 1
