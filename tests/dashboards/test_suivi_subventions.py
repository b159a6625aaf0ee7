"""Suivi subventions shows, for an exercice and a unit, exactly marts.subsidy_tracking and the
échéancier of marts.subsidy_instalments_timeline — checked by plain SQL over the marts."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest

from alambic import formatting
from dashboards.app import AppContext
from dashboards.components import Filters, csv_bytes
from dashboards.suivi_subventions import SuiviSubventions, instalment_columns, subsidy_columns

MONEY = ["demande", "accorde", "verse", "reste_a_percevoir", "depense", "reste_a_depenser"]
SHOWN = {"demande": "Demandé", "accorde": "Accordé", "verse": "Versé", "reste_a_percevoir": "Reste à percevoir",
         "depense": "Dépensé", "reste_a_depenser": "Reste à dépenser"}


def mart_rows(warehouse, exercice: int, unit: str = "R") -> pd.DataFrame:
    return warehouse.query(
        f"""SELECT subsidy_id, funder, scheme, unit_code, nature, report_due_on, has_late_instalment,
                   {", ".join(f"coalesce({c}, 0)::DOUBLE AS {c}" for c in MONEY)}
            FROM marts.subsidy_tracking
            WHERE exercice = ?
              AND unit_code IN (SELECT unit_code FROM marts.org_rollup WHERE ancestor_code = ?)
            ORDER BY funder, scheme, subsidy_id""",
        [exercice, unit])


def exercices(warehouse) -> list[int]:
    return warehouse.query("SELECT DISTINCT exercice FROM marts.subsidy_tracking ORDER BY 1")["exercice"].tolist()


OWN = ["demande", "accorde", "verse", "reste_a_percevoir"]  # the subsidy's own; « Dépensé » is shared


def build_page(warehouse, period: str, unit: str = "R") -> SuiviSubventions:
    filters = Filters.from_warehouse(warehouse)
    filters.param.update(period=period, unit=unit)
    assert not filters.period_error
    return SuiviSubventions(context=AppContext(warehouse=warehouse, filters=filters))


def test_the_sandbox_has_subsidies_over_several_exercices(sandbox_warehouse):
    assert len(exercices(sandbox_warehouse)) >= 2


@pytest.mark.parametrize("position", [0, 1, -1])
def test_subsidies_table_equals_the_mart_for_an_exercice(sandbox_warehouse, position):
    exercice = exercices(sandbox_warehouse)[position]
    page = build_page(sandbox_warehouse, str(exercice))
    expected = mart_rows(sandbox_warehouse, exercice)
    data = page.subsidies_data()
    body = data[~data["is_total"]].reset_index(drop=True)
    assert body["subsidy_id"].astype(int).tolist() == expected["subsidy_id"].astype(int).tolist()
    for column in OWN:
        assert body[column].astype(float).round(2).tolist() == expected[column].round(2).tolist(), column
    total = data[data["is_total"]].iloc[0]
    for column in MONEY:
        assert round(float(total[column]), 2) == round(body[column].astype(float).sum(), 2), column
    # the table as shown: French titles, money numeric, the total row last
    shown = page.subsidies_table().value
    assert list(shown.columns) == ["Financeur · Dispositif / AAP", "Unité", "Nature", "Demandé", "Accordé",
                                   "Versé", "Reste à percevoir", "Dépensé", "Reste à dépenser",
                                   "Compte rendu dû le", "Pièce Odoo", "Suivi"]
    for column, title in SHOWN.items():
        assert shown[title].round(2).tolist()[:-1] == body[column].astype(float).round(2).tolist(), title
        assert round(shown[title].iloc[-1], 2) == round(body[column].astype(float).sum(), 2)
    assert "Total" in shown.iloc[-1, 0]
    assert set(body["nature_label"]) <= {"Fonctionnement", "Investissement"}
    assert [formatting.date(d) for d in expected["report_due_on"]] == shown["Compte rendu dû le"].tolist()[:-1]


def test_unit_filter_keeps_the_units_subtree(sandbox_warehouse):
    exercice = exercices(sandbox_warehouse)[-1]
    unit = mart_rows(sandbox_warehouse, exercice)["unit_code"].iloc[0]
    parent = sandbox_warehouse.query("SELECT parent_code FROM marts.org_tree WHERE unit_code = ?", [unit])["parent_code"][0]
    page = build_page(sandbox_warehouse, str(exercice), parent)
    expected = mart_rows(sandbox_warehouse, exercice, parent)
    data = page.subsidies_data()
    assert sorted(data[~data["is_total"]]["subsidy_id"].astype(int)) == sorted(expected["subsidy_id"].astype(int))
    assert 0 < len(expected) <= len(mart_rows(sandbox_warehouse, exercice))


def test_kpis_are_the_tables_totals(sandbox_warehouse):
    exercice = exercices(sandbox_warehouse)[-1]
    page = build_page(sandbox_warehouse, str(exercice))
    expected = mart_rows(sandbox_warehouse, exercice)
    late = sandbox_warehouse.query(
        """SELECT count(*) AS n, coalesce(sum(amount), 0)::DOUBLE AS amount
           FROM marts.subsidy_instalments_timeline
           WHERE status = 'en retard' AND subsidy_id IN (SELECT subsidy_id FROM marts.subsidy_tracking
                                                          WHERE exercice = ?)""", [exercice]).iloc[0]
    k = page.kpi_data()
    assert round(float(k["accorde"]), 2) == round(expected["accorde"].sum(), 2)
    assert round(float(k["reste_a_percevoir"]), 2) == round(expected["reste_a_percevoir"].sum(), 2)
    assert int(k["late_count"]) == int(late["n"])
    assert round(float(k["late_amount"]), 2) == round(float(late["amount"]), 2)
    html = "".join(str(p.object) for p in page.kpis().select(lambda o: hasattr(o, "object")))
    assert formatting.money(round(expected["accorde"].sum(), 2)) in html
    assert "Reste à percevoir" in html and "Prochain compte rendu financier" in html


def test_instalment_timeline_sorted_with_french_statuses_and_links(sandbox_warehouse):
    exercice = exercices(sandbox_warehouse)[-1]
    page = build_page(sandbox_warehouse, str(exercice))
    ids = mart_rows(sandbox_warehouse, exercice)["subsidy_id"].astype(int).tolist()
    expected = sandbox_warehouse.query(
        f"""SELECT instalment_id, amount::DOUBLE AS amount, status, treasury_month
            FROM marts.subsidy_instalments_timeline
            WHERE subsidy_id IN ({", ".join(map(str, ids))}) ORDER BY expected_on, instalment_id""")
    data = page.instalments_data()
    assert data["instalment_id"].astype(int).tolist() == expected["instalment_id"].astype(int).tolist()
    assert data["amount"].astype(float).round(2).tolist() == expected["amount"].round(2).tolist()
    assert list(data["expected_on"]) == sorted(data["expected_on"])
    assert set(data["status_label"]) <= {"Reçu", "À venir", "En retard"}
    assert (data["is_late"] == (expected["status"] == "en retard")).all()
    table = page.instalments_table()
    shown = table.value
    assert "Statut" in shown.columns and "Comptée au plan de trésorerie" in shown.columns
    assert table.formatters["Statut"] == {"type": "html"}
    late = data[data["is_late"]]
    if len(late):
        assert "En retard" in late["status_badge"].iloc[0]
        month = pd.Timestamp(late["treasury_month"].iloc[0])
        assert f'href="/plan-de-tresorerie?periode={month.year}&amp;mois={month:%Y-%m}"' in late["treasury_link"].iloc[0]
    # a received instalment counts in no month of the plan
    assert (data[data["status"] == "reçu"]["treasury_link"] == "").all()


def test_units_link_into_budget_tracking(sandbox_warehouse):
    exercice = exercices(sandbox_warehouse)[-1]
    page = build_page(sandbox_warehouse, str(exercice))
    data = page.subsidies_data()
    for code, cell in zip(data["unit_code"], data["unit_link"]):
        if isinstance(code, str):
            assert f'href="/suivi-budgetaire?unite={code}&amp;periode={exercice}"' in cell


def test_exercice_choice_and_period_follow_each_other(sandbox_warehouse):
    first, last = exercices(sandbox_warehouse)[0], exercices(sandbox_warehouse)[-1]
    page = build_page(sandbox_warehouse, f"{last}-03")
    assert page.exercice == str(last)  # the exercice holding the period's start
    page.exercice = str(first)
    assert page.filters.period == str(first)
    assert page.filters.current.start.year == first
    page.filters.period = f"{last}-Q2"
    assert page.exercice == str(last)
    assert str(first) in page.param.exercice.names  # offered in the « Exercice » list


def test_csv_exports(sandbox_warehouse):
    exercice = exercices(sandbox_warehouse)[-1]
    page = build_page(sandbox_warehouse, str(exercice))
    text = csv_bytes(page.subsidies_data(), subsidy_columns()).decode("utf-8-sig")
    assert text.splitlines()[0] == ("Financeur;Dispositif / AAP;Unité;Nature;Demandé;Accordé;Versé;"
                                    "Reste à percevoir;Dépensé;Reste à dépenser;Compte rendu dû le;Pièce Odoo;Suivi")
    back = pd.read_csv(io.StringIO(text), sep=";", decimal=",")
    assert back["Financeur"].iloc[-1] == "Total"
    assert round(back["Accordé"].iloc[-1], 2) == round(mart_rows(sandbox_warehouse, exercice)["accorde"].sum(), 2)
    text = csv_bytes(page.instalments_data(), instalment_columns()).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Prévue le;Reçue le;Financeur;Dispositif / AAP;Unité;Échéance;Montant;Statut")
    assert not re.search(r"<[a-z]", text)  # no HTML in the CSV


def test_displayed_frames_hold_no_python_repr(sandbox_warehouse):
    page = build_page(sandbox_warehouse, str(exercices(sandbox_warehouse)[-1]))
    for frame in (page.subsidies_table().value, page.instalments_table().value):
        text = frame.astype(str).to_string()
        for raw in ("nan", "None", "NaT", "True", "False", "<NA>"):
            assert raw not in text.split(), raw


def test_an_exercice_without_subsidy(sandbox_warehouse):
    page = build_page(sandbox_warehouse, "2019")
    data = page.subsidies_data()
    assert data["is_total"].tolist() == [True]
    assert "Aucune subvention" in str(page.subsidies().objects[0].object)


def test_a_warehouse_without_the_subsidy_marts_gets_a_french_message(budget_warehouse):
    page = SuiviSubventions(context=AppContext(warehouse=budget_warehouse, filters=Filters.from_warehouse(budget_warehouse)))
    assert not page.ready
    assert "pas encore calculé" in str(page.__panel__().object)


def test_the_xlsx_workbook_holds_the_subsidies_and_the_timeline(sandbox_warehouse):
    from openpyxl import load_workbook

    from dashboards.workbook import workbook_bytes

    exercice = exercices(sandbox_warehouse)[-1]
    page = build_page(sandbox_warehouse, str(exercice))
    book = load_workbook(io.BytesIO(workbook_bytes(page.workbook_sheets(), "Suivi subventions")))
    assert book.sheetnames == ["Subventions de l'exercice", "Échéancier"]
    rows = [[c.value for c in row] for row in book["Subventions de l'exercice"].iter_rows()]
    total = next(row for row in rows if row and row[0] == "Total")
    header = next(row for row in rows if row and row[0] == "Financeur")
    assert round(total[header.index("Accordé")], 2) == round(mart_rows(sandbox_warehouse, exercice)["accorde"].sum(), 2)


def test_a_units_spending_is_shared_between_its_subsidies_not_repeated(sandbox_warehouse):
    """#12.5: two subsidies of one unit see the same expenses in the mart; the page gives each its
    share (pro rata of the amounts granted), so that the unit's spending counts once in the total."""
    checked = 0
    for exercice in exercices(sandbox_warehouse):
        page = build_page(sandbox_warehouse, str(exercice))
        data = page.subsidies_data()
        body = data[~data["is_total"]]
        mart = mart_rows(sandbox_warehouse, exercice).set_index("subsidy_id")
        for unit, group in body.groupby("unit_code"):
            spent = mart.loc[group["subsidy_id"].astype(int), "depense"]
            shown = group["depense"].astype(float)
            assert shown.sum() <= spent.max() + 0.05, (exercice, unit)
            if len(group) == 1:
                assert round(shown.iloc[0], 2) == round(spent.iloc[0], 2)
            else:
                assert group["depense_partagee"].all()
                if len(set(spent.round(2))) == 1 and spent.iloc[0] > 0:  # same period: shares add up to it
                    assert abs(shown.sum() - spent.iloc[0]) <= 0.05
                    checked += 1
            granted = group["accorde"].fillna(0).astype(float)
            assert (group["reste_a_depenser"].astype(float).round(2) == (granted - shown).round(2)).all()
    assert checked > 0  # the sandbox has a unit with two subsidies over one period
