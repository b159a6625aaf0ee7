"""Declared pages (sql/pages/<slug>.sql + .toml): the Dépassements page on the sandbox's books,
its figures checked against the mart computed here, its downloads, and a broken query explained."""

from __future__ import annotations

import io

import pandas as pd
import panel as pn
import pytest

from alambic.users import User
from dashboards.app import AppContext, page_app
from dashboards.components import Filters
from dashboards.declared import DeclaredPage
from dashboards.pages import page
from dashboards.session import acting_as


def open_page(warehouse, period: str, unit: str = "R") -> DeclaredPage:
    filters = Filters.from_warehouse(warehouse)
    filters.param.update(period=period, unit=unit)
    return DeclaredPage(context=AppContext(warehouse=warehouse, filters=filters),
                        declaration=page("depassements").declaration)


def expected_overruns(warehouse, period) -> pd.DataFrame:
    """The overruns from marts.budget_vs_actual, summed here (not through the page's SQL)."""
    with warehouse.read() as con:
        lines = con.execute("SELECT * FROM marts.budget_vs_actual WHERE direction = 'depense'").df()
    lines = lines[(pd.to_datetime(lines["month"]) >= pd.Timestamp(period.start).replace(day=1))
                  & (pd.to_datetime(lines["month"]) < pd.Timestamp(period.end))]
    sums = lines.groupby(["unit_code", "category_code"])[["previsionnel", "engage", "reel"]].sum().astype(float)
    sums["over"] = sums["reel"] + sums["engage"] - sums["previsionnel"]
    return sums[sums["over"] > 0.004]


def test_the_page_lists_every_overrun_of_the_period(sandbox_warehouse):
    shown = open_page(sandbox_warehouse, "2025")
    frame = shown.data()
    expected = expected_overruns(sandbox_warehouse, shown.filters.current)
    assert len(expected) > 0, "the sandbox has overruns"
    assert len(frame) == len(expected)
    assert sorted(frame["montant_depassement"].astype(float).round(2)) == sorted(expected["over"].round(2))
    assert list(frame["montant_depassement"]) == sorted(frame["montant_depassement"], reverse=True)
    table = shown.table()
    assert isinstance(table, pn.widgets.Tabulator)
    assert list(table.value.columns) == ["Unité", "Catégorie", "Prévisionnel", "Engagé", "Réel", "% consommé",
                                         "Dépassement"]


def test_the_unit_filter_keeps_the_unit_and_what_it_holds(sandbox_warehouse):
    everything = open_page(sandbox_warehouse, "2025").data()
    with sandbox_warehouse.read() as con:
        group, = con.execute("SELECT unit_code FROM ref.units WHERE level = 'groupe' ORDER BY sort LIMIT 1").fetchone()
        names = {n for n, in con.execute("SELECT u.name FROM marts.org_rollup r JOIN ref.units u USING (unit_code)"
                                        " WHERE r.ancestor_code = ?", [group]).fetchall()}
    part = open_page(sandbox_warehouse, "2025", unit=group).data()
    assert set(part["unit_name"]) <= names
    assert len(part) == sum(everything["unit_name"].isin(names))


def test_downloads_follow_the_filters(sandbox_warehouse):
    from openpyxl import load_workbook

    shown = open_page(sandbox_warehouse, "2025")
    csv, workbook = shown.downloads()
    text = csv.callback().getvalue().decode("utf-8-sig")
    assert text.splitlines()[0] == "Unité;Catégorie;Prévisionnel;Engagé;Réel;% consommé;Dépassement"
    assert len(text.splitlines()) == len(shown.data()) + 1
    book = load_workbook(io.BytesIO(workbook.callback().getvalue()))
    assert book.sheetnames == ["Dépassements"]
    shown.filters.period = "2025-T2"
    assert csv.filename == "depassements_R_2025-T2.csv"


def test_the_page_is_served_in_the_shell_with_its_menu_entry(sandbox_warehouse):
    with acting_as(User("membre", role="member")):
        template = page_app("depassements", AppContext(warehouse=sandbox_warehouse))
    html = template.sidebar[0].object
    assert 'data-page="depassements">Dépassements</a>' in html
    assert any(isinstance(obj, pn.widgets.Tabulator) for col in template.main for obj in col.select(pn.widgets.Tabulator))


def test_a_query_without_a_declared_column_is_explained(sandbox_warehouse, tmp_path):
    from dashboards.declarations import read_declaration

    (tmp_path / "essai.sql").write_text("SELECT 1 AS n", encoding="utf-8")
    (tmp_path / "essai.toml").write_text('title = "Essai"\nsection = "Outils"\ndescription = "Essai."\n'
                                         'columns = [["n", "N", "nombre"], ["total", "Total", "montant"]]\n',
                                         encoding="utf-8")
    shown = DeclaredPage(context=AppContext(warehouse=sandbox_warehouse), declaration=read_declaration(tmp_path / "essai.toml"))
    alert = shown.table()
    assert "ne donne pas la colonne total" in alert.object
    assert shown.filters is None


@pytest.fixture(autouse=True)
def _clean():
    yield
    pn.state.clear_caches()
