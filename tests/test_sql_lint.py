"""The sqlfluff templater of `./dev lint` (warehouse/sql_lint.py): page queries render as the
application runs them, fragments parse, and `sqlfluff fix` changes only what the file holds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

sqlfluff = pytest.importorskip("sqlfluff")
from sqlfluff.core import FluffConfig, Linter  # noqa: E402

from dashboards.queries import query_sql  # noqa: E402
from warehouse import SQL_DIR  # noqa: E402
from warehouse.sql_lint import AlambicTemplater  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def linter() -> Linter:
    return Linter(config=FluffConfig.from_path(str(ROOT)))


def test_the_repository_uses_this_templater():
    assert linter().config.get("templater_obj").name == AlambicTemplater.name


def test_a_page_query_renders_as_the_application_runs_it_parameters_as_names():
    path = SQL_DIR / "queries" / "suivi_volontariat" / "indicateurs.sql"
    templated, _ = AlambicTemplater().process(in_str=path.read_text(encoding="utf-8"), fname=str(path))
    expected = re.sub(r"\$([A-Za-z_]\w*)", r"\1", query_sql("suivi_volontariat/indicateurs"))
    assert templated.templated_str == expected
    assert "-- include:" not in templated.templated_str and "$unit" not in templated.templated_str


@pytest.mark.parametrize("path", sorted((SQL_DIR / "queries").glob("*/_*.sql")), ids=lambda p: p.parent.name + "/" + p.name)
def test_every_fragment_parses(path):
    result = linter().lint_paths((str(path),))
    codes = [v.rule_code() for v in result.get_violations()]
    assert "PRS" not in codes and "TMP" not in codes, codes


FRAGMENT = """-- A fragment included first (it opens the with clause); ends with a comma.
WITH units AS (
    SELECT unit_code, max(name) FILTER (WHERE level = 'pole') AS pole
    FROM marts.org_tree
    GROUP BY unit_code
),
"""
INCLUDER = """-- A page query over the fragment.
-- include: page/_units.sql
counted AS (SELECT count(*) AS n FROM units)
SELECT n FROM counted
"""


def test_fix_lowers_the_case_of_a_fragment_and_its_includer_and_adds_nothing(tmp_path):
    (tmp_path / ".sqlfluff").write_text((ROOT / ".sqlfluff").read_text(encoding="utf-8"), encoding="utf-8")
    page = tmp_path / "sql" / "queries" / "page"
    page.mkdir(parents=True)
    (page / "_units.sql").write_text(FRAGMENT, encoding="utf-8")
    (page / "shown.sql").write_text(INCLUDER, encoding="utf-8")
    Linter(config=FluffConfig.from_path(str(tmp_path))).lint_paths((str(page),), fix=True, apply_fixes=True)
    fixed = (page / "_units.sql").read_text(encoding="utf-8")
    # Lower case outside comments and strings, nothing else changed (no `select 1` written in).
    assert fixed == FRAGMENT.replace("WITH", "with").replace(" AS ", " as ").replace("SELECT", "select").replace(
        "FILTER (WHERE", "filter (where").replace("FROM", "from").replace("WHERE", "where").replace(
        "GROUP BY", "group by")
    assert (page / "shown.sql").read_text(encoding="utf-8") == INCLUDER.replace(" AS ", " as ").replace(
        "SELECT", "select").replace("FROM", "from")
