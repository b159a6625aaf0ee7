"""Who is looking at the page: the one seam logins will plug into later.

Until authentication is configured (`panel serve --basic-auth …` or OAuth), every session is the
demo user. Pages ask `current_user()` and never read `pn.state.user` themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

import panel as pn

DEMO_USER = "demo"


@dataclass(frozen=True)
class User:
    login: str
    is_demo: bool = False


def current_user() -> User:
    login = pn.state.user
    if login:
        return User(login=login)
    return User(login=DEMO_USER, is_demo=True)
