"""Who is looking at the page: the one seam for "who". Pages and models ask `current_user()` and
never read `pn.state.user` themselves.

When the server requires a login (`alambic serve`, `alambic demo`), `panel_serve` binds the
session to its account as the page is built (`bind_user`): the account is read once per session.
Without a login (pages built in tests, `serve(auth=False)`), the session is the demo user,
`is_demo=True`, with the least rights (member). Tests and scripts may act as someone with
`acting_as(user)`.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import panel as pn

DEMO_USER = "demo"
ROLES = ("admin", "finance", "member")


@dataclass(frozen=True)
class User:
    login: str
    email: str = ""
    role: str = "member"  # 'admin' | 'finance' | 'member'
    display_name: str = ""
    is_demo: bool = False  # nobody logged in (server without login, or outside a server)

    @property
    def name(self) -> str:
        """What the page shows: the display name, else the login. Escape it before putting it in HTML."""
        return self.display_name or self.login

    @classmethod
    def from_account(cls, account) -> User:
        """From an alambic.auth Account (or anything with the same attributes)."""
        return cls(login=account.login, email=account.email, role=account.role,
                   display_name=account.display_name)


DEMO = User(login=DEMO_USER, is_demo=True)

_bound: weakref.WeakKeyDictionary[object, User] = weakref.WeakKeyDictionary()
_acting: ContextVar[User | None] = ContextVar("alambic_acting_user", default=None)


def bind_user(user: User) -> None:
    """Tie the current Panel session (its document) to `user` for the rest of the session."""
    doc = _session_document()
    if doc is not None:
        _bound[doc] = user


@contextmanager
def acting_as(user: User) -> Iterator[User]:
    """Run a block as `user` (tests, scripts): takes precedence over the session."""
    token = _acting.set(user)
    try:
        yield user
    finally:
        _acting.reset(token)


def _session_document():
    doc = pn.state.curdoc
    return getattr(doc, "_doc", doc)  # a callback may see Bokeh's unlocked proxy of the document


def current_user() -> User:
    acting = _acting.get()
    if acting is not None:
        return acting
    doc = _session_document()
    if doc is not None and doc in _bound:
        return _bound[doc]
    login = pn.state.user
    if login:  # logged in by a provider Alambic did not set up (e.g. `panel serve --basic-auth`)
        return User(login=login)
    return DEMO
