"""Who holds which role on each pôle (app.role_assignments), with history and a few vacancies.

The catalogue is the prior dashboard's org-chart flags plus the bienveillant·e role; a pôle
with no current holder for a role is the « rôle vacant » the org chart must flag.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from sandbox._common import IdSequence, random_day
from sandbox._people import of_kind
from sandbox._tree import by_level

ROLES = ["garant_cadre", "referent_budget_subvention", "referent_taches_planning", "prestation_interne", "bienveillant"]
START = date(2024, 1, 1)


@dataclass
class Roles:
    rows: list[dict]
    vacant: list[tuple[str, str]]
    current: dict[tuple[str, str], str] = field(default_factory=dict)  # (pôle, role) → e-mail

    def holder(self, pole: str, role: str, fallback: str) -> str:
        return self.current.get((pole, role), fallback)


def assign_roles(rng: random.Random, units: list[dict], people: list[dict], today: date, ids: IdSequence) -> Roles:
    raffineurs = of_kind(people, "raffineur")
    bienveillants = [p for p in raffineurs if p["bienveillant"]] or raffineurs
    volunteers = of_kind(people, "raffineur", "volontaire")
    candidates = {
        "garant_cadre": raffineurs,
        "referent_budget_subvention": raffineurs,
        "referent_taches_planning": volunteers,
        "prestation_interne": volunteers,
        "bienveillant": bienveillants,
    }
    admin = raffineurs[0]["email"]
    pairs = [(pole["code"], role) for pole in by_level(units, "pole") for role in ROLES]
    vacant = rng.sample(pairs, rng.randint(2, 3))
    roles = Roles([], sorted(vacant))
    for pole, role in pairs:
        started = START - timedelta(days=rng.randint(0, 700))
        if (pole, role) in vacant:
            if rng.random() < 0.5:  # the last holder stepped down: history without a successor
                ended = random_day(rng, date(2025, 1, 1), today - timedelta(days=30))
                roles.rows.append(_row(ids, pole, role, rng.choice(candidates[role])["email"], started, ended, admin))
            continue
        if rng.random() < 0.25:  # handed over once since 2024
            handover = random_day(rng, date(2024, 3, 1), today - timedelta(days=14))
            roles.rows.append(_row(ids, pole, role, rng.choice(candidates[role])["email"], started, handover, admin))
            started = handover + timedelta(days=1)
        holder = rng.choice(candidates[role])["email"]
        roles.rows.append(_row(ids, pole, role, holder, started, None, admin))
        roles.current[(pole, role)] = holder
    return roles


def _row(ids: IdSequence, unit: str, role: str, email: str, started: date, ended: date | None, by: str) -> dict:
    return {
        "assignment_id": ids(),
        "unit_code": unit,
        "role_code": role,
        "person_email": email,
        "started_on": started,
        "ended_on": ended,
        "created_by": by,
    }
