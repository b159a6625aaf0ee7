"""Declared pages: a read-only page is one SQL file and one short TOML declaration, side by side.

    sql/pages/<slug>.sql    the query: every row the page shows (parameters $unit, $date_from,
                            $date_to when the page has the shared filters)
    sql/pages/<slug>.toml   title, menu section, description, filters and columns

Nothing else to write: the menu, the documentation page, the page tests and the label catalogue
read the declarations from here (dashboards.pages.PAGES). A declaration is written in French —
it is the text users read — and each label still goes through `_()` at display, so a catalogue
for another language may translate it (its msgid is the French text: there is nothing to add to
the French catalogue). This module imports no Panel: the registry reads it at import time.

A declaration:

    title = "Dépassements"
    section = "Suivi budgétaire"            # a section of the menu, as the menu shows it
    description = "What the page holds, one or two sentences."
    filters = ["periode", "unite"]          # optional: the shared period and unit filters
    roles = ["admin", "finance"]            # optional: who may open it (everybody by default)
    highlight = "is_late"                   # optional: a true/false column whose rows are red
    columns = [                             # the columns shown, in order: [name, label, format]
        ["unit_name", "Unité"],
        ["montant", "Montant", "montant"],
    ]

Formats: texte, montant (1 234,56 €), pourcentage (a ratio: 0.125 → 12,5 %), nombre, heures,
date (27/11/2026), mois, statut, oui_non. The English names of dashboards.components.Column kinds
(money, percent, number, hours, month, status, flag) are accepted too.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from warehouse import SQL_DIR

PAGES_DIR = SQL_DIR / "pages"
SLUG = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
FORMATS = {
    "texte": "text", "montant": "money", "pourcentage": "percent", "nombre": "number", "heures": "hours",
    "date": "date", "mois": "month", "statut": "status", "oui_non": "flag",
}
FORMATS.update({kind: kind for kind in set(FORMATS.values())})
FILTERS = ("periode", "unite")
KEYS = {"title", "section", "description", "filters", "columns", "roles", "highlight"}
REQUIRED = ("title", "section", "description", "columns")


class DeclarationError(ValueError):
    """A declaration Alambic cannot read: the French message names the file and what to fix."""


@dataclass(frozen=True)
class DeclaredColumn:
    name: str  # the query's column
    label: str  # French, as the table's header shows it
    kind: str = "text"  # a dashboards.components.Column kind


@dataclass(frozen=True)
class Declaration:
    slug: str
    title: str
    section: str  # the menu section as the menu shows it (French)
    description: str
    columns: tuple[DeclaredColumn, ...]
    filters: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    highlight: str | None = None
    path: Path | None = None  # the .toml file

    @property
    def sql_path(self) -> Path:
        return self.path.with_suffix(".sql")

    @property
    def labels(self) -> tuple[str, ...]:
        """Every text of the declaration a user reads (for the label catalogue tooling)."""
        return (self.title, self.section, self.description, *(c.label for c in self.columns))


def read_declaration(path: Path) -> Declaration:
    name = path.relative_to(path.parents[2]) if len(path.parents) > 2 else path
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise DeclarationError(f"{name} : TOML illisible ({exc})") from exc
    slug = path.stem
    if not SLUG.match(slug):
        raise DeclarationError(f"{name} : le nom du fichier donne l'adresse de la page : minuscules, chiffres "
                               "et tirets seulement (p. ex. factures-a-payer.toml)")
    unknown = sorted(set(data) - KEYS)
    if unknown:
        raise DeclarationError(f"{name} : clé(s) inconnue(s) {unknown} (clés possibles : {sorted(KEYS)})")
    missing = [key for key in REQUIRED if not data.get(key)]
    if missing:
        raise DeclarationError(f"{name} : il manque {missing}")
    if not path.with_suffix(".sql").exists():
        raise DeclarationError(f"{name} : il manque la requête {path.with_suffix('.sql').name} à côté")
    filters = tuple(data.get("filters", ()))
    if any(f not in FILTERS for f in filters):
        raise DeclarationError(f"{name} : filters : {list(filters)} ; possibles : {list(FILTERS)}")
    columns = []
    for index, raw in enumerate(data["columns"], start=1):
        if isinstance(raw, dict):
            raw = [raw.get("name"), raw.get("label"), raw.get("format", "texte")]
        if not isinstance(raw, list) or not 2 <= len(raw) <= 3 or not all(isinstance(v, str) for v in raw):
            raise DeclarationError(f"{name} : colonne {index} : écrivez [\"colonne\", \"Libellé\"] ou "
                                   "[\"colonne\", \"Libellé\", \"format\"]")
        kind = raw[2] if len(raw) == 3 else "texte"
        if kind not in FORMATS:
            raise DeclarationError(f"{name} : colonne {raw[0]} : format {kind!r} inconnu "
                                   f"(possibles : {', '.join(k for k in FORMATS if FORMATS[k] != k or k == 'date')})")
        columns.append(DeclaredColumn(raw[0], raw[1], FORMATS[kind]))
    return Declaration(slug=slug, title=str(data["title"]), section=str(data["section"]),
                       description=str(data["description"]), columns=tuple(columns), filters=filters,
                       roles=tuple(data.get("roles", ())), highlight=data.get("highlight"), path=path)


def declarations(folder: Path | None = None) -> list[Declaration]:
    """Every declared page, by file name."""
    folder = folder or PAGES_DIR
    return [read_declaration(path) for path in sorted(folder.glob("*.toml"))] if folder.is_dir() else []


def extract_labels(fileobj, keywords, comment_tags, options):
    """Babel extractor for declarations (babel.cfg): every label, as (line, funcname, message, comments)."""
    data = tomllib.loads(fileobj.read().decode("utf-8"))
    texts = [data.get(key) for key in ("title", "section", "description")]
    for raw in data.get("columns", []):
        texts.append(raw.get("label") if isinstance(raw, dict) else (raw[1] if len(raw) > 1 else None))
    for text in texts:
        if isinstance(text, str) and text:
            yield 0, "_", text, []
