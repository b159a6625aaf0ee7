"""The one configuration file: organisation tree, budget categories, warehouse, sources, alerts.

Read from `alambic.toml`, or from the path in the `ALAMBIC_CONFIG` environment variable.
Secrets never live here: a source names the environment variable that holds its secret.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT_LEVEL = "organisation"
LEVELS = ("organisation", "groupe", "pole", "projet", "action")
DIRECTIONS = ("depense", "recette")


class ConfigError(ValueError):
    """The configuration file is missing or wrong; the message says where."""


@dataclass(frozen=True)
class Unit:
    """One node of the organisation tree. Its code is La Raffinerie's nested analytic code."""

    code: str
    name: str
    level: str
    parent: str | None
    analytic_accounts: tuple[str, ...]


@dataclass(frozen=True)
class Category:
    """A budget category (e.g. bienveillance) and the general-account prefixes that feed it.

    Internal categories (prestations/dépenses/recettes internes) are fed by Alambic's own data
    (transfers, proposals), not by accounts.
    """

    code: str
    label: str
    direction: str
    accounts: tuple[str, ...] = ()
    sort: int = 0


@dataclass(frozen=True)
class Role:
    """A role a unit needs someone to hold (e.g. référent·e budget / subvention), at given levels."""

    code: str
    label: str
    levels: tuple[str, ...] = ("pole",)
    sort: int = 0
    several: bool = False  # several people may hold it at once on one unit (bienveillant·es)


# The roles of La Raffinerie's wiki and prior org chart (domain.md §1.3, §1.5), used when the
# configuration lists none.
DEFAULT_ROLES = (
    Role("garant_cadre", "Garant·e du cadre", ("pole",), 0),
    Role("referent_budget_subvention", "Référent·e budget / subvention", ("pole",), 1),
    Role("referent_taches_planning", "Référent·e tâches / planning", ("pole",), 2),
    Role("prestation_interne", "Prestation interne", ("pole",), 3),
    Role("bienveillant", "Bienveillant·e", ("pole",), 4, several=True),
)


@dataclass(frozen=True)
class AnalyticPlans:
    """[analytic]: which Odoo analytic plan (16+) or analytic group (≤15) is the organisation's
    tree, and which other plans only show as a second dimension of the lines.

    A plan is named by its name (or complete name) or by `id:<n>`. Without `tree_plan`, the tree
    is the plan that holds most of the units' analytic accounts. Accounts of the other plans that
    the units list still count on their unit, for the part of a line that the tree plan leaves
    unassigned (a euro counts once: docs/regles-de-calcul.md).
    """

    tree_plan: str | None = None
    dimension_plans: tuple[str, ...] = ()


@dataclass(frozen=True)
class Config:
    path: Path
    organisation_name: str
    timezone: str
    fiscal_year_start_month: int
    warehouse_path: Path
    backups_path: Path
    lock_timeout_seconds: float
    units: tuple[Unit, ...]
    categories: tuple[Category, ...]
    alerts: dict = field(default_factory=dict)
    sources: dict = field(default_factory=dict)
    schedules: dict = field(default_factory=dict)
    server: dict = field(default_factory=dict)  # [server]: allowed_hosts, https (alambic.auth.settings)
    auth: dict = field(default_factory=dict)  # [auth]: session expiry, login limits, OAuth
    as_of: str | None = None  # fixed "today" for reproducible builds (tests); None = real today
    roles: tuple[Role, ...] = DEFAULT_ROLES
    volunteering: dict = field(default_factory=dict)  # [volunteering]: hourly_rate (valuation 864/875)
    documentation: dict = field(default_factory=dict)  # [documentation]: wiki_url, links
    analytic: AnalyticPlans = field(default_factory=lambda: AnalyticPlans())  # [analytic]

    @property
    def root(self) -> Unit:
        return next(u for u in self.units if u.parent is None)

    def unit(self, code: str) -> Unit:
        for unit in self.units:
            if unit.code == code:
                return unit
        raise ConfigError(f"Unité inconnue : {code!r}")


DEMO_CONFIG = Path("data/demo/alambic.toml")  # written by `alambic demo` (its default folder)


def config_path(explicit: str | os.PathLike | None = None) -> Path:
    """Where the configuration is: explicit path, then $ALAMBIC_CONFIG, then ./alambic.toml, then
    the demo's (data/demo/alambic.toml, said on stderr) when only `alambic demo` was run here."""
    if explicit:
        return Path(explicit)
    if os.environ.get("ALAMBIC_CONFIG"):
        return Path(os.environ["ALAMBIC_CONFIG"])
    default = Path("alambic.toml")
    if not default.exists() and DEMO_CONFIG.exists():
        import sys

        print(f"Configuration : {DEMO_CONFIG} (celle de la démo : ni alambic.toml ici, ni ALAMBIC_CONFIG).",
              file=sys.stderr)
        return DEMO_CONFIG
    return default


def load_config(path: str | os.PathLike | None = None) -> Config:
    path = config_path(path)
    if not path.exists():
        raise ConfigError(
            f"Fichier de configuration introuvable : {path}. "
            "Copiez alambic.example.toml en alambic.toml, ou lancez `alambic demo` "
            f"(qui écrit {DEMO_CONFIG} : ensuite, `--config {DEMO_CONFIG}` ou ALAMBIC_CONFIG={DEMO_CONFIG})."
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} : TOML invalide ({exc})") from exc
    return parse_config(data, path)


def parse_config(data: dict, path: Path) -> Config:
    org = data.get("organisation", {})
    warehouse = data.get("warehouse", {})
    wh_path = Path(warehouse.get("path", "data/alambic.duckdb"))
    if not wh_path.is_absolute():
        wh_path = (path.parent / wh_path).resolve()
    backups = Path(warehouse.get("backups", "data/backups"))
    if not backups.is_absolute():
        backups = (path.parent / backups).resolve()
    units = tuple(_parse_unit(raw, path) for raw in data.get("units", []))
    categories = tuple(
        _parse_category(raw, index, path) for index, raw in enumerate(data.get("categories", []))
    )
    _check_tree(units, path)
    _check_categories(categories, path)
    fy_month = int(org.get("fiscal_year_start_month", 1))
    if not 1 <= fy_month <= 12:
        raise ConfigError(f"{path} : fiscal_year_start_month doit être entre 1 et 12")
    return Config(
        path=path,
        organisation_name=org.get("name", "La Raffinerie"),
        timezone=org.get("timezone", "Indian/Reunion"),
        fiscal_year_start_month=fy_month,
        warehouse_path=wh_path,
        backups_path=backups,
        lock_timeout_seconds=float(warehouse.get("lock_timeout_seconds", 30)),
        units=units,
        categories=categories,
        alerts=data.get("alerts", {}),
        sources=data.get("sources", {}),
        schedules=data.get("schedules", {}),
        server=data.get("server", {}),
        auth=data.get("auth", {}),
        as_of=org.get("as_of"),
        roles=_parse_roles(data.get("roles"), path),
        volunteering=data.get("volunteering", {}),
        documentation=data.get("documentation", {}),
        analytic=_parse_analytic(data.get("analytic", {}), path),
    )


def _parse_analytic(raw: dict, path: Path) -> AnalyticPlans:
    if not isinstance(raw, dict):
        raise ConfigError(f"{path} : [analytic] doit être une section")
    tree = raw.get("tree_plan")
    dimensions = raw.get("dimension_plans", [])
    if isinstance(dimensions, (str, int)):
        dimensions = [dimensions]
    return AnalyticPlans(
        tree_plan=str(tree) if tree not in (None, "") else None,
        dimension_plans=tuple(str(d) for d in dimensions),
    )


def analytic_reference(account: str) -> tuple[str | None, int | None]:
    """A unit's analytic account as the configuration gives it: its code ('303'), or its Odoo id
    written `id:34`. Returns (code, id), one of them None."""
    text = str(account).strip()
    if text.lower().startswith("id:"):
        number = text[3:].strip()
        if not number.isdigit():
            raise ConfigError(f"compte analytique {account!r} : après « id: » il faut un nombre")
        return None, int(number)
    return text, None


def _parse_roles(raw: list | None, path: Path) -> tuple[Role, ...]:
    if not raw:
        return DEFAULT_ROLES
    roles = []
    for index, entry in enumerate(raw):
        if "code" not in entry:
            raise ConfigError(f"{path} : un rôle n'a pas de champ 'code' ({entry})")
        levels = tuple(entry.get("levels", ["pole"]))
        unknown = [level for level in levels if level not in LEVELS]
        if unknown:
            raise ConfigError(f"{path} : rôle {entry['code']} : niveau(x) inconnu(s) {unknown} (attendu : {LEVELS})")
        roles.append(Role(str(entry["code"]), entry.get("label", entry["code"]), levels,
                          int(entry.get("sort", index)), bool(entry.get("several", False))))
    codes = [r.code for r in roles]
    if len(set(codes)) != len(codes):
        raise ConfigError(f"{path} : codes de rôle en double : {sorted({c for c in codes if codes.count(c) > 1})}")
    return tuple(roles)


def _parse_unit(raw: dict, path: Path) -> Unit:
    try:
        code = str(raw["code"])
        level = raw["level"]
    except KeyError as exc:
        raise ConfigError(f"{path} : une unité n'a pas de champ {exc.args[0]!r} ({raw})") from exc
    if level not in LEVELS:
        raise ConfigError(f"{path} : unité {code} : niveau {level!r} inconnu (attendu : {LEVELS})")
    parent = raw.get("parent")
    accounts = raw.get("analytic_accounts", [] if level == ROOT_LEVEL else [code])
    for account in accounts:  # a code, or `id:<Odoo id>`
        try:
            analytic_reference(account)
        except ConfigError as exc:
            raise ConfigError(f"{path} : unité {code} : {exc}") from exc
    return Unit(
        code=code,
        name=raw.get("name", code),
        level=level,
        parent=str(parent) if parent not in (None, "") else None,
        analytic_accounts=tuple(str(a) for a in accounts),
    )


def _parse_category(raw: dict, index: int, path: Path) -> Category:
    direction = raw.get("direction")
    if direction not in DIRECTIONS:
        raise ConfigError(f"{path} : catégorie {raw.get('code')} : direction {direction!r} inconnue")
    return Category(
        code=raw["code"],
        label=raw.get("label", raw["code"]),
        direction=direction,
        accounts=tuple(str(a) for a in raw.get("accounts", [])),
        sort=int(raw.get("sort", index)),
    )


def _check_tree(units: tuple[Unit, ...], path: Path) -> None:
    codes = [u.code for u in units]
    duplicates = {c for c in codes if codes.count(c) > 1}
    if duplicates:
        raise ConfigError(f"{path} : codes d'unité en double : {sorted(duplicates)}")
    roots = [u for u in units if u.parent is None]
    if len(roots) != 1:
        raise ConfigError(f"{path} : il faut exactement une unité racine (sans parent), trouvé {len(roots)}")
    known = set(codes)
    for unit in units:
        if unit.parent is not None and unit.parent not in known:
            raise ConfigError(f"{path} : unité {unit.code} : parent {unit.parent!r} inconnu")
    accounts = [a for u in units for a in u.analytic_accounts]
    shared = {a for a in accounts if accounts.count(a) > 1}
    if shared:
        raise ConfigError(f"{path} : comptes analytiques affectés à plusieurs unités : {sorted(shared)}")


def _check_categories(categories: tuple[Category, ...], path: Path) -> None:
    prefixes = [p for c in categories for p in c.accounts]
    shared = {p for p in prefixes if prefixes.count(p) > 1}
    if shared:
        raise ConfigError(f"{path} : préfixes de comptes dans plusieurs catégories : {sorted(shared)}")
