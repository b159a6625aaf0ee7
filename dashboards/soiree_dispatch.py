"""The form of Suivi évènements that dispatches a soirée's takings to the pôles, as internal
transfers (`models.Dispatch`): its widgets, the saved dispatch loaded back, the live « reste à
répartir » under it, and the save.

The live rest is a hint computed from what is being typed; the model decides, to the cent.
`SuiviEvenements` (dashboards/suivi_evenements.py) is a `SoireeDispatchForm`: the page gives
`warehouse`, `event`, `units`, `unit_labels`, `soiree_data()`, `_say()` and `_saved()`, and lays the
widgets out with the référent·es' form.
"""

from __future__ import annotations

import html
from decimal import Decimal

import panel as pn

from alambic import formatting
from alambic.i18n import _
from dashboards.components import SHRINK, PlainAlert
from dashboards.session import current_user
from models import Dispatch, DispatchLine
from models.errors import Conflict, Forbidden, Invalid, NotFound
from models.fields import Amount, FieldError
from warehouse.connection import WarehouseBusy

DISPATCH_ROWS = 6  # lines offered by the dispatch form
_TYPED = Amount()


def red(text: str) -> str:
    return f'<span style="color:#b42318">{html.escape(text)}</span>' if text else ""


class SoireeDispatchForm:
    """The dispatch form's widgets and callbacks, mixed into the page."""

    def _build_dispatch_widgets(self) -> None:
        poles = self.units[self.units["is_pole"].astype(bool)]
        self._pole_options = {"—": None, **dict(zip(poles["label"], poles["unit_code"]))}
        self.dispatch_unit = pn.widgets.Select(label=_("Unit of the soirée"),
                                               options={"—": None, **{l: c for c, l in self.unit_labels.items()}},
                                               sizing_mode="stretch_width", max_width=320)
        self.dispatch_mode = pn.widgets.RadioButtonGroup(
            options={_("Percentage"): "percent", _("Amount"): "amount"}, value="percent", width=260)
        self.dispatch_date = pn.widgets.TextInput(label=_("Date of the transfers"), placeholder="jj/mm/aaaa",
                                                  width=160)
        self.dispatch_poles = [pn.widgets.Select(label=_("Pole {n}", n=i + 1), options=dict(self._pole_options),
                                                 width=300) for i in range(DISPATCH_ROWS)]
        self.dispatch_values = [pn.widgets.TextInput(label=_("Share {n}", n=i + 1), width=140, stylesheets=SHRINK)
                                for i in range(DISPATCH_ROWS)]
        self.dispatch_line_errors = [pn.pane.HTML("", margin=(0, 10), css_classes=["dispatch-line-error"])
                                     for _i in range(DISPATCH_ROWS)]
        self.dispatch_rest = pn.pane.HTML("", css_classes=["dispatch-rest"])
        self.dispatch_save = pn.widgets.Button(label=_("Save the dispatch"), color="primary", width=220)
        self.dispatch_reload = pn.widgets.Button(label=_("Reload the saved dispatch"), width=240)
        self.dispatch_message = PlainAlert("", alert_type="info", visible=False, css_classes=["dispatch-message"])
        self.dispatch_save.on_click(lambda _e: self.save_dispatch())
        self.dispatch_reload.on_click(lambda _e: self._load_dispatch())
        for widget in [self.dispatch_mode, self.dispatch_unit, *self.dispatch_poles]:
            widget.param.watch(self._update_rest, "value")
        for box in [self.dispatch_date, *self.dispatch_values]:
            box.param.watch(self._sync_input, "value")
        for widget in self.dispatch_values:
            widget.param.watch(self._update_rest, ["value", "value_input"])
        self.dispatch_unit.param.watch(self._own_unit_option, "value")
        self.form: Dispatch | None = None

    def _own_unit_option(self, *events) -> None:
        """The soirée's own unit is offered too (the part it keeps), when it is not a pôle."""
        options = dict(self._pole_options)
        own = self.dispatch_unit.value
        if own and own not in options.values():
            options[_("{unit} — keeps its share", unit=self.unit_labels.get(own, own))] = own
        for select in self.dispatch_poles:
            value = select.value
            select.options = options
            select.value = value if value in options.values() else None

    def _load_dispatch(self, *events) -> None:
        """The soirée's saved dispatch in the form (or an empty form)."""
        self.form = None
        self.dispatch_message.visible = False
        for pane in self.dispatch_line_errors:
            pane.object = ""
        if not self.event:
            return
        try:
            self.form = Dispatch.open(self.warehouse, self.event)
        except NotFound as exc:
            self._say(self.dispatch_message, str(exc), "warning")
            return
        self.dispatch_unit.value = self.form.from_unit
        self._own_unit_option()
        self.dispatch_mode.value = self.form.mode
        self._set_box(self.dispatch_date, formatting.date(self.form.transfer_date))
        for i in range(DISPATCH_ROWS):
            line = self.form.lines[i] if i < len(self.form.lines) else DispatchLine()
            self.dispatch_poles[i].value = line.unit_code if line.unit_code in self.dispatch_poles[i].options.values() \
                else None
            self._set_box(self.dispatch_values[i], line.value or "")
        self._update_rest()

    @staticmethod
    def _sync_input(event) -> None:
        """A value set by code (or committed) is also the live input, so the two never disagree."""
        if event.obj.value_input != event.new:
            event.obj.value_input = event.new

    @staticmethod
    def _typed(box: pn.widgets.TextInput) -> str:
        """What a text box holds as typed, even before the user presses Enter or leaves it."""
        return box.value_input if box.value_input is not None else (box.value or "")

    @staticmethod
    def _set_box(box: pn.widgets.TextInput, text: str) -> None:
        box.value = text

    def _typed_lines(self) -> list[DispatchLine]:
        return [DispatchLine(select.value, self._typed(box)) for select, box in zip(self.dispatch_poles,
                                                                                     self.dispatch_values)]

    def _takings(self) -> Decimal | None:
        s = self.soiree_data()
        return None if s is None else Decimal(str(s["takings"])).quantize(Decimal("0.01"))

    def _update_rest(self, *events) -> None:
        """« Reste à répartir », live, from what is typed (a hint; the model checks on save)."""
        takings = self._takings()
        if takings is None:
            self.dispatch_rest.object = ""
            return
        total, unreadable = Decimal(0), False
        for line in self._typed_lines():
            if line.value is None or not str(line.value).strip():
                continue
            try:
                total += _TYPED.convert(line.value)
            except FieldError:
                unreadable = True
        if self.dispatch_mode.value == "percent":
            rest = Decimal(100) - total
            text = _("Remaining to dispatch: {percent} of {takings}",
                     percent=formatting.number(rest, 2) + "\u00a0%", takings=formatting.money(takings))
        else:
            rest = takings - total
            text = _("Remaining to dispatch: {amount} of {takings}", amount=formatting.money(rest),
                     takings=formatting.money(takings))
        if unreadable:
            text += " " + _("(a share is not a number)")
        color = "#1f5a4a" if rest == 0 and not unreadable else "#b42318"
        self.dispatch_rest.object = (f'<div class="reste" data-rest="{html.escape(str(rest))}" '
                                     f'style="font-weight:600;color:{color}">{html.escape(text)}</div>')

    def save_dispatch(self) -> bool:
        if self.form is None:
            self._say(self.dispatch_message, _("Choose a soirée first."), "warning")
            return False
        self.form.from_unit = self.dispatch_unit.value
        self.form.mode = self.dispatch_mode.value
        self.form.transfer_date = self._typed(self.dispatch_date)
        self.form.lines = self._typed_lines()
        for pane in self.dispatch_line_errors:
            pane.object = ""
        try:
            self.form.save(self.warehouse, current_user())
        except Invalid as exc:
            general = []
            for key, text in exc.errors.items():
                parts = key.split(".")
                if parts[0] == "lines" and len(parts) == 2:
                    self.dispatch_line_errors[int(parts[1])].object = red(text)
                else:
                    general.append(text)
            self._say(self.dispatch_message, " ".join(general) or _("Nothing was saved: correct the lines in red."),
                      "danger")
            return False
        except (Forbidden, Conflict, NotFound, WarehouseBusy) as exc:
            self._say(self.dispatch_message, str(exc), "danger")
            return False
        self._say(self.dispatch_message, _("Dispatch saved: the transfers are in the budgets of the poles."),
                  "success")
        self._saved(self.dispatch_message)
        return True
