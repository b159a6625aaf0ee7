"""Explorateur: a pivot table over the finance marts, chosen by the user, with its lines behind.

The user picks what the figures are (the budget lines, or prévisionnel / engagé / réel), the
rows (one or two dimensions), the columns (one dimension or none), the aggregate and filters;
the unit and the period come from the shared filters. Clicking any cell or total lists the budget
lines behind it. Export: CSV, and an XLSX workbook with the pivot as shown (rows × columns).

Why not Perspective: Panel's bundled Perspective pane was tried and is fully offline (its JS,
CSS and WASM come from Panel's static files) and its click events do give the cell's row and
column values. But it computes the pivot in the browser, not in SQL (docs/architecture.md §4.1: the
XLSX export would have had to recompute in SQL what the browser showed), its own interface
(« Group By », « Split By », « TOTAL », aggregate names) is in English with no way to translate
it (principle 7), and its number format is the browser's, without the euro. So the pivot is a
SQL GROUPING SETS query (`sql/queries/explorateur/pivot_*.sql`) shown in a French Tabulator:
what the table shows, the CSV and the XLSX are the same SQL answer.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import panel as pn
import param

from alambic import formatting
from alambic.i18n import N_, _
from dashboards.components import (
    WRAP_BUTTONS,
    Column,
    FilterBar,
    Filters,
    PlainAlert,
    PlainText,
    csv_download,
    french_table,
    status_label,
)
from dashboards.components import line_columns as budget_line_columns
from dashboards.queries import run_query
from dashboards.workbook import filters_workbook

LINES, BUDGET = "lignes", "budget"




DIMENSIONS = {  # name → msgid; the SQL files define them (pivot_lignes.sql header)
    "unite": N_("Unit"),
    "groupe": N_("Group"),
    "pole": N_("Pole"),
    "projet": N_("Project"),
    "categorie": N_("Category"),
    "direction": N_("Direction"),
    "mois": N_("Month"),
    "trimestre": N_("Quarter"),
    "annee": N_("Year"),
    "statut": N_("Status"),
    "source": N_("Source"),
}
LINE_ONLY_DIMENSIONS = ("statut", "source")

MEASURES = {
    LINES: {"montant": N_("Amount (sum)"), "nombre": N_("Number of lines"), "moyenne": N_("Average amount")},
    BUDGET: {"previsionnel": N_("Forecast"), "engage": N_("Committed"), "reel": N_("Actual"),
             "ecart": N_("Actual − forecast"), "reste": N_("Remaining (forecast − actual − committed)")},
}
COUNT_MEASURES = ("nombre",)

COUNT_FORMATTER = {"type": "money", "decimal": ",", "thousand": formatting.NNBSP, "symbol": "",
                   "precision": 0}
SOURCE_LABELS = {"odoo": N_("Odoo"), "alambic": N_("Alambic (entered)")}
DIRECTION_LABELS = {"depense": N_("Expenses"), "recette": N_("Income")}


def dimension_title(name: str) -> str:
    return _(DIMENSIONS[name]) if name in DIMENSIONS else name


def value_label(dimension: str, key, label) -> str:
    """The French text of one value of a dimension (a pôle's name, « nov. 2025 », « Payé » …)."""
    if formatting.is_missing(key):
        return ""
    if dimension == "mois":
        return formatting.month(dt.date.fromisoformat(f"{key}-01"))
    if dimension == "trimestre":
        year, quarter = str(key).split("-T")
        return f"T{quarter} {year}"
    if dimension == "direction":
        return _(DIRECTION_LABELS[key]) if key in DIRECTION_LABELS else str(key)
    if dimension == "statut":
        return status_label(key)
    if dimension == "source":
        return _(SOURCE_LABELS[key]) if key in SOURCE_LABELS else str(key)
    if key == "" or formatting.is_missing(label):
        return _("(none)")
    return str(label)


def _codes(values) -> str:
    """A filter's choice as the SQL files take it: comma-separated codes, '' for all."""
    return ",".join(str(v) for v in values or [])


class Explorateur(pn.viewable.Viewer):
    """The page. `filters` holds the unit and period (synced to the URL by the app shell)."""

    context = param.Parameter(doc="AppContext: warehouse, configuration.")
    filters = param.ClassSelector(class_=Filters)

    dataset = param.Selector(default=LINES, objects=[LINES, BUDGET])
    # (check_on_set=False: the choices depend on `dataset`; `_sync_choices` puts back a valid one)
    row1 = param.Selector(default="categorie", objects=list(DIMENSIONS), check_on_set=False)
    row2 = param.Selector(default="", objects=["", *DIMENSIONS], check_on_set=False)
    col = param.Selector(default="trimestre", objects=["", *DIMENSIONS], check_on_set=False)
    measure = param.Selector(default="montant", objects=list(MEASURES[LINES]) + list(MEASURES[BUDGET]),
                             check_on_set=False)
    categories = param.ListSelector(default=[], objects=[])
    directions = param.ListSelector(default=[], objects=[])
    statuses = param.ListSelector(default=[], objects=[])
    sources = param.ListSelector(default=[], objects=[])
    selection = param.Dict(default=None, allow_None=True,
                           doc="The clicked cell: {'row1': key|None, 'row2': …, 'col': …, 'text': French}.")

    def __init__(self, **params):
        super().__init__(**params)
        if self.filters is None:
            self.filters = self.context.filters or Filters.from_warehouse(self.context.warehouse)
        self._available = True
        try:
            choices = run_query(self.warehouse, "explorateur/choix")
        except duckdb.CatalogException:
            self._available = False
            choices = pd.DataFrame(columns=["dimension", "key", "label", "sort"])
        for name, dimension in (("categories", "categorie"), ("directions", "direction"),
                                ("statuses", "statut"), ("sources", "source")):
            rows = choices[choices["dimension"] == dimension]
            self.param[name].objects = {value_label(dimension, r.key, r.label): r.key for r in rows.itertuples()}
        # A total of expenses and income added together means nothing: by default the pivot shows
        # the expenses (the user may pick income, or both with « Sens » as a dimension).
        if "directions" not in params and "depense" in set(choices.loc[choices["dimension"] == "direction", "key"]):
            self.directions = ["depense"]
        self.param.dataset.objects = {_("Budget lines (Odoo, proposals, transfers)"): LINES,
                                      _("Forecast, committed and actual by month"): BUDGET}
        self._sync_choices()
        self.param.watch(self._sync_choices, ["dataset", "row1", "row2", "col", "measure"])
        self.param.watch(self._clear_selection, ["dataset", "row1", "row2", "col", "measure", "categories",
                                                  "directions", "statuses", "sources"])
        self.filters.param.watch(self._clear_selection, ["current", "unit"])
        self._widgets = self._make_widgets()

    # -- choices -------------------------------------------------------------------------------

    def dimensions(self) -> list[str]:
        return [d for d in DIMENSIONS if self.dataset == LINES or d not in LINE_ONLY_DIMENSIONS]

    def _sync_choices(self, *events) -> None:
        dims = self.dimensions()
        self.param.row1.objects = {dimension_title(d): d for d in dims}
        none = {_("(none)"): ""}
        self.param.row2.objects = {**none, **{dimension_title(d): d for d in dims}}
        self.param.col.objects = {**none, **{dimension_title(d): d for d in dims}}
        self.param.measure.objects = {_(label): code for code, label in MEASURES[self.dataset].items()}
        updates = {}
        if self.row1 not in dims:
            updates["row1"] = "categorie"
        if self.row2 not in ("", *dims):
            updates["row2"] = ""
        if self.col not in ("", *dims):
            updates["col"] = ""
        if self.measure not in MEASURES[self.dataset]:
            updates["measure"] = next(iter(MEASURES[self.dataset]))
        if self.dataset == BUDGET:
            updates.update(statuses=[], sources=[])
        if updates:
            self.param.update(**updates)

    def _clear_selection(self, *events) -> None:
        self.selection = None

    def _make_widgets(self):
        lines_only = pn.bind(lambda d: d == LINES, self.param.dataset)
        w = {
            "dataset": pn.widgets.RadioButtonGroup.from_param(self.param.dataset, name=_("Figures"),
                                                              color="primary", variant="outline",
                                                              stylesheets=WRAP_BUTTONS),
            "row1": pn.widgets.Select.from_param(self.param.row1, name=_("Rows"), width=180),
            "row2": pn.widgets.Select.from_param(self.param.row2, name=_("Then by"), width=180),
            "col": pn.widgets.Select.from_param(self.param.col, name=_("Columns"), width=180),
            "measure": pn.widgets.Select.from_param(self.param.measure, name=_("Aggregate"), width=260),
            "categories": pn.widgets.MultiChoice.from_param(self.param.categories, name=_("Categories"),
                                                            placeholder=_("All"), width=300),
            "directions": pn.widgets.MultiChoice.from_param(self.param.directions, name=_("Direction"),
                                                            placeholder=_("All"), width=200),
            "statuses": pn.widgets.MultiChoice.from_param(self.param.statuses, name=_("Status"),
                                                          placeholder=_("All"), width=260, visible=lines_only),
            "sources": pn.widgets.MultiChoice.from_param(self.param.sources, name=_("Source"),
                                                         placeholder=_("All"), width=200, visible=lines_only),
        }
        return w

    # -- data (each from one SQL file) ---------------------------------------------------------

    @property
    def warehouse(self):
        return self.context.warehouse

    def _query_params(self) -> dict:
        params = dict(self.filters.params(), row1=self.row1, row2=self.row2 or "", col=self.col or "",
                      categories=_codes(self.categories), directions=_codes(self.directions))
        if self.dataset == LINES:
            params.update(statuses=_codes(self.statuses), sources=_codes(self.sources))
        return params

    def pivot_long(self) -> pd.DataFrame:
        """The SQL answer: one row per cell and total (see pivot_lignes.sql)."""
        name = "explorateur/pivot_lignes" if self.dataset == LINES else "explorateur/pivot_budget"
        return run_query(self.warehouse, name, measure=self.measure, **self._query_params())

    def lines_data(self) -> pd.DataFrame:
        """The budget lines behind the clicked cell (every line of the pivot when none is)."""
        sel = self.selection or {}
        params = dict(self._query_params(), row1_value=sel.get("row1"), row2_value=sel.get("row2"),
                      col_value=sel.get("col"))
        params.setdefault("statuses", "")
        params.setdefault("sources", "")
        frame = run_query(self.warehouse, "explorateur/lignes", **params).copy()
        frame["source_label"] = frame["source"].map(lambda v: value_label("source", v, v))
        return frame

    def measure_kind(self) -> str:
        return "number" if self.measure in COUNT_MEASURES else "money"

    def measure_title(self) -> str:
        return _(MEASURES[self.dataset][self.measure])

    def pivot(self) -> tuple[pd.DataFrame, list[Column], dict[str, str | None]]:
        """The pivot as shown: one row per row1 (× row2) value with subtotals and the total row,
        one column per column value and a total column.

        Returns (frame, columns, column key by frame column). The frame also holds, not shown,
        `row1_key`, `row2_key` (None on a total) and `is_total` (subtotal and total rows)."""
        long = self.pivot_long()
        has_row2, has_col = bool(self.row2), bool(self.col)
        # the columns, in the order of the total row (every column value appears there)
        col_keys: list = []
        if has_col:
            heads = long[long["row1_total"] & ~long["col_total"]]
            col_keys = list(dict.fromkeys(heads["c_key"].tolist()))
            col_labels = {r.c_key: value_label(self.col, r.c_key, r.c_label) for r in heads.itertuples()}
        value_names = [f"v{i}" for i in range(len(col_keys))]
        by_key = dict(zip(col_keys, value_names))
        records: dict[tuple, dict] = {}
        for r in long.itertuples():
            row_id = (bool(r.row1_total), None if r.row1_total else r.r1_key,
                      bool(r.row2_total), None if r.row2_total else r.r2_key)
            record = records.get(row_id)
            if record is None:
                if r.row1_total:
                    text1, text2 = _("Total"), ""
                else:
                    text1 = value_label(self.row1, r.r1_key, r.r1_label)
                    text2 = (_("Subtotal") if r.row2_total else value_label(self.row2, r.r2_key, r.r2_label)) \
                        if has_row2 else ""
                record = records[row_id] = {
                    "row1_label": text1, "row2_label": text2,
                    "row1_key": None if r.row1_total else r.r1_key,
                    "row2_key": None if (r.row2_total or not has_row2) else r.r2_key,
                    "is_total": bool(r.row1_total or (has_row2 and r.row2_total)),
                }
            target = "total" if r.col_total else by_key.get(r.c_key)
            if target:
                record[target] = None if formatting.is_missing(r.value) else float(r.value)
        frame = pd.DataFrame(list(records.values()),
                             columns=["row1_label", "row2_label", *value_names, "total",
                                      "row1_key", "row2_key", "is_total"])
        if frame.empty:
            frame = frame.astype({"is_total": bool})
        kind = self.measure_kind()
        columns = [Column("row1_label", dimension_title(self.row1), width=260)]
        if has_row2:
            columns.append(Column("row2_label", dimension_title(self.row2), width=240))
        titles = {c.title for c in columns}
        for key, name in by_key.items():
            title = col_labels[key] or _("(none)")
            while title in titles:  # Tabulator needs unique titles
                title += "\u00a0"
            titles.add(title)
            columns.append(Column(name, title, kind))
        columns.append(Column("total", _("Total") if has_col else self.measure_title(), kind))
        keys = {"row1_label": None, "row2_label": None, "total": None, **{v: k for k, v in by_key.items()}}
        return frame, columns, keys

    # -- views ---------------------------------------------------------------------------------

    def describe_cell(self, frame: pd.DataFrame, columns: list[Column], keys: dict, row: int,
                      column_name: str | None) -> dict:
        """The selection for a click on `row` (position) and the frame column `column_name`."""
        record = frame.iloc[row]
        row1_key = None if formatting.is_missing(record["row1_key"]) else record["row1_key"]
        row2_key = record["row2_key"] if self.row2 and not formatting.is_missing(record["row2_key"]) else None
        col_key = keys.get(column_name) if column_name else None
        parts = []
        if row1_key is not None:
            parts.append(f"{dimension_title(self.row1)} : {record['row1_label']}")
        if row2_key is not None:
            parts.append(f"{dimension_title(self.row2)} : {record['row2_label']}")
        if col_key is not None:
            title = next(c.title for c in columns if c.name == column_name)
            parts.append(f"{dimension_title(self.col)} : {title.strip()}")
        text = " · ".join(parts) or _("every line of the table")
        return {"row1": row1_key, "row2": row2_key, "col": col_key, "text": text}

    def pivot_table(self) -> pn.widgets.Tabulator:
        frame, columns, keys = self.pivot()
        shown_columns = [Column(c.name, c.title, "money" if c.kind == "number" else c.kind,
                                width=c.width or 140) for c in columns]
        table = french_table(frame, shown_columns, bold="is_total", selectable=False,
                             layout="fit_data_fill", css_classes=["pivot-table"],
                             frozen_columns=[columns[0].title])
        # an empty cell (nothing there) stays empty, not « NaN »: send null, not a float NaN
        value = table.value.astype(object)
        table.value = value.where(value.notna(), None)
        if self.measure_kind() == "number":
            table.formatters = {**table.formatters,
                                **{c.title: COUNT_FORMATTER for c in columns if c.kind == "number"}}
        title_to_name = {c.title: c.name for c in columns}

        def drill(event):
            if event.row is None or event.row >= len(frame):
                return
            self.selection = self.describe_cell(frame, columns, keys, event.row,
                                                title_to_name.get(event.column))

        table.on_click(drill)
        return table

    def _filename(self, what: str, ext: str) -> str:
        period = self.filters.current.text.replace("..", "_")
        return f"explorateur_{what}_{self.filters.unit}_{period}.{ext}"

    def workbook_sheets(self) -> dict:
        frame, columns, _keys = self.pivot()
        sheets = {_("Pivot table"): (frame, columns, {"bold": "is_total"})}
        lines_title = _("Lines") if self.selection is None else _("Lines of the selection")
        sheets[lines_title] = (self.lines_data(), self.line_columns())
        return sheets

    @staticmethod
    def line_columns() -> list[Column]:
        """Suivi budgétaire's line columns, where each line comes from, and whether the selected
        unit eliminates it (an internal flow with both ends inside: listed, not counted)."""
        return [*budget_line_columns(), Column("source_label", _("Source")),
                Column("eliminated", _("Eliminated at this level"), "flag",
                       flag_text=_("internal flow, not counted"))]

    @param.depends("filters.current", "filters.unit", "dataset", "row1", "row2", "col", "measure",
                   "categories", "directions", "statuses", "sources")
    def pivot_view(self):
        if not self._available:
            return PlainAlert(_("These figures are not available yet: the warehouse has not been "
                                   "built with the finance marts."), alert_type="warning")
        frame, columns, _keys = self.pivot()
        if frame.empty:
            return PlainAlert(_("No figure for this choice: change the filters or the period."),
                                 alert_type="info", css_classes=["pivot-empty"])
        title = _("{measure} — rows: {rows}", measure=self.measure_title(),
                  rows=" › ".join(dimension_title(d) for d in (self.row1, self.row2) if d))
        if self.col:
            title += " — " + _("columns: {cols}", cols=dimension_title(self.col))
        exports = pn.FlexBox(
            csv_download(_("Download the table (CSV)"), self._filename("tableau", "csv"),
                         lambda: self.pivot()[0], columns),
            filters_workbook("explorateur", _("Explorer"), self.filters, self.workbook_sheets,
                             label=_("Download the table (XLSX)")),
        )
        return pn.Column(
            pn.pane.Markdown(f"**{title}**", css_classes=["pivot-title"]),
            self.pivot_table(),
            pn.pane.Markdown(_("Click a cell or a total to see the lines behind it below."),
                             css_classes=["hint"]),
            exports,
            sizing_mode="stretch_width",
        )

    @param.depends("filters.current", "filters.unit", "selection", "dataset", "row1", "row2", "col",
                   "categories", "directions", "statuses", "sources")
    def lines_view(self):
        if not self._available:
            return pn.Column()
        data = self.lines_data()
        chosen = self.selection["text"] if self.selection else _("every line of the table")
        # the lines the figure counts; internal flows eliminated at this level are listed apart
        counted, eliminated = data[~data["eliminated"]], data[data["eliminated"]]
        total = formatting.money(counted["amount"].sum()) if len(counted) else formatting.money(0)
        summary = _("{count} lines — {selection} — total {total}", count=len(counted), selection=chosen,
                    total=total)
        if len(eliminated):
            summary += "\n\n" + _(
                "Also listed: {count} internal flows eliminated at this level ({total}), not counted: "
                "both ends are inside the selected unit.",
                count=len(eliminated), total=formatting.money(eliminated["amount"].sum()))
        note = "" if self.dataset == LINES else "\n\n" + _(
            "The forecast is not made of lines: the lines below are the committed and actual ones.")
        return pn.Column(
            PlainText(summary + note, css_classes=["drill-summary"]),
            french_table(data, self.line_columns(), pagination="local", page_size=20,
                         layout="fit_data_stretch", css_classes=["drill-lines"]),
            csv_download(_("Download the lines (CSV)"), self._filename("lignes", "csv"),
                         self.lines_data, self.line_columns()),
            sizing_mode="stretch_width",
        )

    def __panel__(self):
        w = self._widgets
        return pn.Column(
            FilterBar(filters=self.filters),
            pn.Column(
                w["dataset"],
                pn.FlexBox(w["row1"], w["row2"], w["col"], w["measure"]),
                pn.FlexBox(w["categories"], w["directions"], w["statuses"], w["sources"]),
                css_classes=["pivot-choices"], sizing_mode="stretch_width",
            ),
            self.pivot_view,
            pn.Column(pn.pane.Markdown("### " + _("Lines behind the figure")), self.lines_view,
                      sizing_mode="stretch_width"),
            sizing_mode="stretch_width",
        )
