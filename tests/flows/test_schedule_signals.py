"""`alambic schedule` stops on SIGINT and SIGTERM, even once the Prefect API has gone away, and its
deployments name the configuration by an absolute path (issue #12, point 15)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import small_config

REPO = Path(__file__).resolve().parent.parent.parent


class Proxy:
    """A TCP relay to the Prefect API that can be cut, as when the server is restarted."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = []
        self.open = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while self.open:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(a, b):
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass

    def cut(self):
        self.open = False
        self.listener.close()
        for s in self.sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
                s.close()
            except OSError:
                pass


def _wait_served(config_path: str, timeout: float = 120) -> None:
    from prefect.client.orchestration import get_client

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with get_client(sync_client=True) as client:
            for d in client.read_deployments():
                if d.name == "alambic-build" and d.parameters.get("config_path") == config_path:
                    return
        time.sleep(0.5)
    raise AssertionError("the deployments were never registered")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_schedule_stops_on_a_signal_after_the_prefect_api_went_away(prefect_server, tmp_path, signum):
    from urllib.parse import urlparse

    from prefect.settings import PREFECT_API_URL

    api = urlparse(PREFECT_API_URL.value())
    proxy = Proxy(api.hostname, api.port)
    config = small_config(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(REPO), "PREFECT_API_URL": f"http://127.0.0.1:{proxy.port}{api.path}",
           "ALAMBIC_SCHEDULE_GRACE_SECONDS": "3"}
    process = subprocess.Popen([sys.executable, "-m", "alambic.cli", "--config", str(config.path), "schedule"],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        _wait_served(str(config.path.resolve()))
        time.sleep(2)
        proxy.cut()  # the Prefect server is gone
        time.sleep(2)
        process.send_signal(signum)
        started = time.monotonic()
        process.wait(timeout=30)
        assert time.monotonic() - started < 20
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
            pytest.fail("`alambic schedule` ignored the signal")


def test_deployments_store_an_absolute_config_path(tmp_path, monkeypatch):
    from alambic.config import load_config
    from flows.deployments import deployments

    small_config(tmp_path)
    monkeypatch.chdir(tmp_path)
    config = load_config("alambic.toml")  # relative, as `alambic --config alambic.toml schedule`
    params = {d.name: d.parameters["config_path"] for d in deployments(config)}
    assert params and all(Path(p).is_absolute() and Path(p) == (tmp_path / "alambic.toml").resolve()
                          for p in params.values())
