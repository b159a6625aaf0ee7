"""A small warehouse with the marts the pages read, for page and browser tests.

`build_budget_warehouse(path)` is the one place to swap for the real pipeline later (e.g.
`alambic demo --no-serve` on the sandbox): the tests only need a Warehouse whose marts follow
the contracts below, and they check the pages against SQL over those marts, never against
numbers written here.

Contracts (columns exactly as the marts define them):
- marts.org_tree(unit_code, name, level, parent_code, depth, path, sort, label)
- marts.org_rollup(ancestor_code, unit_code, distance)
- marts.budget_vs_actual(unit_code, category_code, direction, month, previsionnel, engage, reel,
  theorique, ecart, pct_consomme, depassement)
- marts.budget_lines(line_key, source, unit_code, category_code, direction, line_date, month,
  label, partner, reference, amount, status, counts_as, allocation, dimension, counterpart_unit)
- marts.budget_rollup(unit_code, category_code, direction, month, previsionnel, engage, reel, elimine)
- marts.budget_eliminations(unit_code, line_key, line_unit, counterpart_unit, category_code,
  direction, month, counts_as, amount) (empty here: no internal flow in these lines)
- marts.ledger_reconciliation (empty here), ref.units
- ref.categories(category_code, label, direction, sort), ref.settings(key, value) and its typed
  row staging.stg_ref__settings
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from alambic.config import category_feeds
from warehouse import SQL_DIR
from warehouse.build import create_macros, settings_row_sql
from warehouse.connection import Warehouse
from warehouse.migrations import migrate

AS_OF = "2025-11-27"
SETTINGS = [  # as Config.settings() hands them to a build (key, value, SQL type)
    {"key": "as_of", "value": AS_OF, "sql_type": "DATE"},
    {"key": "fiscal_year_start_month", "value": "1", "sql_type": "INTEGER"},
    {"key": "timezone", "value": "Indian/Reunion", "sql_type": "VARCHAR"},
    {"key": "forecast_gap_ratio", "value": "0.15", "sql_type": "DOUBLE"},
]

UNITS = [  # code, name, level, parent
    ("R", "La Raffinerie", "organisation", None),
    ("10", "Les communs", "groupe", "R"),
    ("101", "Outils communs", "pole", "10"),
    ("30", "Jardin", "groupe", "R"),
    ("303", "Potager", "pole", "30"),
    ("30301", "Jardin partagé", "projet", "303"),
    ("3030101", "Ateliers semis", "action", "30301"),
]

CATEGORIES = [  # code, label, direction, sort
    ("bienveillance", "Bienveillance", "depense", 0),
    ("prestations_internes", "Prestations internes", "depense", 1),
    ("prestations_externes_achats", "Prestations externes / achats", "depense", 2),
    ("depenses_internes", "Dépenses internes", "depense", 3),
    ("subventions", "Subventions / AAP", "recette", 4),
    ("prestations", "Prestations", "recette", 5),
    ("ventes", "Ventes", "recette", 6),
    ("recettes_internes", "Recettes internes", "recette", 7),
]

STATUSES = {  # status → counts_as
    "a_valider": "engage", "a_facturer": "engage", "brouillon": "aucun", "a_payer": "engage",
    "paye": "reel", "a_encaisser": "engage", "encaisse": "reel", "interne": "reel",
}

DDL = """
CREATE SCHEMA IF NOT EXISTS marts;
CREATE SCHEMA IF NOT EXISTS ref;
CREATE OR REPLACE TABLE ref.categories (category_code VARCHAR, label VARCHAR, direction VARCHAR, sort INTEGER);
CREATE OR REPLACE TABLE ref.settings (key VARCHAR, value VARCHAR);
CREATE OR REPLACE TABLE ref.category_feeds (feed VARCHAR, category_code VARCHAR);
CREATE OR REPLACE TABLE marts.org_tree (unit_code VARCHAR, name VARCHAR, level VARCHAR, parent_code VARCHAR,
    depth INTEGER, path VARCHAR, sort INTEGER, label VARCHAR);
CREATE OR REPLACE TABLE marts.org_rollup (ancestor_code VARCHAR, unit_code VARCHAR, distance INTEGER);
CREATE OR REPLACE TABLE marts.budget_vs_actual (unit_code VARCHAR, category_code VARCHAR, direction VARCHAR,
    month DATE, previsionnel DECIMAL(14,2), engage DECIMAL(14,2), reel DECIMAL(14,2),
    theorique DECIMAL(14,2), ecart DECIMAL(14,2), pct_consomme DOUBLE, depassement BOOLEAN);
CREATE OR REPLACE TABLE marts.budget_lines (line_key VARCHAR, source VARCHAR, unit_code VARCHAR,
    category_code VARCHAR, direction VARCHAR, line_date DATE, month DATE, label VARCHAR, partner VARCHAR,
    reference VARCHAR, amount DECIMAL(14,2), status VARCHAR, counts_as VARCHAR, allocation VARCHAR,
    dimension VARCHAR, counterpart_unit VARCHAR);
CREATE OR REPLACE TABLE marts.budget_eliminations (unit_code VARCHAR, line_key VARCHAR, line_unit VARCHAR,
    counterpart_unit VARCHAR, category_code VARCHAR, direction VARCHAR, month DATE, counts_as VARCHAR,
    amount DECIMAL(14,2));
CREATE OR REPLACE TABLE ref.units (unit_code VARCHAR, name VARCHAR, level VARCHAR, parent_code VARCHAR);
CREATE OR REPLACE TABLE marts.ledger_reconciliation (month DATE, direction VARCHAR, ledger DECIMAL(14,2),
    analytique DECIMAL(14,2), non_affecte DECIMAL(14,2), hors_categories DECIMAL(14,2),
    sans_ecriture DECIMAL(14,2), interne DECIMAL(14,2), elimine DECIMAL(14,2), reel_budget DECIMAL(14,2),
    ecart DECIMAL(14,2));
"""

# marts.budget_rollup as the real mart derives it (no internal flow in these lines: nothing eliminated)
ROLLUP = """
CREATE OR REPLACE TABLE marts.budget_rollup AS
SELECT r.ancestor_code AS unit_code, b.category_code, b.direction, b.month,
       sum(b.previsionnel)::DECIMAL(14,2) AS previsionnel, sum(b.engage)::DECIMAL(14,2) AS engage,
       sum(b.reel)::DECIMAL(14,2) AS reel, 0::DECIMAL(14,2) AS elimine
FROM marts.budget_vs_actual b JOIN marts.org_rollup r USING (unit_code)
GROUP BY ALL
"""


def _lineage(code: str) -> list[str]:
    parents = {c: p for c, _, _, p in UNITS}
    chain = [code]
    while parents[chain[-1]] is not None:
        chain.append(parents[chain[-1]])
    return chain[::-1]


def _monthly_rows():
    """Deterministic figures: every leaf-ish unit, every category, 2024-10 → 2025-12."""
    rows = []
    leaf_units = ["101", "303", "30301", "3030101", "10"]
    months = [dt.date(2024, 10, 1), dt.date(2024, 11, 1), dt.date(2024, 12, 1)] + [
        dt.date(2025, m, 1) for m in range(1, 13)
    ]
    for u_index, unit in enumerate(leaf_units):
        for c_index, (cat, _, direction, _) in enumerate(CATEGORIES):
            if (u_index + c_index) % 3 == 2:
                continue  # not every unit uses every category
            for m_index, month in enumerate(months):
                base = 350 + 137 * u_index + 91 * c_index + (23.45 if c_index % 2 else 0)
                forecast = round(base * (1 + (m_index % 4) / 10), 2)
                past = month <= dt.date(2025, 11, 1)
                real = round(forecast * (0.45 + ((u_index * 7 + c_index * 3 + m_index) % 9) / 14), 2) if past else 0
                committed = round(forecast * 0.12, 2) if month >= dt.date(2025, 9, 1) else 0
                if unit == "3030101" and cat == "bienveillance" and month.month in (7, 8, 9) and month.year == 2025:
                    real = round(forecast * 2.2, 2)  # an overrun
                theorique = forecast if past else 0
                ecart = round(real - forecast, 2)
                pct = (real + committed) / forecast if forecast else None
                rows.append((unit, cat, direction, month, forecast, committed, real, theorique, ecart,
                             pct, (real + committed) > forecast))
    return rows


def _line_rows():
    rows = []
    statuses = list(STATUSES)
    partners = ["Mairie de Saint-Pierre", "Région Réunion", "Camille Hoarau", "Jardinerie du Sud",
                "TiBillet", "Léa Payet"]
    index = 0
    for unit in ["101", "303", "30301", "3030101"]:
        for cat, _, direction, _ in CATEGORIES:
            for k in range(3):
                index += 1
                day = dt.date(2025, 1 + (index * 5) % 12, 1 + (index * 7) % 27)
                status = statuses[index % len(statuses)]
                if direction == "depense" and status in ("a_encaisser", "encaisse"):
                    status = "paye"
                if direction == "recette" and status in ("a_payer", "paye"):
                    status = "encaisse"
                amount = round(180 + index * 43.21 + (1100 if k == 0 else 0), 2)
                rows.append((f"L{index:04d}", "odoo" if k else "alambic", unit, cat, direction, day,
                             day.replace(day=1), f"Ligne {index} — {cat.replace('_', ' ')}",
                             partners[index % len(partners)], f"FAC-2025-{index:04d}", amount, status,
                             STATUSES[status]))
    return rows


def build_budget_warehouse(path: str | Path) -> Warehouse:
    """Create the warehouse file at `path` with the budget marts filled; returns it."""
    warehouse = Warehouse(path, lock_timeout=10)
    migrate(warehouse)  # the schemas and the app.* tables the pages' forms write to
    with warehouse.write("fixture de test") as con:
        con.execute(DDL)
        create_macros(con)
        con.executemany("INSERT INTO ref.categories VALUES (?, ?, ?, ?)", CATEGORIES)
        con.executemany("INSERT INTO ref.category_feeds VALUES (?, ?)",
                        list(category_feeds(()).items()))  # the defaults, as the build writes them
        con.executemany("INSERT INTO ref.settings VALUES (?, ?)", [(s["key"], s["value"]) for s in SETTINGS])
        # the typed row the queries read (staging.stg_ref__settings), as a build writes it
        con.execute(f"CREATE OR REPLACE TABLE ref.settings_row AS {settings_row_sql({'settings': SETTINGS})}")
        con.execute((SQL_DIR / "staging" / "ref" / "stg_ref__settings.sql").read_text().join(
            ["CREATE OR REPLACE VIEW staging.stg_ref__settings AS\n", ""]))
        con.executemany("INSERT INTO marts.org_tree VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [
            (code, name, level, parent, len(_lineage(code)) - 1, "/".join(_lineage(code)), i, f"{code} — {name}")
            for i, (code, name, level, parent) in enumerate(UNITS)
        ])
        con.executemany("INSERT INTO marts.org_rollup VALUES (?, ?, ?)", [
            (ancestor, code, len(_lineage(code)) - 1 - _lineage(code).index(ancestor))
            for code, _, _, _ in UNITS for ancestor in _lineage(code)
        ])
        con.executemany("INSERT INTO marts.budget_vs_actual VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        _monthly_rows())
        con.executemany("INSERT INTO marts.budget_lines VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [(*row, "arbre" if row[1] == "odoo" else "alambic", None, None) for row in _line_rows()])
        con.executemany("INSERT INTO ref.units VALUES (?, ?, ?, ?)", UNITS)
        con.execute(ROLLUP)
    return warehouse
