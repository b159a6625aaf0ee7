"""What Alambic records itself (co-remuneration proposals, internal transfers) goes to the
categories the configuration names with `fed_by`: no category code is written in budget_lines.sql."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from alambic.config import ConfigError, parse_config
from tests.sql.test_marts import REPO, load_books, rows
from tests.sql.tiny_books import CONFIG, insert_app_rows
from warehouse.build import build
from warehouse.connection import Warehouse
from warehouse.migrations import migrate


def example_categories() -> list[dict]:
    return tomllib.loads((REPO / "alambic.example.toml").read_text(encoding="utf-8"))["categories"]


def build_with(directory: Path, categories: list[dict]):
    config = parse_config(dict(CONFIG, categories=categories,
                               warehouse={"path": str(directory / "w.duckdb"), "lock_timeout_seconds": 10}),
                          directory / "alambic.toml")
    warehouse = Warehouse(directory / "w.duckdb")
    migrate(warehouse)
    load_books(warehouse, "17")
    with warehouse.write("saisies de test") as con:
        insert_app_rows(con)
    build(warehouse, config.settings())
    return warehouse


def alambic_lines(warehouse) -> list[tuple]:
    return rows(warehouse, "SELECT reference, category_code FROM marts.budget_lines"
                           " WHERE source = 'alambic' ORDER BY reference, category_code")


def test_renamed_categories_receive_what_alambic_records(tmp_path):
    categories = [dict(c) for c in example_categories()]
    renamed = {"depenses_internes": "cessions", "recettes_internes": "apports"}
    for category in categories:
        category["code"] = renamed.get(category["code"], category["code"])
        if category["code"] in ("bienveillance", "prestations_internes"):
            category.pop("fed_by")  # the codes stay (forecasts use them), their feeds go elsewhere
    categories.append({"code": "soin_collectif", "label": "Soin collectif", "direction": "depense",
                       "fed_by": "proposals:bienveillance"})
    categories.append({"code": "ateliers_internes", "label": "Ateliers internes", "direction": "depense",
                       "fed_by": ["proposals:prestation_interne"]})
    warehouse = build_with(tmp_path, categories)
    assert alambic_lines(warehouse) == [
        ("proposition n° 1", "soin_collectif"),
        ("proposition n° 2", "ateliers_internes"),
        ("transfert n° 1", "apports"),
        ("transfert n° 1", "cessions"),
    ]
    # the Saisies of Suivi budgétaire: transfers in their categories, forecasts in the others
    from dashboards.budget_entries import category_choices

    assert sorted(category_choices(warehouse, internal=True).values()) == ["apports", "cessions"]
    assert {"apports", "cessions"}.isdisjoint(category_choices(warehouse).values())
    assert {"soin_collectif", "bienveillance"} <= set(category_choices(warehouse).values())


def test_the_example_configuration_keeps_the_usual_categories(tmp_path):
    assert alambic_lines(build_with(tmp_path, example_categories())) == [
        ("proposition n° 1", "bienveillance"),
        ("proposition n° 2", "prestations_internes"),
        ("transfert n° 1", "depenses_internes"),
        ("transfert n° 1", "recettes_internes"),
    ]


def test_a_feed_without_its_category_is_refused_in_french(tmp_path):
    categories = [c for c in example_categories() if c["code"] != "recettes_internes"]
    with pytest.raises(ConfigError, match="recettes_internes : catégorie absente, attendue en recette.*transfers:to"):
        parse_config(dict(CONFIG, categories=categories), tmp_path / "alambic.toml")
    twice = [dict(c) for c in example_categories()]
    twice.append({"code": "autre", "label": "Autre", "direction": "depense", "fed_by": ["transfers:from"]})
    with pytest.raises(ConfigError, match="fed_by « transfers:from » dans plusieurs"):
        parse_config(dict(CONFIG, categories=twice), tmp_path / "alambic.toml")
    typo = [dict(c) for c in example_categories()]
    typo[0]["fed_by"] = ["proposal:bienveillance"]
    with pytest.raises(ConfigError, match="fed_by \\['proposal:bienveillance'\\] inconnu"):
        parse_config(dict(CONFIG, categories=typo), tmp_path / "alambic.toml")
