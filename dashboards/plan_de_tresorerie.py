"""Plan de trésorerie: the whole organisation's cash, month by month, actual then forecast, with a
what-if that is never saved.

Every figure comes from `sql/queries/plan_de_tresorerie/*.sql` over marts.treasury_plan and
marts.treasury_lines. The what-if (move an awaited subsidy instalment to another month, add a
one-off movement) is a set of SQL parameters: the SQL recomputes the months with them, and this
module only chooses the parameters and shows the answers in French.
"""

from __future__ import annotations

import datetime as dt
import html

import holoviews as hv
import hvplot.pandas  # noqa: F401  (loads the bokeh plotting extension)
import pandas as pd
import panel as pn
import param
from bokeh.models import CustomJSTickFormatter, HoverTool

from alambic import formatting
from alambic.i18n import N_, _
from dashboards.components import (
    COMPACT_CSS,
    TABLE_CSS,
    Column,
    Filters,
    PlainAlert,
    card_grid,  # noqa: I001
    csv_download,
    french_table,
    kpi_card,
    marts_ready,
)
from dashboards.lazy import later
from dashboards.queries import run_query
from dashboards.treasury_simulation import IN, OUT, SCENARIO_PARAMS, TreasurySimulation
from dashboards.workbook import workbook_download, workbook_title

SOURCE_LABELS = {
    "banque": N_("Bank"),
    "facture_ouverte": N_("Open invoice"),
    "brouillon": N_("Draft"),
    "prevision": N_("Budget forecast"),
    "echeance_subvention": N_("Subsidy instalment"),
    "simulation": N_("Simulation"),
}

DIRECTION_LABELS = {IN: N_("Receipt"), OUT: N_("Payment")}

FORECAST_CELL = "font-style: italic; background-color: #f1f3f5; color: #4a5560"
BELOW_CELL = "background-color: #fdecea; color: #9b1c14; font-weight: bold"
BOLD_ROWS = ("solde_debut", "total_encaissements", "total_decaissements", "solde_fin")

LEGEND_CSS = """
.treasury-legend { font-size: 0.9em; color: #4a5560; }
.treasury-legend .swatch { display: inline-block; width: 14px; height: 14px; vertical-align: -2px;
  margin: 0 4px 0 12px; border: 1px solid #c9d0d6; }
.treasury-legend .swatch.reel { background: #fff; }
.treasury-legend .swatch.previsionnel { background: #f1f3f5; }
.treasury-legend .swatch.below { background: #fdecea; border-color: #e8b4ae; }
.treasury-legend em { color: #4a5560; }
"""


def source_label(source) -> str:
    if formatting.is_missing(source):
        return ""
    return _(SOURCE_LABELS[source]) if source in SOURCE_LABELS else str(source)


def category_label(code, label) -> str:
    """The category's label from ref.categories; the two codes that are not categories in words."""
    if not formatting.is_missing(label):
        return str(label)
    if code == "autres":
        return _("Other movements")
    if code == "simulation":
        return _("One-off movement (simulation)")
    return "" if formatting.is_missing(code) else str(code)


def month_key(value) -> str:
    """`2026-11` for any day of November 2026 (the `?mois=` of the URL)."""
    return pd.Timestamp(value).strftime("%Y-%m")


def line_columns() -> list[Column]:
    return [
        Column("expected_on", _("Date"), "date", width=92),
        Column("source_label", _("Source"), width="11%"),
        Column("direction_label", _("Direction"), width=108),
        Column("category_label", _("Category"), width="13%"),
        Column("label", _("Label"), width="20%"),
        Column("partner", _("Partner"), width="12%"),
        Column("reference", _("Reference")),
        Column("unit_name", _("Unit")),
        Column("signed_amount", _("Amount"), "money", width=118),
    ]


class PlanDeTresorerie(TreasurySimulation, pn.viewable.Viewer):
    """The page. `filters.period` chooses the months shown; the unit does not apply (the cash is
    the whole organisation's). The what-if lives in this object's parameters only
    (`TreasurySimulation`, dashboards/treasury_simulation.py)."""

    context = param.Parameter(doc="AppContext: warehouse, configuration.")
    filters = param.ClassSelector(class_=Filters)

    detail_month = param.Selector(default="", objects=[""], check_on_set=False,
                                  doc="The month whose movements are listed ('YYYY-MM'; '': every month shown).")
    detail_row = param.Selector(default="", objects=[""], check_on_set=False,
                                doc="The table row whose movements are listed (a row_key; '': every row).")

    def __init__(self, **params):
        super().__init__(**params)
        if self.filters is None:
            self.filters = self.context.filters or Filters.from_warehouse(self.context.warehouse)
        self.ready = marts_ready(self.warehouse, "treasury_plan", "treasury_lines", "subsidy_instalments_timeline")
        if not self.ready:
            return
        self._months = run_query(self.warehouse, "plan_de_tresorerie/mois")
        self._init_simulation()
        if pn.state.location is not None:
            pn.state.location.sync(self, {"detail_month": "mois"})

        self._next_months_button = pn.widgets.Button(label=_("The next 12 months"), color="light", width=190)
        self._next_months_button.on_click(lambda event: self.show_next_months())
        self._whole_plan_button = pn.widgets.Button(label=_("The whole plan"), color="light", width=160)
        self._whole_plan_button.on_click(lambda event: self.show_whole_plan())
        self._month_select = pn.widgets.Select.from_param(self.param.detail_month, name=_("Month"), width=240)
        self._row_select = pn.widgets.Select.from_param(self.param.detail_row, name=_("Row of the plan"), width=300)
        self._update_detail_choices()
        self.param.watch(self._update_detail_choices, list(SCENARIO_PARAMS))
        self.filters.param.watch(self._update_detail_choices, "current")

    @property
    def warehouse(self):
        return self.context.warehouse

    def show_next_months(self) -> None:
        forecast = self._months[self._months["kind"] == "previsionnel"]["month"]
        if len(forecast):
            self.filters.period = f"{month_key(forecast.min())}..{month_key(forecast.max())}"

    def show_whole_plan(self) -> None:
        if len(self._months):
            months = self._months["month"]
            self.filters.period = f"{month_key(months.min())}..{month_key(months.max())}"

    # -- data (each from one SQL file) -----------------------------------------------------------

    def plan_data(self, scenario: dict | None = None) -> pd.DataFrame:
        """The long table of plan.sql: one row per table row × month (month NaT: the total column)."""
        return run_query(self.warehouse, "plan_de_tresorerie/plan",
                         **self.filters.current.params(), **(scenario if scenario is not None else self.scenario()))

    def kpi_data(self) -> pd.Series:
        return run_query(self.warehouse, "plan_de_tresorerie/indicateurs",
                         **self.filters.current.params(), **self.scenario()).iloc[0]

    def lines_data(self, every_movement: bool = False) -> pd.DataFrame:
        """The movements of the detail's month and row (every_movement: of every month shown)."""
        direction, category = self._row_filter("" if every_movement else self.detail_row)
        month = dt.date.fromisoformat(self.detail_month + "-01") if self.detail_month and not every_movement else None
        frame = run_query(self.warehouse, "plan_de_tresorerie/lignes", **self.filters.current.params(),
                          month=month, direction=direction, category=category, **self.scenario()).copy()
        frame["source_label"] = frame["source"].map(source_label)
        frame["direction_label"] = frame["direction"].map(lambda d: _(DIRECTION_LABELS.get(d, d)))
        frame["category_label"] = [category_label(c, lab) for c, lab in
                                   zip(frame["category_code"], frame["category_label"])]
        return frame

    @staticmethod
    def _row_filter(row_key: str) -> tuple[str, str]:
        """(direction, category) of the lines behind a table row ('' = any)."""
        if row_key.startswith("enc:"):
            return IN, row_key[4:]
        if row_key.startswith("dec:"):
            return OUT, row_key[4:]
        if row_key == "total_encaissements":
            return IN, ""
        if row_key == "total_decaissements":
            return OUT, ""
        return "", ""

    # -- the table: rows of the plan, months as columns ------------------------------------------

    @staticmethod
    def month_title(month, kind) -> str:
        label = formatting.month(month)
        return _("{month} (forecast)", month=label) if kind == "previsionnel" else label

    @staticmethod
    def row_label(row) -> str:
        fixed = {
            "solde_debut": _("Opening balance"),
            "total_encaissements": _("Receipts"),
            "total_decaissements": _("Payments"),
            "variation": _("Net change of the month"),
            "solde_fin": _("Closing balance"),
        }
        if row.row_key in fixed:
            return fixed[row.row_key]
        return "\u00a0\u00a0\u00a0\u00a0" + category_label(row.category_code, row.category_label)

    def table_frame(self, data: pd.DataFrame | None = None) -> tuple[pd.DataFrame, dict]:
        """The plan as shown: a « Poste » column, one column per month, a « Total » column.
        Returns (frame, info) where info holds the row keys, the month of each column, the forecast
        columns and the cells below the threshold (for the styles and the clicks)."""
        data = self.plan_data() if data is None else data
        rows = (data[["row_key", "section", "category_code", "category_label", "row_sort"]]
                .drop_duplicates("row_key").sort_values(["row_sort", "row_key"]).reset_index(drop=True))
        cells = data[data["month"].notna()]
        months = cells[["month", "kind"]].drop_duplicates("month").sort_values("month")
        item_title = _("Item")
        frame = pd.DataFrame({item_title: [self.row_label(r) for r in rows.itertuples()]})
        column_month, forecast_columns, below = {}, [], []
        for m in months.itertuples():
            title = self.month_title(m.month, m.kind)
            values = cells[cells["month"] == m.month].set_index("row_key")
            frame[title] = rows["row_key"].map(values["amount"]).astype("float64").to_numpy()
            column_month[title] = month_key(m.month)
            if m.kind == "previsionnel":
                forecast_columns.append(title)
            flagged = values["below_threshold"].fillna(False).astype(bool)
            below += [(key, title) for key in flagged[flagged].index]
        totals = data[data["month"].isna()].set_index("row_key")
        total_title = _("Total")
        frame[total_title] = rows["row_key"].map(totals["amount"]).astype("float64").to_numpy()
        column_month[total_title] = ""
        info = {"row_keys": rows["row_key"].tolist(), "column_month": column_month,
                "forecast_columns": forecast_columns, "below": below}
        return frame, info

    def plan_table(self, data: pd.DataFrame | None = None) -> pn.widgets.Tabulator:
        frame, info = self.table_frame(data)
        item_title = frame.columns[0]
        columns = [Column(item_title, item_title)] + [Column(c, c, "money") for c in frame.columns[1:]]
        widths = {item_title: 300, **{title: 128 for title in frame.columns[1:]}}
        table = french_table(frame, columns, selectable=False, layout="fit_data_table", widths=widths,
                             frozen_columns=[item_title], css_classes=["treasury-plan"], sortable=False)
        row_index = {key: i for i, key in enumerate(info["row_keys"])}
        below = {(row_index[key], title) for key, title in info["below"]}

        def styles(shown: pd.DataFrame) -> pd.DataFrame:
            css = pd.DataFrame("", index=shown.index, columns=shown.columns)
            for position, key in enumerate(info["row_keys"]):
                label = shown.index[position]
                for title in shown.columns:
                    parts = []
                    if title in info["forecast_columns"]:
                        parts.append(FORECAST_CELL)
                    if key in BOLD_ROWS:
                        parts.append("font-weight: bold")
                    if (position, title) in below:
                        parts.append(BELOW_CELL)
                    css.loc[label, title] = "; ".join(parts)
            return css

        table.style.apply(styles, axis=None)

        def clicked(event):
            if event.row is None or event.row >= len(info["row_keys"]):
                return
            key = info["row_keys"][event.row]
            month = info["column_month"].get(event.column)
            if month is not None:  # a month or the total column
                self.param.update(detail_month=month, detail_row=key)
            else:  # the « Poste » column: that row over every month shown
                self.param.update(detail_month="", detail_row=key)

        table.on_click(clicked)
        return table

    def _update_detail_choices(self, *events) -> None:
        """The month and row choices of the detail follow the months and rows shown."""
        data = self.plan_data()
        months = data[data["month"].notna()][["month", "kind"]].drop_duplicates("month").sort_values("month")
        month_choices = {_("Every month shown"): ""}
        month_choices.update({self.month_title(m.month, m.kind): month_key(m.month) for m in months.itertuples()})
        rows = data[["row_key", "category_code", "category_label", "row_sort"]].drop_duplicates("row_key")
        row_choices = {_("Every movement"): ""}
        for row in rows.sort_values(["row_sort", "row_key"]).itertuples():
            if row.row_key in ("solde_debut", "variation", "solde_fin"):
                continue
            row_choices[self.row_label(row).strip()] = row.row_key
        self.param.detail_month.objects = month_choices
        self.param.detail_row.objects = row_choices
        if self.detail_row not in row_choices.values():
            self.detail_row = ""

    # -- views -----------------------------------------------------------------------------------

    def period_bar(self):
        f = self.filters
        period = pn.widgets.TextInput.from_param(
            f.param.period, name=_("Period"),
            placeholder="2026, 2026-T3, 2026-11..2027-10, EX2026",
            description=_("A year (2025), a quarter (2025-T3), a month (2025-03), a range "
                          "(2025-03..2025-06) or a fiscal year (EX2025)."),
            width=260,
        )
        shown = pn.pane.Markdown(pn.bind(
            lambda p: _("Shown: **{label}** ({start} – {end})", label=p.label,
                        start=formatting.date(p.start), end=formatting.date(p.last_day)),
            f.param.current), margin=(28, 10, 0, 10), css_classes=["period-shown"])
        error = PlainAlert(f.param.period_error, alert_type="danger", visible=pn.bind(bool, f.param.period_error),
                              margin=(0, 10), css_classes=["filter-error"])
        return pn.Column(
            pn.FlexBox(period, pn.Column(pn.Spacer(height=22), pn.FlexBox(self._next_months_button, self._whole_plan_button)),
                   shown),
            error,
            pn.pane.Markdown(_("The treasury is the whole of La Raffinerie's: the unit filter does not "
                               "apply to this page."), css_classes=["hint"], margin=(0, 10)),
            css_classes=["filter-bar"], sizing_mode="stretch_width",
        )

    @param.depends("filters.current", "moved_instalment", "moved_to", "oneoff_label", "oneoff_amount",
                   "oneoff_month", "oneoff_direction")
    def kpis(self):
        k = self.kpi_data()
        if formatting.is_missing(k["first_month"]):
            return PlainAlert(self._empty_period_text(), alert_type="info", css_classes=["treasury-empty"])
        below = int(k["months_below_threshold"])
        lowest_note = _("in {month}", month=formatting.month(k["lowest_month"]))
        if below:
            lowest_note += " — " + _("{count} month(s) below the threshold ({threshold})", count=below,
                                     threshold=formatting.money(k["threshold"]))
        cards = [
            kpi_card("last_real_closing", _("Last actual balance"), k["last_real_closing"],
                     _("end of {month}", month=formatting.month(k["last_real_month"]))
                     if not formatting.is_missing(k["last_real_month"]) else ""),
            kpi_card("opening_balance", _("Opening balance of the period"), k["opening_balance"],
                     formatting.month(k["first_month"])),
            kpi_card("closing_balance", _("Closing balance of the period"), k["closing_balance"],
                     formatting.month(k["last_month"]), alert=float(k["closing_balance"]) < float(k["threshold"])),
            kpi_card("lowest_closing", _("Lowest closing balance"), k["lowest_closing"], lowest_note,
                     alert=below > 0),
        ]
        return card_grid(*cards)

    def _empty_period_text(self) -> str:
        months = self._months["month"]
        return _("No month of the treasury plan in this period. The plan runs from {first} to {last}.",
                 first=formatting.month(months.min()), last=formatting.month(months.max()))

    def legend(self) -> pn.pane.HTML:
        actual = html.escape(_("Actual months: bank movements"))
        forecast = html.escape(_("Forecast months (fcst.): open invoices, drafts, forecasts and awaited "
                                 "subsidy instalments; the current month adds what is still expected to "
                                 "its bank movements"))
        below = html.escape(_("Closing balance below the alert threshold"))
        return pn.pane.HTML(
            '<div class="treasury-legend">'
            f'<span class="swatch reel"></span>{actual}'
            f'<span class="swatch previsionnel"></span><em>{forecast}</em>'
            f'<span class="swatch below"></span>{below}'
            "</div>",
            stylesheets=[LEGEND_CSS], sizing_mode="stretch_width")

    @param.depends("filters.current", "moved_instalment", "moved_to", "oneoff_label", "oneoff_amount",
                   "oneoff_month", "oneoff_direction")
    def table(self):
        data = self.plan_data()
        if data.empty:
            return pn.pane.Markdown(self._empty_period_text())
        frame, _info = self.table_frame(data)
        item_title = frame.columns[0]
        columns = [Column(item_title, item_title)] + [Column(c, c, "money") for c in frame.columns[1:]]
        period = self.filters.current.text.replace("..", "_")
        download = csv_download(_("Download the plan (CSV)"), f"plan-de-tresorerie_{period}.csv",
                                lambda: self.table_frame()[0], columns)
        return pn.Column(
            self.plan_table(data),
            pn.pane.Markdown(_("Click a figure to list the movements behind it below."), css_classes=["hint"]),
            pn.FlexBox(download, self.workbook_button()),
            sizing_mode="stretch_width",
        )

    def workbook_sheets(self) -> dict:
        """The XLSX workbook: the plan as shown (totals in bold) and every movement of its months."""
        frame, info = self.table_frame()
        item_title = frame.columns[0]
        columns = [Column(item_title, item_title)] + [Column(c, c, "money") for c in frame.columns[1:]]
        frame = frame.assign(is_bold=[key in BOLD_ROWS for key in info["row_keys"]])
        return {
            _("Treasury plan"): (frame, columns, {"bold": "is_bold"}),
            _("Movements"): (self.lines_data(every_movement=True), line_columns(), {"bold": "simulated"}),
        }

    def workbook_title(self) -> str:
        p = self.filters.current
        shown = f"{p.label} ({formatting.date(p.start)} – {formatting.date(p.last_day)})"
        title = workbook_title(_("Treasury plan"), _("La Raffinerie"), shown)
        return title + (" — " + _("with the simulation") if self.simulating() else "")

    def workbook_button(self) -> pn.widgets.FileDownload:
        return workbook_download(
            self.workbook_sheets,
            lambda: f"plan-de-tresorerie_{self.filters.current.text.replace('..', '_')}.xlsx",
            title=self.workbook_title)

    def chart_object(self):
        data = self.plan_data()
        closing = data[(data["row_key"] == "solde_fin") & data["month"].notna()].sort_values("month")
        if closing.empty:
            return None
        months = closing["month"].map(formatting.month).tolist()
        frame = pd.DataFrame({
            "mois": months,
            "solde": closing["amount"].astype("float64").to_numpy(),
            "affiche": closing["amount"].map(formatting.money).to_numpy(),
            "kind": closing["kind"].to_numpy(),
            "sous_seuil": closing["below_threshold"].fillna(False).astype(bool).to_numpy(),
        })
        threshold = float(data["threshold"].iloc[0])
        hover = HoverTool(tooltips=[(_("Month"), "@mois"), (_("Closing balance"), "@affiche")])
        x = ("mois", _("Month"))
        y = ("solde", _("Closing balance"))
        real = frame[frame["kind"] == "reel"]
        forecast_start = max(len(real) - 1, 0)
        forecast = frame.iloc[forecast_start:] if (frame["kind"] == "previsionnel").any() else frame.iloc[0:0]
        layers = []
        if self.simulating():
            base = self.plan_data(self.no_scenario())
            base = base[(base["row_key"] == "solde_fin") & base["month"].notna()].sort_values("month")
            base_frame = pd.DataFrame({"mois": base["month"].map(formatting.month).tolist(),
                                       "solde": base["amount"].astype("float64").to_numpy(),
                                       "affiche": base["amount"].map(formatting.money).to_numpy()})
            layers.append(hv.Curve(base_frame, x, [y, "affiche"], label=_("Without the simulation")).opts(
                color="#9fb3c8", line_dash="dotted", line_width=2))
        layers.append(hv.Curve(real, x, [y, "affiche"], label=_("Actual closing balance")).opts(
            color="#2f6f5e", line_width=3))
        layers.append(hv.Curve(forecast, x, [y, "affiche"], label=_("Forecast closing balance")).opts(
            color="#2f6f5e", line_dash="dashed", line_width=3))
        threshold_frame = pd.DataFrame({"mois": months, "seuil": threshold,
                                        "affiche": formatting.money(threshold)})
        layers.append(hv.Curve(threshold_frame, x, [("seuil", _("Alert threshold")), "affiche"],
                               label=_("Alert threshold ({amount})", amount=formatting.money(threshold))).opts(
            color="#b3261e", line_dash="dashed", line_width=1.5))
        layers.append(hv.Scatter(frame, x, [y, "affiche", "sous_seuil"]).opts(
            color=hv.dim("sous_seuil").categorize({True: "#b3261e", False: "#2f6f5e"}), size=7, tools=[hover]))
        ticks = CustomJSTickFormatter(  # 1 234 € whatever the browser's locale data
            code="return Math.round(tick).toString().replace(/\\B(?=(\\d{3})+(?!\\d))/g, '\\u00a0') + '\\u00a0€';")
        return hv.Overlay(layers).opts(
            hv.opts.Overlay(height=340, responsive=True, xlabel="", ylabel="", legend_position="top",
                            legend_cols=2, toolbar=None, yformatter=ticks, show_grid=True,
                            legend_opts={"label_text_font_size": "9pt"},  # two columns fit a phone
                            xrotation=0 if len(months) <= 12 else 45),
            hv.opts.Curve(default_tools=[], tools=[hover]),
            hv.opts.Scatter(default_tools=[]),
        )

    @param.depends("filters.current", "moved_instalment", "moved_to", "oneoff_label", "oneoff_amount",
                   "oneoff_month", "oneoff_direction")
    def chart(self):
        chart = self.chart_object()
        if chart is None:
            return pn.pane.Markdown("")
        return pn.pane.HoloViews(chart, sizing_mode="stretch_width", height=360, backend="bokeh")

    def lines_table(self, data: pd.DataFrame | None = None) -> pn.widgets.Tabulator:
        data = self.lines_data() if data is None else data
        table = french_table(data, line_columns(), bold="simulated", pagination="local", page_size=15,
                             css_classes=["treasury-lines"], stylesheets=[TABLE_CSS, COMPACT_CSS])
        table.formatters = {**table.formatters, **{title: {"type": "textarea"} for title in
                                                   (_("Label"), _("Partner"), _("Category"), _("Reference"))}}
        return table

    @param.depends("filters.current", "moved_instalment", "moved_to", "oneoff_label", "oneoff_amount",
                   "oneoff_month", "oneoff_direction", "detail_month", "detail_row")
    def lines(self):
        data = self.lines_data()
        month = next((k for k, v in (self.param.detail_month.names or {}).items() if v == self.detail_month), "")
        row = next((k for k, v in (self.param.detail_row.names or {}).items() if v == self.detail_row), "")
        summary = _("{count} movements — {month} — {row}", count=len(data), month=month or self.detail_month,
                    row=row or self.detail_row)
        period = self.filters.current.text.replace("..", "_")
        name = f"plan-de-tresorerie_mouvements_{self.detail_month or period}.csv"
        return pn.Column(
            pn.pane.HTML(f'<p class="lines-summary">{html.escape(summary)}</p>', sizing_mode="stretch_width"),
            self.lines_table(data),
            pn.pane.Markdown(_("Movements added or moved by the simulation are in bold."), css_classes=["hint"]),
            csv_download(_("Download the movements (CSV)"), name, self.lines_data, line_columns()),
            sizing_mode="stretch_width",
        )

    def __panel__(self):
        if not self.ready:
            return PlainAlert(_("The treasury plan has not been computed yet: run « alambic build »."),
                                 alert_type="warning")
        self.open_simulation_if_simulating()
        return pn.Column(
            self.period_bar(),
            self.kpis,
            pn.Column(pn.pane.Markdown("### " + _("Month by month")), self.legend(), self.table,
                      sizing_mode="stretch_width"),
            later(pn.Column(  # below the fold: drawn once the first screen is shown (dashboards/lazy.py)
                pn.Column(pn.pane.Markdown("### " + _("Closing balance and alert threshold")), self.chart,
                          sizing_mode="stretch_width"),
                self.simulation,
                pn.Column(pn.pane.Markdown("### " + _("Movements")), pn.FlexBox(self._month_select, self._row_select),
                          self.lines, sizing_mode="stretch_width"),
                sizing_mode="stretch_width"), min_height=1000),
            sizing_mode="stretch_width",
        )
