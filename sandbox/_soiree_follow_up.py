"""What members record about soirées in Alambic: their référent·es and the takings dispatched
to other pôles (app.event_referents, app.internal_transfers), plus a few everyday transfers
between pôles (vegetables from the Potager to the Cuisine…).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sandbox._common import IdSequence, money, random_day, round_to, scaled, years
from sandbox._people import of_kind
from sandbox._tibillet import Soiree

SNACK_BAR, CUISINE, COMMONS = "201", "202", "101"
# from, to, reason, amount range
EVERYDAY = [
    (CUISINE, "303", "Légumes du potager pour la cuisine", (50, 250)),
    (SNACK_BAR, "304", "Pleurotes pour le snack", (40, 150)),
    ("601", COMMONS, "Usage des conteneurs pour un séminaire", (100, 400)),
    (SNACK_BAR, CUISINE, "Repas des volontaires servis au bar", (60, 200)),
]


def build_referents(rng: random.Random, soirees: list[Soiree], people: list[dict], ids: IdSequence) -> list[dict]:
    pool = [p for p in people if p["bienveillant"]] + of_kind(people, "raffineur", "volontaire")
    rows = []
    for s in soirees:
        if rng.random() < 0.12:
            continue  # nobody has taken it on yet
        for person in rng.sample(pool, min(len(pool), 2 if rng.random() < 0.1 else 1)):
            rows.append(
                {
                    "referent_id": ids(),
                    "event_id": s.identifier,
                    "person_email": person["email"],
                    "unit_code": s.unit,
                    "created_by": person["email"],
                }
            )
    return rows


def build_transfers(
    rng: random.Random,
    soirees: list[Soiree],
    referents: list[dict],
    today: date,
    scale: float,
    ids: IdSequence,
    admin: str,
) -> list[dict]:
    by_event = {r["event_id"]: r["person_email"] for r in referents}
    rows = []
    for s in soirees:
        day = s.day + timedelta(days=rng.randint(3, 7))
        if not s.past or day > today or rng.random() < 0.45:
            continue
        author = by_event.get(s.identifier, admin)
        bar_to, bar_share = (CUISINE, 0.15) if s.unit == SNACK_BAR else (SNACK_BAR, rng.uniform(0.3, 0.5))
        for to, amount, reason in (
            (bar_to, s.bar_net * Decimal(str(bar_share)), "Part bar de la soirée"),
            (COMMONS, s.ticket_net * Decimal("0.10"), "Contribution aux communs"),
        ):
            if amount >= 1 and to != s.unit:
                rows.append(
                    _row(
                        ids,
                        s.unit,
                        to,
                        day,
                        money(amount),
                        f"{reason} « {s.name} » du {s.day:%d/%m/%Y}",
                        s.identifier,
                        author,
                    )
                )
    for year in years(today):
        for _ in range(scaled(rng, 10, 16, scale)):
            source, target, reason, (low, high) = rng.choice(EVERYDAY)
            day = random_day(rng, date(year, 1, 10), date(year, 12, 20))
            if day <= today:
                rows.append(_row(ids, source, target, day, round_to(rng.uniform(low, high), 5), reason, None, admin))
    return rows


def _row(ids, source, target, day, amount, reason, event_id, author) -> dict:
    return {
        "transfer_id": ids(),
        "from_unit": source,
        "to_unit": target,
        "transfer_date": day,
        "amount": amount,
        "reason": reason,
        "event_id": event_id,
        "created_by": author,
    }
