"""The roles chart (marts.role_chart) and its history (marts.role_history) on hand-made roles:
held, vacant, ended the day before, ended on the day itself, starting later, two bienveillant·es,
a handover — each expected row written out by hand from the facts below.

Tree (alambic.example.toml): R → 10 Les communs → 101 Outils communs ;
                             R → 30 Jardin → 303 Potager → 30301 Jardin partagé.
as_of = 2025-03-15. Roles needed: the five default roles on each pôle (101, 303).
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import small_config
from warehouse.build import build
from warehouse.connection import Warehouse
from warehouse.load import load_records
from warehouse.migrations import migrate

D = date
ROLES = ["garant_cadre", "referent_budget_subvention", "referent_taches_planning", "prestation_interne", "bienveillant"]

ASSIGNMENTS = [  # unit, role, e-mail as typed, started_on, ended_on
    ("303", "garant_cadre", " Alice@Exemple.re", D(2024, 1, 1), None),             # held
    ("303", "referent_budget_subvention", "bruno@exemple.re", D(2023, 6, 1), D(2025, 3, 14)),  # ended yesterday: vacant
    ("303", "referent_taches_planning", "chloe@exemple.re", D(2025, 4, 1), None),  # starts later: vacant, next holder
    ("303", "prestation_interne", "dan@exemple.re", D(2024, 9, 1), D(2025, 3, 15)),  # ends today: still held
    ("303", "bienveillant", "eva@exemple.re", D(2024, 2, 1), None),                # two bienveillant·es
    ("303", "bienveillant", "fred@exemple.re", D(2025, 1, 10), None),
    ("101", "garant_cadre", "gaby@exemple.re", D(2023, 1, 1), D(2025, 2, 28)),     # handover on 1 March
    ("101", "garant_cadre", "hugo@exemple.re", D(2025, 3, 1), None),
]

PARTNERS = [
    {"id": 1, "name": "Alice Payet", "display_name": "Alice Payet", "email": "alice@exemple.re", "is_company": False},
    {"id": 2, "name": "Hugo Grondin", "display_name": "Hugo Grondin", "email": "HUGO@exemple.re", "is_company": False},
    {"id": 3, "name": "Eva Hoarau", "display_name": "Eva Hoarau", "email": "eva@exemple.re", "is_company": False},
]


def built(directory, text_change=None) -> Warehouse:
    config = small_config(directory)
    if text_change:
        config.path.write_text(text_change(config.path.read_text(encoding="utf-8")), encoding="utf-8")
        from alambic.config import load_config

        config = load_config(config.path)
    warehouse = Warehouse.from_config(config)
    migrate(warehouse)
    load_records(warehouse, "odoo", "res_partner", PARTNERS)
    with warehouse.write("rôles de test") as con:
        con.executemany(
            "INSERT INTO app.role_assignments (unit_code, role_code, person_email, started_on, ended_on) "
            "VALUES (?, ?, ?, ?, ?)", ASSIGNMENTS)
    build(warehouse, config.settings())
    return warehouse


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Warehouse:
    return built(tmp_path_factory.mktemp("roles"))


def chart(warehouse: Warehouse) -> list[tuple]:
    with warehouse.read() as con:
        return con.execute(
            "SELECT unit_code, role_code, person_email, person_name, since, until, vacant, holder_count, "
            "next_person_email, next_started_on FROM marts.role_chart").fetchall()


def test_role_chart_by_hand(warehouse):
    assert chart(warehouse) == [
        # 101 Outils communs (groupe 10 comes first in the tree): the handover — hugo holds it since 1 March
        ("101", "garant_cadre", "hugo@exemple.re", "Hugo Grondin", D(2025, 3, 1), None, False, 1, None, None),
        ("101", "referent_budget_subvention", None, None, None, None, True, 0, None, None),
        ("101", "referent_taches_planning", None, None, None, None, True, 0, None, None),
        ("101", "prestation_interne", None, None, None, None, True, 0, None, None),
        ("101", "bienveillant", None, None, None, None, True, 0, None, None),
        # 303 Potager
        ("303", "garant_cadre", "alice@exemple.re", "Alice Payet", D(2024, 1, 1), None, False, 1, None, None),
        ("303", "referent_budget_subvention", None, None, None, None, True, 0, None, None),
        ("303", "referent_taches_planning", None, None, None, None, True, 0, "chloe@exemple.re", D(2025, 4, 1)),
        ("303", "prestation_interne", "dan@exemple.re", None, D(2024, 9, 1), D(2025, 3, 15), False, 1, None, None),
        ("303", "bienveillant", "eva@exemple.re", "Eva Hoarau", D(2024, 2, 1), None, False, 2, None, None),
        ("303", "bienveillant", "fred@exemple.re", None, D(2025, 1, 10), None, False, 2, None, None),
    ]


def test_role_chart_labels_and_tree(warehouse):
    with warehouse.read() as con:
        rows = con.execute(
            "SELECT DISTINCT unit_code, unit_name, level, path, role_code, role_label, as_of FROM marts.role_chart "
            "WHERE role_code = 'garant_cadre' ORDER BY path").fetchall()
    assert rows == [
        ("101", "Outils communs", "pole", "R/10/101", "garant_cadre", "Garant·e du cadre", D(2025, 3, 15)),
        ("303", "Potager", "pole", "R/30/303", "garant_cadre", "Garant·e du cadre", D(2025, 3, 15)),
    ]


def test_role_history_keeps_every_assignment(warehouse):
    with warehouse.read() as con:
        rows = con.execute(
            "SELECT unit_code, role_code, person_email, started_on, ended_on, status, days_held, role_label "
            "FROM marts.role_history ORDER BY unit_code, role_code, started_on").fetchall()
    assert rows == [
        ("101", "garant_cadre", "gaby@exemple.re", D(2023, 1, 1), D(2025, 2, 28), "terminee", 365 + 366 + 31 + 28, "Garant·e du cadre"),
        ("101", "garant_cadre", "hugo@exemple.re", D(2025, 3, 1), None, "en_cours", 15, "Garant·e du cadre"),
        ("303", "bienveillant", "eva@exemple.re", D(2024, 2, 1), None, "en_cours", 29 + 306 + 31 + 28 + 15, "Bienveillant·e"),
        ("303", "bienveillant", "fred@exemple.re", D(2025, 1, 10), None, "en_cours", 22 + 28 + 15, "Bienveillant·e"),
        ("303", "garant_cadre", "alice@exemple.re", D(2024, 1, 1), None, "en_cours", 366 + 31 + 28 + 15, "Garant·e du cadre"),
        ("303", "prestation_interne", "dan@exemple.re", D(2024, 9, 1), D(2025, 3, 15), "en_cours", 122 + 31 + 28 + 15, "Prestation interne"),
        ("303", "referent_budget_subvention", "bruno@exemple.re", D(2023, 6, 1), D(2025, 3, 14), "terminee", 214 + 366 + 31 + 28 + 14, "Référent·e budget / subvention"),
        ("303", "referent_taches_planning", "chloe@exemple.re", D(2025, 4, 1), None, "a_venir", 0, "Référent·e tâches / planning"),
    ]


def test_a_role_needed_on_groupes_too_comes_before_the_poles_below(tmp_path):
    """`levels = ["groupe", "pole"]` for the garant·e: each groupe gets the row, in tree order."""
    def garant_on_groupes(text: str) -> str:
        head, _sep, tail = text.partition('code = "garant_cadre"\nlabel = "Garant·e du cadre"\nlevels = ["pole"]')
        assert _sep
        return head + 'code = "garant_cadre"\nlabel = "Garant·e du cadre"\nlevels = ["groupe", "pole"]' + tail

    warehouse = built(tmp_path, garant_on_groupes)
    with warehouse.read() as con:
        rows = con.execute("SELECT unit_code, vacant FROM marts.role_chart WHERE role_code = 'garant_cadre'").fetchall()
    assert rows == [("10", True), ("101", False), ("30", True), ("303", False)]
