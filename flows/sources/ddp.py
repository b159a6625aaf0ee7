"""A small Meteor DDP client: connect, log in, subscribe, read the documents, close.

Oceco's volunteering data (actions, balances, the credit ledger) is only readable over DDP
(docs/sources/oceco.md §2.4). The PyPI DDP clients (python-ddp, python-meteor) date from 2015 and are
unmaintained; this one sits on `websockets.sync.client`, because `websockets` is maintained, is
already a dependency, and its synchronous API fits a flow task that reads and returns — no
event loop, no callbacks. It does only what a reader needs: answers pings, merges
added/changed/removed into a local store per collection (like minimongo), and turns `nosub`,
method errors, timeouts and closed connections into `DDPError`.

Documents are kept as DDP sends them: `_id` plus the fields, EJSON dates left as `{"$date": ms}`.
"""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI
from websockets.sync.client import ClientConnection, connect


class DDPError(RuntimeError):
    """The DDP exchange failed; `reason` is safe to show (never holds the credentials sent)."""

    def __init__(self, reason: str, error: Any = None):
        super().__init__(reason)
        self.reason, self.error = reason, error


class DDPClient:
    """One DDP session. Use as a context manager; every wait is bounded by `timeout` seconds."""

    def __init__(self, url: str, *, timeout: float = 30):
        self.url, self.timeout = url, timeout
        self.collections: dict[str, dict[str, dict]] = {}
        self._ids = itertools.count(1)
        self._ws: ClientConnection | None = None

    def __enter__(self) -> DDPClient:
        self.connect()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def connect(self) -> None:
        try:
            self._ws = connect(self.url, open_timeout=self.timeout, close_timeout=min(self.timeout, 5),
                               max_size=None)
        except TimeoutError:
            raise DDPError(f"délai dépassé ({self.timeout:g} s) à l'ouverture de {self.url}") from None
        except InvalidURI:
            raise DDPError(f"adresse WebSocket invalide ({self.url})") from None
        except InvalidHandshake as exc:
            raise DDPError(f"connexion WebSocket refusée par le serveur ({exc})") from None
        except OSError as exc:
            raise DDPError(f"serveur injoignable ({self.url} : {exc.strerror or exc})") from None
        self._send({"msg": "connect", "version": "1", "support": ["1", "pre2", "pre1"]})
        reply = self._wait(lambda m: m.get("msg") in ("connected", "failed"), "la connexion DDP")
        if reply["msg"] == "failed":
            raise DDPError(f"version DDP refusée (le serveur propose {reply.get('version')})")

    def close(self) -> None:
        if self._ws is not None:
            self._ws.close()
            self._ws = None

    def call(self, method: str, *params) -> Any:
        """Call a method and return its result; a Meteor error becomes DDPError(reason)."""
        method_id = str(next(self._ids))
        self._send({"msg": "method", "method": method, "params": list(params), "id": method_id})
        reply = self._wait(lambda m: m.get("msg") == "result" and m.get("id") == method_id, f"la méthode {method}")
        if "error" in reply:
            raise DDPError(_reason(reply["error"]), reply["error"])
        return reply.get("result")

    def subscribe(self, name: str, *params) -> None:
        """Subscribe and wait for `ready`; the documents land in `collections`."""
        sub_id = str(next(self._ids))
        self._send({"msg": "sub", "id": sub_id, "name": name, "params": list(params)})
        reply = self._wait(lambda m: (m.get("msg") == "ready" and sub_id in m.get("subs", []))
                           or (m.get("msg") == "nosub" and m.get("id") == sub_id), f"l'abonnement {name}")
        if reply["msg"] == "nosub":
            raise DDPError(f"abonnement {name} refusé : {_reason(reply.get('error'))}", reply.get("error"))

    def documents(self, collection: str) -> list[dict]:
        return [{"_id": doc_id, **fields} for doc_id, fields in self.collections.get(collection, {}).items()]

    # ----------------------------------------------------------------------------------------

    def _send(self, message: dict) -> None:
        try:
            self._ws.send(json.dumps(message))
        except ConnectionClosed:
            raise DDPError("connexion fermée par le serveur") from None

    def _wait(self, wanted, what: str) -> dict:
        """Read messages until `wanted(message)`, keeping the store and the heartbeat up to date."""
        deadline = time.monotonic() + self.timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise DDPError(f"délai dépassé ({self.timeout:g} s) en attendant {what}")
            try:
                text = self._ws.recv(timeout=remaining)
            except TimeoutError:
                raise DDPError(f"délai dépassé ({self.timeout:g} s) en attendant {what}") from None
            except ConnectionClosed:
                raise DDPError(f"connexion fermée par le serveur en attendant {what}") from None
            try:
                message = json.loads(text)
            except (TypeError, ValueError):
                raise DDPError("message DDP illisible (JSON invalide)") from None
            if not isinstance(message, dict):
                raise DDPError("message DDP inattendu")
            self._dispatch(message)
            if wanted(message):
                return message
            if message.get("msg") == "error":
                raise DDPError(f"le serveur refuse un message : {message.get('reason')}")

    def _dispatch(self, message: dict) -> None:
        kind = message.get("msg")
        if kind == "ping":
            self._send({"msg": "pong", **({"id": message["id"]} if "id" in message else {})})
        elif kind in ("added", "changed", "removed"):
            docs = self.collections.setdefault(message.get("collection", ""), {})
            if kind == "removed":
                docs.pop(message.get("id"), None)
                return
            doc = docs.setdefault(message.get("id"), {})
            doc.update(message.get("fields") or {})
            for name in message.get("cleared") or []:
                doc.pop(name, None)
        # connected, result, updated, ready, nosub, server_id greetings: read by _wait's callers


def _reason(error) -> str:
    if isinstance(error, dict):
        return str(error.get("reason") or error.get("message") or error.get("error"))
    return str(error)
