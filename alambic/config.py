"""The one configuration file: organisation tree, budget categories, warehouse, sources, alerts.

Read from `alambic.toml`, or from the path in the `ALAMBIC_CONFIG` environment variable.
Secrets never live here: a source names the environment variable that holds its secret.
"""

from __future__ import annotations

import os
import re
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
    fed_by: tuple[str, ...] = ()  # what Alambic itself records there (FEEDS): proposals, transfers


@dataclass(frozen=True)
class Role:
    """A role a unit needs someone to hold (e.g. référent·e budget / subvention), at given levels."""

    code: str
    label: str
    levels: tuple[str, ...] = ("pole",)
    sort: int = 0
    several: bool = False  # several people may hold it at once on one unit (bienveillant·es)


# The roles of La Raffinerie's wiki and prior org chart (docs/domaine.md §1.3, §1.5), used when the
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
    permissions: dict = field(default_factory=dict)  # [permissions]: budget_role
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

    def settings(self) -> dict:
        """What a warehouse build needs of this configuration, as plain data (warehouse/build.py
        reads it and never this class): the tree, the categories, the roles, the analytic plans,
        and every setting handed to SQL with its value (or its default) and its SQL type.
        `as_of` None means the real date, taken at build time in `timezone`."""
        return {
            "units": [{"code": u.code, "name": u.name, "level": u.level, "parent": u.parent,
                       "analytic_accounts": [analytic_reference(a) for a in u.analytic_accounts]}
                      for u in self.units],
            "categories": [{"code": c.code, "label": c.label, "direction": c.direction, "sort": c.sort,
                            "accounts": list(c.accounts)} for c in self.categories],
            "roles": [{"code": r.code, "label": r.label, "levels": list(r.levels), "sort": r.sort,
                       "several": r.several} for r in self.roles],
            "category_feeds": category_feeds(self.categories),  # feed → category code ([[categories]] fed_by)
            "analytic_plans": {"tree": self.analytic.tree_plan, "dimension": list(self.analytic.dimension_plans)},
            "settings": [{"key": sql_key(s), "value": setting_value(self, s), "sql_type": s.sql_type}
                         for s in sql_settings()],
        }


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
    check_settings(data, path)
    org = _with_defaults(data, "organisation")
    warehouse = _with_defaults(data, "warehouse")
    wh_path = Path(warehouse["path"])
    if not wh_path.is_absolute():
        wh_path = (path.parent / wh_path).resolve()
    backups = Path(warehouse["backups"])
    if not backups.is_absolute():
        backups = (path.parent / backups).resolve()
    units = tuple(_parse_unit(raw, path) for raw in data.get("units", []))
    categories = tuple(
        _parse_category(raw, index, path) for index, raw in enumerate(data.get("categories", []))
    )
    _check_tree(units, path)
    _check_categories(categories, path)
    fy_month = int(org["fiscal_year_start_month"])
    if not 1 <= fy_month <= 12:
        raise ConfigError(f"{path} : [organisation] fiscal_year_start_month doit être entre 1 et 12")
    _check_organisation(org, path)
    roles = _parse_roles(data.get("roles"), path)
    budget_role = _with_defaults(data, "permissions")["budget_role"]
    if budget_role not in {r.code for r in roles}:
        raise ConfigError(
            f"{path} : [permissions] budget_role : le rôle {budget_role!r}, qui donne aux membres le droit "
            f"de saisir le budget de leur unité, n'est pas dans [[roles]] (codes : {', '.join(r.code for r in roles)}). "
            "Ajoutez-le à [[roles]], ou indiquez dans [permissions] budget_role le code du rôle qui le remplace."
        )
    return Config(
        path=path,
        organisation_name=org["name"],
        timezone=org["timezone"],
        fiscal_year_start_month=fy_month,
        warehouse_path=wh_path,
        backups_path=backups,
        lock_timeout_seconds=float(warehouse["lock_timeout_seconds"]),
        units=units,
        categories=categories,
        alerts=_with_defaults(data, "alerts"),
        sources=data.get("sources", {}),
        schedules=data.get("schedules", {}),
        server=data.get("server", {}),
        auth=data.get("auth", {}),
        as_of=org.get("as_of"),
        roles=roles,
        volunteering=_with_defaults(data, "volunteering"),
        permissions=_with_defaults(data, "permissions"),
        documentation=data.get("documentation", {}),
        analytic=_parse_analytic(data.get("analytic", {}), path),
    )


def _check_organisation(org: dict, path: Path) -> None:
    from datetime import date
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(org["timezone"])
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"{path} : [organisation] timezone : fuseau {org['timezone']!r} inconnu "
                          "(par exemple « Indian/Reunion »)") from exc
    if org.get("as_of") is not None:
        try:
            date.fromisoformat(org["as_of"])
        except ValueError as exc:
            raise ConfigError(f"{path} : [organisation] as_of : date {org['as_of']!r} invalide, "
                              "attendu AAAA-MM-JJ (par exemple « 2026-11-27 »)") from exc


def _with_defaults(data: dict, section: str) -> dict:
    """A section as given, each setting of the table missing from it at its default."""
    defaults = {s.key: s.default for s in SETTINGS if s.section == section and s.default is not None}
    return {**defaults, **data.get(section, {})}


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
        fed_by=_feeds(raw, path),
    )


def _feeds(raw: dict, path: Path) -> tuple[str, ...]:
    value = raw.get("fed_by", ())
    feeds = (value,) if isinstance(value, str) else tuple(str(v) for v in value)
    unknown = [f for f in feeds if f not in FEEDS]
    if unknown:
        raise ConfigError(f"{path} : [[categories]] {raw.get('code')} : fed_by {unknown} inconnu ; possibles : "
                          + ", ".join(f"« {f} » ({what})" for f, (_d, _c, what) in FEEDS.items()))
    return feeds


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


# What Alambic records itself, outside the accounts (sql/marts/budget_lines.sql): remuneration
# proposals by their kind, and both sides of an internal transfer. Each goes to the category whose
# `fed_by` names it (ref.category_feeds); feed → (direction, category code when no category names
# it, what it is). A configuration that lists categories must give each feed one category of its
# direction, else those lines would silently fall out of every budget.
FEEDS = {
    "proposals:bienveillance": ("depense", "bienveillance", "propositions de bienveillance"),
    "proposals:prestation_interne": ("depense", "prestations_internes", "propositions de prestation interne"),
    "transfers:from": ("depense", "depenses_internes", "transferts internes, unité qui donne"),
    "transfers:to": ("recette", "recettes_internes", "transferts internes, unité qui reçoit"),
}


def category_feeds(categories: tuple[Category, ...]) -> dict[str, str]:
    """feed → the category code it goes to: the category naming it in `fed_by`, else the category
    of the default code (configurations written before `fed_by`), else that default code."""
    feeds = {}
    for feed, (_direction, default, _what) in FEEDS.items():
        named = [c.code for c in categories if feed in c.fed_by]
        feeds[feed] = named[0] if named else default
    return feeds


def _check_categories(categories: tuple[Category, ...], path: Path) -> None:
    if categories:
        directions = {c.code: c.direction for c in categories}
        for feed, (direction, _default, what) in FEEDS.items():
            named = [c.code for c in categories if feed in c.fed_by]
            if len(named) > 1:
                raise ConfigError(f"{path} : [[categories]] {', '.join(named)} : fed_by « {feed} » dans plusieurs "
                                  "catégories ; une seule le porte.")
            code = category_feeds(categories)[feed]
            if directions.get(code) != direction:
                found = "absente" if code not in directions else f"en {directions[code]}"
                raise ConfigError(
                    f"{path} : [[categories]] {code} : catégorie {found}, attendue en {direction}. Alambic "
                    f"y range lui-même les {what} (sql/marts/budget_lines.sql) : gardez ce code (le libellé "
                    f"peut changer), ou donnez à une catégorie en {direction} fed_by = [\"{feed}\"]."
                )
    prefixes = [p for c in categories for p in c.accounts]
    shared = {p for p in prefixes if prefixes.count(p) > 1}
    if shared:
        raise ConfigError(f"{path} : préfixes de comptes dans plusieurs catégories : {sorted(shared)}")


# ---------------------------------------------------------------------------------------------
# Every setting of alambic.toml, with its type and default, in one table (as Fava keeps its
# options). The loader refuses a key that is not here (a typo such as `forcast_gap_ratio` would
# otherwise be silently ignored) and a value of the wrong type, naming the file, section and key.
# A setting with `sql` is handed to the SQL models: it is a row of ref.settings (key = `sql`) and
# a typed column of staging.stg_ref__settings (cast to `sql_type`). Every [alerts] setting goes
# to SQL under its own name: adding a row here is all it takes for the marts to read it.
# ---------------------------------------------------------------------------------------------

NUMBER, INTEGER, TEXT, BOOLEAN, LIST, TABLE = "nombre", "entier", "texte", "booléen", "liste", "table"


@dataclass(frozen=True)
class Setting:
    section: str  # "alerts", or "sources.tibillet" for a sub-table
    key: str
    kind: str | tuple[str, ...]  # NUMBER, INTEGER, TEXT, BOOLEAN, LIST, TABLE (a tuple: any of them)
    default: object = None  # None: no default (the setting is optional)
    sql: str | None = None  # its key in ref.settings / column in staging.stg_ref__settings
    sql_type: str = "VARCHAR"
    help: str = ""


_SECRET_SOURCE = ("secret_block", TEXT), ("timeout", NUMBER)
SETTINGS: tuple[Setting, ...] = (
    # The SQL value is the build's "today": this date when set, else the real date (warehouse/build.py).
    Setting("organisation", "as_of", TEXT, None, "as_of", "DATE", "the build's \"today\""),
    Setting("organisation", "name", TEXT, "La Raffinerie"),
    Setting("organisation", "timezone", TEXT, "Indian/Reunion", "timezone", "VARCHAR",
            "the organisation's time zone (Indian/Reunion)"),
    Setting("organisation", "fiscal_year_start_month", INTEGER, 1, "fiscal_year_start_month", "INTEGER",
            "first month of the financial year"),
    Setting("warehouse", "path", TEXT, "data/alambic.duckdb"),
    Setting("warehouse", "backups", TEXT, "data/backups"),
    Setting("warehouse", "lock_timeout_seconds", NUMBER, 30),
    Setting("alerts", "forecast_gap_ratio", NUMBER, 0.15, sql_type="DOUBLE",
            help="alert threshold for a forecast / actual gap"),
    Setting("alerts", "cash_threshold", NUMBER, 0, sql_type="DECIMAL(14,2)",
            help="a month of the treasury plan closing below this balance (euros) raises an alert"),
    Setting("alerts", "report_due_days", INTEGER, 60, sql_type="INTEGER",
            help="a compte rendu financier due within this many days of as_of raises an alert"),
    Setting("alerts", "materiality", NUMBER, 100, sql_type="DECIMAL(14,2)",
            help="an alert whose amount at stake is below this (euros) is only « info »"),
    Setting("volunteering", "hourly_rate", NUMBER, 11.88, "volunteer_hourly_rate", "DECIMAL(10,2)",
            "value of one volunteer hour (valorisation 864 / 875)"),
    # The role whose holders may edit their unit's budget entries (models/permissions.py); it
    # must be one of the [[roles]] codes, else members would silently lose their rights.
    Setting("permissions", "budget_role", TEXT, "referent_budget_subvention", "budget_role", "VARCHAR",
            "the role that gives a member the right to edit a unit's budget entries"),
    Setting("analytic", "tree_plan", (TEXT, INTEGER)),
    Setting("analytic", "dimension_plans", (LIST, TEXT, INTEGER)),
    Setting("documentation", "wiki_url", TEXT),
    Setting("documentation", "links", LIST),
    Setting("server", "allowed_hosts", (LIST, TEXT)),
    Setting("server", "https", BOOLEAN, False),
    Setting("server", "behind_proxy", BOOLEAN, False),
    *(Setting("auth", key, kind) for key, kind in (
        ("session_idle_hours", NUMBER), ("session_max_hours", NUMBER), ("max_failures", INTEGER),
        ("max_failures_per_address", INTEGER), ("lockout_minutes", NUMBER), ("cookie_secret_file", TEXT),
        ("oauth_provider", TEXT), ("oauth_key_env", TEXT), ("oauth_secret_env", TEXT),
        ("oauth_encryption_key_env", TEXT), ("oauth_extra_params", TABLE), ("oauth_redirect_uri", TEXT),
        ("oauth_authorize_url", TEXT), ("oauth_token_url", TEXT), ("oauth_user_url", TEXT),
        ("oauth_logout_url", TEXT), ("oauth_user_key", TEXT))),
    *(Setting("schedules", key, TEXT) for key in (
        "refresh", "build", "backup", "reconcile-odoo", "sync-odoo", "sync-tibillet", "sync-oceco")),
    Setting("sources", "retry_delays", LIST),
    *(Setting("sources.odoo", key, kind) for key, kind in (
        ("url", TEXT), ("database", TEXT), ("login", TEXT), ("password_env", TEXT), *_SECRET_SOURCE)),
    *(Setting("sources.tibillet", key, kind) for key, kind in (
        ("url", TEXT), ("host", TEXT), ("api_key_env", TEXT), ("window_start", TEXT), *_SECRET_SOURCE)),
    Setting("sources.tibillet", "day_pivot", TEXT, "04:00", "day_pivot", "INTERVAL",
            "a soirée's day runs from this local time to the same time the next day"),
    *(Setting("sources.oceco", key, kind) for key, kind in (
        ("url", TEXT), ("org_id", TEXT), ("email", TEXT), ("password_env", TEXT), *_SECRET_SOURCE)),
)

# An [alerts] setting may also be declared where SQL uses it, by a line of the SQL file:
#     -- setting: alerts.overrun_tolerance DOUBLE 0 a tolerated overrun, as a share of the forecast
# (section.key, SQL type, default, what it is). It is then a setting like those above — checked,
# defaulted, a column of staging.stg_ref__settings and ref.settings_row — with no Python edit.
SQL_SETTING = re.compile(r"^--\s*setting:\s*alerts\.(\w+)\s+(\w+(?:\(\d+\s*,\s*\d+\))?)\s+(\S+)\s*(.*)$",
                         re.MULTILINE)
SQL_KINDS = {"DOUBLE": NUMBER, "DECIMAL": NUMBER, "INTEGER": INTEGER, "VARCHAR": TEXT, "BOOLEAN": BOOLEAN}


def sql_declared_settings(sql_dir: Path | None = None) -> tuple[Setting, ...]:
    """The [alerts] settings declared by `-- setting:` lines in sql/ (macros, marts, staging)."""
    from warehouse import SQL_DIR

    found = []
    for path in sorted((sql_dir or SQL_DIR).rglob("*.sql")):
        for key, sql_type, default, help_text in SQL_SETTING.findall(path.read_text(encoding="utf-8")):
            kind = SQL_KINDS.get(sql_type.split("(")[0].upper())
            if kind is None:
                raise ConfigError(f"{path} : -- setting: alerts.{key} : type SQL {sql_type} non pris en charge "
                                  f"({', '.join(SQL_KINDS)})")
            value = {NUMBER: float, INTEGER: int, BOOLEAN: lambda v: v.lower() == "true"}.get(kind, str)(default)
            found.append(Setting("alerts", key, kind, value, sql_type=sql_type, help=help_text.strip()))
    return tuple(found)


SETTINGS = (*SETTINGS, *(s for s in sql_declared_settings()
                         if (s.section, s.key) not in {(b.section, b.key) for b in SETTINGS}))

# The keys of each [[table]] entry (array of tables).
ENTRY_KEYS = {
    "units": {"code": (TEXT, INTEGER), "name": TEXT, "level": TEXT, "parent": (TEXT, INTEGER),
              "analytic_accounts": LIST},
    "categories": {"code": TEXT, "label": TEXT, "direction": TEXT, "accounts": LIST, "sort": INTEGER,
                   "fed_by": (LIST, TEXT)},
    "roles": {"code": TEXT, "label": TEXT, "levels": LIST, "sort": INTEGER, "several": BOOLEAN},
}
SUB_TABLES = {"sources": ("odoo", "tibillet", "oceco")}


def sql_key(setting: Setting) -> str | None:
    """Its key in ref.settings: `sql` when given; every [alerts] setting under its own name."""
    if setting.sql:
        return setting.sql
    return setting.key if setting.section == "alerts" else None


def sql_settings() -> tuple[Setting, ...]:
    """The settings handed to SQL, in the table's order."""
    return tuple(s for s in SETTINGS if sql_key(s))


def setting_value(config: Config, setting: Setting):
    """The value a configuration gives a setting, or its default."""
    head, _, sub = setting.section.partition(".")
    if head == "organisation":
        return {"name": config.organisation_name, "timezone": config.timezone, "as_of": config.as_of,
                "fiscal_year_start_month": config.fiscal_year_start_month}.get(setting.key, setting.default)
    section = getattr(config, head, {}) or {}
    if sub:
        section = section.get(sub, {}) or {}
    value = section.get(setting.key) if isinstance(section, dict) else None
    return setting.default if value is None else value


def _is(value, kind: str) -> bool:
    if kind == NUMBER:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == INTEGER:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, {TEXT: str, BOOLEAN: bool, LIST: list, TABLE: dict}[kind])


def _check_value(value, kind, where: str) -> None:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if not any(_is(value, k) for k in kinds):
        hint = f" (entre guillemets : \"{value.isoformat()}\")" if hasattr(value, "isoformat") and TEXT in kinds else ""
        raise ConfigError(f"{where} : valeur {value!r} invalide, attendu : {' ou '.join(kinds)}{hint}")


def _where(path: Path, section: str, key: str | None = None) -> str:
    return f"{path} : [{section}]" + (f" {key}" if key else "")


def _nearest(key: str, known) -> str:
    from difflib import get_close_matches

    close = get_close_matches(key, list(known), n=1)
    return f" (vouliez-vous dire « {close[0]} » ?)" if close else ""


def check_settings(data: dict, path: Path) -> None:
    """Refuse unknown sections and keys, and values of the wrong type, naming file, section, key."""
    by_section: dict[str, dict[str, Setting]] = {}
    for setting in SETTINGS:
        by_section.setdefault(setting.section, {})[setting.key] = setting
    sections = {s.partition(".")[0] for s in by_section} | set(ENTRY_KEYS)
    for name, body in data.items():
        if name not in sections:
            raise ConfigError(f"{path} : section [{name}] inconnue{_nearest(name, sections)} ; "
                              f"sections possibles : {', '.join(sorted(sections))}")
        if name in ENTRY_KEYS:
            if not isinstance(body, list):
                raise ConfigError(f"{path} : [[{name}]] doit être une liste de tables ([[{name}]])")
            known = ENTRY_KEYS[name]
            for index, entry in enumerate(body, start=1):
                if not isinstance(entry, dict):
                    raise ConfigError(f"{path} : [[{name}]] n° {index} doit être une table")
                for key, value in entry.items():
                    where = f"{path} : [[{name}]] n° {index} ({entry.get('code', '?')}) {key}"
                    if key not in known:
                        raise ConfigError(f"{where} : réglage inconnu{_nearest(key, known)} ; "
                                          f"réglages possibles : {', '.join(known)}")
                    _check_value(value, known[key], where)
            continue
        if not isinstance(body, dict):
            raise ConfigError(f"{path} : [{name}] doit être une section (une table TOML)")
        _check_section(body, name, by_section, path)


def _check_section(body: dict, name: str, by_section: dict, path: Path) -> None:
    known = by_section.get(name, {})
    subs = SUB_TABLES.get(name, ())
    for key, value in body.items():
        if key in subs:
            if not isinstance(value, dict):
                raise ConfigError(f"{_where(path, name, key)} : doit être une section [{name}.{key}]")
            _check_section(value, f"{name}.{key}", by_section, path)
            continue
        if key not in known:
            choices = [*known, *subs]
            raise ConfigError(f"{_where(path, name, key)} : réglage inconnu{_nearest(key, choices)} ; "
                              f"réglages possibles : {', '.join(choices)}")
        _check_value(value, known[key].kind, _where(path, name, key))
