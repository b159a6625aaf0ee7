"""Load source records into their raw table: upsert by key, one transaction per batch, recorded.

Loading the same records twice changes nothing (a record whose content is unchanged is not
rewritten); a batch that fails leaves the table as it was, and the failure is recorded.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd

from warehouse.connection import Warehouse, WarehouseBusy
from warehouse.resources import Resource, resource
from warehouse.validation import invalid_records


class LoadError(ValueError):
    """A batch could not be loaded; the message names the source, the resource and the record."""


@dataclass(frozen=True)
class Watermark:
    """Where an incremental sync of one resource stopped (e.g. Odoo's last write_date and id)."""

    value: str | None
    last_key: str | None = None


def read_watermark(warehouse: Warehouse, source: str, name: str) -> Watermark | None:
    if not warehouse.path.exists():
        return None
    with warehouse.read("lecture du filigrane") as con:
        rows = con.execute(
            "SELECT watermark, last_key FROM meta.watermarks WHERE source = ? AND resource = ?", [source, name]
        ).fetchall()
    return Watermark(*rows[0]) if rows else None


@dataclass(frozen=True)
class LoadResult:
    table: str
    rows_in: int
    rows_new: int
    rows_changed: int
    rows_unchanged: int
    rows_deleted: int = 0
    rows_quarantined: int = 0  # set aside in meta.quarantine (by the source client or by the value checks)


def raw_table_ddl(res: Resource) -> str:
    return f"""CREATE TABLE IF NOT EXISTS {res.table} (
        key          VARCHAR PRIMARY KEY,
        payload      JSON NOT NULL,
        payload_hash VARCHAR NOT NULL,
        run_id       BIGINT,
        loaded_at    TIMESTAMPTZ NOT NULL
    )"""


def prepare(res: Resource, records: Iterable[dict]) -> pd.DataFrame:
    """Key, canonical JSON and hash of each record; a record without its key is refused."""
    rows: dict[str, tuple[str, str, str]] = {}
    for index, record in enumerate(records):
        try:
            key = res.key(record)
        except (KeyError, TypeError, AttributeError) as exc:
            raise LoadError(
                f"{res.source} / {res.name} : l'enregistrement n° {index + 1} n'a pas de clé "
                f"{res.key_label!r} ({str(record)[:200]})"
            ) from exc
        if key is None or key is False or key == "":
            raise LoadError(f"{res.source} / {res.name} : l'enregistrement n° {index + 1} a une clé vide")
        payload = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
        digest = hashlib.sha256(payload.encode()).hexdigest()
        rows[str(key)] = (str(key), payload, digest)  # the last copy of a key wins
    return pd.DataFrame(list(rows.values()), columns=["key", "payload", "payload_hash"])


def load_records(
    warehouse: Warehouse,
    source: str,
    name: str,
    records: Iterable[dict],
    *,
    delete_missing: bool = False,
    watermark: Watermark | None = None,
    quarantine: list[tuple[dict, str]] = (),
) -> LoadResult:
    """Upsert `records` into raw_<source>.<name>.

    delete_missing: the batch is the complete set of the resource; keys absent from it are
    deleted (how a full reconciliation catches records deleted at the source).
    watermark: how far this batch goes at the source; saved in the same transaction, so a
    failed load never moves it and the next run resumes from the last good one.
    quarantine: (record, reason) pairs set aside in meta.quarantine, in the same transaction.
    """
    res = resource(source, name)
    incoming = prepare(res, records)  # outside the lock: no file held while we compute
    incoming, quarantine = set_aside_invalid(res, incoming, list(quarantine))
    if watermark is not None and quarantine and not delete_missing:
        watermark = held_watermark(res, watermark, [record for record, _ in quarantine])
    started = datetime.now(UTC)
    try:
        with warehouse.write(f"chargement {res.table}") as con:
            con.execute(raw_table_ddl(res))
            run_id = con.execute("SELECT nextval('meta.run_id_seq')").fetchall()[0][0]
            con.register("incoming", incoming)
            new, changed, unchanged = con.execute(
                f"""SELECT count(*) FILTER (WHERE r.key IS NULL),
                           count(*) FILTER (WHERE r.key IS NOT NULL AND r.payload_hash <> i.payload_hash),
                           count(*) FILTER (WHERE r.payload_hash = i.payload_hash)
                    FROM incoming i LEFT JOIN {res.table} r USING (key)"""
            ).fetchall()[0]
            con.execute(
                f"""UPDATE {res.table} AS r
                    SET payload = i.payload::JSON, payload_hash = i.payload_hash,
                        run_id = ?, loaded_at = current_timestamp
                    FROM incoming i
                    WHERE r.key = i.key AND r.payload_hash <> i.payload_hash""",
                [run_id],
            )
            con.execute(
                f"""INSERT INTO {res.table}
                    SELECT i.key, i.payload::JSON, i.payload_hash, ?, current_timestamp
                    FROM incoming i ANTI JOIN {res.table} r USING (key)""",
                [run_id],
            )
            deleted = 0
            if delete_missing:
                # A record now set aside in quarantine still exists at the source: keep its last good copy.
                kept = [k for k in (_key_or_none(res, record) for record, _ in quarantine) if k is not None]
                deleted = con.execute(
                    f"""DELETE FROM {res.table}
                        WHERE key NOT IN (SELECT key FROM incoming) AND NOT list_contains(?, key)""",
                    [kept],
                ).fetchall()[0][0]
            con.unregister("incoming")
            if watermark is not None:
                con.execute(
                    """INSERT OR REPLACE INTO meta.watermarks (source, resource, watermark, last_key, updated_at)
                       VALUES (?, ?, ?, ?, current_timestamp)""",
                    [res.source, res.name, watermark.value, watermark.last_key],
                )
            set_aside = [
                (run_id, res.source, res.name, _key_or_none(res, record), reason,
                 json.dumps(record, ensure_ascii=False, default=str))
                for record, reason in quarantine
            ]
            if set_aside:
                con.executemany(
                    """INSERT INTO meta.quarantine (run_id, source, resource, record_key, reason, payload)
                       VALUES (?, ?, ?, ?, ?, ?)""",
                    set_aside,
                )
            con.execute(
                """INSERT INTO meta.runs (run_id, kind, target, started_at, finished_at, rows_in,
                                          rows_new, rows_changed, rows_unchanged, outcome, message)
                   VALUES (?, 'load', ?, ?, current_timestamp, ?, ?, ?, ?, 'ok', ?)""",
                [run_id, res.table, started, len(incoming), new, changed, unchanged,
                 _summary(deleted if delete_missing else None, len(set_aside))],
            )
    except Exception as exc:
        record_failure(warehouse, "load", res.table, started, exc)
        raise
    return LoadResult(res.table, len(incoming), new, changed, unchanged, deleted, len(quarantine))


def set_aside_invalid(
    res: Resource, incoming: pd.DataFrame, quarantine: list[tuple[dict, str]]
) -> tuple[pd.DataFrame, list[tuple[dict, str]]]:
    """Move the records with a value the staging casts refuse from `incoming` to the quarantine."""
    invalid = invalid_records(res, incoming)
    if not invalid:
        return incoming, quarantine
    bad = incoming["key"].isin(list(invalid))
    for key, payload in incoming.loc[bad, ["key", "payload"]].itertuples(index=False):
        quarantine.append((json.loads(payload), invalid[key]))
    return incoming.loc[~bad].reset_index(drop=True), quarantine


def held_watermark(res: Resource, watermark: Watermark, quarantined: list[dict]) -> Watermark | None:
    """The watermark to save when records of an incremental batch are in quarantine: not past the
    first of them, so that the next sync reads it again. None (the previous watermark stays) when
    a record's place cannot be told."""
    if res.position is None or res.order is None:
        return None
    positions = [res.position(record) if isinstance(record, dict) else None for record in quarantined]
    if any(p is None for p in positions):
        return None
    first = min(positions, key=lambda p: res.order(*p))
    if watermark.value is not None and res.order(*first) >= res.order(watermark.value, watermark.last_key):
        return watermark
    return Watermark(*first)


def _key_or_none(res: Resource, record: dict) -> str | None:
    try:
        return str(res.key(record))
    except (KeyError, TypeError, AttributeError):
        return None


def _summary(deleted: int | None, quarantined: int) -> str | None:
    parts = ([f"{deleted} supprimé(s)"] if deleted is not None else []) + (
        [f"{quarantined} en quarantaine"] if quarantined else []
    )
    return ", ".join(parts) or None


def record_failure(warehouse: Warehouse, kind: str, target: str, started: datetime, exc: Exception) -> None:
    """Note a failed run in meta.runs (in its own transaction: the failed one was rolled back)."""
    if isinstance(exc, WarehouseBusy):
        return  # the file is still busy: waiting again would only delay the error
    try:
        with warehouse.write(f"journal d'échec {target}") as con:
            con.execute(
                """INSERT INTO meta.runs (kind, target, started_at, finished_at, outcome, message)
                   VALUES (?, ?, ?, current_timestamp, 'failed', ?)""",
                [kind, target, started, f"{type(exc).__name__}: {exc}"[:2000]],
            )
    except Exception:  # noqa: BLE001 — the original error is what the caller must see
        pass
