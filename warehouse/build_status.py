"""What the pages say about the last builds: when the figures shown were computed, and why the
last build stopped if it did, in words a treasurer understands.

A build (warehouse.build) is one transaction: when a data test of sql/tests fails, nothing of it
is kept and the pages go on showing the last good marts. meta.runs keeps every build, with the
error's message; this module reads it back. It never raises: a warehouse that cannot even be
read says so through `ever_built = False`.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from warehouse import SQL_DIR
from warehouse.connection import Warehouse

DESCRIPTIONS = SQL_DIR / "tests" / "descriptions.toml"
_TEST = re.compile(r"Test de données tests/([\w-]+)\.sql")
_MODEL = re.compile(r"\b((?:staging|marts)/[\w/-]+\.sql)")


@dataclass(frozen=True)
class BuildStatus:
    """ever_built: a build succeeded once (the marts exist); last_ok_at: its end (local time);
    failed_at: the end of a failed build AFTER the last good one (None when the last build
    succeeded); test: the data test that stopped it, if one did; rule / action: what that test
    checks and what to do, in French; model: the SQL file that failed, when a computation did."""

    ever_built: bool
    last_ok_at: datetime | None = None
    failed_at: datetime | None = None
    test: str | None = None
    rule: str | None = None
    action: str | None = None
    model: str | None = None


@lru_cache(maxsize=1)
def descriptions() -> dict[str, dict[str, str]]:
    try:
        return tomllib.loads(DESCRIPTIONS.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def explain_failure(message: str | None) -> tuple[str | None, str | None, str | None, str | None]:
    """(test, rule, action, model) from a failed build's message (meta.runs.message)."""
    message = message or ""
    found = _TEST.search(message)
    if found:
        test = found.group(1)
        described = descriptions().get(test, {})
        return test, described.get("rule"), described.get("action"), None
    model = _MODEL.search(message)
    return None, None, None, model.group(1) if model else None


def build_status(warehouse: Warehouse, tz: str = "Indian/Reunion") -> BuildStatus:
    """The last builds; dates in the organisation's time zone `tz` (naive local datetimes)."""
    try:
        with warehouse.read() as con:
            runs = con.execute(
                """SELECT outcome, timezone(?, finished_at), message FROM meta.runs
                   WHERE kind = 'build' AND target = 'marts'
                   ORDER BY finished_at DESC, run_id DESC LIMIT 200""", [tz]).fetchall()
            has_settings = con.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'ref' AND table_name = 'settings'"
            ).fetchone()[0] > 0
    except Exception:  # noqa: BLE001 — no meta.runs yet, a file being created: never built
        return BuildStatus(ever_built=False)
    last_ok = next((r for r in runs if r[0] == "ok"), None)
    failed = runs[0] if runs and runs[0][0] != "ok" else None
    test = rule = action = model = None
    if failed:
        test, rule, action, model = explain_failure(failed[2])
    return BuildStatus(
        ever_built=bool(last_ok) and has_settings,
        last_ok_at=last_ok[1] if last_ok else None,
        failed_at=failed[1] if failed else None,
        test=test, rule=rule, action=action, model=model,
    )
