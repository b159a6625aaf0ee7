"""Suivi volontariat: the hours members give through Oceco, per member, per pôle and per month,
what waits for an admin's validation, and the yearly valuation for the comptes 864 / 875.

Every figure comes from `sql/queries/suivi_volontariat/*.sql` over marts.volunteer_hours,
marts.volunteer_contributions and marts.volunteer_valuation; this module chooses the parameters
(unit, period) and shows the answers in French.
"""

from __future__ import annotations

import holoviews as hv
import hvplot.pandas  # noqa: F401  (registers .hvplot, as the other pages)
import pandas as pd
import panel as pn
import param
from bokeh.models import HoverTool

from alambic import formatting
from alambic.i18n import _
from dashboards.components import (
    Column,
    FilterBar,
    Filters,
    PlainAlert,
    card_grid,  # noqa: I001
    csv_download,
    figure_card,
    french_table,
    kpi_card,
    marts_ready,
)
from dashboards.lazy import later
from dashboards.queries import run_query


def member_columns() -> list[Column]:
    return [
        Column("person_name", _("Member"), width=190),
        Column("match_text", _("Matching")),
        Column("hours_validated", _("Validated hours"), "hours"),
        Column("hours_pending", _("Hours awaiting validation"), "hours"),
        Column("actions_validated", _("Validated actions"), "number"),
        Column("credits", _("Credits (net)"), "number"),
        Column("valuation", _("Valuation"), "money"),
        Column("balance", _("Oceco balance today"), "number"),
    ]


def unit_columns() -> list[Column]:
    return [
        Column("unit_label", _("Pole"), width=210),
        Column("month", _("Month"), "month"),
        Column("members", _("Members"), "number"),
        Column("hours_validated", _("Validated hours"), "hours"),
        Column("hours_pending", _("Hours awaiting validation"), "hours"),
        Column("credits", _("Credits (net)"), "number"),
        Column("valuation", _("Valuation"), "money"),
    ]


def pending_columns() -> list[Column]:
    return [
        Column("day", _("Day"), "date"),
        Column("action_name", _("Action"), width=240),
        Column("person_name", _("Member"), width=190),
        Column("unit_label", _("Pole"), width=210),
        Column("hours", _("Hours"), "hours"),
    ]


def yearly_columns() -> list[Column]:
    return [
        Column("exercice_label", _("Fiscal year")),
        Column("hours_validated", _("Validated hours"), "hours"),
        Column("members", _("Members"), "number"),
        Column("hourly_rate", _("Hourly rate"), "money"),
        Column("valuation", _("Valuation (864 / 875)"), "money"),
        Column("booked_in_odoo", _("Already booked on 864 in Odoo"), "money"),
        Column("hours_pending", _("Hours awaiting validation"), "hours"),
    ]


def volunteer_table(data: pd.DataFrame, columns: list[Column], **kwargs) -> pn.widgets.Tabulator:
    return french_table(data, columns, selectable=False, **kwargs)


def unit_label(code, name) -> str:
    if formatting.is_missing(code):
        return ""
    return f"{name} ({code})" if not formatting.is_missing(name) else str(code)


class SuiviVolontariat(pn.viewable.Viewer):
    """The page. The unit filter keeps the unit and the units below it; hours count on the unit of
    the Oceco project (pôle) of their action, or on La Raffinerie when none is known."""

    context = param.Parameter(doc="AppContext: warehouse, configuration.")
    filters = param.ClassSelector(class_=Filters)

    def __init__(self, **params):
        super().__init__(**params)
        if self.filters is None:
            self.filters = self.context.filters or Filters.from_warehouse(self.context.warehouse)
        self.ready = marts_ready(
            self.warehouse, "volunteer_hours", "volunteer_contributions", "volunteer_valuation", "people_links")

    @property
    def warehouse(self):
        return self.context.warehouse

    def _params(self) -> dict:
        return self.filters.params()

    def _filename(self, what: str) -> str:
        return f"suivi-volontariat_{what}_{self.filters.unit}_{self.filters.current.text}.csv"

    # -- data (each from one SQL file) -----------------------------------------------------------

    def kpi_data(self) -> pd.Series:
        return run_query(self.warehouse, "suivi_volontariat/indicateurs", **self._params()).iloc[0]

    def members_data(self) -> pd.DataFrame:
        frame = run_query(self.warehouse, "suivi_volontariat/membres", **self._params()).copy()
        frame["match_text"] = [("" if matched else _("to check (Directory)")) for matched in frame["is_matched"]]
        return frame

    def units_data(self) -> pd.DataFrame:
        frame = run_query(self.warehouse, "suivi_volontariat/unites", **self._params()).copy()
        frame["unit_label"] = [unit_label(c, n) for c, n in zip(frame["unit_code"], frame["unit_name"])]
        return frame

    def monthly_data(self) -> pd.DataFrame:
        return run_query(self.warehouse, "suivi_volontariat/mensuel", **self._params())

    def pending_data(self) -> pd.DataFrame:
        frame = run_query(self.warehouse, "suivi_volontariat/en_attente", unit=self.filters.unit,
                          date_to=self.filters.current.end).copy()
        frame["unit_label"] = [unit_label(c, n) for c, n in zip(frame["unit_code"], frame["unit_name"])]
        return frame

    def yearly_data(self) -> pd.DataFrame:
        frame = run_query(self.warehouse, "suivi_volontariat/annuel").copy()
        frame["exercice_label"] = [
            str(int(year)) if pd.Timestamp(start).month == 1 else f"{int(year)}-{int(year) + 1}"
            for year, start in zip(frame["exercice"], frame["exercice_start"])
        ]
        return frame

    # -- views -----------------------------------------------------------------------------------

    @param.depends("filters.current", "filters.unit")
    def kpis(self):
        k = self.kpi_data()
        rate = formatting.money(k["hourly_rate"])
        return card_grid(
            figure_card("hours_validated", _("Validated hours"), formatting.hours(k["hours_validated"]),
                        _("{hours} awaiting validation", hours=formatting.hours(k["hours_pending"]))),
            kpi_card("valuation", _("Valuation"), k["valuation"], _("at {rate} per hour", rate=rate)),
            figure_card("members_active", _("Active members"), formatting.number(int(k["members_active"])),
                        _("with hours validated or awaiting validation")),
            figure_card("credits", _("Credits (net)"), formatting.number(float(k["credits"])),
                        _("earned, spent and adjusted")),
            sizing_mode="stretch_width",
        )

    def chart_object(self):
        data = self.monthly_data()
        months = data["month"].map(formatting.month)
        series = [("hours_validated", _("Validated")), ("hours_pending", _("Awaiting validation"))]
        long = pd.concat(
            [pd.DataFrame({"mois": months, "serie": label, "heures": data[column].astype("float64"),
                           "affiche": data[column].map(formatting.hours)})
             for column, label in series],
            ignore_index=True,
        )
        hover = HoverTool(tooltips=[(_("Month"), "@mois"), ("", "@serie"), (_("Hours"), "@affiche")])
        bars = hv.Bars(long, kdims=[("mois", _("Month")), ("serie", _("Series"))],
                       vdims=[("heures", _("Hours")), "affiche"])
        return bars.opts(
            color=hv.Cycle(["#2f6f5e", "#e0b24a"]), tools=[hover], height=300, responsive=True, xlabel="",
            ylabel=_("Hours"), legend_position="top", legend_cols=2, multi_level=False, show_legend=True,
            toolbar=None, default_tools=[], stacked=True, xrotation=0 if len(data) <= 12 else 45,
        )

    @param.depends("filters.current", "filters.unit")
    def chart(self):
        return pn.pane.HoloViews(self.chart_object(), sizing_mode="stretch_width", height=320, backend="bokeh")

    @param.depends("filters.current", "filters.unit")
    def members(self):
        data = self.members_data()
        body = (pn.pane.Markdown(_("No volunteering for this unit over this period."))
                if data.empty else volunteer_table(data, member_columns(), css_classes=["volunteer-members"],
                                                   pagination="local", page_size=15))
        return pn.Column(
            body,
            pn.pane.Markdown(_("« To check »: an Oceco account not yet matched to a person (Oceco does not "
                               "publish e-mails); an admin settles it in the Directory."), css_classes=["hint"]),
            csv_download(_("Download the members (CSV)"), self._filename("membres"), self.members_data,
                         member_columns()),
            sizing_mode="stretch_width",
        )

    @param.depends("filters.current", "filters.unit")
    def units(self):
        data = self.units_data()
        body = (pn.pane.Markdown(_("No volunteering for this unit over this period."))
                if data.empty else volunteer_table(data, unit_columns(), css_classes=["volunteer-units"],
                                                   pagination="local", page_size=15))
        return pn.Column(
            body,
            pn.pane.Markdown(_("Hours count on the pole of the action's Oceco project (same name or first "
                               "tag as the unit); hours with no known pole, spends and adjustments count on "
                               "La Raffinerie."), css_classes=["hint"]),
            csv_download(_("Download by pole and month (CSV)"), self._filename("poles"), self.units_data,
                         unit_columns()),
            sizing_mode="stretch_width",
        )

    @param.depends("filters.current", "filters.unit")
    def pending(self):
        data = self.pending_data()
        body = (pn.pane.Markdown(_("Nothing awaits validation."))
                if data.empty else volunteer_table(data, pending_columns(), css_classes=["volunteer-pending"],
                                                   pagination="local", page_size=10))
        return pn.Column(
            pn.pane.Markdown(_("{count} participation(s) finished and awaiting an Oceco admin's validation, up "
                               "to the end of the period.", count=len(data)), css_classes=["pending-count"]),
            body,
            csv_download(_("Download the actions awaiting validation (CSV)"), self._filename("a-valider"),
                         self.pending_data, pending_columns()),
            sizing_mode="stretch_width",
        )

    def yearly(self):
        data = self.yearly_data()
        body = (pn.pane.Markdown(_("No validated volunteering yet."))
                if data.empty else volunteer_table(data, yearly_columns(), css_classes=["volunteer-yearly"]))
        return pn.Column(
            body,
            pn.pane.Markdown(_("For the whole organisation, whatever the unit chosen: the same amount goes to "
                               "the debit of 864 « Personnel bénévole » and the credit of 875 « Bénévolat » "
                               "(contributions volontaires en nature). The hourly rate is set in the "
                               "configuration ([volunteering] hourly_rate)."), css_classes=["hint"]),
            csv_download(_("Download the yearly valuation (CSV)"), "suivi-volontariat_valorisation.csv",
                         self.yearly_data, yearly_columns()),
            sizing_mode="stretch_width",
        )

    def __panel__(self):
        if not self.ready:
            return PlainAlert(_("The volunteer tracking has not been computed yet: run « alambic build »."),
                                 alert_type="warning")
        return pn.Column(
            FilterBar(filters=self.filters),
            self.kpis,
            pn.Column(pn.pane.Markdown("### " + _("Hours month by month")), self.chart, sizing_mode="stretch_width"),
            later(pn.Column(  # below the fold: drawn once the first screen is shown (dashboards/lazy.py)
                pn.Column(pn.pane.Markdown("### " + _("By member")), self.members, sizing_mode="stretch_width"),
                pn.Column(pn.pane.Markdown("### " + _("By pole and month")), self.units, sizing_mode="stretch_width"),
                pn.Column(pn.pane.Markdown("### " + _("Actions awaiting validation")), self.pending,
                          sizing_mode="stretch_width"),
                pn.Column(pn.pane.Markdown("### " + _("Yearly valuation (accounts 864 / 875)")), self.yearly(),
                          sizing_mode="stretch_width"),
                sizing_mode="stretch_width"), min_height=1200),
            sizing_mode="stretch_width",
        )
