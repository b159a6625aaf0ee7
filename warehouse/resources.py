"""Every source resource the warehouse keeps, and the key that identifies one of its records.

A raw table is named after its resource: raw_<source>.<resource>. It holds each record exactly
as the source returned it (column `payload`, JSON), so the staging views, not the loader, decide
what a field means — and a new Odoo version or a new field needs no migration.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime


def _field(name: str) -> Callable[[dict], object]:
    return lambda record: record[name]


def _tibillet_sale_line_uuid(record: dict) -> object:
    """A TiBillet v2 sale line carries its own id only among its additionalProperty values."""
    for prop in record["additionalProperty"]:
        if prop.get("name") == "sale_line_uuid":
            return prop["value"]
    raise KeyError("sale_line_uuid")


def _odoo_position(record: dict) -> tuple[str, str] | None:
    """Just before this record in Odoo's (write_date, id) order: an incremental read from there
    reads it again."""
    write_date, record_id = record.get("write_date"), record.get("id")
    if isinstance(write_date, str) and isinstance(record_id, int) and not isinstance(record_id, bool):
        return write_date, str(record_id - 1)
    return None


def _odoo_order(value: str, last_key: str | None) -> tuple:
    return value, int(last_key or 0)


def _tibillet_sale_position(record: dict) -> tuple[str, None] | None:
    """The sale's instant (UTC, as the sales watermark): the next window starts there again."""
    try:
        when = datetime.fromisoformat(str(record.get("datePublished")))
    except ValueError:
        return None
    if when.tzinfo is None:
        return None
    return when.astimezone(UTC).isoformat(), None


def _instant_order(value: str, last_key: str | None) -> tuple:
    return (datetime.fromisoformat(value),)


@dataclass(frozen=True)
class Resource:
    source: str
    name: str
    key: Callable[[dict], object]
    key_label: str
    # For incremental resources: where a record sits in the watermark's order — (value, last_key)
    # just before it — and how watermarks sort. A quarantined record holds the watermark there, so
    # that the next sync reads it again (fixed, it is then loaded).
    position: Callable[[dict], tuple[str, str | None] | None] | None = None
    order: Callable[[str, str | None], tuple] | None = None

    @property
    def table(self) -> str:
        return f"raw_{self.source}.{self.name}"


def _resources() -> dict[tuple[str, str], Resource]:
    odoo = [
        # Odoo models as `search_read` returns them; the model name with '.' → '_'.
        "res_company", "res_partner", "account_account", "account_journal",
        "account_analytic_group",  # ≤ 15
        "account_analytic_plan",   # 16+
        "account_analytic_tag", "account_analytic_distribution",  # ≤ 15 (tag distributions)
        "account_analytic_account", "account_analytic_line", "account_move", "account_move_line",
        "account_bank_statement_line", "account_payment",
        "account_partial_reconcile",
    ]
    resources = [Resource("odoo", name, _field("id"), "id", _odoo_position, _odoo_order) for name in odoo]
    resources += [
        # TiBillet Lespass: v2 JSON-LD (events, products, sales) and v1 reservations.
        Resource("tibillet", "events", _field("identifier"), "identifier"),
        Resource("tibillet", "products", _field("identifier"), "identifier"),
        Resource("tibillet", "sales", _tibillet_sale_line_uuid, "additionalProperty.sale_line_uuid",
                 _tibillet_sale_position, _instant_order),
        Resource("tibillet", "reservations", _field("uuid"), "uuid"),
        # v2 reservation detail: the tickets grouped by price uuid (read one by one)
        Resource("tibillet", "reservation_details", _field("identifier"), "identifier"),
    ]
    resources += [
        # Oceco / Communecter documents as Meteor DDP delivers them; the iCal agenda as events.
        Resource("oceco", name, _field("_id"), "_id")
        for name in ("organizations", "projects", "events", "actions", "citoyens", "loguseractions")
    ]
    return {(r.source, r.name): r for r in resources}


RESOURCES = _resources()
SOURCES = ("odoo", "tibillet", "oceco")


def resource(source: str, name: str) -> Resource:
    try:
        return RESOURCES[(source, name)]
    except KeyError:
        raise KeyError(f"Ressource inconnue : {source}.{name}") from None
