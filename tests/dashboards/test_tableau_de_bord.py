"""The Tableau de bord shows, for a unit, exactly what the marts say.

Expected figures are plain SQL straight over the marts (not the page's SQL files).
"""

import pandas as pd
import panel as pn
import pytest

from alambic import formatting
from dashboards.app import AppContext
from dashboards.components import Filters
from dashboards.tableau_de_bord import TableauDeBord, alert_href

UNITS = ["R", "10", "20", "30", "50", "101", "201", "303", "501", "30301"]


def build_page(warehouse, unit, period=None):
    filters = Filters.from_warehouse(warehouse)
    filters.param.update(unit=unit, **({"period": period} if period else {}))
    assert not filters.period_error
    return TableauDeBord(context=AppContext(warehouse=warehouse, filters=filters))


def mart_alerts(warehouse, unit):
    return warehouse.query(
        """SELECT a.alert_key, a.label, a.severity, a.amount::DOUBLE AS amount, a.alert_date, a.link
           FROM marts.unit_alerts a
           WHERE a.unit_code IN (SELECT unit_code FROM marts.org_rollup WHERE ancestor_code = ?)""",
        [unit],
    )


def texts(viewable) -> str:
    return " ".join(str(getattr(o, "object", "")) for o in viewable.select(pn.pane.HTML))


@pytest.mark.parametrize("unit", UNITS)
def test_alerts_are_the_rolled_up_rows_of_the_mart(sandbox_warehouse, unit):
    page = build_page(sandbox_warehouse, unit)
    shown = page.alerts_data()
    expected = mart_alerts(sandbox_warehouse, unit)
    assert sorted(shown["alert_key"]) == sorted(expected["alert_key"])
    merged = shown.merge(expected, on="alert_key", suffixes=("", "_mart"))
    assert (merged["label"] == merged["label_mart"]).all()
    assert (merged["amount"].astype("float64").fillna(0).round(2)
            == merged["amount_mart"].fillna(0).round(2)).all()
    # most severe first
    order = shown["severity"].map({"haute": 0, "moyenne": 1}).tolist()
    assert order == sorted(order)
    # in the page: one list item per alert, each a link to its detail, French formats
    html = page.alerts_html(shown)
    assert html.count('class="alert-item') == len(expected)
    for row in expected.itertuples():
        assert row.label.replace("'", "&#x27;") in html
        if not formatting.is_missing(row.amount):
            assert formatting.money(round(row.amount, 2)) in html
        if not formatting.is_missing(row.alert_date):
            assert formatting.date(row.alert_date) in html
        assert 'href="/' + row.link.split("?")[0] in html


def test_a_pole_with_alerts_and_one_without(sandbox_warehouse):
    units = sandbox_warehouse.query(
        """SELECT t.unit_code, count(a.alert_key) AS n
           FROM marts.org_tree t
           LEFT JOIN marts.org_rollup r ON r.ancestor_code = t.unit_code
           LEFT JOIN marts.unit_alerts a ON a.unit_code = r.unit_code
           WHERE t.level IN ('pole', 'projet') GROUP BY t.unit_code ORDER BY n DESC, t.unit_code""")
    busy, quiet = units.iloc[0], units.iloc[-1]
    assert busy["n"] > 0
    page = build_page(sandbox_warehouse, busy["unit_code"])
    assert f'data-alerts="{busy["n"]}"' in texts(pn.panel(page.alerts()))
    if quiet["n"] == 0:
        page = build_page(sandbox_warehouse, quiet["unit_code"])
        text = texts(pn.panel(page.alerts()))
        assert "Aucune alerte" in text and 'data-alerts="0"' in text


def test_alert_links_keep_the_filters_sensibly(sandbox_warehouse):
    page = build_page(sandbox_warehouse, "303", "2026-Q3")
    f = page.filters
    # the mart's own unit and period win; what the link lacks comes from the page
    assert alert_href("suivi-budgetaire?unite=30301&periode=2026", f) == \
        "/suivi-budgetaire?unite=30301&periode=2026"
    assert alert_href("plan-de-tresorerie", f) == "/plan-de-tresorerie?periode=2026-T3&unite=303"
    assert alert_href("suivi-subventions?unite=101&periode=2026&subvention=142", f) == \
        "/suivi-subventions?unite=101&periode=2026&subvention=142"
    assert alert_href("plan-de-tresorerie", f, lambda slug: f"?page={slug}") == \
        "?page=plan-de-tresorerie&periode=2026-T3&unite=303"


@pytest.mark.parametrize("unit", ["R", "30", "303", "501"])
def test_budget_cards_are_the_mart(sandbox_warehouse, unit):
    page = build_page(sandbox_warehouse, unit)
    p = page.filters.current
    # the subtree's budget_vs_actual, less the internal flows with both ends in the subtree
    # (transfers and soirée dispatches cancel out inside a node that holds both ends)
    e = sandbox_warehouse.query(
        """WITH subtree AS (SELECT unit_code FROM marts.org_rollup WHERE ancestor_code = $unit),
                eliminated AS (
                    SELECT coalesce(sum(amount) FILTER (WHERE direction = 'depense'), 0) AS dep,
                           coalesce(sum(amount) FILTER (WHERE direction = 'recette'), 0) AS rec
                    FROM marts.budget_lines
                    WHERE unit_code IN (SELECT unit_code FROM subtree) AND counts_as = 'reel'
                      AND counterpart_unit IN (SELECT unit_code FROM subtree)
                      AND month >= $start AND month < $end)
           SELECT coalesce(sum(previsionnel) FILTER (WHERE direction = 'depense'), 0)::DOUBLE AS prev,
                  coalesce(sum(engage) FILTER (WHERE direction = 'depense'), 0)::DOUBLE AS eng,
                  (coalesce(sum(reel) FILTER (WHERE direction = 'depense'), 0) - any_value(eliminated.dep))::DOUBLE AS reel,
                  coalesce(sum(previsionnel) FILTER (WHERE direction = 'recette'), 0)::DOUBLE AS rprev,
                  (coalesce(sum(reel) FILTER (WHERE direction = 'recette'), 0) - any_value(eliminated.rec))::DOUBLE AS rreel
           FROM marts.budget_vs_actual CROSS JOIN eliminated
           WHERE unit_code IN (SELECT unit_code FROM subtree)
             AND month >= $start AND month < $end""", {"unit": unit, "start": p.start, "end": p.end}).iloc[0]
    b = page.budget_data()
    assert round(float(b["depenses_reel"]), 2) == round(e["reel"], 2)
    assert round(float(b["depenses_previsionnel"]), 2) == round(e["prev"], 2)
    assert round(float(b["recettes_reel"]), 2) == round(e["rreel"], 2)
    assert round(float(b["depenses_ecart"]), 2) == round(e["reel"] - e["prev"], 2)
    if e["prev"]:
        assert b["depenses_pct_consomme"] == pytest.approx((e["reel"] + e["eng"]) / e["prev"])
    cards = texts(pn.panel(page.kpis()))
    assert formatting.money(round(e["reel"], 2)) in cards
    if e["prev"]:
        assert formatting.percent((e["reel"] + e["eng"]) / e["prev"]) in cards


def test_the_default_period_is_the_current_exercice(sandbox_warehouse):
    page = build_page(sandbox_warehouse, "R")
    as_of = sandbox_warehouse.query("SELECT value::DATE AS d FROM ref.settings WHERE key = 'as_of'").iloc[0]["d"]
    assert page.filters.current.start <= pd.Timestamp(as_of).date() < page.filters.current.end


def test_treasury_cards_are_the_plan(sandbox_warehouse):
    page = build_page(sandbox_warehouse, "303")
    plan = sandbox_warehouse.query(
        "SELECT month, opening_balance::DOUBLE AS opening, closing_balance::DOUBLE AS closing "
        "FROM marts.treasury_plan WHERE kind = 'previsionnel' ORDER BY month")
    t = page.treasury_data()
    assert float(t["current_balance"]) == pytest.approx(plan["opening"].iloc[0])
    lowest = plan.sort_values(["closing", "month"]).iloc[0]
    assert float(t["lowest_closing"]) == pytest.approx(lowest["closing"])
    assert pd.Timestamp(t["lowest_month"]) == pd.Timestamp(lowest["month"])
    cards = texts(pn.panel(page.treasury_cards()))
    assert formatting.money(round(lowest["closing"], 2)) in cards
    assert formatting.month_long(lowest["month"]) in cards
    assert "toute La Raffinerie" in cards  # the plan is not split by unit: said so


@pytest.mark.parametrize("unit", ["R", "10", "30", "101"])
def test_subsidy_cards_are_the_mart(sandbox_warehouse, unit):
    page = build_page(sandbox_warehouse, unit)
    p = page.filters.current
    e = sandbox_warehouse.query(
        """WITH s AS (SELECT DISTINCT subsidy_id, accorde, verse, reste_a_percevoir FROM marts.subsidy_tracking
                      WHERE unit_code IN (SELECT unit_code FROM marts.org_rollup WHERE ancestor_code = ?)
                        AND period_start < ? AND period_end >= ?)
           SELECT count(*) AS n, coalesce(sum(accorde), 0)::DOUBLE AS accorde,
                  coalesce(sum(verse), 0)::DOUBLE AS verse,
                  coalesce(sum(reste_a_percevoir), 0)::DOUBLE AS reste FROM s""",
        [unit, p.end, p.start]).iloc[0]
    s = page.subsidy_data()
    assert int(s["nombre"]) == e["n"]
    assert float(s["accorde"]) == pytest.approx(e["accorde"])
    assert float(s["verse"]) == pytest.approx(e["verse"])
    assert float(s["reste_a_percevoir"]) == pytest.approx(e["reste"])
    cards = texts(pn.panel(page.subsidy_cards()))
    assert formatting.money(round(e["accorde"], 2)) in cards
    assert formatting.money(round(e["reste"], 2)) in cards


def test_without_the_finance_marts_the_page_says_so(budget_warehouse):
    """The hand-made warehouse has the budget marts only: the other cards explain, no crash."""
    page = build_page(budget_warehouse, "303", "2025")
    body = pn.panel(page.kpis())
    alerts = " ".join(str(o.object) for o in body.select(pn.pane.Alert))
    assert "pas encore disponibles" in alerts
    assert 'data-kpi="depenses_reel"' in texts(body)
    assert "pas encore disponibles" in str(page.alerts().object)


def test_dates_and_money_are_french(sandbox_warehouse):
    page = build_page(sandbox_warehouse, "R")
    alerts = page.alerts_data()
    dated = alerts[alerts["alert_date"].notna()]
    html = page.alerts_html(alerts)
    for row in dated.itertuples():
        day = pd.Timestamp(row.alert_date).date()
        assert day.strftime("%d/%m/%Y") in html
    assert "\u202f" in html or alerts["amount"].abs().max() < 1000
    assert "\u00a0€" in html


def test_alerts_are_grouped_by_kind_ordered_by_stake_and_filtered(sandbox_warehouse):
    """#12.9: one section per kind with its count, the kind with most at stake first, items by
    severity then amount at stake; the kind and severity filters keep what they say."""
    page = TableauDeBord(context=AppContext(warehouse=sandbox_warehouse))
    page.filters.unit = "R"
    alerts = page.alerts_data()
    assert len(alerts) > 0 and set(alerts["severity"]) <= {"haute", "moyenne", "info"}
    html = page.alerts_html(alerts)
    kinds = list(dict.fromkeys(alerts["alert_code"]))
    assert html.count('class="alert-group"') == len(kinds)
    positions = [html.index(f'data-kind="{k}"') for k in kinds]
    assert positions == sorted(positions)
    for code, group in alerts.groupby("alert_code"):
        assert int(group["kind_count"].iloc[0]) == len(group)
        ranks = list(zip(group["severity_rank"], -group["stake"].fillna(-1).astype(float)))
        assert ranks == sorted(ranks)
    page.alert_severity = "haute"
    assert set(page.shown_alerts()["severity"]) <= {"haute"}
    page.alert_severity, page.alert_kind = "", kinds[0]
    assert set(page.shown_alerts()["alert_code"]) == {kinds[0]}
    assert f'data-alerts="{len(page.shown_alerts())}"' in str(page.alerts().objects[-1].object)


def test_a_negative_gap_is_not_called_an_overrun(sandbox_warehouse, monkeypatch):
    """#12.8: spent below the forecast but committed beyond it: the gap card is not red and says
    the overrun comes with the commitments, with its amount."""
    page = TableauDeBord(context=AppContext(warehouse=sandbox_warehouse))
    figures = page.budget_data().copy()
    figures[["depenses_reel", "depenses_engage", "depenses_previsionnel"]] = [800, 400, 1000]
    figures[["depenses_ecart", "depenses_montant_depassement", "depenses_depassement"]] = [-200, 200, True]
    monkeypatch.setattr(page, "budget_data", lambda: figures)
    card = next(c for c in page.budget_cards() if 'data-kpi="depenses_ecart"' in c.object)
    assert "kpi-alert" not in card.object
    assert "dépassement de 200,00" in card.object and "engagements compris" in card.object
