"""Every page of Alambic, grouped as La Raffinerie's side menu groups them (docs/domaine.md §1.5).

A page is built by `build(context)`; a page not built yet has `build = None` and shows
« Bientôt disponible » with its `description` — never invented figures.
Titles and descriptions are msgids of the label catalogue (alambic/locale), translated at display.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from alambic.i18n import _


@dataclass(frozen=True)
class PageSpec:
    slug: str  # the URL path: /suivi-budgetaire
    title: str  # msgid
    section: str  # msgid of the menu section
    description: str  # msgid: what the page holds (or will hold)
    build: Callable | None = None  # build(context) -> Panel object; None: coming soon
    uses_filters: bool = False
    roles: tuple[str, ...] = ()  # the account roles that may open it; () = everybody

    def allows(self, role: str) -> bool:
        return not self.roles or role in self.roles

    @property
    def label(self) -> str:
        return _(self.title)

    @property
    def ready(self) -> bool:
        return self.build is not None


def built_by(module: str, name: str) -> Callable:
    """`build` for a page whose Parameterized class `name` lives in `module` (imported when opened)."""

    def build(context):
        from importlib import import_module

        return getattr(import_module(module), name)(context=context)

    build.__qualname__ = f"{module}.{name}"
    return build


PAGES: tuple[PageSpec, ...] = (
    PageSpec("tableau-de-bord", "Dashboard", "Dashboard",
             "The key figures of La Raffinerie at a glance: budget consumed, treasury, "
             "subsidies to follow up and the next events.",
             build=built_by("dashboards.tableau_de_bord", "Dashboard"), uses_filters=True),
    PageSpec("suivi-budgetaire", "Budget tracking", "Budget tracking",
             "Forecast against actual by budget category, for a unit and a period.",
             build=built_by("dashboards.suivi_budgetaire", "BudgetTracking"), uses_filters=True),
    PageSpec("plan-de-tresorerie", "Treasury plan", "Budget tracking",
             "The monthly treasury plan: opening balance, receipts, payments and closing "
             "balance, actual months then projected months.",
             build=built_by("dashboards.plan_de_tresorerie", "TreasuryPlan"), uses_filters=True),
    PageSpec("suivi-subventions", "Subsidy tracking", "Budget tracking",
             "Each subsidy from request to report: requested, granted, paid, spent, and the "
             "deadlines of the instalments and financial reports.",
             build=built_by("dashboards.suivi_subventions", "SubsidyTracking"), uses_filters=True),
    PageSpec("explorateur", "Explorer", "Budget tracking",
             "A pivot table over the budget lines: by project, pole, category and month, "
             "with export.",
             build=built_by("dashboards.explorateur", "Explorer"), uses_filters=True),
    PageSpec("organigramme", "Roles chart", "Budget tracking",
             "The tree of groups, poles and projects with the roles each one needs, who holds "
             "them and which are vacant.",
             build=built_by("dashboards.organigramme", "RolesChart"), uses_filters=True),
    PageSpec("suivi-evenements", "Event tracking", "Project tracking",
             "Each evening event: ticketing and bar takings, costs, result and the referent, "
             "with the dispatch of takings to the poles.",
             build=built_by("dashboards.suivi_evenements", "EventTracking"), uses_filters=True),
    PageSpec("suivi-volontariat", "Volunteer tracking", "Raffineur·euses",
             "Volunteer involvement per person and per project, in hours and time credits.",
             build=built_by("dashboards.suivi_volontariat", "VolunteerTracking"), uses_filters=True),
    PageSpec("repertoire", "Directory", "Raffineur·euses",
             "The directory of the Raffineur·euses: who is who, their poles and roles (no contact details).",
             build=built_by("dashboards.repertoire", "Directory")),
    PageSpec("co-remuneration", "Co-remuneration", "Raffineur·euses",
             "Propose a remuneration, follow its validation, invoicing and payment.",
             build=built_by("dashboards.co_remuneration", "CoRemuneration"), uses_filters=True),
    PageSpec("mon-tableau-de-bord", "My dashboard", "Raffineur·euses",
             "Your roles, your proposals and their status, your volunteer hours.",
             build=built_by("dashboards.mon_tableau_de_bord", "MyDashboard")),
    PageSpec("documentation", "Documentation", "Toolbox",
             "How Alambic works and how to change it: figures, SQL files, pages.",
             build=built_by("dashboards.documentation", "Documentation")),
    PageSpec("console-sql", "SQL console", "Toolbox",
             "Read-only SQL queries on the warehouse, for analysts, with CSV export.",
             build=built_by("dashboards.console_sql", "SqlConsole"), roles=("admin", "finance")),
    PageSpec("reference-donnees", "Data reference", "Toolbox",
             "Every table of the warehouse that the pages and the SQL console read, with its columns "
             "and what they mean.",
             build=built_by("dashboards.reference", "DataReference")),
    PageSpec("journal", "Change log", "Toolbox",
             "Every change entered in Alambic: who, when, before and after; an edit can be undone.",
             build=built_by("dashboards.journal", "ChangeLog"), roles=("admin", "finance")),
)

HOME = PAGES[0]


def page(slug: str) -> PageSpec:
    for spec in PAGES:
        if spec.slug == slug:
            return spec
    raise KeyError(slug)


def sections() -> list[tuple[str, list[PageSpec]]]:
    """(section msgid, pages) in menu order."""
    grouped: dict[str, list[PageSpec]] = {}
    for spec in PAGES:
        grouped.setdefault(spec.section, []).append(spec)
    return list(grouped.items())
