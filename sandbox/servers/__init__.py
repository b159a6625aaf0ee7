"""Simulated Odoo, TiBillet and Oceco servers that serve the sandbox organisation on loopback.

Each is an ASGI app speaking its source's real protocol; `serve_in_thread` runs one with uvicorn
in a background thread, for the demo and the tests.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RunningServer:
    """A uvicorn server in a thread; `url` is its loopback base URL."""

    def __init__(self, app, port: int | None = None):
        self.app = app  # tests reach app.state (faults, request counters) through it
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", ws="websockets-sansio")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self, timeout: float = 10) -> RunningServer:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError(f"Le serveur de bac à sable n'a pas démarré sur le port {self.port}")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@contextmanager
def serve_in_thread(app, port: int | None = None) -> Iterator[RunningServer]:
    server = RunningServer(app, port).start()
    try:
        yield server
    finally:
        server.stop()
