"""Password hashing with argon2id (argon2-cffi): a well-kept library, never our own crypto."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 10

_hasher = PasswordHasher()  # argon2id with the library's current recommended costs
# Verified when the login does not exist, so that a wrong login takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("alambic-dummy-password")


class WeakPassword(ValueError):
    """The password is refused; the message is French and shown to the person choosing it."""


def check_strength(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"Le mot de passe doit faire au moins {MIN_LENGTH} caractères.")
    if password.strip() != password:
        raise WeakPassword("Le mot de passe ne doit pas commencer ni finir par une espace.")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when `password` matches; a missing or damaged hash never matches (and costs the same time)."""
    if not stored_hash:
        _safe_verify(_DUMMY_HASH, password)
        return False
    return _safe_verify(stored_hash, password)


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with older costs than the library recommends today."""
    try:
        return _hasher.check_needs_rehash(stored_hash)
    except (InvalidHashError, UnicodeError, ValueError):
        return True


def _safe_verify(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError, UnicodeError):
        return False


def burn_time(password: str) -> None:
    """Spend what a real verification costs (used for unknown or disabled logins)."""
    _safe_verify(_DUMMY_HASH, password)
