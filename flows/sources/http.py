"""One HTTP GET for the REST clients (TiBillet, Oceco's iCal), with network failures in French.

A fetch that makes many requests (TiBillet's one detail per reservation) passes one `httpx.Client`
for all of them (`open_client`): a new client per request builds a TLS context — it loads the CA
store, ~70 ms here, four times the request itself — and opens a new connection; one client keeps
the connection alive. httpx's Client is safe to share between threads.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx

from flows.sources import SourceError


def open_client(timeout: float) -> httpx.Client:
    """A client for the requests of one fetch (close it after: `with open_client(...) as client`)."""
    return httpx.Client(timeout=timeout, limits=httpx.Limits(max_connections=8, max_keepalive_connections=8))


def http_get(url: str, *, timeout: float, fail: Callable[[str], SourceError], headers: dict | None = None,
             params: dict | None = None, client: httpx.Client | None = None) -> httpx.Response:
    """GET `url` (through `client` when given); a timeout, a refused or a broken connection raises
    `fail(<French message>)`.

    The response is returned whatever its status: each client explains its own HTTP errors.
    """
    try:
        if client is not None:
            return client.get(url, params=params, headers=headers)
        with open_client(timeout) as own:
            return own.get(url, params=params, headers=headers)
    except httpx.TimeoutException:
        raise fail(f"délai dépassé ({timeout:g} s) en interrogeant {url}") from None
    except httpx.ConnectError:
        raise fail(f"serveur injoignable ({url})") from None
    except httpx.HTTPError as exc:
        raise fail(f"connexion interrompue ({type(exc).__name__})") from None
