"""The configuration file: what members may set beyond the tree and the categories."""

from pathlib import Path

import pytest

from alambic.config import DEFAULT_ROLES, ConfigError, load_config, parse_config

EXAMPLE = Path(__file__).resolve().parents[1] / "alambic.example.toml"
TREE = {"units": [{"code": "R", "name": "La Raffinerie", "level": "organisation"}]}


def test_the_example_sets_roles_volunteering_and_documentation():
    config = load_config(EXAMPLE)
    assert [r.code for r in config.roles] == [r.code for r in DEFAULT_ROLES]
    assert {r.code for r in config.roles if r.several} == {"bienveillant"}
    assert config.volunteering["hourly_rate"] == 11.88
    assert config.documentation["wiki_url"].startswith("https://")


def test_roles_default_to_the_five_of_the_wiki():
    assert parse_config(TREE, Path("alambic.toml")).roles == DEFAULT_ROLES


def test_roles_of_the_configuration_replace_the_defaults():
    config = parse_config({**TREE, "roles": [
        {"code": "tresorier", "label": "Trésorier·e", "levels": ["groupe", "pole"]},
        {"code": "accueil", "several": True},
    ]}, Path("alambic.toml"))
    assert [(r.code, r.label, r.levels, r.several) for r in config.roles] == [
        ("tresorier", "Trésorier·e", ("groupe", "pole"), False),
        ("accueil", "accueil", ("pole",), True),
    ]


@pytest.mark.parametrize(("roles", "message"), [
    ([{"label": "sans code"}], "pas de champ 'code'"),
    ([{"code": "x", "levels": ["etage"]}], "niveau"),
    ([{"code": "x"}, {"code": "x"}], "en double"),
])
def test_wrong_roles_are_clear_errors(roles, message):
    with pytest.raises(ConfigError, match=message):
        parse_config({**TREE, "roles": roles}, Path("alambic.toml"))
