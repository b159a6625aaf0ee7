"""The one definition of « % consommé » and of an overrun (sql/macros/figures.sql), shared by the
marts, the page queries and the alerts: no NaN, no infinity, no overrun on income (#12.3)."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest

from warehouse.build import create_macros

D = Decimal


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute("CREATE SCHEMA marts")
    create_macros(con)
    yield con
    con.close()


@pytest.mark.parametrize("direction, reel, engage, prev, pct, over, amount", [
    ("depense", "50", "25", "100", 0.75, False, "0.00"),
    ("depense", "80", "40", "100", 1.2, True, "20.00"),
    ("depense", "0", "0", "0", None, False, "0.00"),        # nothing planned, nothing spent
    ("depense", "10", "0", "0", None, True, "10.00"),       # spent without forecast: no %, an overrun
    ("recette", "150", "0", "100", 1.5, False, "0.00"),     # more income than planned is no overrun
    ("depense", None, None, None, None, False, "0.00"),
])
def test_pct_and_overrun(con, direction, reel, engage, prev, pct, over, amount):
    row = con.execute(
        "SELECT marts.pct_consomme(r, e, p), marts.depassement(d, r, e, p), marts.montant_depassement(d, r, e, p) "
        "FROM (SELECT ?::VARCHAR AS d, ?::DECIMAL(14,2) AS r, ?::DECIMAL(14,2) AS e, ?::DECIMAL(14,2) AS p)",
        [direction, reel, engage, prev]).fetchone()
    assert row[0] == (pytest.approx(pct) if pct is not None else None)
    assert row[1] is over
    assert row[2] == D(amount)


def test_every_page_query_and_mart_uses_the_macros():
    """No page query or mart writes its own « % consommé » (a second definition)."""
    from warehouse import SQL_DIR
    for path in [*SQL_DIR.glob("queries/**/*.sql"), *SQL_DIR.glob("marts/*.sql")]:
        sql = "\n".join(l for l in path.read_text().splitlines() if not l.strip().startswith("--"))
        if "pct_" in sql or " as depassement" in sql.lower():
            assert "marts.pct_consomme(" in sql or "marts.depassement(" in sql, path
