"""Suivi budgétaire: forecast against actual by budget category, for a unit and a period.

Every figure comes from `sql/queries/suivi_budgetaire/*.sql`; this module chooses the parameters
and shows the answers in French.
"""

from __future__ import annotations

import html

import holoviews as hv
import hvplot.pandas  # noqa: F401  (registers .hvplot)
import pandas as pd
import panel as pn
import param
from bokeh.models import CustomJSTickFormatter, HoverTool

from alambic import formatting
from alambic.i18n import _
from dashboards.app import with_query
from dashboards.budget_entries import BudgetEntries
from dashboards.components import (  # noqa: I001
    Column,
    FilterBar,
    Filters,
    PlainAlert,
    PlainText,
    cards_html,
    cards_pane,
    csv_download,
    french_table,
    kpi_card_html,
    line_columns,
    proposals_by_state,
    proposals_ready,
    state_columns,
    update_table,
)
from dashboards.lazy import later
from dashboards.queries import run_query
from dashboards.workbook import budget_tracking_workbook
from warehouse.connection import WarehouseBusy, WarehouseMissing

DIRECTIONS = ("depense", "recette")
EXPENSE, INCOME = DIRECTIONS

def euro_ticks() -> CustomJSTickFormatter:
    """« 12 000 € » on the y-axis: a new model for each chart (a Bokeh model belongs to one
    document: a module-level one is shared by every session), and no reliance on the browser's
    locale data (toLocaleString), as the treasury chart."""
    return CustomJSTickFormatter(
        code="return Math.round(tick).toString().replace(/\\B(?=(\\d{3})+(?!\\d))/g, '\\u202f') + '\\u00a0€';")


def recap_columns(direction: str) -> list[Column]:
    if direction == EXPENSE:
        return [
            Column("label", _("Category"), width="20%"),
            Column("previsionnel", _("Forecast"), "money"),
            Column("engage", _("Committed"), "money"),
            Column("reel", _("Spent"), "money"),
            Column("reste", _("Remaining to spend"), "money"),
            Column("pct_consomme", _("% consumed"), "percent"),
            Column("alerte_text", _("Alert"), width="13%"),
        ]
    return [
        Column("label", _("Category"), width="28%"),
        Column("previsionnel", _("Forecast"), "money"),
        Column("reel", _("Collected"), "money"),
        Column("reste", _("Remaining to collect"), "money"),
    ]


def reconciliation_columns() -> list[Column]:
    return [
        Column("direction_label", "", width="12%"),
        Column("analytique", _("On the units"), "money"),
        Column("non_affecte", _("Unassigned"), "money"),
        Column("hors_categories", _("Accounts of no category"), "money"),
        Column("sans_ecriture", _("Analytic only"), "money"),
        Column("elimine", _("Internal flows eliminated"), "money"),
        Column("reel_budget", _("Actual (budget)"), "money"),
        Column("ledger", _("Books (classes 6/7)"), "money"),
        Column("ecart", _("Difference"), "money"),
    ]


def ledger_month_columns() -> list[Column]:
    return [
        Column("month", _("Month"), "month"),
        Column("charges", _("Charges (class 6)"), "money"),
        Column("produits", _("Income (class 7)"), "money"),
        Column("resultat", _("Result"), "money"),
    ]


class SuiviBudgetaire(pn.viewable.Viewer):
    """The page. `filters` holds the unit and period (synced to the URL by the app shell)."""

    context = param.Parameter(doc="AppContext: warehouse, configuration.")
    filters = param.ClassSelector(class_=Filters)
    category = param.Selector(default="", objects=[""], check_on_set=False,
                              doc="Drill-down category ('' = every category).")
    chart_direction = param.Selector(default=EXPENSE, objects=list(DIRECTIONS))

    def __init__(self, **params):
        super().__init__(**params)
        if self.filters is None:
            self.filters = self.context.filters or Filters.from_warehouse(self.context.warehouse)
        categories = run_query(self.context.warehouse, "suivi_budgetaire/categories")
        direction_name = {EXPENSE: _("Expenses"), INCOME: _("Income")}
        choices = {_("All categories"): ""}
        for row in categories.itertuples():
            choices[f"{direction_name.get(row.direction, row.direction)} — {row.label}"] = row.category_code
        self.param.category.objects = choices
        self.param.chart_direction.objects = {direction_name[d]: d for d in DIRECTIONS}
        self._category_select = pn.widgets.Select.from_param(
            self.param.category, name=_("Category"), sizing_mode="stretch_width", max_width=360)
        self._chart_switch = pn.widgets.RadioButtonGroup.from_param(
            self.param.chart_direction, name="", color="primary", variant="outline")
        self._recap_frames: dict[str, pd.DataFrame] = {}  # what each recap table shows (its clicks)
        self._live: dict | None = None  # the shown parts, updated in place (see __panel__)

    # -- data (each from one SQL file) ---------------------------------------------------------

    @property
    def warehouse(self):
        return self.context.warehouse

    def kpi_data(self) -> pd.Series:
        return run_query(self.warehouse, "suivi_budgetaire/indicateurs", **self.filters.params()).iloc[0]

    def recap_data(self, direction: str) -> pd.DataFrame:
        frame = run_query(self.warehouse, "suivi_budgetaire/recap", direction=direction,
                          **self.filters.params()).copy()
        frame.loc[frame["is_total"], "label"] = _("Total")
        alerts = {"depassement": _("Overrun"), "hors_previsionnel": _("Overrun (no forecast)")}
        frame["alerte_text"] = frame["alerte"].map(lambda a: alerts.get(a, "") if isinstance(a, str) else "")
        return frame

    def monthly_data(self, direction: str) -> pd.DataFrame:
        return run_query(self.warehouse, "suivi_budgetaire/mensuel", direction=direction,
                         **self.filters.params())

    def lines_data(self) -> pd.DataFrame:
        return run_query(self.warehouse, "suivi_budgetaire/lignes", category=self.category or "",
                         **self.filters.params())

    def reconciliation_data(self) -> pd.DataFrame:
        frame = run_query(self.warehouse, "suivi_budgetaire/rapprochement", **self.filters.params())
        labels = {EXPENSE: _("Expenses"), INCOME: _("Income")}
        return frame.assign(direction_label=frame["direction"].map(labels))

    def ledger_months_data(self) -> pd.DataFrame:
        return run_query(self.warehouse, "suivi_budgetaire/mois_comptables", **self.filters.params())

    def proposals_data(self) -> pd.DataFrame:
        return proposals_by_state(self.warehouse, self.filters)

    def _filename(self, what: str) -> str:
        period = self.filters.current.text.replace("..", "_")
        return f"suivi-budgetaire_{what}_{self.filters.unit}_{period}.csv"

    # -- views ---------------------------------------------------------------------------------
    # Each part is built once (__panel__); a filter change, a drill-down or a save (it triggers
    # `filters.current`) recomputes only the parts that depend on it and replaces their content in
    # place — a table's rows, a pane's text — so the browser keeps its widgets and receives only the
    # new data. The builders below (kpis, recap_table, lines_table, reconciliation, proposals,
    # chart_object) also serve the tests.

    def kpis_html(self) -> str:
        k = self.kpi_data()
        consumed = k["depenses_pct_consomme"]
        note = _("{pct} consumed", pct=formatting.percent(consumed)) if not formatting.is_missing(consumed) else ""
        expenses = [
            kpi_card_html("depenses_previsionnel", _("Forecast expenses"), k["depenses_previsionnel"]),
            kpi_card_html("depenses_engage", _("Committed"), k["depenses_engage"]),
            kpi_card_html("depenses_reel", _("Spent (actual)"), k["depenses_reel"], note),
            kpi_card_html("reste_a_depenser", _("Remaining to spend"), k["reste_a_depenser"],
                          _("Budget overrun") if bool(k["depenses_depassement"]) else "",
                          alert=bool(k["depenses_depassement"])),
        ]
        income = [
            kpi_card_html("recettes_previsionnel", _("Forecast income"), k["recettes_previsionnel"]),
            kpi_card_html("recettes_reel", _("Collected (actual)"), k["recettes_reel"]),
            kpi_card_html("reste_a_encaisser", _("Remaining to collect"), k["reste_a_encaisser"]),
            kpi_card_html("solde_reel", _("Actual balance"), k["solde_reel"],
                          _("Collected minus spent"), alert=float(k["solde_reel"]) < 0),
        ]
        return cards_html([(_("Expenses"), expenses), (_("Income"), income)])

    def kpis(self) -> pn.pane.HTML:
        """The eight cards in one pane."""
        return cards_pane(self.kpis_html(), css_classes=["budget-kpis"])

    def recap_table(self, direction: str) -> pn.widgets.Tabulator:
        data = self._recap_frames[direction] = self.recap_data(direction)
        table = french_table(data, recap_columns(direction), highlight="depassement" if direction == EXPENSE else None,
                             bold="is_total", selectable=False, css_classes=[f"recap-{direction}"])

        def drill(event):
            shown = self._recap_frames[direction]
            code = shown["category_code"].iloc[event.row] if event.row is not None and event.row < len(shown) else None
            if isinstance(code, str) and code:
                self.category = code

        table.on_click(drill)
        return table

    def _recap(self, direction: str, title: str, what: str):
        table = self.recap_table(direction)
        download = csv_download(
            _("Download the recap (CSV)"), self._filename(what),
            lambda: self.recap_data(direction), recap_columns(direction))

        def refresh():
            self._recap_frames[direction] = data = self.recap_data(direction)
            update_table(table, data)
            download.filename = self._filename(what)

        section = pn.Column(
            pn.pane.Markdown(f"### {title}"),
            table,
            pn.pane.Markdown(_("Click a row to see its lines below."), css_classes=["hint"]),
            download,
            sizing_mode="stretch_width",
        )
        return section, refresh

    def proposals(self):
        """Co-remuneration proposals of the unit by status: validated ones count as committed,
        invoiced and paid ones through their Odoo bill."""
        if not proposals_ready(self.warehouse):
            return pn.Spacer(height=0)
        return pn.Column(
            pn.pane.Markdown("### " + _("Remuneration proposals by status")),
            french_table(self.proposals_data(), state_columns(), bold="is_total", selectable=False,
                         css_classes=["proposals-by-state"]),
            pn.pane.HTML(self._proposals_link()),
            sizing_mode="stretch_width",
        )

    def _proposals_link(self) -> str:
        link = html.escape(with_query(self.context.page_url("co-remuneration"), self.filters.query_string()))
        more = html.escape(_("Propose, validate and follow them on the Co-remuneration page."))
        return f'<p class="hint"><a href="{link}">{more}</a></p>'

    def chart_object(self, direction: str):
        data = self.monthly_data(direction)
        months = data["month"].map(formatting.month)
        series = [("previsionnel", _("Forecast")), ("reel", _("Actual"))]
        long = pd.concat(
            [
                pd.DataFrame({
                    "mois": months,
                    "serie": label,
                    "montant": data[column].astype("float64"),
                    "affiche": data[column].map(formatting.money),
                })
                for column, label in series
            ],
            ignore_index=True,
        )
        hover = HoverTool(tooltips=[(_("Month"), "@mois"), ("", "@serie"), (_("Amount"), "@affiche")])
        bars = hv.Bars(long, kdims=[("mois", _("Month")), ("serie", _("Series"))], vdims=[("montant", _("Amount")), "affiche"])
        return bars.opts(
            color=hv.Cycle(["#9fb3c8", "#2f6f5e"]), tools=[hover], yformatter=euro_ticks(),
            height=320, responsive=True, xlabel="", ylabel="", legend_position="top", legend_cols=2,
            multi_level=False, show_legend=True, toolbar=None, default_tools=[],
            xrotation=0 if len(data) <= 12 else 45,
        )

    def chart(self):
        return pn.pane.HoloViews(self.chart_object(self.chart_direction), sizing_mode="stretch_width",
                                 height=340, backend="bokeh")

    def lines_table(self) -> pn.widgets.Tabulator:
        """Paginated on the server: the browser receives one page of lines at a time."""
        data = self.lines_data()
        return french_table(data, line_columns(with_dimension=True), pagination="remote", page_size=20,
                            layout="fit_data_stretch", css_classes=["budget-lines"], header_filters=False)

    def _lines_summary(self, count: int) -> str:
        label = next((k for k, v in (self.param.category.names or {}).items() if v == self.category), "")
        return _("{count} lines — {category}", count=count, category=label)

    def _lines(self):
        table = self.lines_table()
        summary = PlainText(self._lines_summary(len(table.value)))
        download = csv_download(_("Download the lines (CSV)"), self._filename("lignes"),
                                self.lines_data, line_columns(with_dimension=True))

        def refresh():
            data = self.lines_data()
            summary.object = self._lines_summary(len(data))
            update_table(table, data)
            download.filename = self._filename("lignes")

        return pn.Column(summary, table, download, sizing_mode="stretch_width"), refresh

    def _reconciliation_title(self) -> list:
        return [
            pn.pane.Markdown("### " + _("Actual against the books")),
            pn.pane.Markdown(_("Units + unassigned + accounts of no category = the books; internal "
                               "flows between two units cancel out at the organisation's level."),
                             css_classes=["hint"]),
        ]

    def reconciliation(self):
        """At the organisation's level only: its « réel » against the books (Règles de calcul)."""
        data = self.reconciliation_data()
        if data.empty:
            return pn.Column()
        return pn.Column(
            *self._reconciliation_title(),
            french_table(data, reconciliation_columns(), selectable=False, css_classes=["reconciliation"]),
            pn.pane.Markdown("#### " + _("The books month by month")),
            french_table(self.ledger_months_data(), ledger_month_columns(), selectable=False,
                         css_classes=["ledger-months"]),
            sizing_mode="stretch_width",
        )

    def _reconciliation(self):
        """Built only at the organisation's level (no hidden tables for a unit), then updated."""
        section = pn.Column(sizing_mode="stretch_width")

        def refresh():
            data = self.reconciliation_data()
            if data.empty:
                section.objects = []
            elif section.objects:
                update_table(section.objects[2], data)
                update_table(section.objects[4], self.ledger_months_data())
            else:
                section.objects = self.reconciliation().objects

        refresh()
        return section, refresh

    def _proposals(self):
        if not proposals_ready(self.warehouse):
            return pn.Spacer(height=0), lambda: None
        table = french_table(self.proposals_data(), state_columns(), bold="is_total", selectable=False,
                             css_classes=["proposals-by-state"])
        link = pn.pane.HTML(self._proposals_link())

        def refresh():
            update_table(table, self.proposals_data())
            link.object = self._proposals_link()

        section = pn.Column(pn.pane.Markdown("### " + _("Remuneration proposals by status")), table, link,
                            sizing_mode="stretch_width")
        return section, refresh

    def _chart(self):
        pane = self.chart()

        def refresh():
            pane.object = self.chart_object(self.chart_direction)

        return pane, refresh

    def _refresh(self, *parts: str) -> None:
        """Recompute the named parts in place; a busy or missing warehouse is said in French above
        them (the last figures stay)."""
        live = self._live
        try:
            for part in parts:
                live[part]()
            live["notice"].param.update(object="", visible=False)
        except (WarehouseBusy, WarehouseMissing) as exc:
            live["notice"].param.update(object=str(exc), visible=True)

    def _on_filters(self, *_events) -> None:
        self._refresh("kpis", "recap_expenses", "recap_income", "lines", "reconciliation", "proposals", "chart")

    def _on_category(self, *_events) -> None:
        self._refresh("lines")

    def _on_chart_direction(self, *_events) -> None:
        self._refresh("chart")

    def __panel__(self):
        if self._live is not None:
            return self._layout
        kpis = self.kpis()
        expenses, refresh_expenses = self._recap(EXPENSE, _("Expenses recap"), "depenses")
        income, refresh_income = self._recap(INCOME, _("Income recap"), "recettes")
        lines, refresh_lines = self._lines()
        reconciliation, refresh_reconciliation = self._reconciliation()
        proposals, refresh_proposals = self._proposals()
        chart, refresh_chart = self._chart()

        def refresh_kpis():
            kpis.object = self.kpis_html()

        self._live = {
            "kpis": refresh_kpis, "recap_expenses": refresh_expenses, "recap_income": refresh_income,
            "lines": refresh_lines, "reconciliation": refresh_reconciliation, "proposals": refresh_proposals,
            "chart": refresh_chart,
            "notice": PlainAlert("", alert_type="warning", visible=False, css_classes=["refresh-notice"]),
        }
        self.filters.param.watch(self._on_filters, ["current", "unit"])
        self.param.watch(self._on_category, "category")
        self.param.watch(self._on_chart_direction, "chart_direction")
        self._layout = pn.Column(
            FilterBar(filters=self.filters),
            budget_tracking_workbook(self),
            self._live["notice"],
            kpis,
            expenses,
            income,
            # right below the recaps: a click on a recap row shows its lines where the eye is
            pn.Column(pn.pane.Markdown("### " + _("Detail of the lines")), self._category_select,
                      lines, sizing_mode="stretch_width", css_classes=["lines-detail"]),
            # below the fold: drawn once the browser has shown the cards and the recaps (dashboards/lazy.py)
            later(pn.Column(
                reconciliation,
                proposals,
                pn.Column(pn.pane.Markdown("### " + _("Month by month: forecast and actual")),
                          self._chart_switch, chart, sizing_mode="stretch_width"),
                BudgetEntries(self.warehouse, self.filters, self.context.config),
                sizing_mode="stretch_width",
            ), min_height=1200),
            sizing_mode="stretch_width",
        )
        return self._layout
