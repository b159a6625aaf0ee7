"""One HTTP GET for the REST clients (TiBillet, Oceco's iCal), with network failures in French."""

from __future__ import annotations

from typing import Callable

import httpx

from flows.sources import SourceError


def http_get(url: str, *, timeout: float, fail: Callable[[str], SourceError], headers: dict | None = None,
             params: dict | None = None) -> httpx.Response:
    """GET `url`; a timeout, a refused or a broken connection raises `fail(<French message>)`.

    The response is returned whatever its status: each client explains its own HTTP errors.
    """
    try:
        with httpx.Client(timeout=timeout, headers=headers) as client:
            return client.get(url, params=params)
    except httpx.TimeoutException:
        raise fail(f"délai dépassé ({timeout:g} s) en interrogeant {url}") from None
    except httpx.ConnectError:
        raise fail(f"serveur injoignable ({url})") from None
    except httpx.HTTPError as exc:
        raise fail(f"connexion interrompue ({type(exc).__name__})") from None
