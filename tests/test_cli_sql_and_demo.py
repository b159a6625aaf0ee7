"""`alambic sql` as an analyst uses it, and the commands after `alambic demo` (issue #12)."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def alambic(*args, cwd=None, env=None, **kwargs):
    full_env = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    full_env.pop("ALAMBIC_CONFIG", None)
    return subprocess.run([sys.executable, "-m", "alambic.cli", *args], capture_output=True, text=True,
                          timeout=120, cwd=cwd, env=full_env, **kwargs)


@pytest.fixture
def typed(tmp_path):
    from tests.conftest import small_config
    from warehouse.connection import Warehouse
    from warehouse.migrations import migrate

    config = small_config(tmp_path)
    warehouse = Warehouse.from_config(config)
    migrate(warehouse)
    with warehouse.write() as con:
        con.execute("""CREATE TABLE marts.typed AS
            SELECT * FROM (VALUES
              (23, 1234.5::DECIMAL(14,2), DATE '2026-11-27', TIMESTAMPTZ '2026-11-27 16:30:00+00', true, 'Potager'),
              (NULL, -2.25::DECIMAL(14,2), NULL, NULL, NULL, NULL))
              AS t(n, montant, jour, instant, vrai, unite)""")
    return config


def test_sql_prints_an_aligned_french_table(typed):
    result = alambic("--config", str(typed.path), "sql", "SELECT * FROM marts.typed ORDER BY n NULLS LAST")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["n", "montant", "jour", "instant", "vrai", "unite"]
    assert lines[2].split() == ["23", "1", "234,50", "27/11/2026", "27/11/2026", "20:30:00", "oui", "Potager"]
    assert lines[3].split() == ["-2,25"]  # NULL shown empty, never None / NaN
    assert lines[2].index("1 234,50") + len("1 234,50") == lines[3].index("-2,25") + len("-2,25")  # right-aligned
    for raw in ("None", "NaN", "23.0", "+00"):
        assert raw not in result.stdout


def test_sql_csv_is_french_and_json_is_typed(typed):
    csv = alambic("--config", str(typed.path), "sql", "SELECT * FROM marts.typed ORDER BY n NULLS LAST", "--csv")
    assert csv.stdout.splitlines() == ["n;montant;jour;instant;vrai;unite",
                                       "23;1234,50;27/11/2026;27/11/2026 20:30:00;oui;Potager",
                                       ";-2,25;;;;"]
    out = alambic("--config", str(typed.path), "sql", "SELECT * FROM marts.typed ORDER BY n NULLS LAST", "--json")
    rows = json.loads(out.stdout)
    assert rows[0]["n"] == 23 and rows[0]["montant"] == 1234.5 and rows[0]["instant"].startswith("2026-11-27T20:30:00+04")
    assert rows[1]["n"] is None


def test_a_refusal_says_refused_once(typed):
    result = alambic("--config", str(typed.path), "sql", "SELECT * FROM app.users")
    assert result.returncode == 1
    assert result.stderr.count("Refusé") == 1


def test_sql_without_a_query_is_an_interactive_prompt_with_history(typed, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    session = "SELECT n\nFROM marts.typed WHERE n = 23;\nSELECT 'deux' AS x;\n\\q\n"
    result = alambic("--config", str(typed.path), "sql", input=session, env={"HOME": str(home)})
    assert result.returncode == 0, result.stderr
    assert "23" in result.stdout and "deux" in result.stdout
    history = home / ".alambic_sql_history"
    assert history.exists() and history.stat().st_mode & 0o077 == 0
    ended = alambic("--config", str(typed.path), "sql", input="SELECT 1 AS un;\n", env={"HOME": str(home)})
    assert ended.returncode == 0 and "un" in ended.stdout  # Ctrl-D (end of input) quits


def test_after_the_demo_every_command_finds_its_configuration(typed, tmp_path):
    here = tmp_path / "projet"
    (here / "data" / "demo").mkdir(parents=True)
    shutil.copy(typed.path, here / "data" / "demo" / "alambic.toml")  # its warehouse path is absolute
    result = alambic("sql", "SELECT count(*) AS n FROM marts.typed", cwd=here)
    assert result.returncode == 0, result.stderr
    assert "data/demo/alambic.toml" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert result.stdout.splitlines()[-1].strip() == "2"


def test_without_any_configuration_the_message_names_the_demo_file(tmp_path):
    result = alambic("sql", "SELECT 1", cwd=tmp_path)
    assert result.returncode == 1
    assert "data/demo/alambic.toml" in result.stderr and "alambic demo" in result.stderr
