"""`alambic serve --dev`: page SQL read again when edited, a mart rebuilt (incrementally) when its
SQL changes, Python reloaded by Panel's autoreload. On a temporary copy of sql/, never the repo's."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import panel as pn
import pytest

from alambic.dev import DevReloader
from dashboards.app import AppContext
from dashboards.declarations import read_declaration
from dashboards.declared import DeclaredPage
from warehouse import SQL_DIR
from warehouse.connection import Warehouse

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_edited_page_query_shows_on_the_next_opening(tmp_path, sandbox_template):
    _org, warehouse_file = sandbox_template
    sql = tmp_path / "sql"
    (sql / "pages").mkdir(parents=True)
    (sql / "pages" / "essai.sql").write_text("SELECT 'avant' AS mot", encoding="utf-8")
    (sql / "pages" / "essai.toml").write_text(
        'title = "Essai"\nsection = "Outils"\ndescription = "Essai."\ncolumns = [["mot", "Mot"]]\n', encoding="utf-8")
    warehouse = Warehouse(warehouse_file)
    declaration = read_declaration(sql / "pages" / "essai.toml")
    reloader = DevReloader(sql, log=lambda line: None)

    def shown() -> list[str]:
        page = DeclaredPage(context=AppContext(warehouse=warehouse), declaration=declaration)
        return list(page.data()["mot"])

    assert shown() == ["avant"]
    (sql / "pages" / "essai.sql").write_text("SELECT 'après' AS mot UNION ALL SELECT 'encore'", encoding="utf-8")
    assert shown() == ["avant"]  # without --dev the text is read once
    said = reloader.poll()
    assert "pages/essai.sql" in said and "relues" in said
    assert sorted(shown()) == ["après", "encore"]
    assert reloader.poll() is None  # nothing changed since


def test_serve_dev_turns_on_panel_autoreload_and_the_sql_watcher(monkeypatch, sandbox_template):
    from alambic import dev
    from dashboards import server as panel_serve

    budget_warehouse = Warehouse(sandbox_template[1])
    started, served = [], {}
    monkeypatch.setattr(dev.DevReloader, "start", lambda self: started.append(self) or self)
    monkeypatch.setattr(panel_serve, "warm_up", lambda *a: None)
    monkeypatch.setattr(pn, "serve", lambda apps, **options: served.update(options) or "server")
    monkeypatch.setattr(pn.config, "autoreload", False)
    assert panel_serve.serve(warehouse=budget_warehouse, auth=False, dev=True) == "server", served
    assert pn.config.autoreload is True
    assert [r.sql_dir for r in started] == [SQL_DIR]
    monkeypatch.setattr(pn.config, "autoreload", False)
    started.clear()
    panel_serve.serve(warehouse=budget_warehouse, auth=False)
    assert started == [] and pn.config.autoreload is False


@pytest.mark.slow  # ~1.5 min: the server warms every page up once, as Panel's autoreload does
def test_alambic_serve_dev_rebuilds_an_edited_mart(tmp_path, sandbox_template):
    """The real command in a subprocess on a copy of sql/ (ALAMBIC_SQL_DIR) and of the sandbox."""
    _org, warehouse_file = sandbox_template
    shutil.copytree(SQL_DIR, tmp_path / "sql")
    shutil.copy(warehouse_file, tmp_path / "alambic.duckdb")
    config_text = (Path(warehouse_file).parent / "alambic.toml").read_text(encoding="utf-8")
    assert 'path = "alambic.duckdb"' in config_text  # beside the configuration: the copy
    (tmp_path / "alambic.toml").write_text(config_text, encoding="utf-8")
    warehouse = Warehouse(tmp_path / "alambic.duckdb")
    with warehouse.read() as con:
        before = con.execute("SELECT count(*) FROM marts.soiree_vat").fetchone()[0]
    assert before > 0
    port = free_port()
    env = dict(os.environ, ALAMBIC_SQL_DIR=str(tmp_path / "sql"), PYTHONUNBUFFERED="1")
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "alambic.cli", "serve", "--dev", "--port", str(port),
                               "--config", str(tmp_path / "alambic.toml")],
                              cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: httpx.get(f"http://localhost:{port}/liveness", timeout=2).status_code == 200, 120,
                 tmp_path / "serve.log")
        assert "Mode développement" in (tmp_path / "serve.log").read_text()
        mart = tmp_path / "sql" / "marts" / "soiree_vat.sql"
        mart.write_text(mart.read_text(encoding="utf-8") + "\nlimit 1\n", encoding="utf-8")
        wait_for(lambda: "marts reconstruits" in (tmp_path / "serve.log").read_text(), 90, tmp_path / "serve.log")
        text = (tmp_path / "serve.log").read_text()
        assert "marts/soiree_vat.sql — marts reconstruits : soiree_vat" in text
        with warehouse.read() as con:
            assert con.execute("SELECT count(*) FROM marts.soiree_vat").fetchone()[0] == 1
            message = con.execute("SELECT message FROM meta.runs WHERE kind = 'build' ORDER BY started_at DESC"
                                  " LIMIT 1").fetchone()[0]
        assert "marts.soiree_vat" in message and message.startswith("1 marts")
        mart.write_text("select nothing_here from nowhere\n", encoding="utf-8")
        wait_for(lambda: "construction refusée" in (tmp_path / "serve.log").read_text(), 90, tmp_path / "serve.log")
        with warehouse.read() as con:  # the previous figures are kept
            assert con.execute("SELECT count(*) FROM marts.soiree_vat").fetchone()[0] == 1
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def wait_for(condition, seconds: float, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except (httpx.HTTPError, OSError):
            pass
        time.sleep(0.5)
    raise AssertionError(f"timed out; server log:\n{log.read_text()[-3000:]}")
