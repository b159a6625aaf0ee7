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
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import panel as pn
import param

from alambic import formatting
from alambic.i18n import _
from dashboards.components import SHRINK, PlainAlert
from dashboards.session import current_user, served_document
from models.base import Record, fetch_dicts
from models.errors import Conflict, Forbidden, Invalid, NotFound
from models.fields import Amount, Choice, Day, Reference
from warehouse.connection import Warehouse, WarehouseBusy

PLACEHOLDERS = {Amount: "1 234,56", Day: "jj/mm/aaaa"}
log = logging.getLogger(__name__)


# -- the one path from a save to the recomputed figures -------------------------------------------

# One worker per server process: the rebuilds of every session queue here (the warehouse takes one
# writer at a time anyway), never on Tornado's event loop nor in the session's own callback.
_REBUILDS = ThreadPoolExecutor(max_workers=1, thread_name_prefix="alambic-rebuild")


def rebuild_after_save(warehouse: Warehouse, config, redraw: Callable[[], None], *,
                       say: Callable[[str, str], None] | None = None,
                       done: tuple[str, str] | None = None, changed: set[str] | None = None) -> None:
    """After a committed write of `app.*`: recompute the marts, then redraw the page.

    Every page that saves goes through here (forms, copies, imports, settlements, undo):
    - served, the rebuild runs on a worker thread and the session shows « mise à jour des
      chiffres… » meanwhile (`say`), then `done` (the save's own message) or, if the build
      failed or the warehouse stayed busy, that message and why the figures could not follow;
      the redraw then runs as one more callback of the session, in its order (Panel's pool,
      the session's lane: dashboards.event_order), under the session's document (Panel sends
      the changes through the event loop: Reactive._apply_update schedules them as next-tick
      callbacks);
    - outside a server (tests, notebooks) it runs at once, so the figures are there on return.
    What was saved is never at stake here: it was committed before (only the marts follow).
    changed: the tables the save wrote ('app.forecasts' …): only the marts depending on them are
    rebuilt (warehouse.build.affected_marts); None rebuilds everything.
    """
    from panel.io.state import set_curdoc

    if config is None:  # a page shown without configuration (page tests): nothing to rebuild
        redraw()
        if say and done:
            say(*done)
        return

    def rebuilt() -> tuple[str, str]:
        """Recompute the marts (no document touched here: safe on any thread)."""
        from warehouse.build import BuildError, build

        text, kind = done or ("", "info")
        try:
            build(warehouse, config.settings(), changed)
        except (BuildError, WarehouseBusy) as exc:
            reason = _("The figures could not be recomputed yet: {reason}", reason=str(exc))
            text, kind = (f"{text} {reason}".strip(), "warning")
        return text, kind

    def shown(text: str, kind: str) -> None:
        """Redraw the page and say how the save ended (changes the session's document)."""
        try:
            redraw()
        except WarehouseBusy as exc:
            text, kind = (f"{text} {exc}".strip(), "warning")
        if say and (text or done):
            say(text, kind)

    doc = served_document()
    if doc is None:  # tests, notebooks: at once
        shown(*rebuilt())
        return
    if say:
        updating = _("Updating the figures…")
        say(f"{done[0]} {updating}".strip() if done else updating, "info")

    def in_session() -> None:
        try:
            text, kind = rebuilt()
            # The redraw goes back to the session the way Panel runs its own callbacks (its thread
            # pool, holding the document for that thread; else the event loop): changing a
            # document from this worker thread directly is unsafe and garbled pages. Served, it
            # joins the session's lane (dashboards.event_order): it runs after the callbacks the
            # browser sent before it, never at the same time as one, and before those sent after.
            with set_curdoc(doc):
                if pn.state._thread_pool:  # served: always (dashboards.server sets nthreads)
                    pn.state.execute(lambda: shown(text, kind), schedule="thread")
                else:
                    shown(text, kind)
        except Exception:  # noqa: BLE001 — logged: a worker thread has nobody else to tell
            log.exception("rebuild after a save")

    _REBUILDS.submit(in_session)


def saved_by(event) -> dict:
    """`say` and `done` for rebuild_after_save from the `saved` event of a RecordForm (else {})."""
    form = getattr(event, "obj", None)
    if not isinstance(form, RecordForm):
        return {}
    tables = {f"app.{form.record_type.table}"}
    if isinstance(form, RecordWithChildrenForm):
        tables.add(f"app.{form.child_type.table}")
    return {"say": form._say, "done": (form.message, form.message_kind), "changed": tables}


def shown(value) -> str:
    """A stored value as a text box shows it: dates in French, amounts with a decimal comma."""
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return formatting.date(value)
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    return str(value)


def field_widget(name: str, field, choices: dict[str, dict[str, str]], width: int = 320) -> pn.widgets.Widget:
    """A list for a reference or a choice (the page's choices first), else a text box that keeps
    exactly what is typed."""
    label = field.label or name
    if name in choices or isinstance(field, (Reference, Choice)):
        options = choices.get(name) or dict(getattr(field, "objects", {}) or {})
        return pn.widgets.Select(label=label, options={"—": None, **options}, value=None, width=width,
                                stylesheets=SHRINK)
    placeholder = next((text for kind, text in PLACEHOLDERS.items() if isinstance(field, kind)), "")
    return pn.widgets.TextInput(label=label, placeholder=placeholder, width=width, stylesheets=SHRINK)


def widgets_to_record(widgets: dict[str, pn.widgets.Widget], record: Record) -> None:
    for name, widget in widgets.items():
        setattr(record, name, widget.value)


def record_to_widgets(record: Record, widgets: dict[str, pn.widgets.Widget]) -> None:
    for name, widget in widgets.items():
        value = getattr(record, name)
        if isinstance(widget, pn.widgets.Select):
            widget.value = value if value in widget.options.values() else None
        else:
            widget.value = value if isinstance(value, str) else shown(value)


def field_column(widget: pn.widgets.Widget, error: pn.pane.HTML) -> pn.Column:
    """A field and its message below it, as wide as the field (so that fields sit side by side)."""
    # A width and no sizing mode: « fixed » would also require a height (Bokeh's W-1005
    # FIXED_SIZING_MODE, logged for every form field of every session).
    error.param.update(width=widget.width, sizing_mode=None, stylesheets=SHRINK)
    return pn.Column(widget, error, width=widget.width + 20, sizing_mode=None, margin=0, stylesheets=SHRINK)


def error_html(text: str) -> str:
    return f'<span style="color:#b42318">{html.escape(text)}</span>'


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
        return field_widget(name, field, self.choices)

    def _from_widgets(self) -> None:
        """What the user typed, as typed, onto the record (validation never changes it)."""
        widgets_to_record(self.widgets, self.record)

    def _to_widgets(self) -> None:
        record_to_widgets(self.record, self.widgets)

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
        """An empty form, as when the page opened: text boxes empty, each list on its first choice
        (what the browser shows; a list left at None looked chosen but was refused as empty)."""
        self.record = self.record_type()
        for widget in self.widgets.values():
            if isinstance(widget, pn.widgets.Select):
                choices = list(widget.values)
                widget.value = choices[0] if choices else None
            else:
                widget.value = ""
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
            self._show_errors(exc.errors)
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

    def _show_errors(self, errors: dict[str, str]) -> None:
        """Each message under its field (« instalments.0.amount » goes to « instalments »)."""
        for name, text in errors.items():
            target = self.errors.get(name.split(".")[0])
            if target is not None:
                target.object = error_html(text)

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
        rows = "".join(
            f"<tr><th>{html.escape(label)}</th><td>{html.escape(theirs)}</td><td>{html.escape(yours)}</td></tr>"
            for label, theirs, yours in self._differences(conflict)
        )
        theirs, yours = html.escape(_("Their version")), html.escape(_("Your version"))
        self.comparison.object = (
            f"<table class='conflict'><tr><th></th><th>{theirs}</th><th>{yours}</th></tr>{rows}</table>"
        )
        self.comparison.visible = True
        self.keep_theirs.visible = conflict.theirs is not None
        self.keep_mine.visible = conflict.theirs is not None

    def _differences(self, conflict: Conflict) -> list[tuple[str, str, str]]:
        """(field label, their value, your value) for each field the two versions differ on."""
        theirs, yours = conflict.theirs or {}, conflict.yours or {}
        fields = self.record_type.fields()
        return [(fields[n].label or n, shown(theirs.get(n)), shown(yours.get(n)))
                for n in self.widgets if theirs.get(n) != yours.get(n)]

    # -- layout --------------------------------------------------------------------------------

    @param.depends("message", "message_kind")
    def _alert(self):
        if not self.message:
            return pn.Spacer(height=0)
        return PlainAlert(self.message, alert_type=self.message_kind)

    def _sections(self) -> list:
        """What comes between the fields and the buttons (a subclass adds its children there)."""
        return []

    def __panel__(self):
        fields = [field_column(widget, self.errors[name]) for name, widget in self.widgets.items()]
        return pn.Column(
            *([pn.pane.Markdown(f"### {self.title}")] if self.title else []),
            pn.FlexBox(*fields),
            *self._sections(),
            pn.FlexBox(self.save_button, self.new_button),  # a row that wraps on a phone
            self._alert,
            self.comparison,
            pn.FlexBox(self.keep_theirs, self.keep_mine),
            sizing_mode="stretch_width", css_classes=["record-form", f"form-{self.record_type.table}"],
        )


# -- a record with children (e.g. a subsidy and its échéancier) ----------------------------------


def describe(record_type: type[Record], values: dict) -> str:
    """One child in a line, as the comparison of two versions shows it: « Type : Avance · Montant : 500,00 »."""
    parts = []
    for name, field in record_type.fields().items():
        value = values.get(name)
        if value is None or value == "":
            continue
        labels = {v: k for k, v in (getattr(field, "objects", None) or {}).items()}
        parts.append(f"{field.label or name} : {labels.get(value, shown(value))}")
    return " · ".join(parts)


class ChildRow:
    """One child of a RecordWithChildrenForm: its widgets, their messages and a remove button.
    It keeps its record, so an existing child keeps its id and version through the edits."""

    def __init__(self, form: RecordWithChildrenForm, record: Record):
        self.record = record
        self.widgets = {name: field_widget(name, field, form.child_choices, width=form.child_width)
                        for name, field in type(record).fields().items()}
        self.errors = {name: pn.pane.HTML("", css_classes=["field-error"], margin=(0, 10), width=form.child_width)
                       for name in self.widgets}
        self.remove_button = pn.widgets.Button(label=_("Remove"), width=110, margin=(28, 10, 10, 10))
        self.remove_button.on_click(lambda _event: form.remove_row(self))
        record_to_widgets(record, self.widgets)

    def read(self) -> Record:
        widgets_to_record(self.widgets, self.record)
        return self.record

    def clear_errors(self) -> None:
        for pane in self.errors.values():
            pane.object = ""

    def view(self, number: int) -> pn.FlexBox:
        return pn.FlexBox(  # its fields side by side, on several lines on a phone
            pn.pane.HTML(f"<b>{number}</b>", width=24, margin=(34, 5, 5, 5)),
            *[field_column(widget, self.errors[name]) for name, widget in self.widgets.items()],
            self.remove_button,
            css_classes=["child-row"],
        )


class RecordWithChildrenForm(RecordForm):
    """A RecordForm whose record holds a list of child records (a `param.List` of a Record type),
    saved with it in one transaction: rows to add and remove, each with its fields and messages.

    The model reports a child's error as « <children>.<n>.<field> » and an error about the whole
    list as « <children> »; each is shown where it belongs. The child table holds its parent's key
    (e.g. app.subsidy_instalments.subsidy_id): a lost update shows their children beside yours, and
    « save mine over theirs » keeps exactly the rows of this form.
    """

    def __init__(self, record_type: type[Record], warehouse: Warehouse, *, children: str,
                 children_title: str = "", child_label: str = "", add_label: str = "",
                 child_choices: dict | None = None, child_width: int = 170, **params):
        self.children = children
        self.child_type = record_type.param[children].item_type
        self.children_title = children_title or children  # the section's heading (« Échéancier »)
        self.child_label = child_label or self.children_title  # one child, numbered (« Échéance 2 »)
        self.child_choices = child_choices or {}
        self.child_width = child_width
        self.rows: list[ChildRow] = []
        self.rows_box = pn.Column(sizing_mode="stretch_width", css_classes=["child-rows"])
        super().__init__(record_type, warehouse, **params)
        self.errors[children] = pn.pane.HTML("", css_classes=["field-error"], margin=(0, 10))
        self.add_button = pn.widgets.Button(label=add_label or _("Add a row"), width=200)
        self.add_button.on_click(lambda _event: self.add_row())
        self.their_children: dict[int, dict] = {}

    # -- rows ----------------------------------------------------------------------------------

    def add_row(self, record: Record | None = None) -> ChildRow:
        row = ChildRow(self, record if record is not None else self.child_type())
        self.rows.append(row)
        self._show_rows()
        return row

    def remove_row(self, row: ChildRow) -> None:
        """Removed from the form; removed from the warehouse at the next save."""
        if row in self.rows:
            self.rows.remove(row)
            self._show_rows()

    def _set_rows(self, records: list[Record]) -> None:
        self.rows = [ChildRow(self, record) for record in records]
        self._show_rows()

    def _show_rows(self) -> None:
        self.rows_box.objects = [row.view(number) for number, row in enumerate(self.rows, start=1)]

    # -- record <-> widgets --------------------------------------------------------------------

    def _from_widgets(self) -> None:
        super()._from_widgets()
        setattr(self.record, self.children, [row.read() for row in self.rows])

    def _to_widgets(self) -> None:
        super()._to_widgets()
        self._set_rows(list(getattr(self.record, self.children)))

    def start_new(self) -> None:
        super().start_new()
        self._set_rows([])

    def save(self, overwrite: bool = False) -> bool:
        if overwrite and self.conflict is not None:
            # Their children as seen in the comparison: yours overwrite those versions; a child they
            # removed meanwhile is written again, one they added and you do not have is removed.
            for row in self.rows:
                theirs = self.their_children.get(row.record.id)
                row.record.row_version = None if theirs is None else theirs["row_version"]
                if theirs is None:
                    row.record.id = None
        return super().save(overwrite)

    # -- messages ------------------------------------------------------------------------------

    def _show_errors(self, errors: dict[str, str]) -> None:
        parent = {}
        for name, text in errors.items():
            parts = name.split(".")
            if parts[0] == self.children and len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(self.rows):
                target = self.rows[int(parts[1])].errors.get(parts[2])
                if target is not None:
                    target.object = error_html(text)
                    continue
            parent[name] = text
        super()._show_errors(parent)

    def _clear_messages(self) -> None:
        super()._clear_messages()
        for row in self.rows:
            row.clear_errors()

    def _differences(self, conflict: Conflict) -> list[tuple[str, str, str]]:
        rows = super()._differences(conflict)
        self.their_children = {}
        if conflict.theirs is not None:
            parent_key = self.record_type.key
            with self.warehouse.read(f"comparaison : {self.record_type.noun}") as con:
                stored = fetch_dicts(
                    con, f"SELECT * FROM app.{self.child_type.table} WHERE {parent_key} = ? "
                    f"ORDER BY {self.child_type.key}", [conflict.theirs[parent_key]])
            self.their_children = {row[self.child_type.key]: row for row in stored}
        names = list(self.child_type.fields())
        paired = set()
        for number, row in enumerate(self.rows, start=1):
            theirs = self.their_children.get(row.record.id)
            paired.add(row.record.id)
            theirs_text = "—" if theirs is None else describe(self.child_type, theirs)
            yours_text = describe(self.child_type, {n: getattr(row.record, n) for n in names})
            cleaned = row.record.check(None)[0]
            if theirs is None or any(theirs[n] != cleaned[n] for n in names):
                rows.append((f"{self.child_label} {number}", theirs_text, yours_text))
        for child_id, theirs in self.their_children.items():
            if child_id not in paired:
                rows.append((self.child_label, describe(self.child_type, theirs), "—"))
        return rows

    def _sections(self) -> list:
        return [
            pn.pane.Markdown(f"#### {self.children_title}", margin=(10, 10, 0, 10)),
            self.errors[self.children],
            self.rows_box,
            self.add_button,
        ]
