"""The what-if of the Plan de trésorerie: move an awaited subsidy instalment to another month, add
a one-off movement — never saved.

The what-if is a set of SQL parameters (`scenario()`) handed to `sql/queries/plan_de_tresorerie/*.sql`,
which recompute the months with them; this module holds those parameters (as the page's `param`s:
`PlanDeTresorerie` in dashboards/plan_de_tresorerie.py is a `TreasurySimulation`), reads the typed
amount, and draws the simulation's form.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import panel as pn
import param

from alambic import formatting
from alambic.formatting import is_true
from alambic.i18n import _
from dashboards.components import SHRINK, PlainAlert, instalment_kind_label
from dashboards.on_demand import OnDemand
from dashboards.queries import run_query
from models.fields import CENT, MAX_AMOUNT, FieldError, french_number, is_empty

IN, OUT = "encaissement", "decaissement"
NO_INSTALMENT = 0

SCENARIO_PARAMS = ("moved_instalment", "moved_to", "oneoff_label", "oneoff_amount", "oneoff_month",
                   "oneoff_direction")
def parse_amount(text: str) -> Decimal | None:
    """A positive amount typed in French (``1 500``, ``1 500,50``, ``1500.5 €``); None if empty.
    Read by the forms' parser (models.fields.french_number); raises ValueError (message in French)
    when it is not an amount in euros and cents, or not above zero."""
    if is_empty(text):
        return None
    unrecognised = ValueError(_("Unrecognised amount: “{text}”. Write for example 1500 or 1 500,50.",
                                text=text.strip()))
    try:
        amount = french_number(text)
    except FieldError:
        raise unrecognised from None
    if amount.adjusted() > MAX_AMOUNT.adjusted() or amount != amount.quantize(CENT):
        raise unrecognised
    if amount <= 0:
        raise ValueError(_("The amount must be greater than zero."))
    return amount


class TreasurySimulation(param.Parameterized):
    """The what-if's parameters, its SQL parameters and its form; mixed into the page, which gives
    `warehouse` and `_months` (mois.sql) before calling `_init_simulation()`."""

    moved_instalment = param.Selector(default=NO_INSTALMENT, objects=[NO_INSTALMENT], check_on_set=False,
                                      doc="What-if: the awaited instalment moved (0: none).")
    moved_to = param.Selector(default="", objects=[""], check_on_set=False,
                              doc="What-if: the month it is moved to ('YYYY-MM-01'; '': none).")
    oneoff_label = param.String(default="", doc="What-if: the one-off movement's label.")
    oneoff_amount = param.String(default="", doc="What-if: its amount, as typed.")
    oneoff_month = param.Selector(default="", objects=[""], check_on_set=False,
                                  doc="What-if: its month ('YYYY-MM-01').")
    oneoff_direction = param.Selector(default=OUT, objects=[IN, OUT])
    amount_error = param.String(default="", doc="Why the typed amount is not used (French).")

    def _init_simulation(self) -> None:
        forecast = self._months[self._months["kind"] == "previsionnel"]
        month_choices = {formatting.month(m): pd.Timestamp(m).date().isoformat() for m in forecast["month"]}
        self.param.moved_to.objects = {_("— choose a month —"): "", **month_choices}
        self.param.oneoff_month.objects = {_("— choose a month —"): "", **month_choices}
        self.param.oneoff_direction.objects = {_("Payment"): OUT, _("Receipt"): IN}
        self.param.moved_instalment.objects = self._instalment_choices()
        if month_choices and not self.oneoff_month:
            self.oneoff_month = next(iter(month_choices.values()))

        self._instalment_select = pn.widgets.Select.from_param(
            self.param.moved_instalment, name=_("Subsidy instalment to move"), sizing_mode="stretch_width", max_width=520)
        self._moved_to_select = pn.widgets.Select.from_param(
            self.param.moved_to, name=_("To the month"), width=200, stylesheets=SHRINK)
        self._label_input = pn.widgets.TextInput.from_param(
            self.param.oneoff_label, name=_("Label"), placeholder=_("e.g. Van repair"), width=260, stylesheets=SHRINK)
        self._amount_input = pn.widgets.TextInput.from_param(
            self.param.oneoff_amount, name=_("Amount (€)"), placeholder="1 500,00", width=150, stylesheets=SHRINK)
        self._oneoff_month_select = pn.widgets.Select.from_param(
            self.param.oneoff_month, name=_("Month"), width=200, stylesheets=SHRINK)
        self._direction_switch = pn.widgets.RadioButtonGroup.from_param(
            self.param.oneoff_direction, name="", color="primary", variant="outline")
        self._reset_button = pn.widgets.Button(label=_("Clear the simulation"), color="light", width=220)
        self._reset_button.on_click(self.reset_simulation)
        # the form is built in the browser when « Et si… ? » is opened; closing it clears the simulation
        # (nothing simulated stays in the figures without its note). A simulation set before the page
        # is drawn opens it (open_simulation_if_simulating).
        self.simulation = OnDemand([(_("What if…? Simulation"), self.what_if)], css_classes=["what-if-tools"],
                                   on_close=lambda _label: self.reset_simulation())

    def open_simulation_if_simulating(self) -> None:
        if self.simulating() and self.simulation.current is None:
            self.simulation.open(_("What if…? Simulation"))

    def _instalment_choices(self) -> dict:
        data = run_query(self.warehouse, "plan_de_tresorerie/echeances")
        choices = {_("— none —"): NO_INSTALMENT}
        for row in data.itertuples():
            where = (_("counted in {month}", month=formatting.month(row.treasury_month)) if is_true(row.in_plan)
                     else _("beyond the plan"))
            scheme = f" – {row.scheme}" if isinstance(row.scheme, str) and row.scheme else ""
            text = (f"{instalment_kind_label(row.kind)} · {row.funder}{scheme} · "
                    f"{formatting.money(row.amount)} · {where}")
            choices[text] = int(row.instalment_id)
        return choices

    def scenario(self) -> dict:
        """The what-if as the SQL parameters of plan.sql, indicateurs.sql and lignes.sql."""
        try:
            amount = parse_amount(self.oneoff_amount)
            self.amount_error = ""
        except ValueError as exc:
            amount = None
            self.amount_error = str(exc)
        moved = int(self.moved_instalment or NO_INSTALMENT)
        return {
            "moved_instalment": moved if moved != NO_INSTALMENT and self.moved_to else None,
            "moved_to": dt.date.fromisoformat(self.moved_to) if moved != NO_INSTALMENT and self.moved_to else None,
            "oneoff_amount": amount if self.oneoff_month else None,
            "oneoff_month": dt.date.fromisoformat(self.oneoff_month) if amount and self.oneoff_month else None,
            "oneoff_direction": self.oneoff_direction,
            "oneoff_label": self.oneoff_label.strip() or _("One-off movement"),
        }

    @staticmethod
    def no_scenario() -> dict:
        return {"moved_instalment": None, "moved_to": None, "oneoff_amount": None, "oneoff_month": None,
                "oneoff_direction": OUT, "oneoff_label": ""}

    def simulating(self) -> bool:
        s = self.scenario()
        return s["moved_instalment"] is not None or s["oneoff_month"] is not None

    def reset_simulation(self, event=None) -> None:
        self.param.update(moved_instalment=NO_INSTALMENT, moved_to="", oneoff_label="", oneoff_amount="",
                          oneoff_direction=OUT)

    def what_if(self):
        error = PlainAlert(self.param.amount_error, alert_type="danger",
                              visible=pn.bind(bool, self.param.amount_error), css_classes=["amount-error"])
        return pn.Column(
            pn.pane.Alert("**" + _("Simulation: nothing is saved.") + "** "
                          + _("The table, the cards and the curve show the plan with these changes; "
                              "leave the page or clear the simulation to go back to the plan."),
                          alert_type="info", css_classes=["simulation-note"]),
            pn.pane.Markdown("#### " + _("Move an awaited subsidy instalment")),
            pn.FlexBox(self._instalment_select, self._moved_to_select),
            pn.pane.Markdown("#### " + _("Add a one-off movement")),
            pn.FlexBox(self._label_input, self._amount_input, self._oneoff_month_select,
                   pn.Column(pn.Spacer(height=22), self._direction_switch)),
            error,
            self._reset_button,
            css_classes=["what-if"], sizing_mode="stretch_width",
        )
