"""Suivi évènements: what the page shows equals its marts (sandbox), and its forms write through
the models (hand-made soirée of tests/sql/test_soiree_marts.py)."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from alambic import formatting
from alambic.users import User
from dashboards.app import AppContext
from dashboards.components import Filters, csv_bytes
from dashboards.session import acting_as
from dashboards.suivi_evenements import SuiviEvenements, season_columns
from tests.models import test_dispatch
from tests.sql.test_soiree_marts import KABAR

soiree_file, soiree_wh = test_dispatch.soiree_file, test_dispatch.soiree_wh  # the soirée's fixtures

ADMIN = User("admin", email="admin@exemple.re", role="admin")
MEMBER = User("membre", email="membre@exemple.re", role="member")


def make_page(warehouse, period: str, unit: str = "R", config=None, user=ADMIN) -> SuiviEvenements:
    with acting_as(user):
        filters = Filters.from_warehouse(warehouse)
        filters.period, filters.unit = period, unit
        return SuiviEvenements(context=AppContext(warehouse=warehouse, filters=filters, config=config))


def mart(warehouse, sql: str, params=None) -> pd.DataFrame:
    return warehouse.query(sql, params or [])


def html_text(pane) -> str:
    return pane.object if hasattr(pane, "object") else ""


def kpi(row, key: str) -> str:
    """The value shown by the KPI card `key` of a Row of cards."""
    for pane in row:
        if f'data-kpi="{key}"' in pane.object:
            return pane.object.split('class="kpi-value">')[1].split("</div>")[0]
    raise AssertionError(key)


# -- the sandbox: the page equals the marts ------------------------------------------------------

@pytest.mark.parametrize("unit", ["R", "501"])
def test_season_table_is_the_mart(sandbox_warehouse, unit):
    page = make_page(sandbox_warehouse, "2025", unit)
    shown = page.season_data()
    expected = mart(sandbox_warehouse, """
        SELECT event_id, takings, costs, result, dispatched, attendance FROM marts.soiree_results
        WHERE soiree_day >= DATE '2025-01-01' AND soiree_day < DATE '2026-01-01'
          AND (? = 'R' OR unit_code IN (SELECT unit_code FROM marts.org_rollup WHERE ancestor_code = ?))
        ORDER BY start_at, event_id""", [unit, unit])
    assert len(expected) > (10 if unit == "R" else 2)
    assert list(shown["event_id"]) == list(expected["event_id"])
    for column in ("takings", "costs", "result", "dispatched"):
        assert [Decimal(str(v)) for v in shown[column]] == [Decimal(str(v)) for v in expected[column]]
    totals = page.season_kpis()
    assert kpi(totals, "season_takings") == formatting.money(sum(Decimal(str(v)) for v in expected["takings"]))
    assert kpi(totals, "season_result") == formatting.money(sum(Decimal(str(v)) for v in expected["result"]))
    table = page.season()[0]
    assert list(table.value["Soirée"]) == list(shown["event_name"])
    table.selection = [1]  # a click on the second row opens that soirée
    assert page.event == shown.iloc[1]["event_id"] == page.soiree_select.value
    # the CSV export: one line per soirée, French amounts
    text = csv_bytes(page.season_data(), season_columns()).decode("utf-8-sig").splitlines()
    assert len(text) == len(expected) + 1 and text[0].startswith("Date;Soirée;Unité")


def test_a_soiree_detail_is_the_mart(sandbox_warehouse):
    page = make_page(sandbox_warehouse, "2025")
    chosen = mart(sandbox_warehouse, """
        SELECT * FROM marts.soiree_results WHERE soiree_day BETWEEN DATE '2025-01-01' AND DATE '2025-12-31'
          AND costs > 0 AND ticket_net > 0 ORDER BY start_at LIMIT 1""").iloc[0]
    page.soiree_select.value = chosen["event_id"]
    assert page.event == chosen["event_id"]
    detail = page.detail()
    kpis = detail[1]
    assert kpi(kpis, "takings") == formatting.money(chosen["takings"])
    assert kpi(kpis, "costs") == formatting.money(chosen["costs"])
    assert kpi(kpis, "result") == formatting.money(chosen["result"])
    assert kpi(kpis, "attendance") == f"{int(chosen['attendance'])} / {int(chosen['capacity'])}"
    products = mart(sandbox_warehouse, "SELECT family, sum(net) AS net, sum(quantity) AS quantity "
                                       "FROM marts.soiree_products WHERE event_id = ? GROUP BY family",
                    [chosen["event_id"]]).set_index("family")
    tickets = page.products_data("billet")
    total = tickets[tickets["is_total"].astype(bool)].iloc[0]
    assert Decimal(str(total["net"])) == Decimal(str(products.loc["billet", "net"])) == Decimal(str(chosen["ticket_net"]))
    assert int(total["quantity"]) == int(chosen["tickets"])
    bar = page.products_data("bar,recharge")
    assert Decimal(str(bar[bar["is_total"].astype(bool)]["net"].sum())) == Decimal(str(chosen["bar_net"]))
    costs = page.costs_data()
    assert Decimal(str(costs["amount"].sum())) == Decimal(str(chosen["costs"]))
    assert all(formatting.date(chosen["soiree_day"]) in label for label in costs["label"])


def test_a_member_without_rights_reads_why(sandbox_warehouse):
    page = make_page(sandbox_warehouse, "2025", user=MEMBER)
    [alert] = page.forms_area.objects
    assert "seul·es les référent·es budget" in alert.object
    admin = make_page(sandbox_warehouse, "2025", user=ADMIN)
    tools = admin._forms_layout()
    assert admin.forms_area.objects == [tools.__panel__()] and tools.current is None  # built when opened
    assert list(tools.buttons) == ["Ajouter ou retirer un·e référent·e", "Répartir les recettes entre les pôles"]
    assert admin.dispatch_save in tools.open(admin.dispatch_tool).select(type(admin.dispatch_save))


# -- the forms, on the hand-made soirée (takings 73 €, booked on 30301) --------------------------

def test_a_dispatch_that_does_not_add_up_is_refused_then_one_that_does_is_saved(soiree_wh):
    warehouse, config = soiree_wh
    page = make_page(warehouse, "2025", config=config)
    page.soiree_select.value = KABAR
    with acting_as(ADMIN):
        assert page._may_edit()
        page.dispatch_mode.value = "amount"
        page.dispatch_poles[0].value, page.dispatch_values[0].value = "101", "50"
        page.dispatch_poles[1].value, page.dispatch_values[1].value = "303", "20"
        assert 'data-rest="3.00"' in page.dispatch_rest.object and "3,00\u00a0€" in page.dispatch_rest.object
        assert not page.save_dispatch()
        assert "reste à répartir 3,00\u00a0€" in page.dispatch_message.object
        assert page.dispatch_message.alert_type == "danger"
        assert (page.dispatch_values[0].value, page.dispatch_values[1].value) == ("50", "20")  # input kept
        assert page.dispatch_data().empty

        page.dispatch_values[1].value = "23"
        assert 'data-rest="0.00"' in page.dispatch_rest.object
        assert page.save_dispatch()
    saved = page.dispatch_data()
    assert list(zip(saved["to_unit"], saved["amount"].map(lambda v: Decimal(str(v))))) == [
        ("101", Decimal("50.00")), ("303", Decimal("23.00"))]
    # the marts were rebuilt: the soirée's KPIs show the dispatch
    assert kpi(page.detail()[1], "dispatched") == formatting.money(Decimal("73"))
    assert page.dispatch_values[0].value == "50,00"  # the saved dispatch is back in the form


def test_a_referent_is_added_and_a_wrong_one_explained(soiree_wh):
    warehouse, config = soiree_wh
    page = make_page(warehouse, "2025", config=config)
    page.soiree_select.value = KABAR
    page.referents()
    assert page.referent_unit.value == "30301"  # the soirée's unit, offered
    with acting_as(ADMIN):
        page.referent_email.value = "pas une adresse"
        assert not page.add_referent()
        assert "adresse e-mail invalide" in page.referent_errors.object
        assert page.referent_email.value == "pas une adresse"
        page.referent_email.value = "bob@example.org"
        assert page.add_referent()
    assert sorted(page.referents_data()["person_email"]) == ["alice@example.org", "bob@example.org"]
    page.referents()
    bob = next(v for k, v in page.referent_remove_choice.options.items() if k.startswith("bob"))
    page.referent_remove_choice.value = bob
    with acting_as(ADMIN):
        assert page.remove_referent()
    assert list(page.referents_data()["person_email"]) == ["alice@example.org"]
