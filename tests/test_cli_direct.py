"""Commands without a needless server (issue #11): `alambic build`, `sql`, `export` and `backup`
run directly; `alambic sync` runs the flow's steps directly, with a French note, when no Prefect
API is configured (PREFECT_API_URL); `alambic sql` imports neither Prefect, Panel nor pandas."""

import os
import subprocess
import sys

import pytest

from tests.conftest import small_config


def run_and_list_modules(*args, env=None):
    """`alambic <args>` in a fresh interpreter; returns (result, heavy modules it imported)."""
    code = ("import sys; from alambic.cli import main; rc = main(sys.argv[1:]); "
            "print('MODULES', *sorted({m.split('.')[0] for m in sys.modules} & {'prefect', 'panel', 'pandas', "
            "'bokeh'}), file=sys.stderr); sys.exit(rc)")
    environment = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    environment.update(env or {})
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=300,
                            env=environment)
    line = next(line for line in result.stderr.splitlines() if line.startswith("MODULES"))
    return result, set(line.split()[1:])


@pytest.fixture
def built(tmp_path):
    from warehouse.build import build
    from warehouse.connection import Warehouse

    config = small_config(tmp_path)
    build(Warehouse.from_config(config), config.settings())
    return config


def test_sql_imports_neither_prefect_panel_nor_pandas(built):
    result, heavy = run_and_list_modules("--config", str(built.path), "sql",
                                         "SELECT unit_code, name FROM ref.units WHERE unit_code = '303'")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["unit_code", "name", "---------", "-------", "303", "Potager"]
    assert heavy == set()
    csv, _ = run_and_list_modules("--config", str(built.path), "sql", "SELECT 1 AS un, NULL AS deux", "--csv")
    assert csv.stdout.splitlines() == ["un;deux", "1;"]  # French CSV (alambic/sql_output.py)


def test_build_export_and_backup_run_without_prefect(built, tmp_path):
    result, heavy = run_and_list_modules("--config", str(built.path), "build")
    assert result.returncode == 0, result.stderr
    assert "marts.budget_vs_actual :" in result.stdout and "tests de données réussis" in result.stderr
    assert "prefect" not in heavy and "panel" not in heavy
    for command in (["export", str(tmp_path / "export")], ["backup"]):
        done, heavy = run_and_list_modules("--config", str(built.path), *command)
        assert done.returncode == 0, done.stderr
        assert "prefect" not in heavy and "panel" not in heavy


def test_sync_without_a_prefect_api_runs_the_steps_directly_and_says_so(tmp_path):
    from alambic.config import load_config
    from sandbox.demo_config import write_demo_config
    from sandbox.generate import generate
    from sandbox.sources import append_sources, serve_sandbox_sources
    from warehouse.connection import Warehouse

    org = generate(seed=3, scale=0.1)
    path = write_demo_config(org, tmp_path, tmp_path / "alambic.duckdb")
    with serve_sandbox_sources(org) as sources:
        append_sources(path, sources.settings)
        result, heavy = run_and_list_modules("--config", str(path), "sync", "tibillet", env=sources.env)
        assert result.returncode == 0, result.stderr
        assert "PREFECT_API_URL n'est pas défini : la synchronisation tourne directement, sans Prefect" in result.stderr
        assert "prefect" not in heavy
        assert "tibillet/" in result.stdout and "reçus" in result.stdout
        warehouse = Warehouse.from_config(load_config(path))
        with warehouse.read() as con:
            loaded = con.execute("SELECT count(*) FROM meta.runs WHERE kind = 'load' AND outcome = 'ok'").fetchall()
        assert loaded[0][0] > 0
        again, _ = run_and_list_modules("--config", str(path), "sync", "tibillet", env=sources.env)
        assert again.returncode == 0 and " 0 nouveaux" in again.stdout  # nothing new the second time
