"""The configuration file: what members may set beyond the tree and the categories."""

from pathlib import Path

import pytest

from alambic.config import DEFAULT_ROLES, SETTINGS, ConfigError, Setting, load_config, parse_config

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
    config = parse_config({**TREE, "permissions": {"budget_role": "tresorier"}, "roles": [
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


# -- the table of settings: unknown keys, wrong types, required codes ---------------------------


def write(tmp_path, text: str) -> Path:
    path = tmp_path / "alambic.toml"
    path.write_text(text + """
[[units]]
code = "R"
name = "La Raffinerie"
level = "organisation"
""", encoding="utf-8")
    return path


@pytest.mark.parametrize(("text", "section", "key"), [
    ("[alerts]\nforcast_gap_ratio = 0.2", "[alerts]", "forcast_gap_ratio"),
    ("[volunteering]\nhourly_rat = 12", "[volunteering]", "hourly_rat"),
    ("[sources.tibillet]\nurl = 'http://x'\nday_pivo = '05:00'", "[sources.tibillet]", "day_pivo"),
    ("[[roles]]\ncode = 'x'\nlevel = ['pole']", "[[roles]]", "level"),
])
def test_an_unknown_key_is_refused_with_its_file_section_and_key(tmp_path, text, section, key):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert str(path) in message and section in message and key in message
    assert "réglage inconnu" in message


def test_a_typo_is_answered_with_the_nearest_setting(tmp_path):
    with pytest.raises(ConfigError, match="vouliez-vous dire « forecast_gap_ratio »"):
        load_config(write(tmp_path, "[alerts]\nforcast_gap_ratio = 0.2"))


def test_an_unknown_section_is_refused_by_name(tmp_path):
    path = write(tmp_path, "[alert]\nforecast_gap_ratio = 0.2")
    with pytest.raises(ConfigError, match=r"section \[alert\] inconnue \(vouliez-vous dire « alerts » \?\)"):
        load_config(path)


@pytest.mark.parametrize(("text", "section", "key"), [
    ("[alerts]\nforecast_gap_ratio = '15 %'", "[alerts]", "forecast_gap_ratio"),
    ("[alerts]\nreport_due_days = 60.5", "[alerts]", "report_due_days"),
    ("[volunteering]\nhourly_rate = true", "[volunteering]", "hourly_rate"),
    ("[server]\nhttps = 'oui'", "[server]", "https"),
    ("[organisation]\nfiscal_year_start_month = '1'", "[organisation]", "fiscal_year_start_month"),
    ("[organisation]\nfiscal_year_start_month = 13", "[organisation]", "fiscal_year_start_month"),
    ("[organisation]\nas_of = '27/11/2026'", "[organisation]", "as_of"),
    ("[organisation]\nas_of = 2026-11-27", "[organisation]", "as_of"),  # a TOML date, not text
    ("[organisation]\ntimezone = 'Reunion'", "[organisation]", "timezone"),
])
def test_a_value_of_the_wrong_type_is_refused_with_its_file_section_and_key(tmp_path, text, section, key):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert str(path) in message and f"{section} {key}" in message


def test_renaming_the_budget_role_without_saying_so_is_refused(tmp_path):
    path = write(tmp_path, "[[roles]]\ncode = 'referent_budget'\n[[roles]]\ncode = 'garant_cadre'")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert str(path) in message and "[permissions] budget_role" in message
    assert "'referent_budget_subvention'" in message and "referent_budget, garant_cadre" in message


def test_the_budget_role_may_be_renamed_by_configuration(tmp_path):
    config = load_config(write(tmp_path, "[permissions]\nbudget_role = 'tresorier'\n[[roles]]\ncode = 'tresorier'"))
    assert config.permissions == {"budget_role": "tresorier"}


def test_a_missing_setting_takes_its_default_from_the_table():
    config = parse_config(TREE, Path("alambic.toml"))
    assert config.alerts == {"forecast_gap_ratio": 0.15, "cash_threshold": 0, "report_due_days": 60,
                             "materiality": 100}
    assert config.volunteering == {"hourly_rate": 11.88}


def test_every_example_setting_is_in_the_table():
    """The example file uses only known keys (it loads), and the table has no duplicate."""
    load_config(EXAMPLE)
    keys = [(s.section, s.key) for s in SETTINGS]
    assert len(keys) == len(set(keys))


def test_a_new_alerts_setting_reaches_staging_without_python_edits(tmp_path, monkeypatch):
    """One row in the table: the configuration accepts the key, and the build hands it to SQL,
    typed, in ref.settings and as a column of staging.stg_ref__settings (no other edit)."""
    import alambic.config as config_module
    from warehouse.build import build
    from warehouse.connection import Warehouse

    new = Setting("alerts", "overrun_tolerance", "nombre", 0.05, sql_type="DOUBLE")
    monkeypatch.setattr(config_module, "SETTINGS", (*config_module.SETTINGS, new))
    path = write(tmp_path, f"""[organisation]
as_of = "2026-11-27"
[warehouse]
path = "{tmp_path / 'w.duckdb'}"
[alerts]
overrun_tolerance = 0.1
""")
    config = load_config(path)
    warehouse = Warehouse.from_config(config)
    build(warehouse, config.settings())
    row = warehouse.query("SELECT overrun_tolerance, forecast_gap_ratio, budget_role, as_of::VARCHAR AS as_of "
                          "FROM staging.stg_ref__settings")
    assert row.to_dict("records") == [{"overrun_tolerance": 0.1, "forecast_gap_ratio": 0.15,
                                       "budget_role": "referent_budget_subvention", "as_of": "2026-11-27"}]
    types = dict(warehouse.query("SELECT column_name, data_type FROM information_schema.columns "
                                 "WHERE table_name = 'stg_ref__settings'").values.tolist())
    assert types["overrun_tolerance"] == "DOUBLE" and types["day_pivot"] == "INTERVAL"
    # its default when the file leaves it out
    config = load_config(write(tmp_path, f"[warehouse]\npath = \"{tmp_path / 'w.duckdb'}\""))
    build(warehouse, config.settings())
    assert warehouse.query("SELECT overrun_tolerance FROM staging.stg_ref__settings")["overrun_tolerance"][0] == 0.05


@pytest.mark.parametrize(("change", "message"), [
    (lambda cats: [c for c in cats if c["code"] != "recettes_internes"], "recettes_internes : catégorie absente"),
    (lambda cats: [{**c, "direction": "recette"} if c["code"] == "bienveillance" else c for c in cats],
     "bienveillance : catégorie en recette, attendue en depense"),
])
def test_the_categories_alambic_feeds_itself_are_required(change, message):
    import tomllib

    example = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    with pytest.raises(ConfigError, match=message) as refused:
        parse_config({**TREE, "categories": change(example["categories"])}, Path("alambic.toml"))
    assert "alambic.toml : [[categories]]" in str(refused.value)
    # relabelled, they are accepted
    relabelled = [{**c, "label": c["label"].upper()} for c in example["categories"]]
    assert parse_config({**TREE, "categories": relabelled}, Path("alambic.toml")).categories


def test_the_demo_configuration_loads(tmp_path):
    """sandbox/demo_config.py writes the example with the sandbox's tree: every key known."""
    from sandbox.demo_config import write_demo_config
    from sandbox.generate import generate

    org = generate(seed=1, scale=0.2)
    config = load_config(write_demo_config(org, tmp_path, tmp_path / "alambic.duckdb"))
    assert len(config.units) == len(org.units) and config.as_of == org.today.isoformat()


def test_an_alerts_setting_may_be_declared_by_the_sql_that_uses_it(tmp_path):
    """`-- setting: alerts.<key> <type> <default> <meaning>` in a SQL file: a setting of the table,
    without a Python edit (README « Adapter Alambic » d); a type SQL cannot hand over is refused."""
    from alambic.config import sql_declared_settings

    (tmp_path / "macros").mkdir()
    (tmp_path / "macros" / "x.sql").write_text(
        "-- setting: alerts.overrun_tolerance DOUBLE 0 dépassement toléré\n"
        "-- setting: alerts.grace_days INTEGER 15 jours de grâce\nSELECT 1\n", encoding="utf-8")
    found = sql_declared_settings(tmp_path)
    assert [(s.key, s.kind, s.default, s.sql_type, s.help) for s in found] == [
        ("overrun_tolerance", "nombre", 0.0, "DOUBLE", "dépassement toléré"),
        ("grace_days", "entier", 15, "INTEGER", "jours de grâce"),
    ]
    (tmp_path / "macros" / "x.sql").write_text("-- setting: alerts.when DATE 2025-01-01 une date\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="type SQL DATE non pris en charge"):
        sql_declared_settings(tmp_path)
    # the repository's own SQL declares none today: every [alerts] key of the example is in the table
    assert all(s.section == "alerts" for s in sql_declared_settings())
