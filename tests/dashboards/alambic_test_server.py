"""Serve the dashboards on a free loopback port in a thread and wait for them (like Panel's own
`serve_and_wait` in panel/tests/util.py). Shared by tests/dashboards and tests/browser."""

from __future__ import annotations

import socket
import time
from contextlib import contextmanager

import httpx

LOCAL_PREFIXES = ("http://127.0.0.1", "http://localhost", "ws://127.0.0.1", "ws://localhost",
                  "data:", "blob:", "about:")


def external_requests(urls: list[str]) -> list[str]:
    """The requests a browser made to another host than this machine."""
    return [url for url in urls if not url.startswith(LOCAL_PREFIXES)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_server(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/liveness", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"the dashboards did not answer on port {port}")
        time.sleep(0.2)


@contextmanager
def serving(warehouse, *, auth: bool = False, config=None):
    """Yield the base URL (http://127.0.0.1:PORT) of the dashboards served over `warehouse`.

    auth=False (the page tests) serves without a login; the login tests pass auth=True.
    """
    import panel as pn

    from dashboards.server import serve

    port = free_port()
    server = serve(config, warehouse=warehouse, port=port, show=False, threaded=True, address="127.0.0.1",
                   auth=auth)
    try:
        wait_for_server(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        try:
            server.stop()
        except RuntimeError:  # already stopping
            pass
        pn.state.clear_caches()
