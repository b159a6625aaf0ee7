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


def test_one_to_one_pairs_only_when_each_side_has_one_candidate(con):
    """seul_candidat: a pair is kept only when neither side has another candidate."""
    pairs = [(1, 10), (2, 20), (2, 21), (3, 30), (4, 30), (5, 50)]
    rows = con.execute(
        "SELECT l, r, marts.seul_candidat(l, r) FROM (SELECT unnest(?) AS p) "
        "CROSS JOIN LATERAL (SELECT p[1] AS l, p[2] AS r) ORDER BY l, r", [[list(p) for p in pairs]]).fetchall()
    assert [(l, r) for l, r, unique in rows if unique] == [(1, 10), (5, 50)]


def test_the_one_to_one_rule_is_written_once():
    """The marts that pair a member's entry with a source's line call the macro, and no mart
    counts the candidates of both sides by hand (two `count(*) over (partition by …)`: the rule
    written a second time; one such count is another rule, a forecast's months say)."""
    import re

    from warehouse import SQL_DIR
    users = []
    for path in SQL_DIR.glob("marts/*.sql"):
        sql = "\n".join(l for l in path.read_text().splitlines() if not l.strip().startswith("--"))
        assert len(re.findall(r"count\(\*\)\s+over\s*\(\s*partition\s+by", sql, re.IGNORECASE)) < 2, path
        if "marts.seul_candidat(" in sql:
            users.append(path.stem)
    assert sorted(users) == ["remuneration_proposals", "subsidy_matches"]


@pytest.mark.parametrize("start_month", [1, 7, 9, 12])
def test_the_exercice_of_a_day_agrees_with_the_period_filter(con, start_month):
    """marts.exercice_debut / exercice_periode (SQL) and dashboards.periods.fiscal_year_of (the
    filter's default period) give every day of two years the same exercice."""
    import datetime as dt

    from dashboards.periods import fiscal_year_of, parse_period

    days = [dt.date(2025, 1, 1) + dt.timedelta(days=n) for n in range(0, 731, 3)]
    rows = con.execute(
        "SELECT d, marts.exercice_debut(d, ?), marts.exercice_periode(d, ?) FROM unnest(?::DATE[]) AS t(d) ORDER BY d",
        [start_month, start_month, days]).fetchall()
    for day, start, period in rows:
        assert period == fiscal_year_of(day, start_month), day
        assert start == parse_period(period, start_month).start and start <= day < start.replace(year=start.year + 1)


def test_the_exercice_is_worked_out_only_in_the_macros():
    """No mart or page query works out an exercice by hand (`month(…) < start_month`)."""
    import re

    from warehouse import SQL_DIR
    for path in [*SQL_DIR.glob("queries/**/*.sql"), *SQL_DIR.glob("marts/*.sql"), *SQL_DIR.glob("tests/*.sql")]:
        sql = "\n".join(l.split("--", 1)[0] for l in path.read_text().splitlines())
        # a month compared with the exercice's first month, whichever way it is written
        assert not re.search(r"month\([^()]*\)\s*[<>]=?\s*[\w.(]*start_month", sql, re.IGNORECASE), path


def test_the_category_of_an_account_is_worked_out_only_in_its_mart():
    """The longest-prefix rule (account → budget category) lives in marts.account_categories only."""
    import re

    from warehouse import SQL_DIR
    for path in [*SQL_DIR.glob("queries/**/*.sql"), *SQL_DIR.glob("marts/*.sql"), *SQL_DIR.glob("tests/*.sql")]:
        if path.name == "account_categories.sql":
            continue
        sql = "\n".join(line.split("--", 1)[0] for line in path.read_text().splitlines())
        assert not re.search(r"account_prefix", sql, re.IGNORECASE), path
