"""Référence des données: every table the pages and the SQL console read, with its columns.

Generated, never typed twice: the marts' purpose, grain and column meanings come from the header
comments of `sql/marts/*.sql`, the staging views' descriptions from theirs, and the columns and
types from the warehouse itself (`warehouse/catalogue.py`). A mart whose header drifts from its
SQL is caught by tests/dashboards/test_reference_donnees.py. The descriptions are the SQL files' own
comments, in English like the code; the page around them is in French.
"""

from __future__ import annotations

import html

import panel as pn
import param

from alambic.i18n import N_, _
from dashboards.components import PlainAlert
from warehouse.catalogue import HeaderError, TableDoc, catalogue, search
from warehouse.connection import WarehouseBusy, WarehouseMissing

SECTIONS = {  # schema → (title msgid, what it holds msgid)
    "marts": (N_("Marts"), N_("The tables the pages show, computed by the SQL files of sql/marts/ at each build.")),
    "staging": (N_("Staging views"), N_("The sources' records (Odoo, TiBillet, Oceco), cleaned and typed: "
                                        "one view per source table, in sql/staging/.")),
    "ref": (N_("Reference tables"), N_("What the configuration file says (organisation tree, budget "
                                       "categories, roles, settings), rewritten at each build.")),
    "app": (N_("Entered in Alambic"), N_("What users enter in Alambic's forms, which no source holds.")),
}

REFERENCE_CSS = """
.ref-summary { color: #4a5560; margin: 4px 0 10px 0; }
.ref-section h3 { margin: 22px 0 2px 0; }
.ref-section > p { color: #4a5560; margin: 0 0 8px 0; }
.ref-table { border: 1px solid #d9dee3; border-radius: 6px; padding: 8px 14px; margin: 10px 0; background: #fff; }
.ref-table h4 { margin: 4px 0; font-size: 1.05em; }
.ref-table p { margin: 4px 0; }
.ref-table .ref-source { color: #6b7680; font-size: 0.85em; }
.ref-columns { border-collapse: collapse; width: 100%; margin: 6px 0; font-size: 0.92em; }
.ref-columns th, .ref-columns td { border-bottom: 1px solid #e6e9ec; padding: 3px 8px; text-align: left;
                                   vertical-align: top; }
.ref-columns th { background: #f3f6f5; }
.ref-columns td.ref-name { white-space: nowrap; font-family: ui-monospace, monospace; }
.ref-columns td.ref-type { white-space: nowrap; color: #4a5560; font-family: ui-monospace, monospace; }
.ref-columns tr.ref-missing td { color: #9b1c14; }
.ref-notes pre { white-space: pre-wrap; font-size: 0.88em; background: #f7f8f9; padding: 6px 10px; }
@media (max-width: 600px) {  /* a phone: long names and types wrap rather than widen the page */
  .ref-columns td.ref-name { white-space: normal; overflow-wrap: anywhere; }
  .ref-columns td.ref-type { white-space: normal; }
  .ref-columns td { overflow-wrap: anywhere; }  /* the meaning too: quoted codes and lists of values */
  .ref-table h4, .ref-table p, .ref-notes pre { overflow-wrap: anywhere; }
}
"""


def _text(value: str) -> str:
    """Escaped text, line breaks kept."""
    return html.escape(value).replace("\n", "<br>")


def table_html(table: TableDoc, with_warehouse: bool) -> str:
    """One table: name, purpose, grain, its columns (name, type, meaning), notes, SQL file."""
    words = {key: html.escape(text) for key, text in (
        ("grain", _("Grain")), ("column", _("Column")), ("type", _("Type")), ("meaning", _("Meaning")),
        ("unknown", _("Its columns are known once the warehouse is built.")),
        ("notes", _("How it is computed")), ("missing", _("missing from the warehouse")))}
    parts = [f'<section class="ref-table" data-table="{html.escape(table.qualified)}">',
             f"<h4><code>{html.escape(table.qualified)}</code></h4>"]
    if table.purpose:
        parts.append(f'<p class="ref-purpose">{_text(table.purpose)}</p>')
    if table.grain:
        parts.append(f'<p class="ref-grain"><b>{words["grain"]}</b> : {_text(table.grain)}</p>')
    if table.columns:
        parts.append(f'<table class="ref-columns"><thead><tr><th>{words["column"]}</th><th>{words["type"]}</th>'
                     f'<th>{words["meaning"]}</th></tr></thead><tbody>')
        for column in table.columns:
            missing = with_warehouse and not column.type
            type_text = words["missing"] if missing else html.escape(column.type)
            row_class = ' class="ref-missing"' if missing else ""
            parts.append(f'<tr{row_class} data-column="{html.escape(column.name)}">'
                         f'<td class="ref-name">{html.escape(column.name)}</td>'
                         f'<td class="ref-type">{type_text}</td>'
                         f'<td class="ref-meaning">{_text(column.meaning)}</td></tr>')
        parts.append("</tbody></table>")
    else:
        parts.append(f"<p>{words['unknown']}</p>")
    if table.notes:
        parts.append(f'<details class="ref-notes"><summary>{words["notes"]}</summary>'
                     f"<pre>{html.escape(table.notes)}</pre></details>")
    if table.source:
        source = html.escape(_("SQL file: {path}", path=table.source))
        parts.append(f'<p class="ref-source">{source}</p>')
    parts.append("</section>")
    return "".join(parts)


class ReferenceDonnees(pn.viewable.Viewer):
    """The page. `search` filters the tables (name, description) and their columns (name, meaning)."""

    context = param.Parameter(doc="AppContext: warehouse, configuration.")
    search = param.String(default="", doc="What the user looks for; empty: everything.")

    def __init__(self, **params):
        super().__init__(**params)
        self.problem = ""
        self.with_warehouse = True
        try:
            self.tables = catalogue(self.context.warehouse)
        except (WarehouseMissing, WarehouseBusy) as exc:  # the SQL files alone still say a lot
            self.with_warehouse = False
            self.problem = _("Column types unavailable: {reason}", reason=str(exc))
            self.tables = catalogue(None)
        except HeaderError as exc:
            self.tables = []
            self.problem = _("A SQL file's header could not be read: {reason}", reason=str(exc))
        self._input = pn.widgets.TextInput(
            label=_("Search"), placeholder=_("A table, a column, a word (e.g. reel, unit_code, subsidy)"),
            sizing_mode="stretch_width", max_width=420, css_classes=["ref-search"])
        self._input.param.watch(lambda event: setattr(self, "search", event.new), "value_input")
        self._layout = pn.Column(
            PlainAlert(self.problem, alert_type="warning", visible=bool(self.problem)),
            pn.pane.HTML("<p>" + html.escape(_(
                "Each table of the warehouse that the pages and the SQL console read. The descriptions "
                "come from the comments of the SQL files (in French; table and column names as in the code); the columns and "
                "their types from the warehouse.")) + "</p>", sizing_mode="stretch_width"),
            self._input,
            pn.pane.HTML(pn.bind(self.body_html, self.param.search), sizing_mode="stretch_width",
                         stylesheets=[REFERENCE_CSS], css_classes=["ref-body"]),
            sizing_mode="stretch_width",
        )

    def shown(self) -> list[TableDoc]:
        """The tables (and columns) matching the search."""
        return search(self.tables, self.search)

    def body_html(self, text: str = "") -> str:
        tables = search(self.tables, text)
        columns = sum(len(t.columns) for t in tables)
        if not tables:
            nothing = html.escape(_("No table or column matches « {text} ».", text=text))
            return f'<p class="ref-summary">{nothing}</p>'
        summary = _("{tables} tables, {columns} columns", tables=len(tables), columns=columns)
        parts = [f'<p class="ref-summary">{html.escape(summary)}</p>']
        for schema, (title, description) in SECTIONS.items():
            inside = [t for t in tables if t.schema == schema]
            if not inside:
                continue
            heading, holds = html.escape(_(title)), html.escape(_(description))
            parts.append(f'<div class="ref-section" data-schema="{schema}"><h3>{heading} '
                         f"<code>{schema}</code></h3><p>{holds}</p>")
            parts.extend(table_html(t, self.with_warehouse) for t in inside)
            parts.append("</div>")
        return "".join(parts)

    def __panel__(self):
        return self._layout
