"""A failed build, seen in a real browser: in French, never a traceback, the last good figures kept.

Over the hand-written books of tests/sql/finance_books.py: a later build stopped by a data test
(the pages keep the previous marts and say why in a banner), and a first build stopped the same
way (no page can show figures: a French page says what failed and what to do)."""

from __future__ import annotations

import pytest

from alambic import formatting
from tests.browser.helpers import page_text, wait_text
from tests.dashboards.alambic_test_server import serving
from tests.sql.test_finance_marts import finance_warehouse
from warehouse.build import BuildError, build

pytestmark = pytest.mark.browser

RULE = "l'échéancier d'une subvention dépasse le montant accordé"
TODO = "Dans Suivi subventions, corrigez les échéances ou le montant accordé de cette subvention."
# granted 2 000, instalments 1 200 + 800 + this 500: breaks subsidy_instalments_within_granted
BREAK = ("INSERT INTO app.subsidy_instalments (instalment_id, subsidy_id, kind, amount, expected_on)"
         " VALUES (99, 1, 'acompte', 500, '2025-09-01')")
PAGES = ["suivi-subventions?unite=R&periode=2025", "plan-de-tresorerie?unite=R&periode=2025", ""]


def no_traceback(text: str) -> None:
    for word in ("Traceback", "Exception", "Error:", "CatalogException", 'File "'):
        assert word not in text, text[-2000:]


def read_pages(page, base: str, banner: str) -> list[str]:
    """Open each of PAGES on the server at `base`, wait for `banner`: the text of each page, which
    shows no traceback."""
    texts = []
    for path in PAGES:
        page.goto(f"{base}/{path}")
        wait_text(page, banner)
        text = page_text(page)
        no_traceback(text)
        texts.append(text)
    return texts


def config_of(warehouse):
    import tomllib

    from alambic.config import parse_config
    from tests.sql.test_finance_marts import CONFIG, REPO  # noqa: F401 — the same configuration

    example = tomllib.loads((REPO / "alambic.example.toml").read_text(encoding="utf-8"))
    return parse_config(dict(CONFIG, categories=example["categories"],
                             warehouse={"path": str(warehouse.path), "lock_timeout_seconds": 10}),
                        warehouse.path.parent / "alambic.toml")


def test_a_failed_later_build_keeps_the_last_good_figures_and_says_why(page, tmp_path):
    warehouse = finance_warehouse(tmp_path / "entrepot")  # a first good build
    with warehouse.read() as con:
        granted_before = con.execute("SELECT accorde FROM marts.subsidy_tracking WHERE subsidy_id = 1").fetchone()[0]
    with warehouse.write("casse") as con:
        con.execute(BREAK)
    with pytest.raises(BuildError):
        build(warehouse, config_of(warehouse).settings())
    with serving(warehouse) as base:
        for text in read_pages(page, base, "Les chiffres ne sont pas à jour."):
            assert RULE in text and TODO in text
            assert "dernière mise à jour réussie" in text
            assert "(Contrôle : subsidy_instalments_within_granted)" in text
        # the last good figures: the Région's subsidy as the first build computed it
        page.goto(f"{base}/{PAGES[0]}")
        wait_text(page, "Région Réunion")
        assert formatting.money(granted_before) in page_text(page)


def test_a_failed_first_build_shows_a_french_page_saying_what_to_do(page, tmp_path):
    from tests.sql.finance_books import insert_app_rows, odoo_books
    from warehouse.connection import Warehouse
    from warehouse.load import load_records
    from warehouse.migrations import migrate

    (tmp_path / "entrepot").mkdir()
    warehouse = Warehouse(tmp_path / "entrepot" / "w.duckdb")
    migrate(warehouse)
    for resource, records in odoo_books().items():
        load_records(warehouse, "odoo", resource, records)
    with warehouse.write("saisies") as con:
        insert_app_rows(con)
        con.execute(BREAK)
    with pytest.raises(BuildError):
        build(warehouse, config_of(warehouse).settings())
    with serving(warehouse) as base:
        texts = read_pages(page, base, "Les chiffres n'ont encore jamais été calculés.")
    for text in texts:
        assert "La première mise à jour" in text and RULE in text
        assert "Que faire" in text and "alambic build" in text
