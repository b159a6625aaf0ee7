"""`alambic demo` end to end, as on a fresh machine: its first refresh goes through the simulated
sources and the real connectors, without any Prefect server (none configured: the flow's own steps
run directly; a temporary Prefect server would cost 15–90 s here)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = """
import sys
from pathlib import Path
from sandbox.demo import build_demo
build_demo(Path(sys.argv[1]), scale=0.3, log=print)
print("prefect importé :", any(m == "prefect" or m.startswith("prefect.") for m in sys.modules))
"""


@pytest.mark.slow
def test_the_demo_builds_through_the_connectors_without_a_prefect_server(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "demo")], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    assert "prefect importé : False" in lines
    for source in ("odoo", "tibillet", "oceco"):  # one line per source, with what it received
        assert any(line.startswith(f"{source} : ") and "enregistrements reçus" in line for line in lines), lines
    con = duckdb.connect(str(tmp_path / "demo" / "alambic.duckdb"), read_only=True)
    try:
        assert con.execute("select count(*) from marts.budget_lines").fetchone()[0] > 0
        assert con.execute("select count(*) from raw_tibillet.reservation_details").fetchone()[0] > 0
    finally:
        con.close()
