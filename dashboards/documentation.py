"""Documentation: how to use each page, a glossary, and links to La Raffinerie's wiki.

The text lives in Markdown files that a member can edit without touching Python (docs/README.md):
`docs/pages/<slug>.md` for each page of `dashboards.pages.PAGES` — the list of sections comes from
that registry, so a new page cannot be forgotten (a test checks its file exists) — and
`docs/glossaire.md`, one `### Term` per entry; `docs/regles-de-calcul.md`, the calculation rules,
one `## Topic` per subject. In a page's text `[[term]]` or `[[term|shown]]`
points to the glossary: the term is shown with its definition on hover.

The links come from the configuration (`[documentation]`: `wiki_url`, `links = [{label, url}]`),
given by the page's context; they are user text, so escaped, and only http(s) addresses become
links. Markdown is rendered on the server (pn.pane.Markdown): nothing is fetched from elsewhere.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import panel as pn
import param

from alambic.i18n import _
from dashboards.pages import PAGES, PageSpec
from dashboards.session import current_user

# docs/ beside the package in a checkout, inside it in an installed wheel (pyproject.toml).
_HERE = Path(__file__).resolve().parent
DOCS_DIR = _HERE / "docs" if (_HERE / "docs").is_dir() else _HERE.parent / "docs"
PAGES_DIR = DOCS_DIR / "pages"
GLOSSARY_FILE = DOCS_DIR / "glossaire.md"
RULES_FILE = DOCS_DIR / "regles-de-calcul.md"  # « Règles de calcul »: one `## Topic` per subject
TERM = re.compile(r"\[\[([^\]|]+)(?:\|([^\]]+))?\]\]")
HEADING = re.compile(r"^###\s+(.+?)\s*$", re.MULTILINE)
SAFE_URL = re.compile(r"^https?://[^\s\"'<>]+$", re.IGNORECASE)

DOC_CSS = """
.glossary-term { border-bottom: 1px dotted #2f6f5e; cursor: help; }
.doc-links a { color: #2f6f5e; }
.doc-soon { background: #e8eef5; color: #2d4a6b; border-radius: 10px; padding: 1px 9px; font-size: 0.8em; }
"""


@dataclass(frozen=True)
class Entry:
    term: str
    definition: str  # Markdown


def term_key(term: str) -> str:
    return " ".join(term.strip().lower().split())


@cache
def glossary() -> dict[str, Entry]:
    """term key → entry, in the file's order."""
    text = GLOSSARY_FILE.read_text(encoding="utf-8")
    headings = list(HEADING.finditer(text))
    entries = {}
    for index, match in enumerate(headings):
        end = headings[index + 1].start() if index + 1 < len(headings) else len(text)
        entries[term_key(match.group(1))] = Entry(match.group(1).strip(), text[match.end():end].strip())
    return entries


def rules_text() -> str:
    """The calculation rules, without their title, topics one level down (### under the page's ##)."""
    text = RULES_FILE.read_text(encoding="utf-8") if RULES_FILE.exists() else ""
    text = re.sub(r"\A#\s+[^\n]*\n", "", text)
    return re.sub(r"^##\s", "### ", text, flags=re.MULTILINE)


def doc_path(slug: str) -> Path:
    return PAGES_DIR / f"{slug}.md"


def page_text(slug: str) -> str:
    """`docs/pages/<slug>.md`; for a declared page without that file, what its declaration says."""
    path = doc_path(slug)
    if path.exists():
        return path.read_text(encoding="utf-8")
    spec = next((s for s in PAGES if s.slug == slug and s.declaration is not None), None)
    return declared_text(spec.declaration) if spec is not None else ""


def declared_text(declaration) -> str:
    """A declared page's documentation, from its declaration: what it holds, its filters, its
    columns, and the two files that make it."""
    filters = {"periode": "la période", "unite": "l'unité (et les unités qu'elle contient)"}
    parts = [declaration.description]
    if declaration.filters:
        parts.append("Elle suit les filtres : " + " et ".join(filters[f] for f in declaration.filters) + ".")
    parts.append("Colonnes : " + ", ".join(f"« {c.label} »" for c in declaration.columns) + ".")
    parts.append("Le tableau se télécharge en CSV et en classeur XLSX. Chaque ligne vient de la requête "
                 f"`sql/pages/{declaration.slug}.sql` ; la page se déclare dans `sql/pages/{declaration.slug}.toml`.")
    return "\n\n".join(parts)


CODE = re.compile(r"(`[^`]*`)")


def outside_code(text: str) -> list[tuple[str, bool]]:
    """(part, is code) pieces: `[[roles]]` in backquotes is TOML, not a glossary term."""
    return [(part, index % 2 == 1) for index, part in enumerate(CODE.split(text))]


def terms_used(text: str) -> list[str]:
    """The glossary terms a text points to with [[term]] (their keys)."""
    return [term_key(match.group(1)) for part, code in outside_code(text) if not code
            for match in TERM.finditer(part)]


def plain(markdown: str) -> str:
    """A definition as plain text, for a tooltip."""
    return " ".join(re.sub(r"[*_`#]", "", markdown).split())


def with_terms(text: str) -> str:
    """[[term|shown]] → the shown text, marked, with the term's definition on hover."""
    entries = glossary()

    def replace(match: re.Match) -> str:
        key, shown = term_key(match.group(1)), (match.group(2) or match.group(1)).strip()
        entry = entries.get(key)
        if entry is None:  # a test keeps this from happening; show the word all the same
            return html.escape(shown)
        return (f'<span class="glossary-term" title="{html.escape(entry.term + " : " + plain(entry.definition))}">'
                f"{html.escape(shown)}</span>")

    return "".join(part if code else TERM.sub(replace, part) for part, code in outside_code(text))


def link_html(label, url) -> str:
    """One configured link: escaped; a link only when the address is http(s)."""
    label_text = html.escape(str(label or url or ""))
    url_text = str(url or "").strip()
    if SAFE_URL.match(url_text):
        return f'<a href="{html.escape(url_text)}" target="_blank" rel="noopener noreferrer">{label_text}</a>'
    return f"{label_text} ({html.escape(url_text)})" if url_text else label_text


def links_html(settings: dict | None) -> str:
    """The wiki and the other links of `[documentation]`, or what to write to get them."""
    settings = settings or {}
    items = []
    if settings.get("wiki_url"):
        items.append(link_html(_("The wiki of La Raffinerie"), settings["wiki_url"]))
    for link in settings.get("links") or []:
        if isinstance(link, dict):
            items.append(link_html(link.get("label"), link.get("url")))
    if not items:
        text = html.escape(_("No link yet: add « wiki_url » and « links » to the [documentation] section of the "
                             "configuration file."))
        return f'<p class="doc-links">{text}</p>'
    return '<ul class="doc-links">' + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


class Documentation(pn.viewable.Viewer):
    """The page: links, one section per page of the menu, the glossary."""

    context = param.Parameter(doc="AppContext: warehouse, configuration, page URLs.")

    def _page_url(self, slug: str) -> str:
        page_url = getattr(self.context, "page_url", None)
        return page_url(slug) if page_url else f"/{slug}"

    def _config_links(self) -> dict:
        config = getattr(self.context, "config", None)
        return getattr(config, "documentation", None) or {}

    def page_section(self, spec: PageSpec) -> pn.Column:
        open_text = html.escape(_("Open the page"))
        soon_text = html.escape(_("Coming soon"))  # outside the f-string: Babel's extractor skips f-strings
        soon = "" if spec.ready else f' <span class="doc-soon">{soon_text}</span>'
        reserved = ("" if not spec.roles else
                    " · " + html.escape(_("reserved for the finance group and the administrators")))
        head = (f'<h3 id="doc-{html.escape(spec.slug)}">{html.escape(spec.label)}{soon}</h3>'
                f'<p><a href="{html.escape(self._page_url(spec.slug))}">{open_text}</a>{reserved}</p>')
        return pn.Column(
            pn.pane.HTML(head, stylesheets=[DOC_CSS], margin=(10, 10, 0, 10)),
            pn.pane.Markdown(with_terms(page_text(spec.slug)), stylesheets=[DOC_CSS], css_classes=["doc-page"]),
            css_classes=["doc-section"], sizing_mode="stretch_width",
        )

    def glossary_view(self) -> pn.pane.Markdown:
        text = "\n\n".join(f"**{entry.term}** — {entry.definition}" for entry in glossary().values())
        return pn.pane.Markdown(text, css_classes=["glossary"], sizing_mode="stretch_width")

    def __panel__(self):
        role = current_user().role
        return pn.Column(
            pn.pane.Markdown(_("How to use each page of Alambic, what its words mean, and where to read more.")),
            pn.pane.Markdown("## " + _("Links")),
            pn.pane.HTML(links_html(self._config_links()), stylesheets=[DOC_CSS], css_classes=["doc-links-pane"]),
            pn.pane.Markdown("## " + _("The pages")),
            *[self.page_section(spec) for spec in PAGES if spec.allows(role)],
            pn.pane.Markdown("## " + _("Calculation rules")),
            pn.pane.Markdown(with_terms(rules_text()), stylesheets=[DOC_CSS], css_classes=["doc-rules"],
                             sizing_mode="stretch_width"),
            pn.pane.Markdown("## " + _("Glossary")),
            self.glossary_view(),
            sizing_mode="stretch_width",
        )
