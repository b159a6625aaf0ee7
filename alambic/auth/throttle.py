"""Failed logins rate-limited per login and per address, in the server's memory.

After `max_failures` failures within `window` seconds, the key is locked for `lockout` seconds:
every attempt is refused, even with the right password, and the message does not say whether
the login exists. An attempt is reserved (`reserve`) before its password is checked, under one
lock: attempts in flight count against the limit, so that concurrent attempts cannot all slip
through before the first failures are recorded. An address gets a higher limit than a login, because a whole tiers-lieu may
share one public address behind its box.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class _Entry:
    failures: list[float] = field(default_factory=list)
    locked_until: float = 0.0
    pending: int = 0  # attempts reserved whose password is being checked


class LoginThrottle:
    def __init__(self, max_failures: int = 5, max_failures_per_address: int = 20,
                 window: float = 300.0, lockout: float = 300.0,
                 clock: Callable[[], float] = time.monotonic):
        self.limits = {"login": max_failures, "address": max_failures_per_address}
        self.window = window
        self.lockout = lockout
        self.clock = clock
        self._entries: dict[tuple[str, str], _Entry] = {}
        self._lock = threading.Lock()

    @staticmethod
    def keys(login: str, address: str) -> list[tuple[str, str]]:
        return [("login", (login or "").strip().lower()), ("address", address or "?")]

    def locked_for(self, login: str, address: str) -> float:
        """Seconds before a new attempt is allowed (0: allowed now)."""
        now = self.clock()
        with self._lock:
            return max((max(0.0, e.locked_until - now) for k in self.keys(login, address)
                        if (e := self._entries.get(k))), default=0.0)

    def reserve(self, login: str, address: str) -> bool:
        """Atomically: False if the login or the address is locked, or if its recent failures
        plus the attempts in flight reach its limit; else count this attempt as in flight (end it
        with `failure`, `success` or `release`) and return True."""
        now = self.clock()
        with self._lock:
            entries = [(key, self._entries.setdefault(key, _Entry())) for key in self.keys(login, address)]
            for key, entry in entries:
                entry.failures = [t for t in entry.failures if now - t < self.window]
                if entry.locked_until > now or len(entry.failures) + entry.pending >= self.limits[key[0]]:
                    return False
            for _key, entry in entries:
                entry.pending += 1
            return True

    def release(self, login: str, address: str) -> None:
        """A reserved attempt that checked nothing (server busy): it counts neither way."""
        with self._lock:
            self._end_pending(login, address)

    def _end_pending(self, login: str, address: str) -> None:
        for key in self.keys(login, address):
            entry = self._entries.get(key)
            if entry is not None and entry.pending > 0:
                entry.pending -= 1

    def failure(self, login: str, address: str) -> None:
        now = self.clock()
        with self._lock:
            self._end_pending(login, address)
            for key in self.keys(login, address):
                entry = self._entries.setdefault(key, _Entry())
                entry.failures = [t for t in entry.failures if now - t < self.window] + [now]
                if len(entry.failures) >= self.limits[key[0]]:
                    entry.locked_until = now + self.lockout
                    entry.failures = []
            self._prune(now)

    def success(self, login: str, address: str) -> None:
        """A good password clears that login's failures (not the address's)."""
        with self._lock:
            self._end_pending(login, address)
            entry = self._entries.get(self.keys(login, address)[0])
            if entry is not None:
                entry.failures, entry.locked_until = [], 0.0

    def _prune(self, now: float) -> None:
        if len(self._entries) < 10_000:
            return
        stale = [k for k, e in self._entries.items()
                 if e.locked_until <= now and not e.pending and all(now - t >= self.window for t in e.failures)]
        for key in stale:
            del self._entries[key]
