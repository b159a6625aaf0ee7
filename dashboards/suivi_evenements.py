"""Suivi évènements: the soirées of a season side by side, and one soirée in detail — its
tickets by price, bar by family, memberships, Odoo costs, result, référent·es and the dispatch
of its takings to the pôles.

Every figure comes from `sql/queries/suivi_evenements/*.sql` over the soirée marts
(marts.soiree_results, soiree_products, soiree_costs); this module chooses the parameters and
shows the answers in French. It writes only through `models.EventReferent` and
`models.Dispatch`, then rebuilds the marts (like dashboards/budget_entries.py) when it has the
configuration. The dispatch form (its widgets, the live « reste à répartir », the save) is
dashboards/soiree_dispatch.py.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import panel as pn
import param

from alambic import formatting
from alambic.formatting import is_true
from alambic.i18n import N_, _
from dashboards.components import (  # noqa: I001
    COMPACT_CSS,
    SHRINK,
    TABLE_CSS,
    Column,
    FilterBar,
    Filters,
    PlainAlert,
    card_grid,
    csv_download,
    figure_card,
    french_table,
    kpi_card,
    marts_ready,
    plain_html,
)
from dashboards.lazy import later
from dashboards.on_demand import OnDemand
from dashboards.queries import run_query
from dashboards.session import current_user
from dashboards.soiree_dispatch import DISPATCH_ROWS, SoireeDispatchForm, red
from models import EventReferent, can_edit, editable_units
from models.errors import Conflict, Forbidden, Invalid, NotFound
from models.permissions import EDIT_EVERY_UNIT
from warehouse.connection import WarehouseBusy

FAMILY_LABELS = {"billet": N_("Tickets"), "bar": N_("Bar"), "recharge": N_("Cashless top-ups"),
                 "adhesion": N_("Memberships")}


def family_label(family) -> str:
    if formatting.is_missing(family):
        return ""
    return _(FAMILY_LABELS[family]) if family in FAMILY_LABELS else str(family)


def integer_text(value) -> str:
    return "" if formatting.is_missing(value) else formatting.number(int(value))


def season_columns() -> list[Column]:
    return [
        Column("soiree_day", _("Date"), "date"),
        Column("event_name", _("Soirée")),
        Column("unit_label", _("Unit")),
        Column("attendance_text", _("Tickets")),
        Column("capacity_text", _("Capacity")),
        Column("fill_rate", _("Fill rate"), "percent"),
        Column("ticket_net", _("Ticketing (net)"), "money"),
        Column("bar_net", _("Bar (net)"), "money"),
        Column("takings", _("Net takings"), "money"),
        Column("costs", _("Costs"), "money"),
        Column("result", _("Result"), "money"),
        Column("dispatched", _("Dispatched"), "money"),
        Column("referent_count_text", _("Referents")),
    ]


def product_columns(with_price: bool = True) -> list[Column]:
    return [
        Column("family_label", _("Family")),
        Column("product_label", _("Product")),
        *([Column("price_label", _("Price"))] if with_price else []),
        Column("quantity_text", _("Quantity")),
        Column("gross", _("Gross"), "money"),
        Column("refunds", _("Refunds"), "money"),
        Column("net", _("Net"), "money"),
        Column("cashless_net", _("Of which cashless"), "money"),
    ]


def cost_columns() -> list[Column]:
    return [
        Column("line_date", _("Date"), "date"),
        Column("label", _("Label")),
        Column("partner", _("Partner")),
        Column("reference", _("Reference")),
        Column("category_label", _("Category")),
        Column("amount", _("Amount"), "money"),
        Column("status", _("Status"), "status"),
    ]


def vat_columns() -> list[Column]:
    return [
        Column("rate_label", _("VAT rate")),
        Column("ttc", _("Incl. VAT"), "money"),
        Column("ht", _("Excl. VAT"), "money"),
        Column("tva", _("VAT"), "money"),
        Column("line_count", _("Sale lines"), "number"),
    ]


def unattributed_columns() -> list[Column]:
    return [
        Column("line_day", _("Soirée day"), "date"),
        Column("product_name", _("Product")),
        Column("unit_price", _("Unit price"), "money"),
        Column("quantity", _("Quantity"), "number"),
        Column("amount", _("Amount"), "money"),
        Column("status", _("Status")),
        Column("reason", _("Why")),
    ]


class SuiviEvenements(SoireeDispatchForm, pn.viewable.Viewer):
    """The page: the season's soirées (period and unit filters), then the chosen soirée; the form
    dispatching its takings is `SoireeDispatchForm` (dashboards/soiree_dispatch.py)."""

    context = param.Parameter(doc="AppContext: warehouse, configuration, filters.")
    filters = param.ClassSelector(class_=Filters)
    event = param.String(default="", doc="The TiBillet event identifier of the soirée shown in detail.")
    changed = param.Integer(default=0, doc="Incremented after each save: the views depending on app.* redraw.")

    def __init__(self, **params):
        super().__init__(**params)
        if self.filters is None:
            self.filters = self.context.filters or Filters.from_warehouse(self.context.warehouse)
        self.ready = marts_ready(self.warehouse, "soiree_results", "soiree_products", "soiree_costs", "soiree_sales")
        if not self.ready:
            return
        self.units = run_query(self.warehouse, "suivi_evenements/unites")
        self.unit_labels = dict(zip(self.units["unit_code"], self.units["label"]))
        self.soiree_select = pn.widgets.Select(label=_("Soirée"), options={}, sizing_mode="stretch_width", max_width=520)
        self.soiree_select.param.watch(self._choose, "value")
        self._build_referent_widgets()
        self._build_dispatch_widgets()
        self._refresh_choices()
        self.filters.param.watch(self._refresh_choices, ["current", "unit"])
        self.param.watch(self._load_dispatch, "event")
        self._load_dispatch()
        self.forms_area = pn.Column(sizing_mode="stretch_width", css_classes=["soiree-forms"])
        self._forms_state: bool | None = None
        self._forms_built: OnDemand | None = None
        self.param.watch(self._update_forms, ["event", "changed"])
        self._update_forms()

    @property
    def warehouse(self):
        return self.context.warehouse

    # -- data (each from one SQL file) -----------------------------------------------------------

    def _params(self) -> dict:
        return self.filters.params()

    def season_data(self) -> pd.DataFrame:
        frame = run_query(self.warehouse, "suivi_evenements/soirees", **self._params()).copy()
        frame["attendance_text"] = frame["attendance"].map(integer_text)
        frame["capacity_text"] = frame["capacity"].map(integer_text)
        frame["referent_count_text"] = frame["referent_count"].map(integer_text)
        return frame

    def totals_data(self) -> pd.Series:
        return run_query(self.warehouse, "suivi_evenements/totaux", **self._params()).iloc[0]

    def soiree_data(self) -> pd.Series | None:
        if not self.event:
            return None
        frame = run_query(self.warehouse, "suivi_evenements/soiree", event=self.event)
        return None if frame.empty else frame.iloc[0]

    def products_data(self, families: str) -> pd.DataFrame:
        frame = run_query(self.warehouse, "suivi_evenements/produits", event=self.event, families=families).copy()
        totals = frame["is_total"].astype(bool)
        frame["family_label"] = frame["family"].map(family_label)
        frame["product_label"] = [_("Total") if t else str(p) for p, t in zip(frame["product_name"], totals)]
        frame["price_label"] = ["" if t else str(p) for p, t in zip(frame["price_name"], totals)]
        frame["quantity_text"] = frame["quantity"].map(
            lambda q: "" if formatting.is_missing(q) else formatting.number(Decimal(str(q)).normalize()))
        return frame

    def vat_data(self) -> pd.DataFrame:
        frame = run_query(self.warehouse, "suivi_evenements/tva", event=self.event).copy()
        frame["rate_label"] = [_("Total") if total else formatting.percent(float(rate) / 100)
                               for rate, total in zip(frame["vat_rate"], frame["is_total"])]
        return frame

    def unattributed_data(self) -> pd.DataFrame:
        params = self._params()
        return run_query(self.warehouse, "suivi_evenements/non_attribuees",
                         date_from=params["date_from"], date_to=params["date_to"])

    def costs_data(self) -> pd.DataFrame:
        return run_query(self.warehouse, "suivi_evenements/couts", event=self.event)

    def referents_data(self) -> pd.DataFrame:
        return run_query(self.warehouse, "suivi_evenements/referents", event=self.event)

    def dispatch_data(self) -> pd.DataFrame:
        return run_query(self.warehouse, "suivi_evenements/repartition", event=self.event)

    # -- choosing a soirée ---------------------------------------------------------------------

    def _refresh_choices(self, *events) -> None:
        season = self.season_data()
        options = {f"{formatting.date(day)} · {name}": ident
                   for day, name, ident in zip(season["soiree_day"], season["event_name"], season["event_id"])}
        self.soiree_select.options = {"—": "", **options}
        if self.event not in options.values():
            past = season[season["is_past"].astype(bool)]
            chosen = past.iloc[-1]["event_id"] if not past.empty else (
                season.iloc[0]["event_id"] if not season.empty else "")
            self.event = chosen
        self.soiree_select.value = self.event

    def _choose(self, event) -> None:
        if event.new is not None and event.new != self.event:
            self.event = event.new

    def _select_row(self, event) -> None:
        """A click on a row of the season table opens that soirée."""
        if event.new:
            ident = self._season_shown.iloc[event.new[0]]["event_id"]
            self.soiree_select.value = ident

    # -- season view ---------------------------------------------------------------------------

    @param.depends("filters.current", "filters.unit", "changed")
    def season_kpis(self):
        t = self.totals_data()
        fill = formatting.percent(t["fill_rate"]) if not formatting.is_missing(t["fill_rate"]) else "—"
        return card_grid(
            figure_card("season_count", _("Soirées"), integer_text(t["soiree_count"]),
                      _("{count} past", count=int(t["past_count"]))),
            kpi_card("season_takings", _("Net takings"), t["takings"]),
            kpi_card("season_costs", _("Costs"), t["costs"]),
            kpi_card("season_result", _("Result"), t["result"], alert=t["result"] < 0),
            figure_card("season_fill", _("Fill rate"), fill,
                      _("{attendance} tickets for {capacity} places", attendance=integer_text(t["attendance"]),
                        capacity=integer_text(t["capacity"]))),
            sizing_mode="stretch_width",
        )

    @param.depends("filters.current", "filters.unit", "changed")
    def season(self):
        data = self.season_data()
        self._season_shown = data
        if data.empty:
            body = pn.pane.Markdown(_("No soirée for this unit over this period."))
        else:
            data = data.assign(negative=data["result"] < 0)
            widths = {"soiree_day": 88, "event_name": "17%", "unit_label": "12%", "attendance_text": 62,
                      "capacity_text": 62, "referent_count_text": 78}
            columns = [Column(c.name, c.title, c.kind, c.flag_text, widths.get(c.name)) for c in season_columns()]
            body = french_table(data, columns, highlight="negative", selectable=1, pagination="local",
                                page_size=15, css_classes=["season"], stylesheets=[TABLE_CSS, COMPACT_CSS])
            body.formatters = {**body.formatters, _("Soirée"): {"type": "textarea"}, _("Unit"): {"type": "textarea"}}
            body.param.watch(self._select_row, "selection")
        return pn.Column(
            body,
            pn.pane.Markdown(_("In red: a soirée whose costs exceed its takings. Click a row to open the soirée."),
                             css_classes=["hint"]),
            csv_download(_("Download the season (CSV)"), self._filename("saison"), self.season_data,
                         season_columns()),
            sizing_mode="stretch_width",
        )

    def _filename(self, what: str) -> str:
        period = self.filters.current.text if self.filters.current else ""
        return f"suivi-evenements_{what}_{self.filters.unit}_{period}.csv"

    # -- one soirée ----------------------------------------------------------------------------

    @param.depends("event", "changed")
    def detail(self):
        s = self.soiree_data()
        if s is None:
            return pn.pane.Markdown(_("Choose a soirée to see its detail."))
        capacity = integer_text(s["capacity"]) or "—"
        fill = formatting.percent(s["fill_rate"]) if not formatting.is_missing(s["fill_rate"]) else ""
        unit = s["unit_label"] or _("not set yet")
        title = f"{s['event_name']} — {formatting.long_date(s['soiree_day'])}"
        if is_true(s.get("is_cancelled")):
            title += " — " + _("cancelled in TiBillet (unpublished), shown with its refunds")
        subtitle = _("Unit: {unit}", unit=unit) + (
            " · " + _("Referents: {names}", names=str(s["referents"]))
            if not formatting.is_missing(s["referents"]) else "")
        header = pn.pane.HTML(f"<h3>{plain_html(title)}</h3><p>{plain_html(subtitle)}</p>",
                              css_classes=["soiree-title"])
        kpis = card_grid(
            kpi_card("takings", _("Net takings"), s["takings"],
                     _("tickets {tickets} · bar {bar}", tickets=formatting.money(s["ticket_net"]),
                       bar=formatting.money(s["bar_net"]))),
            kpi_card("costs", _("Costs"), s["costs"],
                     _("of which drafts {amount}", amount=formatting.money(s["costs_engage"]))),
            kpi_card("result", _("Result"), s["result"], alert=s["result"] < 0),
            figure_card("attendance", _("Attendance / capacity"), f"{integer_text(s['attendance'])} / {capacity}",
                      fill),
            kpi_card("dispatched", _("Dispatched to the poles"), s["dispatched"],
                     _("kept: {amount}", amount=formatting.money(s["kept"]))),
            sizing_mode="stretch_width",
        )
        return pn.Column(
            header, kpis,
            pn.pane.Markdown("#### " + _("Tickets by price")),
            self._products_table("billet", _("No ticket sold for this soirée.")),
            pn.pane.Markdown("#### " + _("Bar and cashless by product")),
            self._products_table("bar,recharge", _("No bar sale for this soirée."), with_price=False),
            pn.pane.Markdown("#### " + _("Memberships sold")),
            self._products_table("adhesion", _("No membership sold during this soirée.")),
            pn.pane.Markdown("#### " + _("VAT by rate")),
            self._vat_table(),
            pn.pane.Markdown("#### " + _("Costs booked in Odoo")),
            self._costs_table(),
            sizing_mode="stretch_width",
        )

    def _vat_table(self):
        data = self.vat_data()
        hint = pn.pane.Markdown(_("As TiBillet closes its books: per rate, excl. VAT = incl. VAT × 100 / (100 + rate), "
                                  "rounded half up to the cent, on the soirée's total; VAT = incl. VAT − excl. VAT."),
                                css_classes=["hint"])
        if data.empty:
            return pn.Column(pn.pane.Markdown(_("No sale for this soirée.")), hint)
        return pn.Column(french_table(data, vat_columns(), bold="is_total", selectable=False, css_classes=["vat"]), hint)

    @param.depends("filters.current", "filters.unit", "changed")
    def unattributed(self):
        data = self.unattributed_data()
        if data.empty:
            return pn.pane.Markdown(_("Every TiBillet sale of the period belongs to a soirée."))
        return pn.Column(
            pn.pane.Markdown(_("These TiBillet sales belong to no soirée (no event that day, and for a ticket no "
                               "reservation ties its price to an event): check them in TiBillet."), css_classes=["hint"]),
            french_table(data, unattributed_columns(), selectable=False, css_classes=["unattributed"]))

    def _products_table(self, families: str, empty: str, with_price: bool = True):
        data = self.products_data(families)
        if data.empty:
            return pn.pane.Markdown(empty)
        return french_table(data, product_columns(with_price), bold="is_total", selectable=False,
                            css_classes=[f"products-{families.split(',')[0]}"])

    def _costs_table(self):
        data = self.costs_data()
        hint = pn.pane.Markdown(_("The Odoo expense lines booked on the soirée's unit (or a unit below it) whose "
                                  "label holds the soirée's date as dd/mm/yyyy."), css_classes=["hint"])
        if data.empty:
            return pn.Column(pn.pane.Markdown(_("No cost found in Odoo for this soirée.")), hint)
        return pn.Column(french_table(data, cost_columns(), selectable=False, css_classes=["costs"]), hint)

    # -- référent·es -----------------------------------------------------------------------------

    def _build_referent_widgets(self) -> None:
        units = {label: code for code, label in self.unit_labels.items()}
        self.referent_email = pn.widgets.TextInput(label=_("E-mail of the referent"),
                                                   placeholder="prenom@exemple.re", width=300)
        self.referent_unit = pn.widgets.Select(label=_("Unit of the soirée"), options={"—": None, **units}, sizing_mode="stretch_width", max_width=320)
        self.referent_add = pn.widgets.Button(label=_("Add the referent"), color="primary", width=200)
        self.referent_remove_choice = pn.widgets.Select(label=_("Remove a referent"), options={}, width=300, stylesheets=SHRINK)
        self.referent_remove = pn.widgets.Button(label=_("Remove"), width=140)
        self.referent_errors = pn.pane.HTML("", css_classes=["referent-errors"])
        self.referent_message = PlainAlert("", alert_type="info", visible=False, css_classes=["referent-message"])
        self.referent_add.on_click(lambda _e: self.add_referent())
        self.referent_remove.on_click(lambda _e: self.remove_referent())

    def add_referent(self) -> bool:
        form = EventReferent(event_id=self.event, person_email=self.referent_email.value,
                             unit_code=self.referent_unit.value)
        self.referent_errors.object = ""
        try:
            form.save(self.warehouse, current_user())
        except Invalid as exc:
            self.referent_errors.object = "<br>".join(red(m) for m in exc.errors.values())
            self._say(self.referent_message, _("Nothing was saved: correct the fields in red."), "danger")
            return False
        except (Forbidden, Conflict, NotFound, WarehouseBusy) as exc:
            self._say(self.referent_message, str(exc), "danger")
            return False
        self.referent_email.value = ""
        self._say(self.referent_message, _("Saved."), "success")
        self._saved(self.referent_message)
        return True

    def remove_referent(self) -> bool:
        ident = self.referent_remove_choice.value
        if not ident:
            self._say(self.referent_message, _("Choose the referent to remove."), "warning")
            return False
        try:
            EventReferent.load(self.warehouse, int(ident)).delete(self.warehouse, current_user())
        except (Forbidden, Conflict, NotFound, WarehouseBusy) as exc:
            self._say(self.referent_message, str(exc), "danger")
            return False
        self._say(self.referent_message, _("Removed."), "success")
        self._saved(self.referent_message)
        return True

    @param.depends("event", "changed")
    def referents(self):
        if not self.event:
            return pn.Spacer(height=0)
        data = self.referents_data()
        s = self.soiree_data()
        self.referent_remove_choice.options = {"—": None, **{
            f"{email} ({unit or '—'})": str(ident)
            for ident, email, unit in zip(data["referent_id"], data["person_email"], data["unit_code"])}}
        if s is not None and not formatting.is_missing(s["unit_code"]):
            self.referent_unit.value = s["unit_code"]
        table = (pn.pane.Markdown(_("Nobody has taken this soirée on yet."))
                 if data.empty else french_table(data, [
                     Column("person_email", _("Referent")),
                     Column("unit_name", _("Unit")),
                     Column("created_by", _("Added by")),
                 ], selectable=False, css_classes=["referents"]))
        return pn.Column(table, sizing_mode="stretch_width")

    # -- dispatch (the form: dashboards/soiree_dispatch.py) ------------------------------------------

    @param.depends("event", "changed")
    def dispatch_table(self):
        if not self.event:
            return pn.Spacer(height=0)
        data = self.dispatch_data()
        if data.empty:
            return pn.pane.Markdown(_("The takings of this soirée have not been dispatched yet."))
        return french_table(data, [
            Column("to_name", _("Pole")),
            Column("transfer_date", _("Date"), "date"),
            Column("amount", _("Amount"), "money"),
            Column("updated_by", _("Entered by")),
        ], selectable=False, css_classes=["dispatch-saved"])

    def _may_edit(self) -> bool:
        user = current_user()
        if user.role in EDIT_EVERY_UNIT:
            return True
        s = self.soiree_data()
        if s is None:
            return False
        if formatting.is_missing(s["unit_code"]):  # not booked yet: a budget referent may take it for their unit
            return bool(editable_units(self.warehouse, user))
        return can_edit(self.warehouse, user, s["unit_code"])

    def _update_forms(self, *events) -> None:
        """Show the forms (or why not). The layout is built once and only swapped when the right to
        edit changes: re-rendering it would replace inputs the user may be typing in."""
        state = None if not self.event else self._may_edit()
        if state == self._forms_state:
            return
        self._forms_state = state
        if state is None:
            self.forms_area.objects = []
        elif not state:
            self.forms_area.objects = [PlainAlert(
                _("You cannot change the referents or the dispatch of this soirée: only the budget and subsidy "
                  "referents of its unit, and the finance group, can."), alert_type="info", css_classes=["no-rights"])]
        else:
            self.forms_area.objects = [self._forms_layout()]

    def _forms_layout(self) -> OnDemand:
        """The two forms as on-demand tools: built in the browser when opened (a soirée's page is read far
        more often than its dispatch is entered), then kept while other soirées are chosen."""
        if self._forms_built is not None:
            return self._forms_built

        def referents() -> pn.Column:
            return pn.Column(
                pn.FlexBox(self.referent_email, self.referent_unit, self.referent_add),
                self.referent_errors,
                pn.FlexBox(self.referent_remove_choice, self.referent_remove),
                self.referent_message,
                sizing_mode="stretch_width",
            )

        def dispatch() -> pn.Column:
            lines = [pn.FlexBox(self.dispatch_poles[i], pn.Column(self.dispatch_values[i], self.dispatch_line_errors[i],
                                                                  margin=0))  # one line, two on a phone
                     for i in range(DISPATCH_ROWS)]
            return pn.Column(
                pn.pane.Markdown(_("Each line gives a pole its share, as a percentage or an amount. The shares must "
                                   "add up to the soirée's net takings, to the cent; in percentages the last line "
                                   "takes the rounding. A line for the soirée's own unit is the share it keeps. "
                                   "Saving replaces the soirée's previous dispatch."), css_classes=["hint"]),
                pn.FlexBox(self.dispatch_unit, self.dispatch_date, pn.Column(pn.pane.Markdown(_("Shares in")),
                                                                         self.dispatch_mode, margin=0)),
                *lines,
                self.dispatch_rest,
                pn.FlexBox(self.dispatch_save, self.dispatch_reload),
                self.dispatch_message,
                sizing_mode="stretch_width",
            )

        self.dispatch_tool = _("Dispatch the takings to the poles")
        self._forms_built = OnDemand([(_("Add or remove a referent"), referents), (self.dispatch_tool, dispatch)],
                                     css_classes=["soiree-tools"])
        return self._forms_built

    # -- after a save ----------------------------------------------------------------------------

    @staticmethod
    def _say(alert: pn.pane.Alert, text: str, kind: str) -> None:
        alert.object = text
        alert.alert_type = kind
        alert.visible = bool(text)

    def _saved(self, alert: pn.pane.Alert | None = None) -> None:
        """Recompute the marts when the configuration is known, then redraw; `alert` shows the save's
        message, « mise à jour… » meanwhile (dashboards.forms.rebuild_after_save, off the event loop)."""
        from dashboards.forms import rebuild_after_save

        def redraw() -> None:
            self.changed += 1
            if self.form is not None:
                message = (self.dispatch_message.object, self.dispatch_message.alert_type,
                           self.dispatch_message.visible)
                self._load_dispatch()
                self.dispatch_message.object, self.dispatch_message.alert_type, self.dispatch_message.visible = message

        messages = {}
        if alert is not None:
            messages = {"say": lambda text, kind: self._say(alert, text, kind),
                        "done": (alert.object, alert.alert_type)}
        rebuild_after_save(self.warehouse, getattr(self.context, "config", None), redraw, **messages)

    # -- layout ----------------------------------------------------------------------------------

    def __panel__(self):
        if not self.ready:
            return PlainAlert(_("The event tracking has not been computed yet: run « alambic build »."),
                                 alert_type="warning")
        return pn.Column(
            FilterBar(filters=self.filters),
            pn.pane.Markdown("### " + _("The season")),
            self.season_kpis,
            self.season,
            pn.pane.Markdown("### " + _("One soirée")),
            self.soiree_select,
            # below the fold: drawn once the browser has shown the season (dashboards/lazy.py)
            later(pn.Column(
                self.detail,
                pn.pane.Markdown("#### " + _("Referents")),
                self.referents,
                pn.pane.Markdown("#### " + _("Dispatch of the takings")),
                self.dispatch_table,
                self.forms_area,
                pn.pane.Markdown("### " + _("Sales attributed to no soirée")), self.unattributed,
                sizing_mode="stretch_width"), min_height=1200),
            sizing_mode="stretch_width",
        )
