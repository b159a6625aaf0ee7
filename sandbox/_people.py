"""The fictional members: ~15 raffineur·euses, ~50 volontaires, the rest adhérent·es / découvreur·euses.

E-mails are on the fictional domain exemple.re: the key that ties a person's Odoo partner,
TiBillet reservations and Oceco citizen together.
"""

from __future__ import annotations

import random
from datetime import date

from sandbox._common import ascii_slug, random_day, scaled

GIVEN_NAMES = [
    "Aïssa",
    "Mathis",
    "Léa",
    "Noémie",
    "Kévin",
    "Jérémy",
    "Cindy",
    "Anaïs",
    "Inès",
    "Rémi",
    "Manon",
    "Nathan",
    "Chloé",
    "Yanis",
    "Maëlys",
    "Teddy",
    "Jessica",
    "Loïc",
    "Mélissa",
    "Damien",
    "Sandrine",
    "Fabrice",
    "Nadia",
    "Ravi",
    "Soraya",
    "Thierry",
    "Priscilla",
    "Johan",
    "Océane",
    "Ludovic",
    "Audrey",
    "Tiana",
    "Kelly",
    "Ibrahim",
    "Fatima",
    "Zoé",
    "Élodie",
    "Mickaël",
    "Gaëlle",
    "Dylan",
    "Axel",
    "Jade",
    "Camille",
    "Bruno",
    "Valérie",
    "Gilles",
    "Sully",
    "Mélanie",
    "Jean-Marc",
    "Marie-Claire",
    "Giovanni",
    "Lina",
    "Emma",
    "Hugo",
    "Naïma",
    "Cédric",
    "Laetitia",
]
FAMILY_NAMES = [
    "Payet",
    "Hoarau",
    "Grondin",
    "Fontaine",
    "Técher",
    "Robert",
    "Boyer",
    "Rivière",
    "Lebon",
    "Maillot",
    "Dijoux",
    "Nativel",
    "Turpin",
    "Clain",
    "Lauret",
    "Morel",
    "Hoareau",
    "Barret",
    "Sautron",
    "Gonthier",
    "Ramassamy",
    "Vély",
    "Mussard",
    "Bègue",
    "Pothin",
    "Folio",
    "Cadet",
    "Nourry",
    "Latchimy",
    "Moutama",
    "Ah-Hot",
    "Chane-Kane",
    "Gigan",
    "Sinapin",
    "Bénard",
    "Damour",
]
COMMUNES = [
    "Saint-Paul",
    "Saint-Paul",
    "Saint-Paul",
    "Le Port",
    "La Possession",
    "Saint-Leu",
    "Trois-Bassins",
    "Saint-Denis",
    "Saint-Pierre",
    "Les Avirons",
]

KINDS = {  # kind → (label shown to users, count range at scale 1)
    "raffineur": ("Raffineur·euse", (14, 16)),
    "volontaire": ("Volontaire", (48, 52)),
    "adherent": ("Adhérent·e", (22, 28)),
    "decouvreur": ("Découvreur·euse", (8, 12)),
}
DOMAIN = "exemple.re"


def build_people(rng: random.Random, scale: float, today: date) -> list[dict]:
    people: list[dict] = []
    emails: set[str] = set()
    for kind, (label, (low, high)) in KINDS.items():
        for _ in range(scaled(rng, low, high, scale)):
            given, family = rng.choice(GIVEN_NAMES), rng.choice(FAMILY_NAMES)
            email = _unique_email(f"{ascii_slug(given)}.{ascii_slug(family)}", emails)
            joined = _joined_on(rng, kind, today)
            people.append(
                {
                    "name": f"{given} {family}",
                    "given_name": given,
                    "family_name": family,
                    "email": email,
                    "phone": _phone(rng),
                    "kind": kind,
                    "kind_label": label,
                    # About half the raffineur·euses hold the paid bienveillant·e role.
                    "bienveillant": kind == "raffineur" and rng.random() < 0.6,
                    "commune": rng.choice(COMMUNES),
                    "joined_on": joined,
                }
            )
    return people


def _phone(rng: random.Random) -> str:
    """A Réunion mobile number (0692 / 0693), in international form."""
    return f"+262 69{rng.choice('23')} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"


def _unique_email(local: str, taken: set[str]) -> str:
    candidate, n = f"{local}@{DOMAIN}", 1
    while candidate in taken:
        n += 1
        candidate = f"{local}{n}@{DOMAIN}"
    taken.add(candidate)
    return candidate


def _joined_on(rng: random.Random, kind: str, today: date) -> date:
    if kind == "decouvreur":  # the parcours découverte is recent by definition
        return random_day(rng, date(today.year, 1, 1), today)
    if kind == "raffineur":
        return random_day(rng, date(2019, 6, 1), date(2023, 6, 30))
    return random_day(rng, date(2020, 1, 1), today)


def of_kind(people: list[dict], *kinds: str) -> list[dict]:
    return [p for p in people if p["kind"] in kinds]


def public_emails(rng: random.Random, people: list[dict], scale: float) -> list[str]:
    """Who books soirées: members, and a wider public on other fictional domains."""
    taken = {p["email"] for p in people}
    public = []
    for _ in range(scaled(rng, 280, 320, scale)):
        local = f"{ascii_slug(rng.choice(GIVEN_NAMES))}.{ascii_slug(rng.choice(FAMILY_NAMES))}"
        domain = rng.choice(["courriel-exemple.fr", "exemple.com", "exemple.re"])
        email = _unique_email(local, taken).replace(f"@{DOMAIN}", f"@{domain}")
        public.append(email)
    return [p["email"] for p in people] + public
