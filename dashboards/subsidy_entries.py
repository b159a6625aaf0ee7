"""Suivi subventions' entries: the form of a subsidy with its échéancier.

A subsidy and its instalments are one form (`dashboards.forms.RecordWithChildrenForm` over
`models.Subsidy`) and one transaction. Only the units the user may edit are offered; a member
without budget rights reads why instead of a form. Once saved, the marts are rebuilt and the page's
figures (and those of every other page) show the subsidy.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import panel as pn
import param

from alambic.i18n import _
from dashboards.budget_entries import unit_choices
from dashboards.components import Filters, PlainAlert
from dashboards.forms import RecordWithChildrenForm, rebuild_after_save, saved_by
from dashboards.on_demand import OnDemand
from dashboards.queries import run_query
from dashboards.session import current_user
from models import Subsidy, editable_units
from warehouse.connection import Warehouse


def subsidy_label(row) -> str:
    scheme = "" if pd.isna(row.scheme) or not row.scheme else f" · {row.scheme}"
    return f"{row.funder}{scheme} · {row.unit_name} ({row.subsidy_id})"


class SubsidyEntries(param.Parameterized):
    """The « Saisir une subvention » section of Suivi subventions."""

    def __init__(self, warehouse: Warehouse, filters: Filters, config=None, who: Callable = current_user,
                 **params):
        super().__init__(**params)
        self.warehouse, self.filters, self.config = warehouse, filters, config
        self.allowed = editable_units(warehouse, who())  # None: every unit
        self.form = RecordWithChildrenForm(
            Subsidy, warehouse, title=_("Subsidy"), children="instalments", who=who,
            children_title=_("Instalment timeline"), child_label=_("Instalment"), add_label=_("Add an instalment"),
            choices={"unit_code": unit_choices(filters, self.allowed, include_root=True)},
        )
        self.subsidy_choice = pn.widgets.Select(label=_("Edit a subsidy of the fiscal year shown"),
                                                options={}, sizing_mode="stretch_width", max_width=520)
        self.subsidy_choice.param.watch(self._open, "value")
        self.form.param.watch(self._rebuild, "saved")
        self.filters.param.watch(self._offer_subsidies, ["current", "unit"])
        self._offer_subsidies()
        # the form (a subsidy and its échéancier: many widgets) is built in the browser when opened
        self.form_tool = _("Enter or edit a subsidy")
        self.tools = OnDemand([(self.form_tool, lambda: pn.Column(
            pn.pane.Markdown(_("Choose a subsidy to edit it, or fill in the form to add one. The "
                               "échéancier is saved with the subsidy; instalments may not add up to "
                               "more than the amount granted."), css_classes=["hint"]),
            self.subsidy_choice, self.form, sizing_mode="stretch_width"))], css_classes=["subsidy-tools"])

    @property
    def can_enter(self) -> bool:
        return self.allowed is None or bool(self.allowed)

    def _offer_subsidies(self, _event=None) -> None:
        """The subsidies of the table above (unit and exercice shown) that the user may edit."""
        frame = run_query(self.warehouse, "suivi_subventions/subventions",
                          unit=self.filters.unit, date_from=self.filters.current.start)
        # an Odoo subsidy nobody follows up has no follow-up to edit: a member creates one, naming
        # its Odoo entry (« Subvention dans Odoo »)
        rows = frame[~frame["is_total"].astype(bool) & frame["subsidy_id"].notna()]
        if self.allowed is not None:
            rows = rows[rows["unit_code"].isin(self.allowed)]
        options = {"—": None, **{subsidy_label(row): int(row.subsidy_id) for row in rows.itertuples()}}
        self.subsidy_choice.param.update(options=options, value=self.subsidy_choice.value
                                         if self.subsidy_choice.value in options.values() else None)

    def _open(self, event) -> None:
        if event.new is not None:
            self.tools.open(self.form_tool)
            self.form.edit(int(event.new))

    def _rebuild(self, event=None) -> None:
        """Recompute the marts and redraw the page: every figure shows the entry
        (dashboards.forms.rebuild_after_save, off the event loop)."""
        def redraw() -> None:
            self.filters.param.trigger("current")  # not "period": that would echo to the URL (location sync)

        rebuild_after_save(self.warehouse, self.config, redraw, **saved_by(event))

    def __panel__(self):
        if not self.can_enter:
            body = [PlainAlert(_("You cannot enter subsidies: only the budget and subsidy referents of a "
                                    "unit, and the finance group, can."), alert_type="info")]
        else:
            body = [self.tools]
        return pn.Column(pn.pane.Markdown("### " + _("Enter a subsidy")), *body, sizing_mode="stretch_width")
