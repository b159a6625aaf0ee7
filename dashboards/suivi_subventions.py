"""Suivi subventions: each subsidy of an exercice, from request to report, and its échéancier.

Every figure comes from `sql/queries/suivi_subventions/*.sql` over marts.subsidy_tracking and
marts.subsidy_instalments_timeline; this module chooses the parameters (unit, exercice) and shows
the answers in French, with links into the plan de trésorerie and Suivi budgétaire. Below them,
the subsidy form with its échéancier (`dashboards.subsidy_entries`).
"""

from __future__ import annotations

import html
from urllib.parse import urlencode

import pandas as pd
import panel as pn
import param

from alambic import formatting
from alambic.formatting import is_true
from alambic.i18n import N_, _
from dashboards.components import (
    COMPACT_CSS,
    KPI_CSS,
    TABLE_CSS,
    Column,
    FilterBar,
    Filters,
    PlainAlert,
    card_grid,  # noqa: I001
    csv_download,
    french_table,
    instalment_kind_label,
    kpi_card,
    marts_ready,
)
from dashboards.lazy import later
from dashboards.periods import fiscal_year_of
from dashboards.queries import run_query
from dashboards.subsidy_entries import SubsidyEntries
from dashboards.workbook import filters_workbook

NATURE_LABELS = {"fonctionnement": N_("Operating"), "investissement": N_("Investment")}
STATUS_LABELS = {"reçu": N_("Cashed in"), "à venir": N_("Upcoming"), "en retard": N_("Late")}
BADGE_STYLES = {
    "reçu": "background:#e3f1ec;color:#1f5a4a",
    "à venir": "background:#e8eef5;color:#2d4a6b",
    "en retard": "background:#b3261e;color:#fff",
}


def WRAP(*titles: str) -> dict:
    """Tabulator formatters that wrap long text on several lines instead of cutting it."""
    return {title: {"type": "textarea"} for title in titles}


def HTML_CELLS(*titles: str) -> dict:
    return {title: {"type": "html"} for title in titles}


def funder_html(funder, scheme, total: bool = False) -> str:
    """Financeur in bold, the dispositif below it (one cell, to keep the table readable)."""
    if total:
        return "<b>" + html.escape(_("Total")) + "</b>"
    scheme_text = "" if formatting.is_missing(scheme) else html.escape(str(scheme))
    return (f'<div style="white-space:normal"><b>{html.escape(str(funder))}</b><br>'
            f'<span style="color:#4a5560;font-size:0.9em">{scheme_text}</span></div>')


def table_columns(columns: list[Column], replace: dict[str, Column], widths: dict[str, int | str]) -> list[Column]:
    """The CSV columns as the table shows them: some replaced (e.g. by an HTML cell), some widths set."""
    out = []
    for col in columns:
        if col.name in replace:
            if replace[col.name] is not None:
                out.append(replace[col.name])
            continue
        out.append(Column(col.name, col.title, col.kind, col.flag_text, widths.get(col.name, col.width)))
    return out


LINK_STYLE = "color:#2f6f5e;text-decoration:underline"


def nature_label(nature) -> str:
    if formatting.is_missing(nature):
        return ""
    return _(NATURE_LABELS[nature]) if nature in NATURE_LABELS else str(nature)


def status_label(status) -> str:
    if formatting.is_missing(status):
        return ""
    return _(STATUS_LABELS[status]) if status in STATUS_LABELS else str(status)


def status_badge(status) -> str:
    style = BADGE_STYLES.get(status, "")
    return (f'<span class="badge" data-status="{html.escape(str(status))}" style="{style};border-radius:10px;'
            f'padding:1px 9px;font-size:0.85em;white-space:nowrap">{html.escape(status_label(status))}</span>')


def link(url: str, text: str) -> str:
    return f'<a href="{html.escape(url)}" style="{LINK_STYLE}" target="_self">{html.escape(text)}</a>'


def subsidy_columns() -> list[Column]:
    return [
        Column("funder_label", _("Funder")),
        Column("scheme", _("Scheme / call")),
        Column("unit_label", _("Unit")),
        Column("nature_label", _("Nature")),
        Column("demande", _("Requested"), "money"),
        Column("accorde", _("Granted"), "money"),
        Column("verse", _("Received"), "money"),
        Column("reste_a_percevoir", _("Remaining to receive"), "money"),
        Column("depense", _("Spent"), "money"),
        Column("reste_a_depenser", _("Remaining to spend"), "money"),
        Column("report_due_on", _("Report due on"), "date"),
        Column("odoo_label", _("Odoo entry")),
        Column("match_label", _("Follow-up")),
    ]


MATCH_LABELS = {
    "lien": N_("attached by a member"),
    "auto": N_("attached (same funder, amount and fiscal year)"),
    "ambigu": N_("to attach: several Odoo entries fit, choose one in the form"),
    "aucun": N_("not in Odoo yet"),
    "introuvable": N_("the Odoo entry chosen is not a subsidy"),
    "en_double": N_("another follow-up already has this Odoo entry"),
}


def match_label(source, match) -> str:
    if formatting.is_missing(source):
        return ""
    if formatting.is_missing(match):
        return _("no follow-up typed") if source == "odoo" else ""
    return _(MATCH_LABELS[match]) if match in MATCH_LABELS else str(match)


def odoo_label(move_id, move_name) -> str:
    if formatting.is_missing(move_id):
        return ""
    return f"{move_name} (n° {int(move_id)})"


def instalment_columns() -> list[Column]:
    return [
        Column("expected_on", _("Expected on"), "date"),
        Column("received_on", _("Received on"), "date"),
        Column("funder", _("Funder")),
        Column("scheme", _("Scheme / call")),
        Column("unit_label", _("Unit")),
        Column("kind_label", _("Instalment")),
        Column("amount", _("Amount"), "money"),
        Column("status_label", _("Status")),
        Column("days_late_text", _("Days late")),
        Column("treasury_month", _("Counted in the treasury plan"), "month"),
    ]


class SuiviSubventions(pn.viewable.Viewer):
    """The page. The exercice shown is the one holding the start of `filters.period`; the « Exercice »
    choice sets the period to a whole exercice. The unit filter keeps the subsidies of that unit and
    the units below it."""

    context = param.Parameter(doc="AppContext: warehouse, configuration.")
    filters = param.ClassSelector(class_=Filters)
    exercice = param.Selector(default="", objects=[""], check_on_set=False,
                              doc="The exercice shown, as the period filter writes it ('2026', 'EX2026').")

    def __init__(self, **params):
        super().__init__(**params)
        if self.filters is None:
            self.filters = self.context.filters or Filters.from_warehouse(self.context.warehouse)
        self.ready = marts_ready(self.warehouse, "subsidy_tracking", "subsidy_instalments_timeline")
        if not self.ready:
            return
        settings = run_query(self.warehouse, "filters/parametres").iloc[0]
        self._fy_month = int(settings["fiscal_year_start_month"])
        exercices = run_query(self.warehouse, "suivi_subventions/exercices")
        self.param.exercice.objects = {row.exercice_label: row.period_text for row in exercices.itertuples()}
        self._follow_period()
        self.filters.param.watch(self._follow_period, "current")
        self.param.watch(self._choose_exercice, "exercice")
        self._exercice_select = pn.widgets.Select.from_param(self.param.exercice, name=_("Fiscal year"), width=180)
        self.entries = SubsidyEntries(self.warehouse, self.filters, self.context.config)

    @property
    def warehouse(self):
        return self.context.warehouse

    def _follow_period(self, event=None) -> None:
        value = fiscal_year_of(self.filters.current.start, self._fy_month)
        names = dict(self.param.exercice.names or {})
        if value not in names.values():  # an exercice without subsidy: offered all the same
            year = int(value.removeprefix("EX"))
            names[value if self._fy_month == 1 else f"{year}-{year + 1}"] = value
            self.param.exercice.objects = dict(sorted(names.items(), key=lambda item: item[1], reverse=True))
        self.exercice = value

    def _choose_exercice(self, event) -> None:
        if event.new and event.new != fiscal_year_of(self.filters.current.start, self._fy_month):
            self.filters.period = event.new

    def _params(self) -> dict:
        return {"unit": self.filters.unit, "date_from": self.filters.current.start}

    def page_link(self, slug: str, **query) -> str:
        return self.context.page_url(slug) + "?" + urlencode(query)

    # -- data (each from one SQL file) -----------------------------------------------------------

    def subsidies_data(self) -> pd.DataFrame:
        frame = run_query(self.warehouse, "suivi_subventions/subventions", **self._params()).copy()
        frame["funder_label"] = [_("Total") if total else funder
                                 for funder, total in zip(frame["funder"], frame["is_total"])]
        frame["unit_label"] = [f"{name} ({code})" if isinstance(code, str) else ""
                               for code, name in zip(frame["unit_code"], frame["unit_name"])]
        frame["nature_label"] = frame["nature"].map(nature_label)
        frame["odoo_label"] = [odoo_label(i, n) for i, n in zip(frame["odoo_move_id"], frame["odoo_move_name"])]
        frame["match_label"] = [match_label(s, m) for s, m in zip(frame["source"], frame["match"])]
        frame["funder_html"] = [funder_html(f, sc, bool(t)) for f, sc, t in
                                zip(frame["funder"], frame["scheme"], frame["is_total"])]
        frame["unit_link"] = [
            '<div style="white-space:normal">'
            + link(self.page_link("suivi-budgetaire", unite=code, periode=period), label) + "</div>"
            if isinstance(code, str) else ""
            for code, period, label in zip(frame["unit_code"], frame["budget_period"], frame["unit_label"])
        ]
        return frame

    def instalments_data(self) -> pd.DataFrame:
        frame = run_query(self.warehouse, "suivi_subventions/echeances", **self._params()).copy()
        frame["unit_label"] = [f"{name} ({code})" if isinstance(code, str) else ""
                               for code, name in zip(frame["unit_code"], frame["unit_name"])]
        frame["kind_label"] = frame["kind"].map(instalment_kind_label)
        frame["funder_html"] = [funder_html(f, sc) for f, sc in zip(frame["funder"], frame["scheme"])]
        frame["status_label"] = frame["status"].map(status_label)
        frame["status_badge"] = frame["status"].map(status_badge)
        frame["days_late_text"] = frame["days_late"].map(
            lambda d: "" if formatting.is_missing(d) else formatting.number(int(d)))
        frame["treasury_link"] = [
            (link(self.page_link("plan-de-tresorerie", periode=period, mois=pd.Timestamp(month).strftime("%Y-%m"),
                                 unite=self.filters.unit),
                  formatting.month(month)) if is_true(in_plan) else _("beyond the plan"))
            if not formatting.is_missing(month) else ""
            for month, period, in_plan in zip(frame["treasury_month"], frame["treasury_period"], frame["in_plan"])
        ]
        return frame

    def workbook_sheets(self) -> dict:
        """The XLSX workbook: the subsidies of the exercice (total in bold) and their échéancier."""
        return {
            _("Subsidies of the fiscal year"): (self.subsidies_data(), subsidy_columns(), {"bold": "is_total"}),
            _("Instalment timeline"): (self.instalments_data(), instalment_columns()),
        }

    def kpi_data(self) -> pd.Series:
        return run_query(self.warehouse, "suivi_subventions/indicateurs", **self._params()).iloc[0]

    def _filename(self, what: str) -> str:
        return f"suivi-subventions_{what}_{self.filters.unit}_{self.exercice}.csv"

    # -- views -----------------------------------------------------------------------------------

    @param.depends("filters.current", "filters.unit")
    def shown_exercice(self):
        period = self.filters.current
        label = next((k for k, v in (self.param.exercice.names or {}).items() if v == self.exercice), self.exercice)
        return pn.pane.Markdown(_("Fiscal year shown: **{label}** — subsidies whose period of realisation "
                                  "covers it.", label=label), css_classes=["exercice-shown"],
                                margin=(28, 10, 0, 10)) if period else None

    @param.depends("filters.current", "filters.unit")
    def kpis(self):
        k = self.kpi_data()
        late = int(k["late_count"])
        title = html.escape(_("Next financial report due"))
        report = (
            f'<div class="kpi-card" data-kpi="next_report_on">'
            f'<div class="kpi-title">{title}</div>'
            f'<div class="kpi-value">{html.escape(formatting.date(k["next_report_on"]) or "—")}</div>'
            f'<div class="kpi-note">{html.escape("" if formatting.is_missing(k["next_report_funder"]) else str(k["next_report_funder"]))}</div>'
            "</div>"
        )
        return card_grid(
            kpi_card("accorde", _("Granted"), k["accorde"],
                     _("{count} subsidies", count=int(k["subsidy_count"]))),
            kpi_card("verse", _("Received"), k["verse"]),
            kpi_card("reste_a_percevoir", _("Remaining to receive"), k["reste_a_percevoir"]),
            kpi_card("late_amount", _("Late instalments"), k["late_amount"],
                     _("{count} instalment(s) late", count=late) if late else _("None late"), alert=late > 0),
            pn.pane.HTML(report, stylesheets=[KPI_CSS], margin=(5, 10), min_width=190),
            sizing_mode="stretch_width",
        )

    def subsidies_table(self) -> pn.widgets.Tabulator:
        data = self.subsidies_data()
        funder_title = _("Funder") + " · " + _("Scheme / call")
        columns = table_columns(subsidy_columns(), {
            "funder_label": Column("funder_html", funder_title, width=180),
            "scheme": None,
            "unit_label": Column("unit_link", _("Unit"), width=122),
        }, {"nature_label": 105, "report_due_on": 95})
        table = french_table(data, columns, highlight="has_late_instalment", bold="is_total", selectable=False,
                             css_classes=["subsidies"], stylesheets=[TABLE_CSS, COMPACT_CSS])
        table.formatters = {**table.formatters, **HTML_CELLS(funder_title, _("Unit"))}
        return table

    @param.depends("filters.current", "filters.unit")
    def subsidies(self):
        data = self.subsidies_data()
        if not (~data["is_total"]).any():
            body = pn.pane.Markdown(_("No subsidy for this unit over this fiscal year."))
        else:
            body = self.subsidies_table()
        return pn.Column(
            body,
            pn.pane.Markdown(_("In red: a subsidy with a late instalment. « Spent » is what the funded unit "
                               "spent over the period of realisation (Odoo, actual expenses), not what was "
                               "justified to the funder."), css_classes=["hint"]),
            pn.pane.Markdown(_("Click a unit to open its budget tracking for this fiscal year."),
                             css_classes=["hint"]),
            pn.FlexBox(csv_download(_("Download the subsidies (CSV)"), self._filename("subventions"),
                                self.subsidies_data, subsidy_columns()),
                   filters_workbook("suivi-subventions", _("Subsidy tracking"), self.filters, self.workbook_sheets)),
            sizing_mode="stretch_width",
        )

    def instalments_table(self) -> pn.widgets.Tabulator:
        data = self.instalments_data()
        funder_title = _("Funder") + " · " + _("Scheme / call")
        columns = table_columns(instalment_columns(), {
            "funder": Column("funder_html", funder_title, width=230),
            "scheme": None,
            "status_label": Column("status_badge", _("Status"), width=100),
            "treasury_month": Column("treasury_link", _("Counted in the treasury plan"), width=115),
        }, {"unit_label": 140, "expected_on": 95, "received_on": 95, "kind_label": 96, "amount": 100})
        table = french_table(data, columns, highlight="is_late", selectable=False,
                             css_classes=["instalments"], pagination="local", page_size=20,
                             stylesheets=[TABLE_CSS, COMPACT_CSS])
        table.formatters = {**table.formatters, **HTML_CELLS(funder_title, _("Status"), _("Counted in the treasury plan")),
                            **WRAP(_("Unit"))}
        return table

    @param.depends("filters.current", "filters.unit")
    def instalments(self):
        data = self.instalments_data()
        if data.empty:
            body = pn.pane.Markdown(_("No instalment."))
        else:
            body = self.instalments_table()
        return pn.Column(
            body,
            pn.pane.Markdown(_("A late instalment counts in the current month of the treasury plan (it is "
                               "still awaited). Click a month to open the plan on it."), css_classes=["hint"]),
            csv_download(_("Download the instalments (CSV)"), self._filename("echeances"),
                         self.instalments_data, instalment_columns()),
            sizing_mode="stretch_width",
        )

    def __panel__(self):
        if not self.ready:
            return PlainAlert(_("The subsidy tracking has not been computed yet: run « alambic build »."),
                                 alert_type="warning")
        return pn.Column(
            FilterBar(filters=self.filters),
            pn.FlexBox(self._exercice_select, self.shown_exercice, sizing_mode="stretch_width"),
            self.kpis,
            pn.Column(pn.pane.Markdown("### " + _("Subsidies of the fiscal year")), self.subsidies,
                      sizing_mode="stretch_width"),
            later(pn.Column(  # below the fold: drawn once the first screen is shown (dashboards/lazy.py)
                pn.Column(pn.pane.Markdown("### " + _("Instalment timeline")), self.instalments,
                          sizing_mode="stretch_width"),
                self.entries,
                sizing_mode="stretch_width"), min_height=600),
            sizing_mode="stretch_width",
        )
