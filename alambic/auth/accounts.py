"""The accounts that may log in (app.users): create, change password, disable, find, authenticate.

Every write goes through the warehouse's write policy (one transaction) and leaves a line in
app.audit_log. A password hash never leaves this module: not in the audit, not in a repr.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime

from alambic.auth.passwords import burn_time, check_strength, hash_password, verify_password
from alambic.users import ROLES
from warehouse.connection import Warehouse

LOGIN_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
EMAIL_PATTERN = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")
COLUMNS = ("user_id", "login", "email", "display_name", "role", "active", "password_hash",
           "password_changed_at", "created_at", "created_by", "updated_at", "updated_by", "row_version")


class AccountError(ValueError):
    """A refused account operation; the message is French and meant for the person who asked."""


@dataclass(frozen=True)
class Account:
    user_id: int
    login: str
    email: str
    display_name: str
    role: str
    active: bool
    password_hash: str | None = field(default=None, repr=False, compare=False)
    password_changed_at: datetime | None = None
    created_at: datetime | None = None
    created_by: str = ""
    updated_at: datetime | None = None
    updated_by: str = ""
    row_version: int = 1

    @property
    def name(self) -> str:
        return self.display_name or self.login

    def audit_snapshot(self) -> dict:
        """What the audit keeps of the row: everything but the hash."""
        data = asdict(self)
        data.pop("password_hash")
        return data


def normalise_login(login: str) -> str:
    return (login or "").strip().lower()


def check_login(login: str) -> str:
    login = normalise_login(login)
    if not LOGIN_PATTERN.match(login):
        raise AccountError(
            f"Identifiant invalide : « {login} ». 2 à 64 caractères : lettres minuscules sans accent, "
            "chiffres, point, tiret ou tiret bas ; il commence par une lettre ou un chiffre."
        )
    return login


def check_email(email: str) -> str:
    email = (email or "").strip().lower()
    if not EMAIL_PATTERN.match(email):
        raise AccountError(f"Adresse e-mail invalide : « {email} ».")
    return email


def check_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError(f"Rôle inconnu : « {role} » (attendu : {', '.join(ROLES)}).")
    return role


class AccountStore:
    """app.users over one warehouse. Cheap to create; holds no connection."""

    def __init__(self, warehouse: Warehouse):
        self.warehouse = warehouse

    # -- reads ---------------------------------------------------------------------------------

    def _select(self, where: str, params: list) -> list[Account]:
        with self.warehouse.read("comptes") as con:
            rows = con.execute(f"SELECT {', '.join(COLUMNS)} FROM app.users {where}", params).fetchall()
        return [Account(*row) for row in rows]

    def get(self, login: str) -> Account | None:
        found = self._select("WHERE login = ?", [normalise_login(login)])
        return found[0] if found else None

    def find_by_email(self, email: str) -> Account | None:
        found = self._select("WHERE email = ?", [(email or "").strip().lower()])
        return found[0] if found else None

    def all(self) -> list[Account]:
        return self._select("ORDER BY login", [])

    def has_active_accounts(self) -> bool:
        with self.warehouse.read("comptes") as con:
            return con.execute("SELECT count(*) FROM app.users WHERE active").fetchall()[0][0] > 0

    def authenticate(self, login: str, password: str) -> Account | None:
        """The active account whose password this is, else None (same cost whatever the reason)."""
        account = self.get(login) if LOGIN_PATTERN.match(normalise_login(login)) else None
        if account is None or not account.active:
            burn_time(password)
            return None
        return account if verify_password(account.password_hash, password) else None

    # -- writes --------------------------------------------------------------------------------

    def add(self, login: str, email: str, role: str, password: str | None, *,
            display_name: str = "", who: str) -> Account:
        login, email, role = check_login(login), check_email(email), check_role(role)
        display_name = (display_name or "").strip()
        if password is not None:
            check_strength(password)
        password_hash = hash_password(password) if password is not None else None  # slow: outside the lock
        with self.warehouse.write(f"compte {login} : création") as con:
            clash = con.execute("SELECT login, email FROM app.users WHERE login = ? OR email = ?",
                                [login, email]).fetchall()
            if clash:
                if any(row[0] == login for row in clash):
                    raise AccountError(f"Le compte « {login} » existe déjà.")
                raise AccountError(f"L'adresse {email} est déjà celle d'un autre compte.")
            con.execute(
                """INSERT INTO app.users (login, email, display_name, role, password_hash,
                                          password_changed_at, created_by, updated_by)
                   VALUES (?, ?, ?, ?, ?, CASE WHEN ? THEN current_timestamp END, ?, ?)""",
                [login, email, display_name, role, password_hash, password_hash is not None, who, who],
            )
            account = _fetch(con, login)
            _audit(con, who, account, "insert", None, account)
        return account

    def set_password(self, login: str, password: str, *, who: str) -> Account:
        check_strength(password)
        password_hash = hash_password(password)
        return self._update(login, who, "mot de passe",
                            "password_hash = ?, password_changed_at = current_timestamp", [password_hash])

    def disable(self, login: str, *, who: str) -> Account:
        return self._update(login, who, "désactivation", "active = false", [])

    def enable(self, login: str, *, who: str) -> Account:
        return self._update(login, who, "réactivation", "active = true", [])

    def _update(self, login: str, who: str, what: str, assignments: str, params: list) -> Account:
        login = normalise_login(login)
        with self.warehouse.write(f"compte {login} : {what}") as con:
            before = _fetch(con, login)
            if before is None:
                raise AccountError(f"Aucun compte « {login} ».")
            con.execute(
                f"""UPDATE app.users SET {assignments}, updated_at = current_timestamp, updated_by = ?,
                           row_version = row_version + 1
                    WHERE login = ?""",
                [*params, who, login],
            )
            after = _fetch(con, login)
            _audit(con, who, after, "update", before, after)
        return after


def _fetch(con, login: str) -> Account | None:
    rows = con.execute(f"SELECT {', '.join(COLUMNS)} FROM app.users WHERE login = ?", [login]).fetchall()
    return Account(*rows[0]) if rows else None


def _audit(con, who: str, account: Account, action: str, before: Account | None, after: Account | None) -> None:
    def snapshot(value: Account | None) -> str | None:
        if value is None:
            return None
        data = value.audit_snapshot()
        if before is not None and after is not None and before.password_hash != after.password_hash:
            data["password_changed"] = True  # the fact, never the hash
        return json.dumps(data, default=str, ensure_ascii=False)

    con.execute(
        """INSERT INTO app.audit_log (who, table_name, row_id, action, before, after)
           VALUES (?, 'users', ?, ?, ?::JSON, ?::JSON)""",
        [who, account.user_id, action, snapshot(before), snapshot(after)],
    )
