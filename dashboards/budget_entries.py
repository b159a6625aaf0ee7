"""Suivi budgétaire's entries: the forecast lines of the unit and period, and the forms to enter a
prévisionnel or an internal transfer (issue 4). The figures of the page change once saved: the
warehouse's data version changes, so every cached page query is read again after a rebuild."""

from __future__ import annotations

import panel as pn
import param

from alambic.i18n import _
from dashboards.components import Column, Filters, french_table
from dashboards.forms import RecordForm
from dashboards.queries import run_query
from dashboards.session import current_user
from models import Forecast, InternalTransfer, editable_units
from warehouse.build import build
from warehouse.connection import Warehouse


def unit_choices(filters: Filters, allowed: set[str] | None) -> dict[str, str]:
    """The filter's units (label → code), limited to those the user may edit (None: all)."""
    return {label.strip(): code for code, label in filters.unit_labels().items()
            if code != "R" and (allowed is None or code in allowed)}


def category_choices(warehouse: Warehouse, internal: bool = False) -> dict[str, str]:
    categories = run_query(warehouse, "suivi_budgetaire/categories")
    wanted = categories["category_code"].isin(["depenses_internes", "recettes_internes"])
    chosen = categories[wanted] if internal else categories[~wanted]
    return {row.label: row.category_code for row in chosen.itertuples()}


class BudgetEntries(param.Parameterized):
    """The « Saisies » section of Suivi budgétaire."""

    def __init__(self, warehouse: Warehouse, filters: Filters, config=None, **params):
        super().__init__(**params)
        self.warehouse, self.filters, self.config = warehouse, filters, config
        self.allowed = editable_units(warehouse, current_user())  # None: every unit
        units = unit_choices(filters, self.allowed)
        self.forecast_form = RecordForm(
            Forecast, warehouse, title=_("Forecast line"),
            choices={"unit_code": units, "category_code": category_choices(warehouse)},
        )
        self.transfer_form = RecordForm(
            InternalTransfer, warehouse, title=_("Internal transfer"),
            choices={"from_unit": units, "to_unit": unit_choices(filters, None)},
        )
        self.line_choice = pn.widgets.Select(label=_("Edit a forecast line"), options={}, width=420)
        self.line_choice.param.watch(self._open_line, "value")
        for form in (self.forecast_form, self.transfer_form):
            form.param.watch(self._rebuild, "saved")

    def _rebuild(self, _event=None) -> None:
        """Recompute the marts (one transaction) and redraw the page: every figure shows the entry."""
        if self.config is not None:
            build(self.warehouse, self.config)
        self.filters.param.trigger("period")

    def _open_line(self, event) -> None:
        if event.new is not None:
            self.forecast_form.edit(int(event.new))

    @param.depends("filters.unit", "filters.period", "forecast_form.saved")
    def forecast_lines(self):
        period = self.filters.current
        lines = run_query(self.warehouse, "suivi_budgetaire/forecast_lines",
                          unit=self.filters.unit, date_from=period.start, date_to=period.end)
        self.line_choice.options = {"—": None, **{
            f"{row.unit_name} · {row.category_label} · {row.label or '—'} ({row.forecast_id})": row.forecast_id
            for row in lines.itertuples()}}
        return french_table(lines, [
            Column("unit_name", _("Unit")),
            Column("category_label", _("Category")),
            Column("period_start", _("Start"), "date"),
            Column("period_end", _("End"), "date"),
            Column("amount", _("Amount"), "money"),
            Column("label", _("Label")),
            Column("updated_by", _("Last edited by")),
        ], pagination="local", page_size=10)

    def __panel__(self):
        if self.allowed is not None and not self.allowed:
            forms = [pn.pane.Alert(_("You cannot enter forecasts or transfers: only the budget and subsidy "
                                     "referents of a unit, and the finance group, can."), alert_type="info")]
        else:
            forms = [self.line_choice, self.forecast_form, self.transfer_form]
        return pn.Column(
            pn.pane.Markdown("## " + _("Entries")),
            self.forecast_lines,
            *forms,
            sizing_mode="stretch_width",
        )
