"""The wheel carries what the code reads beside its packages (sql/, docs/, the example
configuration, the server module dashboards/server.py) and works outside a checkout: built, unpacked in a temporary folder, and
run from there with the checkout taken off the path."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

OUTSIDE = r'''
import sys
root, site, work = sys.argv[1:4]
sys.path = [site] + [p for p in sys.path if p.rstrip("/") != root.rstrip("/") and p not in ("", ".")]
from pathlib import Path

import warehouse, dashboards.documentation as documentation, dashboards.server as server, sandbox.demo_config as demo_config
for where in (warehouse.SQL_DIR, documentation.DOCS_DIR, Path(server.__file__), demo_config.EXAMPLE):
    assert str(where).startswith(site), where  # never the checkout's copy
assert (warehouse.SQL_DIR / "marts" / "budget_vs_actual.sql").is_file()
assert documentation.GLOSSARY_FILE.is_file()

text = demo_config.EXAMPLE.read_text(encoding="utf-8")
text = text.replace('path = "data/alambic.duckdb"', f'path = "{work}/w.duckdb"')
text = text.replace("[organisation]\n", '[organisation]\nas_of = "2026-11-27"\n', 1)
(Path(work) / "alambic.toml").write_text(text, encoding="utf-8")

from alambic.config import load_config
from warehouse.build import build
from warehouse.connection import Warehouse
from alambic.cli import main

config = load_config(Path(work) / "alambic.toml")
result = build(Warehouse.from_config(config), config.settings())
assert result.marts and result.tests, result
sys.exit(main(["--config", str(Path(work) / "alambic.toml"), "sql", "SELECT count(*) AS n FROM marts.org_tree"]))
'''


def uv() -> list[str]:
    found = shutil.which("uv")
    return [found] if found else ["python3", "-m", "uv"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([*uv(), "build", "--wheel", "--out-dir", str(out), str(ROOT)], check=True,
                   capture_output=True, timeout=300)
    return next(out.glob("alambic-*.whl"))


def test_the_wheel_carries_the_sql_the_docs_and_the_server(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in ("warehouse/sql/marts/budget_vs_actual.sql", "warehouse/sql/migrations/0001_schemas.sql",
                     "warehouse/sql/staging/ref/stg_ref__settings.sql", "dashboards/docs/glossaire.md",
                     "dashboards/server.py", "dashboards/static/lighter_inputs.js", "alambic/alambic.example.toml",
                     "alambic/locale/fr/LC_MESSAGES/alambic.po"):
        assert expected in names
    sql_files = {p.relative_to(ROOT).as_posix() for p in (ROOT / "sql").rglob("*.sql")}
    assert {f"warehouse/{p}" for p in sql_files} <= names


def test_the_installed_wheel_builds_and_answers_outside_the_checkout(wheel, tmp_path):
    site, work = tmp_path / "site", tmp_path / "work"
    work.mkdir()
    zipfile.ZipFile(wheel).extractall(site)
    done = subprocess.run([sys.executable, "-c", OUTSIDE, str(ROOT), str(site), str(work)], cwd=work,
                          capture_output=True, text=True, timeout=300, env={"PATH": "/usr/bin:/bin", "HOME": str(work)})
    assert done.returncode == 0, done.stderr[-3000:]
    assert "6" in done.stdout.split(), done.stdout  # the example's six units, from marts.org_tree
