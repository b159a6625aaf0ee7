"""Documentation: a section for every page of the menu (from the registry, each with its own
Markdown file), a glossary holding every term the pages' texts point to, and the configured links
escaped — never a link to run script."""

from __future__ import annotations

import html
import re

import panel as pn
import pytest

from alambic.users import User
from dashboards.app import AppContext
from dashboards.documentation import (
    GLOSSARY_FILE,
    PAGES_DIR,
    Documentation,
    doc_path,
    glossary,
    link_html,
    links_html,
    page_text,
    term_key,
    terms_used,
    with_terms,
)
from dashboards.pages import PAGES
from dashboards.session import acting_as

REQUIRED_TERMS = [  # the words of the glossary, each one entry
    "prévisionnel", "réel", "engagé", "théorique", "écart", "% consommé", "dépassement", "plan de trésorerie",
    "solde", "encaissement", "décaissement", "échéancier", "avance", "acompte", "compte rendu financier",
    "transfert interne", "co-rémunération", "bienveillant·e", "valorisation du bénévolat", "exercice", "unité",
    "groupe", "pôle", "projet", "référent·e",
]


def texts(page) -> str:
    return " ".join(str(p.object) for p in page.__panel__().select(lambda o: isinstance(o, (pn.pane.Markdown, pn.pane.HTML))))


@pytest.mark.parametrize("spec", PAGES, ids=[s.slug for s in PAGES])
def test_every_page_has_its_french_doc(spec):
    # a declared page's documentation comes from its declaration when it has no Markdown file
    assert doc_path(spec.slug).exists() or spec.declaration is not None, f"écrivez {doc_path(spec.slug)}"
    text = page_text(spec.slug)
    assert len(text.split()) >= 15
    assert not re.search(r"\b(the|and|with|page's)\b", text), "en français"


def test_no_doc_file_is_left_without_its_page():
    assert set(p.stem for p in PAGES_DIR.glob("*.md")) <= {spec.slug for spec in PAGES}
    # a page with code has its Markdown file; a declared page may rely on its declaration alone
    assert {spec.slug for spec in PAGES if spec.declaration is None} <= set(p.stem for p in PAGES_DIR.glob("*.md"))


def test_every_term_the_docs_point_to_is_in_the_glossary():
    entries = glossary()
    used = {term for spec in PAGES for term in terms_used(page_text(spec.slug))}
    assert used, "the docs point to the glossary"
    assert sorted(used - set(entries)) == []
    assert sorted(term_key(t) for t in REQUIRED_TERMS if term_key(t) not in entries) == []
    assert all(len(entry.definition.split()) >= 8 for entry in entries.values())


def test_a_term_shows_its_definition_on_hover():
    shown = with_terms("Le [[prévisionnel|prévisionnels]] et le [[Réel]].")
    definition = glossary()["prévisionnel"].definition
    assert shown.startswith('Le <span class="glossary-term" title="Prévisionnel : ' + html.escape(definition[:30]))
    assert ">prévisionnels</span> et le <span" in shown and ">Réel</span>." in shown


def test_the_page_has_one_section_per_page_in_menu_order_and_the_glossary(budget_warehouse):
    with acting_as(User("admin", role="admin")):
        page = Documentation(context=AppContext(warehouse=budget_warehouse))
        body = texts(page)
    titles = re.findall(r'<h3 id="doc-([a-z-]+)">', body)
    assert titles == [spec.slug for spec in PAGES]
    for spec in PAGES:
        assert f'href="/{spec.slug}"' in body
    assert body.count("Bientôt disponible") == sum(not spec.ready for spec in PAGES)
    for entry in glossary().values():
        assert f"**{entry.term}**" in body
    assert "Pas encore de lien" in body  # no configuration given


def test_a_member_does_not_read_about_the_pages_reserved_to_others(budget_warehouse):
    with acting_as(User("membre", role="member")):
        body = texts(Documentation(context=AppContext(warehouse=budget_warehouse)))
    titles = re.findall(r'<h3 id="doc-([a-z-]+)">', body)
    assert titles == [spec.slug for spec in PAGES if spec.allows("member")]
    assert "console-sql" not in titles


def test_the_configured_links_are_shown_escaped(budget_warehouse, config):
    """alambic.example.toml's [documentation], then hostile labels and addresses."""
    page = Documentation(context=AppContext(warehouse=budget_warehouse, config=config))
    body = texts(page)
    assert '<a href="https://documentation.laraffinerie.re" target="_blank" rel="noopener noreferrer">' \
           "Le wiki de La Raffinerie</a>" in body
    assert ">Le process dépense - achats</a>" in body

    hostile = links_html({"wiki_url": "javascript:alert(1)", "links": [
        {"label": "<script>alert(1)</script>", "url": "https://wiki.exemple.re/?a=1&b=2"},
        {"label": "Sans adresse"}, "pas un lien"]})
    assert "<script>" not in hostile and "&lt;script&gt;" in hostile
    assert 'href="javascript' not in hostile and "javascript:alert(1)" in hostile  # shown as text, not a link
    assert 'href="https://wiki.exemple.re/?a=1&amp;b=2"' in hostile
    assert "<li>Sans adresse</li>" in hostile
    assert link_html("x", "https://a.re/\" onmouseover=\"alert(1)") == 'x (https://a.re/&quot; onmouseover=&quot;alert(1))'


def test_the_glossary_file_is_one_heading_per_term():
    text = GLOSSARY_FILE.read_text(encoding="utf-8")
    assert len(re.findall(r"^### ", text, re.MULTILINE)) == len(glossary())


def test_the_calculation_rules_are_shown_by_topic(budget_warehouse):
    from dashboards.documentation import RULES_FILE, rules_text

    topics = re.findall(r"^## (.+)$", RULES_FILE.read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert {"Plans analytiques", "Non affecté", "Éliminations (consolidation)",
            "Rapprochement avec la comptabilité", "Trésorerie"} <= set(topics)
    with acting_as(User("membre", role="member")):
        body = texts(Documentation(context=AppContext(warehouse=budget_warehouse)))
    assert "Règles de calcul" in body
    for topic in topics:  # one level under the page's « Règles de calcul »
        assert f"### {topic}" in rules_text() and topic in body
    assert "Un euro ne compte qu'une fois" in body
