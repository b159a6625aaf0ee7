"""The organisation tree: La Raffinerie → 6 groupes → 12 pôles → ~25 projets (×scale).

Codes follow La Raffinerie's nested analytic code: groupe "30", pôle "303" (groupe + 1 digit),
projet "30301" (pôle + 2 digits). Every unit but the root maps to the Odoo analytic account
whose code is its own.
"""

from __future__ import annotations

import random

ROOT = "R"

# groupe code, name, [(pôle code, name, projet names)]
TREE = [
    (
        "10",
        "Les communs",
        [
            ("101", "Outils communs", ["Conteneurs et ateliers", "Outillage partagé", "Réseau électrique"]),
            ("102", "Instances", ["Assemblée générale", "Cercle finances", "Parcours découverte"]),
        ],
    ),
    (
        "20",
        "Alimentation",
        [
            ("201", "Snack/Bar", ["Bar des soirées", "Carte péi", "Buvette du marché"]),
            ("202", "Cuisine", ["Atelier cuisine lontan", "Traiteur solidaire", "Conserverie"]),
        ],
    ),
    (
        "30",
        "Jardin",
        [
            ("301", "Micro-forêt", ["Plantation Miyawaki", "Sentier pédagogique"]),
            ("302", "Serre aquaponique", ["Bassins et poissons", "Formation aquaponie"]),
            ("303", "Potager", ["Jardin partagé", "Compost collectif", "Semences péi"]),
            ("304", "Champignonnière", ["Pleurotes sur marc de café", "Vente de pleurotes"]),
        ],
    ),
    (
        "40",
        "Micro-Recyclerie",
        [
            ("401", "Atelier réemploi", ["Repair café", "Ressourcerie mobilier", "Low-tech"]),
        ],
    ),
    (
        "50",
        "Culture",
        [
            ("501", "Café culturel", ["Scène ouverte", "Kabar du mois", "Festival de l'Ermitage"]),
            ("502", "Culture Lab", ["Résidences d'artistes", "Expositions", "Ciné plein air"]),
        ],
    ),
    (
        "60",
        "Services",
        [
            (
                "601",
                "Prestations et chantiers",
                ["Location de la case", "Séminaires d'entreprise", "Chantiers participatifs"],
            ),
        ],
    ),
]

MAX_PROJETS_PER_POLE = 99  # two digits in the code
PROJETS_AT_SCALE_1 = 25


def build_units(rng: random.Random, scale: float) -> list[dict]:
    """The units, parents before children, like the [[units]] entries of alambic.toml."""
    units = [{"code": ROOT, "name": "La Raffinerie", "level": "organisation", "parent": None, "analytic_accounts": []}]
    poles = [(pole, groupe) for groupe in TREE for pole in groupe[2]]
    wanted = max(len(poles), round(PROJETS_AT_SCALE_1 * scale))
    counts = _spread(rng, [len(names) for (_, _, names), _ in poles], wanted)
    for code, name, groupe_poles in TREE:
        units.append(_unit(code, name, "groupe", ROOT))
        for pole_code, pole_name, projet_names in groupe_poles:
            units.append(_unit(pole_code, pole_name, "pole", code))
            count = counts[[p[0][0] for p in poles].index(pole_code)]
            for index in range(count):
                label = projet_names[index % len(projet_names)]
                if index >= len(projet_names):
                    label = f"{label} n°{index // len(projet_names) + 1}"
                units.append(_unit(f"{pole_code}{index + 1:02d}", label, "projet", pole_code))
    return units


def _unit(code: str, name: str, level: str, parent: str) -> dict:
    return {"code": code, "name": name, "level": level, "parent": parent, "analytic_accounts": [code]}


def _spread(rng: random.Random, weights: list[int], total: int) -> list[int]:
    """Share `total` projets among the pôles in proportion to their base count, at least one each."""
    counts = [1] * len(weights)
    for _ in range(total - len(weights)):
        open_ = [i for i, c in enumerate(counts) if c < MAX_PROJETS_PER_POLE]
        if not open_:
            break
        counts[rng.choices(open_, [weights[i] for i in open_])[0]] += 1
    return counts


def by_level(units: list[dict], level: str) -> list[dict]:
    return [u for u in units if u["level"] == level]


def children(units: list[dict], code: str) -> list[dict]:
    return [u for u in units if u["parent"] == code]


def pole_of(units: list[dict], code: str) -> str:
    """The pôle a unit belongs to (itself when it is a pôle): the nested code says it."""
    return code[:3] if len(code) > 3 else code
