"""Login sessions kept on the server, so that logging out really ends one.

The browser holds only a random session id inside a signed cookie; the login, the start and the
last activity live here. A session ends at logout, after `idle` seconds without a request, or
`max_age` seconds after login, whichever comes first. Restarting the server ends every session
(people log in again): no session is ever written to disk.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class LoginSession:
    sid: str
    login: str
    started: float
    last_seen: float


class SessionStore:
    def __init__(self, idle: float = 12 * 3600, max_age: float = 7 * 24 * 3600,
                 clock: Callable[[], float] = time.time):
        self.idle = idle
        self.max_age = max_age
        self.clock = clock
        self._sessions: dict[str, LoginSession] = {}
        self._lock = threading.Lock()

    def start(self, login: str) -> str:
        now = self.clock()
        sid = secrets.token_urlsafe(32)
        with self._lock:
            self._expire(now)
            self._sessions[sid] = LoginSession(sid, login, now, now)
        return sid

    def login_for(self, sid: str | None, touch: bool = True) -> str | None:
        """The login of a live session (and note the activity), or None if it ended."""
        if not sid:
            return None
        now = self.clock()
        with self._lock:
            session = self._sessions.get(sid)
            if session is None:
                return None
            if self._expired(session, now):
                del self._sessions[sid]
                return None
            if touch:
                session.last_seen = now
            return session.login

    def end(self, sid: str | None) -> str | None:
        """End one session; returns its login (None if it was not live)."""
        with self._lock:
            session = self._sessions.pop(sid, None) if sid else None
        return session.login if session else None

    def end_all(self, login: str) -> int:
        with self._lock:
            ended = [sid for sid, s in self._sessions.items() if s.login == login]
            for sid in ended:
                del self._sessions[sid]
        return len(ended)

    def __len__(self) -> int:
        with self._lock:
            self._expire(self.clock())
            return len(self._sessions)

    def _expired(self, session: LoginSession, now: float) -> bool:
        return now - session.last_seen > self.idle or now - session.started > self.max_age

    def _expire(self, now: float) -> None:
        for sid in [sid for sid, s in self._sessions.items() if self._expired(s, now)]:
            del self._sessions[sid]
