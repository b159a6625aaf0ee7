"""A Panel form for any `models.Record`: widgets from its fields, French messages, nothing lost.

The form shows the record's fields as widgets (a text box keeps exactly what was typed; the model
says what is wrong with it), saves through the model — which validates, checks the user's rights
and the row's version, and audits in one transaction — and shows, in French:

- the message of each wrong field, the input staying as typed;
- a refusal (`Forbidden`) as it is;
- a lost update (`Conflict`): both versions side by side, with a choice to keep theirs (reload)
  or to save this one over the version just seen.

Pages give the choices of the reference fields (units, categories) and react to `saved`.
"""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal
from typing import Callable

import panel as pn
import param

from alambic.i18n import _
from dashboards import formatting
from dashboards.session import current_user
from models.base import Record
from models.errors import Conflict, Forbidden, Invalid, NotFound
from models.fields import Amount, Choice, Day, Reference
from warehouse.connection import Warehouse, WarehouseBusy

PLACEHOLDERS = {Amount: "1 234,56", Day: "jj/mm/aaaa"}


def shown(value) -> str:
    """A stored value as a text box shows it: dates in French, amounts with a decimal comma."""
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return formatting.date(value)
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    return str(value)


class RecordForm(param.Parameterized):
    """A form bound to one record (new, or loaded from the warehouse to be edited)."""

    saved = param.Integer(default=0, doc="Incremented after each committed save or delete: pages depend on it.")
    message = param.String(default="")
    message_kind = param.Selector(default="info", objects=["info", "success", "danger", "warning"])

    def __init__(self, record_type: type[Record], warehouse: Warehouse, *,
                 choices: dict[str, dict[str, str]] | None = None, title: str = "",
                 who: Callable = current_user, **params):
        super().__init__(**params)
        self.record_type = record_type
        self.warehouse = warehouse
        self.choices = choices or {}
        self.title = title
        self.who = who
        self.record = record_type()
        self.conflict: Conflict | None = None
        self.widgets = {name: self._widget(name, field) for name, field in record_type.fields().items()}
        self.errors = {name: pn.pane.HTML("", css_classes=["field-error"], margin=(0, 10)) for name in self.widgets}
        self.save_button = pn.widgets.Button(label=_("Save"), color="primary", width=160)
        self.new_button = pn.widgets.Button(label=_("New entry"), width=160)
        self.keep_theirs = pn.widgets.Button(label=_("Keep their version"), visible=False, width=200)
        self.keep_mine = pn.widgets.Button(label=_("Save mine over theirs"), color="warning",
                                           visible=False, width=200)
        self.comparison = pn.pane.HTML("", visible=False)
        self.save_button.on_click(lambda _event: self.save())
        self.new_button.on_click(lambda _event: self.start_new())
        self.keep_theirs.on_click(lambda _event: self.reload())
        self.keep_mine.on_click(lambda _event: self.save(overwrite=True))

    # -- widgets -------------------------------------------------------------------------------

    def _widget(self, name: str, field) -> pn.widgets.Widget:
        label = field.label or name
        if name in self.choices or isinstance(field, (Reference, Choice)):
            options = self.choices.get(name) or dict(getattr(field, "objects", {}) or {})
            return pn.widgets.Select(label=label, options={"—": None, **options}, value=None, width=320)
        placeholder = next((text for kind, text in PLACEHOLDERS.items() if isinstance(field, kind)), "")
        return pn.widgets.TextInput(label=label, placeholder=placeholder, width=320)

    def _from_widgets(self) -> None:
        """What the user typed, as typed, onto the record (validation never changes it)."""
        for name, widget in self.widgets.items():
            setattr(self.record, name, widget.value)

    def _to_widgets(self) -> None:
        for name, widget in self.widgets.items():
            value = getattr(self.record, name)
            if isinstance(widget, pn.widgets.Select):
                widget.value = value if value in widget.options.values() else None
            else:
                widget.value = value if isinstance(value, str) else shown(value)

    # -- actions -------------------------------------------------------------------------------

    def edit(self, row_id: int) -> None:
        """Open an existing row (its version is remembered for the lost-update check)."""
        try:
            self.record = self.record_type.load(self.warehouse, row_id)
        except NotFound as exc:
            self._say(str(exc), "warning")
            return
        self._to_widgets()
        self._clear_messages()

    def start_new(self) -> None:
        self.record = self.record_type()
        for widget in self.widgets.values():
            widget.value = None if isinstance(widget, pn.widgets.Select) else ""
        self._clear_messages()

    def reload(self) -> None:
        """Keep their version: the form shows the row as it is now."""
        if self.record.id is not None:
            self.edit(self.record.id)

    def save(self, overwrite: bool = False) -> bool:
        self._from_widgets()
        if overwrite and self.conflict is not None:
            self.record.keep_mine(self.conflict)
        self._clear_messages()
        try:
            self.record.save(self.warehouse, self.who())
        except Invalid as exc:
            for name, text in exc.errors.items():
                target = self.errors.get(name.split(".")[0])
                if target is not None:
                    target.object = f'<span style="color:#b42318">{html.escape(text)}</span>'
            self._say(_("Nothing was saved: correct the fields in red."), "danger")
            return False
        except Forbidden as exc:
            self._say(str(exc), "danger")
            return False
        except Conflict as exc:
            self._show_conflict(exc)
            return False
        except WarehouseBusy as exc:
            self._say(str(exc), "warning")
            return False
        self._say(_("Saved."), "success")
        self.saved += 1
        return True

    # -- messages ------------------------------------------------------------------------------

    def _say(self, text: str, kind: str) -> None:
        self.message_kind = kind
        self.message = text

    def _clear_messages(self) -> None:
        for pane in self.errors.values():
            pane.object = ""
        self.conflict = None
        self.comparison.visible = self.keep_theirs.visible = self.keep_mine.visible = False
        self._say("", "info")

    def _show_conflict(self, conflict: Conflict) -> None:
        self.conflict = conflict
        self._say(str(conflict), "warning")
        names = [n for n in self.widgets if (conflict.theirs or {}).get(n) != (conflict.yours or {}).get(n)]
        rows = "".join(
            f"<tr><th>{html.escape(self.record_type.fields()[n].label or n)}</th>"
            f"<td>{html.escape(shown((conflict.theirs or {}).get(n)))}</td>"
            f"<td>{html.escape(shown((conflict.yours or {}).get(n)))}</td></tr>"
            for n in names
        )
        theirs, yours = html.escape(_("Their version")), html.escape(_("Your version"))
        self.comparison.object = (
            f"<table class='conflict'><tr><th></th><th>{theirs}</th><th>{yours}</th></tr>{rows}</table>"
        )
        self.comparison.visible = True
        self.keep_theirs.visible = conflict.theirs is not None
        self.keep_mine.visible = conflict.theirs is not None

    # -- layout --------------------------------------------------------------------------------

    @param.depends("message", "message_kind")
    def _alert(self):
        if not self.message:
            return pn.Spacer(height=0)
        return pn.pane.Alert(self.message, alert_type=self.message_kind)

    def __panel__(self):
        fields = [pn.Column(widget, self.errors[name], margin=0) for name, widget in self.widgets.items()]
        return pn.Column(
            *([pn.pane.Markdown(f"### {self.title}")] if self.title else []),
            pn.FlexBox(*fields),
            pn.Row(self.save_button, self.new_button),
            self._alert,
            self.comparison,
            pn.Row(self.keep_theirs, self.keep_mine),
            sizing_mode="stretch_width",
        )
