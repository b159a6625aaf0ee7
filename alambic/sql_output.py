"""How `alambic sql` shows an answer: an aligned table in French formats, French CSV, or JSON.

NULL is shown empty, integers as integers, decimals with a comma (`1 234,56`), dates
`dd/mm/yyyy`, instants in the organisation's time zone, booleans `oui` / `non`.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
import numbers
from zoneinfo import ZoneInfo


def _group(digits: str) -> str:
    sign = "-" if digits.startswith("-") else ""
    digits = digits.lstrip("-")
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    return sign + " ".join([digits, *groups])


def _local(value: dt.datetime, zone: str) -> dt.datetime:
    return value.astimezone(ZoneInfo(zone)) if value.tzinfo is not None else value


def french(value, zone: str, *, grouped: bool = True) -> str:
    """One value as French text (thousands grouped with a space unless `grouped` is False)."""
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, numbers.Integral):
        return _group(str(int(value))) if grouped else str(int(value))
    if isinstance(value, decimal.Decimal | float):
        text = format(value, "f") if isinstance(value, decimal.Decimal) else repr(value)
        if "e" in text or "inf" in text:
            return text.replace(".", ",")
        whole, _, fraction = text.partition(".")
        whole = _group(whole) if grouped else whole
        return whole + ("," + fraction if fraction else "")
    if isinstance(value, dt.datetime):
        return _local(value, zone).strftime("%d/%m/%Y %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    return str(value)


def _is_number(value) -> bool:
    return isinstance(value, numbers.Number) and not isinstance(value, bool)


def table(columns: list[str], rows: list[tuple], zone: str) -> str:
    """An aligned table: numbers to the right, the rest to the left; « (aucune ligne) » if empty."""
    if not rows:
        return "(aucune ligne)"
    cells = [[french(v, zone) for v in row] for row in rows]
    numeric = [any(_is_number(row[j]) for row in rows) and all(row[j] is None or _is_number(row[j]) for row in rows)
               for j in range(len(columns))]
    widths = [max([len(str(c))] + [len(r[j]) for r in cells]) for j, c in enumerate(columns)]

    def line(values):
        return "  ".join(v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric)).rstrip()

    out = [line([str(c) for c in columns]), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in cells]
    return "\n".join(out)


def csv_text(columns: list[str], rows: list[tuple], zone: str) -> str:
    """French CSV: `;`, decimal comma, dd/mm/yyyy, no thousands separator, NULL empty."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([french(v, zone, grouped=False) for v in row])
    return buffer.getvalue()


def json_text(columns: list[str], rows: list[tuple], zone: str) -> str:
    """One JSON object per row, in a list: numbers stay numbers, instants ISO 8601 in the zone."""
    def plain(value):
        if isinstance(value, decimal.Decimal):
            return int(value) if value == value.to_integral_value() and value.as_tuple().exponent >= 0 else float(value)
        if isinstance(value, float) and value != value:
            return None
        if isinstance(value, dt.datetime):
            return _local(value, zone).isoformat()
        if isinstance(value, dt.date | dt.time):
            return value.isoformat()
        if isinstance(value, bytes):
            return value.hex()
        return value

    objects = [{c: plain(v) for c, v in zip(columns, row)} for row in rows]
    return json.dumps(objects, ensure_ascii=False, indent=2, default=str)
