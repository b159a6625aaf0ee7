"""Why a write was refused. Each carries a French message a page can show as it is."""

from __future__ import annotations


class Invalid(ValueError):
    """The input breaks a rule; `errors` maps each field to its French message. Nothing was written."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        super().__init__("Rien n'a été enregistré : " + " ; ".join(self.errors.values()))


class Forbidden(PermissionError):
    """The user may not make this change (checked on the server, whatever the page shows)."""


class NotFound(LookupError):
    """The row asked for does not exist (any more)."""


class Conflict(RuntimeError):
    """Somebody else changed or deleted the row since it was opened; nothing was overwritten.

    `theirs` is the row as it is now in the warehouse (None if deleted), `yours` what this
    session tried to save; both carry their `row_version`, so a page can show them side by side.
    """

    def __init__(self, message: str, theirs: dict | None, yours: dict | None):
        self.theirs = theirs
        self.yours = yours
        super().__init__(message)

    @property
    def theirs_version(self) -> int | None:
        return None if self.theirs is None else self.theirs.get("row_version")

    @property
    def yours_version(self) -> int | None:
        return None if self.yours is None else self.yours.get("row_version")
