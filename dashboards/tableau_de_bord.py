"""Tableau de bord: where La Raffinerie, or one of its groupes, pôles or projets, stands.

KPI cards (budget of the period — by default the current exercice —, treasury, subsidies) and the
alerts of the unit and of every unit below it, each linking to its detail. Every figure comes
from `sql/queries/tableau_de_bord/*.sql`; this module chooses the parameters and writes French.
"""

from __future__ import annotations

import html
from urllib.parse import parse_qsl, urlencode

import duckdb
import pandas as pd
import panel as pn
import param

from alambic import formatting
from alambic.i18n import N_, _
from dashboards.app import with_query
from dashboards.components import (
    ROOT_UNIT,
    Column,
    FilterBar,
    Filters,
    PlainAlert,
    card_grid,  # noqa: I001
    figure_card,
    kpi_card,
)
from dashboards.queries import run_query
from dashboards.workbook import filters_workbook

SEVERITY_LABELS = {"haute": N_("High"), "moyenne": N_("Medium"), "info": N_("Info")}
KIND_TITLES = {
    "depassement": N_("Budget overruns"),
    "ecart_previsionnel": N_("Forecast / actual gaps"),
    "echeance_en_retard": N_("Late instalments"),
    "compte_rendu_proche": N_("Financial reports due soon"),
    "tresorerie_basse": N_("Low forecast cash"),
}
ALERT_LABELS = {
    "depassement": N_("Alert: budget overrun"),
    "ecart_previsionnel": N_("Alert: forecast / actual gap"),
    "echeance_en_retard": N_("Alert: late instalment"),
    "compte_rendu_proche": N_("Alert: financial report due soon"),
    "tresorerie_basse": N_("Alert: low forecast cash"),
}


def severity_label(severity: str) -> str:
    return _(SEVERITY_LABELS[severity]) if severity in SEVERITY_LABELS else str(severity)


def alert_kind_label(code: str) -> str:
    return _(ALERT_LABELS[code]) if code in ALERT_LABELS else str(code)


def alert_href(link: str, filters: Filters, page_url=lambda slug: f"/{slug}") -> str:
    """The URL of an alert's detail: the mart's link (page and query string), completed with the
    page's current unit and period when the link does not set them (e.g. 'plan-de-tresorerie')."""
    slug, _sep, query = (link or "").partition("?")
    params = dict(parse_qsl(query, keep_blank_values=True))
    current = dict(parse_qsl(filters.query_string().lstrip("?")))
    for key, value in current.items():
        params.setdefault(key, value)
    return with_query(page_url(slug), "?" + urlencode(params) if params else "")


def alert_columns() -> list[Column]:
    return [
        Column("severity_label", _("Severity")),
        Column("kind_label", _("Alert")),
        Column("label", _("Label")),
        Column("unit_name", _("Unit")),
        Column("amount", _("Amount"), "money"),
        Column("alert_date", _("Date"), "date"),
    ]


ALERTS_CSS = """
.alert-list { list-style: none; padding: 0; margin: 0; font-family: inherit; }
.alert-item { display: flex; gap: 12px; align-items: baseline; padding: 8px 12px; margin: 4px 0;
              border: 1px solid #d9dee3; border-left: 5px solid #c98a00; border-radius: 6px;
              background: #fff; }
.alert-item.haute { border-left-color: #b3261e; background: #fdf1f0; }
.alert-severity { font-size: 0.78em; font-weight: 600; text-transform: uppercase; min-width: 70px;
                  color: #8a5a00; }
.alert-item.haute .alert-severity { color: #b3261e; }
.alert-text { flex: 1; color: #1d2b36; }
.alert-text a { color: #1d2b36; text-decoration: underline; }
.alert-kind { font-size: 0.8em; color: #6b7680; display: block; }
.alert-figures { white-space: nowrap; color: #1d2b36; font-weight: 600; text-align: right; }
.alert-date { font-weight: normal; color: #6b7680; font-size: 0.85em; display: block; }
.alert-group { margin: 10px 0 16px 0; }
.alert-group h4 { margin: 4px 0; font-size: 1em; color: #1d2b36; }
.alert-group .kind-figures { font-weight: normal; color: #4a5560; }
.alert-item.info { border-left-color: #9fb3c8; }
.alert-item.info .alert-severity { color: #4a5560; }
.alert-unit { font-size: 0.85em; color: #4a5560; }
details.alert-minor summary { cursor: pointer; color: #4a5560; padding: 4px 0; }
@media (max-width: 600px) {
  .alert-item { flex-wrap: wrap; gap: 4px 12px; }
  .alert-text { flex-basis: 100%; order: 3; }
}
.no-alert { padding: 10px 14px; border: 1px solid #cfe3da; border-left: 5px solid #2f6f5e;
            border-radius: 6px; background: #f1f8f5; color: #1d4d40; }
"""


class TableauDeBord(pn.viewable.Viewer):
    """The page. `filters` holds the unit and period (synced to the URL by the app shell)."""

    context = param.Parameter(doc="AppContext: warehouse, configuration.")
    filters = param.ClassSelector(class_=Filters)
    alert_kind = param.Selector(default="", objects=[""], check_on_set=False, doc="'' = every kind")
    alert_severity = param.Selector(default="", objects=[""], check_on_set=False, doc="'' = every severity")

    def __init__(self, **params):
        super().__init__(**params)
        if self.filters is None:
            self.filters = self.context.filters or Filters.from_warehouse(self.context.warehouse)
        self.param.alert_kind.objects = {_("All kinds"): "", **{_(t): c for c, t in KIND_TITLES.items()}}
        self.param.alert_severity.objects = {
            _("All severities"): "", **{_(t): c for c, t in SEVERITY_LABELS.items()}}
        self._kind_select = pn.widgets.Select.from_param(self.param.alert_kind, name=_("Kind"), width=280)
        self._severity_select = pn.widgets.Select.from_param(
            self.param.alert_severity, name=_("Severity"), width=200)

    @property
    def warehouse(self):
        return self.context.warehouse

    def page_url(self, slug: str) -> str:
        page_url = getattr(self.context, "page_url", None)
        return page_url(slug) if page_url else f"/{slug}"

    # -- data (each from one SQL file) ---------------------------------------------------------

    def budget_data(self) -> pd.Series:
        return run_query(self.warehouse, "suivi_budgetaire/indicateurs", **self.filters.params()).iloc[0]

    def treasury_data(self) -> pd.Series:
        return run_query(self.warehouse, "tableau_de_bord/tresorerie").iloc[0]

    def subsidy_data(self) -> pd.Series:
        return run_query(self.warehouse, "tableau_de_bord/subventions", **self.filters.params()).iloc[0]

    def alerts_data(self) -> pd.DataFrame:
        """The alerts of the unit and below, with their French severity and kind, and the URL of
        their detail (`href`)."""
        frame = run_query(self.warehouse, "tableau_de_bord/alertes", unit=self.filters.unit).copy()
        frame["severity_label"] = frame["severity"].map(severity_label)
        frame["kind_label"] = frame["alert_code"].map(alert_kind_label)
        frame["href"] = frame["link"].map(lambda link: alert_href(link, self.filters, self.page_url))
        return frame

    def shown_alerts(self) -> pd.DataFrame:
        """alerts_data kept by the kind and severity filters."""
        frame = self.alerts_data()
        if self.alert_kind:
            frame = frame[frame["alert_code"] == self.alert_kind]
        if self.alert_severity:
            frame = frame[frame["severity"] == self.alert_severity]
        return frame

    def kpi_frame(self) -> pd.DataFrame:
        """The cards as a table (for the workbook): indicator, amount or percentage, date."""
        b, t, s = self.budget_data(), self.treasury_data(), self.subsidy_data()
        rows = [
            (_("Budget"), _("Forecast expenses"), b["depenses_previsionnel"], None, None),
            (_("Budget"), _("Spent (actual)"), b["depenses_reel"], None, None),
            (_("Budget"), _("Committed"), b["depenses_engage"], None, None),
            (_("Budget"), _("Budget consumed"), None, b["depenses_pct_consomme"], None),
            (_("Budget"), _("Forecast income"), b["recettes_previsionnel"], None, None),
            (_("Budget"), _("Collected (actual)"), b["recettes_reel"], None, None),
            (_("Treasury"), _("Current balance"), t["current_balance"], None, t["current_month"]),
            (_("Treasury"), _("Lowest forecast closing balance"), t["lowest_closing"], None, t["lowest_month"]),
            (_("Subsidies"), _("Granted"), s["accorde"], None, None),
            (_("Subsidies"), _("Received"), s["verse"], None, None),
            (_("Subsidies"), _("Still to receive"), s["reste_a_percevoir"], None, None),
        ]
        return pd.DataFrame(rows, columns=["section", "indicator", "amount", "ratio", "month"])

    @staticmethod
    def kpi_columns() -> list[Column]:
        return [
            Column("section", _("Section")),
            Column("indicator", _("Indicator")),
            Column("amount", _("Amount"), "money"),
            Column("ratio", _("Percentage"), "percent"),
            Column("month", _("Month"), "month"),
        ]

    # -- views ---------------------------------------------------------------------------------

    def _unavailable(self, exc: Exception) -> pn.pane.Alert:
        return PlainAlert(_("These figures are not available yet: the warehouse has not been "
                               "built with the finance marts."), alert_type="warning",
                             css_classes=["figures-unavailable"])

    def budget_cards(self):
        b = self.budget_data()
        consumed = b["depenses_pct_consomme"]
        overrun = bool(b["depenses_depassement"])
        pct_text = formatting.percent(consumed) if not formatting.is_missing(consumed) else "—"
        realised = b["recettes_pct_realise"]
        return card_grid(
            figure_card("budget_consomme", _("Budget consumed"), pct_text,
                        _("spent and committed, of the forecast expenses"), alert=overrun),
            kpi_card("depenses_reel", _("Spent (actual)"), b["depenses_reel"],
                       _("forecast: {amount}", amount=formatting.money(b["depenses_previsionnel"]))),
            kpi_card("depenses_ecart", _("Actual − forecast (expenses)"), b["depenses_ecart"],
                     _("overrun of {amount}, commitments included",
                       amount=formatting.money(b["depenses_montant_depassement"])) if overrun
                     else (_("under the forecast") if float(b["depenses_ecart"]) < 0 else ""),
                     alert=float(b["depenses_ecart"]) > 0),
            kpi_card("recettes_reel", _("Collected (actual)"), b["recettes_reel"],
                       _("forecast: {amount}", amount=formatting.money(b["recettes_previsionnel"]))
                       + ("" if formatting.is_missing(realised) else f" ({formatting.percent(realised)})")),
            sizing_mode="stretch_width",
        )

    def treasury_cards(self):
        t = self.treasury_data()
        whole = _("whole of La Raffinerie") if self.filters.unit != ROOT_UNIT else ""
        if formatting.is_missing(t["current_month"]):
            return pn.pane.Markdown(_("No treasury plan yet."), css_classes=["hint"])
        low = bool(t["lowest_below_threshold"])
        return card_grid(
            kpi_card("tresorerie_solde", _("Current balance"), t["current_balance"],
                       " · ".join(p for p in (_("at the start of {month}", month=formatting.month(t["current_month"])),
                                              whole) if p),
                       alert=float(t["current_balance"]) < float(t["threshold"])),
            kpi_card("tresorerie_min", _("Lowest forecast closing balance"), t["lowest_closing"],
                       " · ".join(p for p in (_("end of {month}", month=formatting.month(t["lowest_month"])),
                                              _("threshold: {amount}", amount=formatting.money(t["threshold"])))
                                  if p),
                       alert=low),
            figure_card("tresorerie_mois", _("Month of the lowest balance"),
                        formatting.month_long(t["lowest_month"]),
                        _("forecast until {month}", month=formatting.month(t["last_month"])), alert=low),
            sizing_mode="stretch_width",
        )

    def subsidy_cards(self):
        s = self.subsidy_data()
        count = int(s["nombre"])
        late = int(s["en_retard"])
        note = _("{count} subsidies over the period", count=count)
        return card_grid(
            kpi_card("subventions_accorde", _("Subsidies granted"), s["accorde"], note),
            kpi_card("subventions_verse", _("Received"), s["verse"]),
            kpi_card("subventions_reste", _("Still to receive"), s["reste_a_percevoir"],
                       _("{count} with a late instalment", count=late) if late else "", alert=late > 0),
            sizing_mode="stretch_width",
        )

    def _section(self, title: str, build):
        try:
            body = build()
        except duckdb.CatalogException as exc:  # a mart not built yet (e.g. a partial warehouse)
            body = self._unavailable(exc)
        return pn.Column(pn.pane.Markdown("#### " + title, margin=(0, 10)), body, sizing_mode="stretch_width")

    @param.depends("filters.current", "filters.unit")
    def kpis(self):
        period = self.filters.current
        return pn.Column(
            self._section(_("Budget — {period}", period=period.label), self.budget_cards),
            self._section(_("Treasury"), self.treasury_cards),
            self._section(_("Subsidies — {period}", period=period.label), self.subsidy_cards),
            sizing_mode="stretch_width",
        )

    def alerts_html(self, alerts: pd.DataFrame) -> str:
        if alerts.empty:
            text = _("No alert") + " — " + _("everything is within the thresholds for this unit.")
            return f'<div class="no-alert" data-alerts="0">{html.escape(text)}</div>'
        groups = []
        for code, group in alerts.groupby("alert_code", sort=False):  # the query's order: most at stake first
            first = group.iloc[0]
            major = [self._alert_item(r) for r in group.itertuples() if r.severity != "info"]
            minor = [self._alert_item(r) for r in group.itertuples() if r.severity == "info"]
            figures = _("{count} alerts, of which {high} high", count=int(first["kind_count"]),
                        high=int(first["kind_high"]))
            if not formatting.is_missing(first["kind_stake"]) and float(first["kind_stake"]) > 0:
                figures += " · " + _("{amount} at stake", amount=formatting.money(first["kind_stake"]))
            body = f'<ul class="alert-list">{"".join(major)}</ul>' if major else ""
            if minor:
                more = _("{count} below the materiality threshold (info)", count=len(minor))
                body += (f'<details class="alert-minor"{" open" if not major else ""}><summary>'
                         f'{html.escape(more)}</summary><ul class="alert-list">{"".join(minor)}</ul></details>')
            title = _(KIND_TITLES[code]) if code in KIND_TITLES else str(code)
            groups.append(
                f'<section class="alert-group" data-kind="{html.escape(str(code))}">'
                f'<h4>{html.escape(title)} <span class="kind-figures">— {html.escape(figures)}</span></h4>'
                f'{body}</section>')
        return f'<div class="alert-groups" data-alerts="{len(alerts)}">{"".join(groups)}</div>'

    @staticmethod
    def _alert_item(row) -> str:
        amount = formatting.money(row.amount)
        date = formatting.date(row.alert_date)
        figures = html.escape(amount) + (
            f'<span class="alert-date">{html.escape(date)}</span>' if date else "")
        unit = "" if formatting.is_missing(row.unit_name) else str(row.unit_name)
        return (
            f'<li class="alert-item {html.escape(row.severity)}" data-alert="{html.escape(row.alert_key)}">'
            f'<span class="alert-severity">{html.escape(row.severity_label)}</span>'
            f'<span class="alert-text"><span class="alert-kind">{html.escape(row.kind_label)}'
            + (f' · <span class="alert-unit">{html.escape(unit)}</span>' if unit else "")
            + f'</span><a href="{html.escape(row.href)}" target="_top">{html.escape(row.label)}</a></span>'
            f'<span class="alert-figures">{figures}</span></li>'
        )

    @param.depends("filters.current", "filters.unit", "alert_kind", "alert_severity")
    def alerts(self):
        try:
            alerts = self.shown_alerts()
        except duckdb.CatalogException as exc:
            return self._unavailable(exc)
        count = len(alerts)
        high = int((alerts["severity"] == "haute").sum()) if count else 0
        summary = _("{count} alerts, of which {high} high", count=count, high=high) if count else ""
        parts = [pn.pane.Markdown(summary, css_classes=["alert-summary"])] if summary else []
        parts.append(pn.pane.HTML(self.alerts_html(alerts), stylesheets=[ALERTS_CSS],
                                  sizing_mode="stretch_width", css_classes=["alerts"]))
        return pn.Column(*parts, sizing_mode="stretch_width")

    def workbook_sheets(self) -> dict:
        return {
            _("Key figures"): (self.kpi_frame(), self.kpi_columns()),
            _("Alerts"): (self.alerts_data(), alert_columns()),
        }

    def __panel__(self):
        return pn.Column(
            FilterBar(filters=self.filters),
            self.kpis,
            pn.Column(pn.pane.Markdown("### " + _("Alerts")),
                      pn.FlexBox(self._kind_select, self._severity_select, css_classes=["alert-filters"]),
                      self.alerts,
                      pn.pane.Markdown(_("Each alert links to its detail."), css_classes=["hint"]),
                      sizing_mode="stretch_width"),
            filters_workbook("tableau-de-bord", _("Dashboard"), self.filters, self.workbook_sheets),
            sizing_mode="stretch_width",
        )
