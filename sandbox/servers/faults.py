"""Fault injection and request counting for the simulated REST servers (TiBillet, Oceco).

`app.state.faults` makes a running server answer wrong (HTTP error, delay, malformed JSON,
dropped connection), and `app.state.requests` counts what clients asked, route by route, so
tests can break a server and see what a client did.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import Response
from starlette.routing import Match

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)




@dataclass
class Faults:
    """What the server should do wrong, for every route or only those named in `routes`.

    status: answer with this HTTP status instead (WebSocket: refuse the handshake with it);
    delay: seconds to wait before answering (or before the WebSocket handshake);
    malformed: answer 200 with a truncated JSON body (WebSocket: a frame that is not JSON);
    drop: close the connection in the middle of the answer (WebSocket: right after accepting).
    """

    status: int | None = None
    delay: float = 0.0
    malformed: bool = False
    drop: bool = False
    routes: set[str] | None = None

    def applies_to(self, route: str) -> bool:
        return self.routes is None or route in self.routes

    def clear(self) -> None:
        self.status, self.delay, self.malformed, self.drop, self.routes = None, 0.0, False, False, None


def route_template(scope) -> str:
    """The route a request matches, as written in the app (`/api/v2/sales/`), or its raw path."""
    for route in scope["app"].router.routes:
        match, _ = route.matches(scope)
        if match == Match.FULL:
            return route.path
    return scope["path"]


class FaultMiddleware:
    """Counts every request by route and plays the faults set in `app.state.faults`."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        state = scope["app"].state
        route = route_template(scope)
        state.requests[route] += 1
        faults: Faults = state.faults
        if not faults.applies_to(route):
            return await self.app(scope, receive, send)
        if faults.delay:
            await asyncio.sleep(faults.delay)
        if scope["type"] == "websocket":
            return await self._websocket_fault(faults, scope, receive, send)
        if faults.status:
            return await Response("Internal Server Error", faults.status, media_type="text/plain")(
                scope, receive, send
            )
        if faults.malformed:
            return await Response(b'{"results": [{"identifier": ', media_type="application/json")(
                scope, receive, send
            )
        if faults.drop:
            # Promise a body, send part of it, stop: uvicorn then closes the connection.
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"application/json"), (b"content-length", b"1000")]})
            await send({"type": "http.response.body", "body": b'{"results": [', "more_body": True})
            return
        return await self.app(scope, receive, send)

    async def _websocket_fault(self, faults: Faults, scope, receive, send):
        if not (faults.status or faults.malformed or faults.drop):
            return await self.app(scope, receive, send)
        await receive()  # websocket.connect
        if faults.status:
            if "websocket.http.response" in scope.get("extensions", {}):
                await send({"type": "websocket.http.response.start", "status": faults.status, "headers": []})
                await send({"type": "websocket.http.response.body", "body": b"Erreur simulee"})
            else:
                await send({"type": "websocket.close", "code": 1008})  # uvicorn answers 403
            return
        await send({"type": "websocket.accept"})
        if faults.malformed:  # answer the client's first message with a broken frame
            if (await receive())["type"] == "websocket.receive":
                await send({"type": "websocket.send", "text": '{"msg": "connec'})
            while (await receive())["type"] != "websocket.disconnect":
                pass
            return
        await send({"type": "websocket.close", "code": 1011})


def faulty_app(routes: list, **state) -> Starlette:
    """A Starlette app with fault injection and counters, its `state` preset with `state`."""
    app = Starlette(routes=routes, middleware=[Middleware(FaultMiddleware)])
    app.state.faults = Faults()
    app.state.requests = Counter()
    for name, value in state.items():
        setattr(app.state, name, value)
    return app
