"""The Explorateur eliminates internal flows as the Suivi budgétaire does (issue #10): at a node
holding both ends of a transfer or a soirée dispatch, the flow does not count; at a pôle holding
one end, it does. Hand-written books (tests/sql/ledger_books.py: Odoo 17 served by the simulated
server, read by the real connector, built by the real marts) plus two internal flows between the
two pôles of one groupe, Les communs (10): every figure below is computed by hand.

Internal flows (June 2025), booked lines in brackets:
  T1 soirée dispatch 150.00   Potager 303 → Concerts 401      (across groupes: only R holds both)
  T2 transfer         80.00   Concerts 401 → Administration 101 (across groupes)
  T3 soirée dispatch 3385.00  Administration 101 → Communication 102 (inside Les communs)
  T4 transfer         45.60   Communication 102 → Administration 101 (inside Les communs)
Odoo real of June: 101 prestations 300 (recette); 102 achats 100; 303 achats 190 (+ 100 engagé);
401 achats 100 (+ 300 engagé), subventions 1 000; R (non affecté) achats 42.50.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from dashboards.explorateur import BUDGET, LINES
from dashboards.queries import run_query
from tests.dashboards.test_explorateur import build_page
from tests.sql.test_ledger_marts import make_config, sync_and_build
from warehouse.build import build

D = Decimal
PERIOD = "2025"
EXTRA_TRANSFERS = [
    (3, "101", "102", "2025-06-20", 3385.00, "Répartition de la soirée du 14 juin", "evt-2"),
    (4, "102", "101", "2025-06-25", 45.60, "Part des affiches", None),
]


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    directory = tmp_path_factory.mktemp("eliminations")
    warehouse = sync_and_build(directory, "17")
    with warehouse.write("saisies de test") as con:
        for row in EXTRA_TRANSFERS:
            con.execute("INSERT INTO app.internal_transfers (transfer_id, from_unit, to_unit, transfer_date,"
                        " amount, reason, event_id) VALUES (?, ?, ?, ?, ?, ?, ?)", list(row))
    build(warehouse, make_config(directory).settings())
    return warehouse


def cells(page) -> dict:
    """(row1 key, column key) → value of the body cells shown, plus (row1 key, 'total')."""
    frame, _columns, keys = page.pivot()
    got = {}
    for _, record in frame[~frame["is_total"]].iterrows():
        for name, key in [*keys.items(), ("total", "total")]:
            if key is not None and not pd.isna(record[name]):
                got[(record["row1_key"], key)] = cents(record[name])
    return got


def cents(value) -> Decimal:
    return D(str(round(float(value), 2))).quantize(D("0.01"))


def grand_total(page) -> Decimal:
    frame, _columns, _keys = page.pivot()
    return cents(frame[frame["row1_label"] == "Total"].iloc[0]["total"])


# réel by unit booked on × direction, as the Explorateur must show it at each selected unit
REAL = {
    # La Raffinerie holds both ends of every flow: none counts
    "R": {("101", "recette"): D("300.00"), ("101", "total"): D("300.00"),
          ("102", "depense"): D("100.00"), ("102", "total"): D("100.00"),
          ("303", "depense"): D("190.00"), ("303", "total"): D("190.00"),
          ("401", "depense"): D("100.00"), ("401", "recette"): D("1000.00"), ("401", "total"): D("1100.00"),
          ("R", "depense"): D("42.50"), ("R", "total"): D("42.50")},
    # Les communs holds both ends of T3 and T4, one end of T2 (80 received by 101)
    "10": {("101", "recette"): D("380.00"), ("101", "total"): D("380.00"),
           ("102", "depense"): D("100.00"), ("102", "total"): D("100.00")},
    # each pôle sees its own flows
    "101": {("101", "depense"): D("3385.00"), ("101", "recette"): D("425.60"), ("101", "total"): D("3810.60")},
    "102": {("102", "depense"): D("145.60"), ("102", "recette"): D("3385.00"), ("102", "total"): D("3530.60")},
}


@pytest.mark.parametrize("unit", list(REAL))
def test_the_forecast_and_actual_pivot_eliminates_at_a_node_holding_both_ends(books, unit):
    page = build_page(books, unit, PERIOD, dataset=BUDGET, row1="unite", row2="", col="direction",
                      measure="reel")
    assert cells(page) == REAL[unit]


# the budget lines (real and committed) by unit × direction
LINES_AT = {
    "R": {("101", "recette"): D("300.00"), ("101", "total"): D("300.00"),
          ("102", "depense"): D("100.00"), ("102", "total"): D("100.00"),
          ("303", "depense"): D("290.00"), ("303", "total"): D("290.00"),
          ("401", "depense"): D("400.00"), ("401", "recette"): D("1000.00"), ("401", "total"): D("1400.00"),
          ("R", "depense"): D("42.50"), ("R", "total"): D("42.50")},
    "10": REAL["10"],
    "101": REAL["101"],
    "102": REAL["102"],
}
# the transfer lines each unit eliminates (both ends inside), by line_key
ELIMINATED = {
    "R": {f"alambic:transfer:{t}:{side}" for t in (1, 2, 3, 4) for side in ("from", "to")},
    "10": {f"alambic:transfer:{t}:{side}" for t in (3, 4) for side in ("from", "to")},
    "101": set(),
    "102": set(),
}

# the cell clicked (unit booked on, direction), and the eliminated lines it lists
CLICKED = {"R": ("101", "recette"), "10": ("101", "recette"), "101": ("101", "depense"),
           "102": ("102", "depense")}
CELL_ELIMINATED = {"R": {"alambic:transfer:2:to", "alambic:transfer:4:to"}, "10": {"alambic:transfer:4:to"},
                   "101": set(), "102": set()}


@pytest.mark.parametrize("unit", list(LINES_AT))
def test_the_lines_pivot_eliminates_and_the_drill_down_says_which_lines(books, unit):
    page = build_page(books, unit, PERIOD, dataset=LINES, row1="unite", row2="", col="direction",
                      measure="montant")
    assert cells(page) == LINES_AT[unit]
    lines = page.lines_data()  # every line of the table: eliminated ones are listed, flagged
    assert set(lines.loc[lines["eliminated"], "line_key"]) == ELIMINATED[unit]
    assert cents(lines.loc[~lines["eliminated"], "amount"].sum()) == grand_total(page)
    # a cell's drill-down: the lines it counts add up to it, its eliminated ones are flagged
    frame, columns, keys = page.pivot()
    booked_on, direction = CLICKED[unit]
    row = int(frame.index[frame["row1_key"] == booked_on][0])
    name = next(n for n, k in keys.items() if k == direction)
    page.selection = page.describe_cell(frame, columns, keys, row, name)
    picked = page.lines_data()
    assert cents(picked.loc[~picked["eliminated"], "amount"].sum()) == cents(frame.loc[row, name])
    assert set(picked.loc[picked["eliminated"], "line_key"]) == CELL_ELIMINATED[unit]
    page.measure = "nombre"  # a count leaves eliminated lines out too
    assert grand_total(page) == cents(int((~lines["eliminated"]).sum()))
    if ELIMINATED[unit]:
        summary = page.lines_view()[0].object
        assert "flux internes éliminés à ce niveau" in summary and "non comptés" in summary


@pytest.mark.parametrize("unit", list(REAL))
def test_the_explorer_total_is_the_suivi_budgetaire_total(books, unit):
    page = build_page(books, unit, PERIOD, dataset=BUDGET, row1="direction", row2="", col="",
                      measure="reel")
    shown = {key: value for (key, _col), value in cells(page).items()}
    kpis = run_query(books, "suivi_budgetaire/indicateurs", **page.filters.params()).iloc[0]
    assert shown.get("depense", D("0.00")) == cents(kpis["depenses_reel"])
    assert shown.get("recette", D("0.00")) == cents(kpis["recettes_reel"])
    if unit == "R":
        assert shown == {"depense": D("432.50"), "recette": D("1300.00")}
