"""Who is looking at the page: the one seam for "who". Pages and models ask `current_user()` and
never read `pn.state.user` themselves.

When the server requires a login (`alambic serve`, `alambic demo`), `dashboards.server` binds the
session to its account as the page is built (`bind_user`): the account is read once per session.
Without a login (pages built in tests, `serve(auth=False)`), the session is the demo user,
`is_demo=True`, with the least rights (member). Tests and scripts may act as someone with
`acting_as(user)`.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import panel as pn

from alambic.users import DEMO, User

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


def served_document():
    """The document of the served session this thread works for, or None (tests, notebooks).

    Panel sets it for a session's callbacks (`set_curdoc`); while it builds a session's page it
    is Bokeh's current document, which is one list for the whole process — so that one counts only
    on the thread Panel claimed it for (Application.initialize_document). Otherwise a session that
    another thread was building (an in-process server in a test, stopped mid-build) made a test's
    page defer its body, or a test's save rebuild in the background."""
    doc = pn.state._curdoc.get()
    if doc is None:
        doc = pn.state.curdoc
        if doc is not None and pn.state._thread_id_.get(doc) != threading.get_ident():
            return None
    if doc is None or doc.session_context is None:
        return None
    return doc
