"""Who uses Alambic: the three account roles and the user a page or a model acts for.

One list of roles for the whole tree: accounts (`alambic.auth.accounts`), rights
(`models.permissions`) and the pages' session (`dashboards.session`) all read it from here, so
that `models/` and `dashboards/` share these types without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass

ADMIN, FINANCE, MEMBER = "admin", "finance", "member"
ROLES = (ADMIN, FINANCE, MEMBER)
ROLE_LABELS = {ADMIN: "administration", FINANCE: "finances", MEMBER: "membre"}
DEMO_USER = "demo"


@dataclass(frozen=True)
class User:
    login: str
    email: str = ""
    role: str = MEMBER  # one of ROLES
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
