"""Small helpers shared by the sandbox generators: random streams, ids, money and time.

Every generator draws from its own named random stream, so that changing how one part of the
organisation is generated does not reshuffle all the others.
"""

from __future__ import annotations

import random
import unicodedata
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

REUNION = timezone(timedelta(hours=4))  # Indian/Reunion: UTC+4 all year, no daylight saving
UTC = UTC
CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def stream(seed: int, name: str) -> random.Random:
    """An independent, reproducible random stream for one part of the generation."""
    return random.Random(f"alambic-sandbox:{seed}:{name}")


def new_uuid(rng: random.Random) -> str:
    """A random (version 4) UUID drawn from `rng`: reproducible, unlike uuid.uuid4()."""
    value = rng.getrandbits(128) & ~(0xF000 << 64) & ~(0xC000 << 48) | (0x4000 << 64) | (0x8000 << 48)
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def between(rng: random.Random, low: int, high: int) -> int:
    """rng.randint(low, high), several times faster: for the hot loops (sales lines, actions)."""
    return low + int(rng.random() * (high - low + 1))


def object_id(rng: random.Random, when: datetime) -> str:
    """A Mongo ObjectId (24 hex): 4 bytes of creation time, then 8 random bytes."""
    return f"{int(when.timestamp()) & 0xFFFFFFFF:08x}{rng.getrandbits(64):016x}"


def money(value: float | Decimal | int) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def round_to(value: float, step: int) -> Decimal:
    """A plausible human amount: rounded to `step` euros, never below one step."""
    return money(max(step, round(value / step) * step))


def scaled(rng: random.Random, low: float, high: float, scale: float) -> int:
    """A count drawn in [low, high] and multiplied by the scale factor (at least 1)."""
    return max(1, round(rng.uniform(low, high) * scale))


def local_dt(day: date, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute, second), tzinfo=REUNION)


@lru_cache(maxsize=65536)
def odoo_datetime(moment: datetime) -> str:
    """Odoo's wire format for datetimes: naive UTC 'YYYY-MM-DD HH:MM:SS'."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def epoch_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def ascii_slug(text: str, sep: str = ".") -> str:
    """'Aïssa Técher' → 'aissa.techer': e-mail and slug friendly."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = "".join(c if c.isalnum() else " " for c in plain.lower()).split()
    return sep.join(words)


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    first = date(year, month + 1, 1)
    return first.replace(day=min(day.day, month_end(first).day))


def random_day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def years(today: date) -> list[int]:
    """The generated years: 2024, 2025 and the current one (up to `today`)."""
    return list(range(2024, today.year + 1))


class IdSequence:
    """One counter shared by several tables (like the app.id_seq sequence, or Odoo's per-model ids)."""

    def __init__(self, start: int = 1) -> None:
        self._next = start

    def __call__(self) -> int:
        value = self._next
        self._next += 1
        return value
