"""The data reference: every mart's header is read, its documented columns are exactly the columns
the build gives (header drift fails here), and the page lists them with their types and a search."""

import re

import pytest

from dashboards.app import AppContext
from dashboards.reference_donnees import ReferenceDonnees, table_html
from warehouse import SQL_DIR
from warehouse.catalogue import ColumnDoc, HeaderError, TableDoc, mart_docs, parse_mart_header, search, staging_docs
from warehouse.connection import Warehouse

ACTUAL_COLUMNS = """
SELECT table_name, column_name, data_type FROM duckdb_columns()
WHERE database_name = current_database() AND schema_name = ? ORDER BY table_name, column_index
"""


def actual_columns(warehouse, schema="marts") -> dict[str, list[tuple[str, str]]]:
    out = {}
    for row in warehouse.query(ACTUAL_COLUMNS, [schema]).itertuples():
        out.setdefault(row.table_name, []).append((row.column_name, row.data_type))
    return out


def test_every_mart_has_a_readable_header():
    docs = mart_docs()
    assert [d.name for d in docs] == sorted(p.stem for p in (SQL_DIR / "marts").glob("*.sql"))
    for doc in docs:
        assert doc.purpose and doc.grain and doc.columns, doc.name
        assert doc.source == f"sql/marts/{doc.name}.sql"


ENGLISH_WORDS = {"the", "of", "one", "row", "per", "when", "its", "which", "with", "else", "what"}


def english_in(docs) -> dict[str, list[str]]:
    """Where the descriptions of `docs` still read as English (identifiers, `code` and 'codes'
    left out: a text that is only codes is not counted)."""
    english = {}
    for doc in docs:
        texts = {"purpose": doc.purpose, "grain": doc.grain, "notes": doc.notes}
        texts |= {c.name: c.meaning for c in doc.columns}
        for where, text in texts.items():
            words = set(re.findall(r"[a-z]+", re.sub(r"`[^`]*`|'[^']*'|\S*[_.]\S*", " ", text.lower())))
            if words & ENGLISH_WORDS:
                english.setdefault(doc.name, []).append(f"{where}: {sorted(words & ENGLISH_WORDS)}")
    return english


def test_every_mart_is_described_in_french():
    """The reference is read by a treasurer: purpose, grain and every column's meaning in French
    (identifiers may stay: a text that is only codes is not counted)."""
    assert english_in(mart_docs()) == {}


def test_every_staging_view_is_described_in_french():
    """The staging views the reference shows: their description and notes (what each column holds,
    the sources' codes and what they mean) in French too; the sources' own words stay as codes."""
    docs = staging_docs()
    assert [d.name for d in docs] == sorted(p.stem for p in (SQL_DIR / "staging").rglob("*.sql"))
    assert all(d.purpose for d in docs), [d.name for d in docs if not d.purpose]
    assert english_in(docs) == {}


def test_documented_columns_are_the_columns_of_the_built_marts(sandbox_warehouse):
    built = actual_columns(sandbox_warehouse)
    drift = {}
    for doc in mart_docs():
        assert doc.name in built, f"marts.{doc.name} is not built"
        real = [name for name, _type in built[doc.name]]
        if set(doc.documented) != set(real):
            drift[doc.name] = {"documented only": sorted(set(doc.documented) - set(real)),
                               "in the mart only": sorted(set(real) - set(doc.documented))}
    assert not drift, f"fix the '-- Columns:' header of these sql/marts files: {drift}"


def test_the_page_lists_every_mart_with_its_real_columns_and_types(sandbox_warehouse):
    page = ReferenceDonnees(context=AppContext(warehouse=sandbox_warehouse))
    assert page.problem == ""
    built = actual_columns(sandbox_warehouse)
    by_name = {t.qualified: t for t in page.tables}
    body = page.body_html("")
    for doc in mart_docs():
        table = by_name[f"marts.{doc.name}"]
        assert [(c.name, c.type) for c in table.columns] == built[doc.name]
        meanings = {c.name: c.meaning for c in doc.columns}
        assert {c.name: c.meaning for c in table.columns} == meanings
        assert f'data-table="marts.{doc.name}"' in body
    bva = by_name["marts.budget_vs_actual"]
    assert bva.purpose == "prévisionnel, engagé et réel côte à côte, par unité, catégorie et mois."
    assert bva.grain.startswith("une ligne par unité × catégorie budgétaire × mois")
    pct = next(c for c in bva.columns if c.name == "pct_consomme")
    assert pct.type == "DOUBLE" and pct.meaning.startswith("reel + engage rapporté au previsionnel (DOUBLE ; NULL sans prévision)")
    assert next(c for c in bva.columns if c.name == "direction").meaning == "'depense' | 'recette'"
    # staging views and reference tables too, with their real columns; never the accounts
    settings = by_name["staging.stg_ref__settings"]
    assert [(c.name, c.type) for c in settings.columns] == actual_columns(sandbox_warehouse, "staging")["stg_ref__settings"]
    assert "ref.units" in by_name and "app.forecasts" in by_name
    assert "app.users" not in by_name and 'data-table="app.users"' not in body
    assert "Colonne</th><th>Type</th><th>Sens</th>" in body


def test_search_filters_tables_and_columns(sandbox_warehouse):
    page = ReferenceDonnees(context=AppContext(warehouse=sandbox_warehouse))
    page.search = "pct_consomme"
    assert [(t.qualified, [c.name for c in t.columns]) for t in page.shown()] == \
        [("marts.budget_vs_actual", ["pct_consomme"])]
    body = page.body_html(page.search)
    assert body.startswith('<p class="ref-summary">1 tables, 1 colonnes</p>')
    assert 'data-column="pct_consomme"' in body and 'data-column="reel"' not in body
    page.search = "TREASURY_PLAN"  # a table's name: the whole table
    plan = {t.qualified: t for t in page.shown()}["marts.treasury_plan"]
    assert [c.name for c in plan.columns] == [n for n, _t in actual_columns(sandbox_warehouse)["treasury_plan"]]
    assert "Aucune table ni colonne ne correspond à « zzz-rien »." in page.body_html("zzz-rien")


def test_without_a_warehouse_the_headers_still_document_the_marts(tmp_path):
    page = ReferenceDonnees(context=AppContext(warehouse=Warehouse(tmp_path / "absent.duckdb")))
    assert page.problem.startswith("Types des colonnes indisponibles : L'entrepôt")
    marts = [t for t in page.tables if t.schema == "marts"]
    assert [t.name for t in marts] == [d.name for d in mart_docs()]
    assert all(c.type == "" for t in marts for c in t.columns)
    assert "absente de l'entrepôt" not in page.body_html("")


HEADER = """\
-- demo_mart — what it answers, on
-- two lines.
--
-- A paragraph before the grain is a note.
--
-- Grain: one row per thing ×
--        month.
-- Columns:
--   thing_id, other_id   the thing and the other
--   kind (its kind), label,
--   day (a day, e.g. 01/02)
--   amount        DECIMAL(14,2), positive;
--                 refunds negative
--   source        where it comes from:
--                 'banque' the bank
--                 'prevision' a forecast
--   bare
-- All amounts in euros.
--
-- Rules:
--   1. <b>never</b> guessed
select 1
"""


def test_the_header_parser_reads_every_form_the_marts_use():
    doc = parse_mart_header(HEADER, "demo_mart", "sql/marts/demo_mart.sql")
    assert doc.purpose == "what it answers, on two lines."
    assert doc.grain == "one row per thing × month."
    assert [(c.name, c.meaning) for c in doc.columns] == [
        ("thing_id", "the thing and the other"), ("other_id", "the thing and the other"),
        ("kind", "its kind"), ("label", ""), ("day", "a day, e.g. 01/02"),
        ("amount", "DECIMAL(14,2), positive; refunds negative"),
        ("source", "where it comes from:\n'banque' the bank\n'prevision' a forecast"),
        ("bare", ""),
    ]
    assert doc.notes.splitlines() == ["A paragraph before the grain is a note.", "", "All amounts in euros.", "",
                                      "Rules:", "  1. <b>never</b> guessed"]
    html = table_html(doc, with_warehouse=False)
    assert "&lt;b&gt;never&lt;/b&gt;" in html and "<b>never</b>" not in html
    assert "where it comes from:<br>&#x27;banque&#x27; the bank" in html


@pytest.mark.parametrize("header, reason", [
    ("-- other_name — purpose\n-- Grain: x\n-- Columns:\n--   a  b\n", "first line"),
    ("-- demo_mart — purpose\n-- Columns:\n--   a  b\n", "Grain"),
    ("-- demo_mart — purpose\n-- Grain: x\n", "Columns"),
    ("-- demo_mart — purpose\n-- Grain: x\n-- Columns:\n--   a  b\n--   a  c\n", "twice"),
    ("-- demo_mart — purpose\n-- Grain: x\n-- Columns:\n--   'a'  b\n", "cannot read"),
])
def test_an_irregular_header_is_refused_with_the_reason(header, reason):
    with pytest.raises(HeaderError, match=reason):
        parse_mart_header(header, "demo_mart")


def test_user_text_in_a_description_is_escaped():
    table = TableDoc("marts", "x", purpose="<script>alert(1)</script>",
                     columns=(ColumnDoc("c", "<img src=x onerror=alert(1)>", "VARCHAR"),))
    html = table_html(table, with_warehouse=True)
    assert "<script>" not in html and "<img" not in html
    assert search([table], "onerror")[0].columns == table.columns
