"""What the pages are told about the last builds (warehouse/build_status.py)."""

from __future__ import annotations

import pytest

from tests.browser.test_build_failures_browser import BREAK, config_of
from tests.sql.test_finance_marts import finance_warehouse
from warehouse import SQL_DIR
from warehouse.build import BuildError, build
from warehouse.build_status import build_status, descriptions, explain_failure


def test_every_data_test_has_a_french_rule():
    tests = {p.stem for p in (SQL_DIR / "tests").glob("*.sql")}
    assert tests == set(descriptions())
    assert all(descriptions()[t]["rule"] and not descriptions()[t]["rule"].endswith(".") for t in tests)


def test_a_failed_build_after_a_good_one_names_its_test(tmp_path):
    warehouse = finance_warehouse(tmp_path)
    good = build_status(warehouse)
    assert good.ever_built and good.failed_at is None and good.last_ok_at is not None
    with warehouse.write("casse") as con:
        con.execute(BREAK)
    with pytest.raises(BuildError, match="l'échéancier d'une subvention dépasse le montant accordé"):
        build(warehouse, config_of(warehouse).settings())
    status = build_status(warehouse)
    assert status.ever_built and status.failed_at >= status.last_ok_at
    assert status.test == "subsidy_instalments_within_granted"
    assert status.rule.startswith("l'échéancier d'une subvention dépasse")
    assert status.action.startswith("Dans Suivi subventions")


def test_a_computation_that_failed_is_named_by_its_file():
    assert explain_failure("BuildError: marts/soiree_vat.sql : Binder Error: …") == (
        None, None, None, "marts/soiree_vat.sql")
