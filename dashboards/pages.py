"""Every page of Alambic, grouped as La Raffinerie's side menu groups them (docs/domaine.md §1.5).

One name per page: the slug `suivi-budgetaire` is the URL, the module `dashboards/suivi_budgetaire.py`
and its class `SuiviBudgetaire` (the slug in CamelCase), and the folder of its queries
`sql/queries/suivi_budgetaire/`. Titles, sections and descriptions are msgids of the label
catalogue (alambic/locale), translated at display: they stay in English, the catalogue's keys.

Two kinds of page:
- a page with Python code (forms, cards, charts): a `PageSpec` in `CODED` below, built by the class
  named after its slug;
- a declared read-only page: `sql/pages/<slug>.sql` + `sql/pages/<slug>.toml` (dashboards.declarations),
  found there and placed at the end of its menu section: no line to add here.

A page not built yet (`built=False`) shows « Bientôt disponible » with its `description` — never
invented figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from alambic.i18n import _
from dashboards.declarations import Declaration, declarations


@dataclass(frozen=True)
class PageSpec:
    slug: str  # the URL path: /suivi-budgetaire
    title: str  # msgid (a declared page: its French title)
    section: str  # msgid of the menu section
    description: str  # msgid: what the page holds (or will hold)
    uses_filters: bool = False
    roles: tuple[str, ...] = ()  # the account roles that may open it; () = everybody
    built: bool = True  # False: coming soon
    declaration: Declaration | None = None  # a declared page (sql/pages/<slug>.toml)

    def allows(self, role: str) -> bool:
        return not self.roles or role in self.roles

    @property
    def label(self) -> str:
        return _(self.title)

    @property
    def ready(self) -> bool:
        return self.built

    @property
    def module(self) -> str:
        """`dashboards.suivi_budgetaire` for /suivi-budgetaire (a declared page: the shared one)."""
        return "dashboards.declared" if self.declaration else "dashboards." + self.slug.replace("-", "_")

    @property
    def class_name(self) -> str:
        """`SuiviBudgetaire` for /suivi-budgetaire (a declared page: `DeclaredPage`)."""
        return "DeclaredPage" if self.declaration else "".join(p.capitalize() for p in self.slug.split("-"))

    def build(self, context):
        """The page's Panel object for one session (its module imported when first opened)."""
        page_class = getattr(import_module(self.module), self.class_name)
        if self.declaration:
            return page_class(context=context, declaration=self.declaration)
        return page_class(context=context)


CODED: tuple[PageSpec, ...] = (
    PageSpec("tableau-de-bord", "Dashboard", "Dashboard",
             "The key figures of La Raffinerie at a glance: budget consumed, treasury, "
             "subsidies to follow up and the next events.", uses_filters=True),
    PageSpec("suivi-budgetaire", "Budget tracking", "Budget tracking",
             "Forecast against actual by budget category, for a unit and a period.", uses_filters=True),
    PageSpec("plan-de-tresorerie", "Treasury plan", "Budget tracking",
             "The monthly treasury plan: opening balance, receipts, payments and closing "
             "balance, actual months then projected months.", uses_filters=True),
    PageSpec("suivi-subventions", "Subsidy tracking", "Budget tracking",
             "Each subsidy from request to report: requested, granted, paid, spent, and the "
             "deadlines of the instalments and financial reports.", uses_filters=True),
    PageSpec("explorateur", "Explorer", "Budget tracking",
             "A pivot table over the budget lines: by project, pole, category and month, "
             "with export.", uses_filters=True),
    PageSpec("organigramme", "Roles chart", "Budget tracking",
             "The tree of groups, poles and projects with the roles each one needs, who holds "
             "them and which are vacant.", uses_filters=True),
    PageSpec("suivi-evenements", "Event tracking", "Project tracking",
             "Each evening event: ticketing and bar takings, costs, result and the referent, "
             "with the dispatch of takings to the poles.", uses_filters=True),
    PageSpec("suivi-volontariat", "Volunteer tracking", "Raffineur·euses",
             "Volunteer involvement per person and per project, in hours and time credits.", uses_filters=True),
    PageSpec("repertoire", "Directory", "Raffineur·euses",
             "The directory of the Raffineur·euses: who is who, their poles and roles (no contact details)."),
    PageSpec("co-remuneration", "Co-remuneration", "Raffineur·euses",
             "Propose a remuneration, follow its validation, invoicing and payment.", uses_filters=True),
    PageSpec("mon-tableau-de-bord", "My dashboard", "Raffineur·euses",
             "Your roles, your proposals and their status, your volunteer hours."),
    PageSpec("documentation", "Documentation", "Toolbox",
             "How Alambic works and how to change it: figures, SQL files, pages."),
    PageSpec("console-sql", "SQL console", "Toolbox",
             "Read-only SQL queries on the warehouse, for analysts, with CSV export.", roles=("admin", "finance")),
    PageSpec("reference-donnees", "Data reference", "Toolbox",
             "Every table of the warehouse that the pages and the SQL console read, with its columns "
             "and what they mean."),
    PageSpec("journal", "Change log", "Toolbox",
             "Every change entered in Alambic: who, when, before and after; an edit can be undone.", roles=("admin", "finance")),
)



def declared_spec(declaration: Declaration, section_msgids: dict[str, str]) -> PageSpec:
    """The registry entry of a declared page; its section given as the menu shows it (French) or
    as the msgid."""
    section = section_msgids.get(declaration.section, declaration.section)
    return PageSpec(declaration.slug, declaration.title, section, declaration.description,
                    uses_filters=bool(declaration.filters), roles=declaration.roles, declaration=declaration)


def with_declared(coded: tuple[PageSpec, ...], declared: list[Declaration]) -> tuple[PageSpec, ...]:
    """The coded pages, each declared page at the end of its section (a new section: at the end)."""
    section_msgids = {_(spec.section): spec.section for spec in coded}
    pages = list(coded)
    taken = {spec.slug for spec in coded}
    for declaration in declared:
        if declaration.slug in taken:
            raise ValueError(f"sql/pages/{declaration.slug}.toml : la page /{declaration.slug} existe déjà")
        taken.add(declaration.slug)
        spec = declared_spec(declaration, section_msgids)
        last = max((i for i, other in enumerate(pages) if other.section == spec.section), default=len(pages) - 1)
        pages.insert(last + 1, spec)
    return tuple(pages)


PAGES: tuple[PageSpec, ...] = with_declared(CODED, declarations())
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
