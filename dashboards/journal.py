"""Journal des modifications (docs/architecture.md §4.3): every change entered in Alambic, who, when,
before and after, with the undo of a change; and the flow loads and builds of meta.runs.

Reserved to admin and finance: `page_body` refuses the others, and this page checks again (the
model, `models.audit`, refuses too). Reading goes through `models.audit` (shown in French by
`models.audit_display`), undoing through `models.audit_undo`: an undo is a write of the same
form model, with its rights, its lost-update check and its own audit line.
"""

from __future__ import annotations

import datetime as dt
import html
from zoneinfo import ZoneInfo

import pandas as pd
import panel as pn
import param

from alambic import formatting
from alambic.i18n import N_, _
from dashboards.components import SHRINK, TABLE_CSS, Column, PlainAlert, display_frame, french_table
from dashboards.forms import rebuild_after_save
from dashboards.periods import PeriodError, parse_period
from dashboards.queries import run_query
from dashboards.session import current_user
from models import audit, audit_display, audit_undo
from models.errors import Conflict, Forbidden, Invalid, NotFound
from warehouse.connection import WarehouseBusy

# Tables in French words; a table not listed takes its Record's label (models.audit_display.table_label).
TABLE_LABELS = {
    "forecasts": N_("Forecast lines"),
    "internal_transfers": N_("Internal transfers"),
    "subsidies": N_("Subsidies"),
    "subsidy_instalments": N_("Subsidy instalments"),
    "users": N_("Login accounts"),
}
ACTION_LABELS = {
    "insert": N_("Created"),
    "update": N_("Changed"),
    "delete": N_("Deleted"),
    "undo_insert": N_("Undo of a creation"),
    "undo_update": N_("Undo of a change"),
    "undo_delete": N_("Undo of a deletion"),
    "restore": N_("Restore from a backup"),  # `alambic restore` (warehouse/backup.py)
}
RUN_KINDS = {"load": N_("Load"), "build": N_("Build"), "migrate": N_("Migration")}
RUN_OUTCOMES = {"ok": N_("Succeeded"), "failed": N_("Failed")}

DIFF_CSS = """
table.audit-diff { border-collapse: collapse; width: 100%; font-size: 0.92em; }
table.audit-diff th, table.audit-diff td { border-bottom: 1px solid #e3e7ea; padding: 4px 8px;
  text-align: left; vertical-align: top; }
table.audit-diff thead th { background: #f3f5f6; }
table.audit-diff tr.changed td, table.audit-diff tr.changed th { background: #fff4d6; font-weight: 600; }
table.audit-diff td.empty { color: #8a949c; }
"""


def table_title(table: str) -> str:
    return _(TABLE_LABELS[table]) if table in TABLE_LABELS else audit_display.table_label(table)


def action_title(action: str, undoes=None) -> str:
    label = _(ACTION_LABELS[action]) if action in ACTION_LABELS else action
    if undoes is not None and not formatting.is_missing(undoes):
        label += " " + _("(no. {number})", number=int(undoes))
    return label


def audit_columns() -> list[Column]:
    return [
        Column("audit_id", _("No.")),
        Column("when", _("When")),
        Column("who", _("Who")),
        Column("what", _("What")),
        Column("which", _("Which row"), width="30%"),
        Column("action_text", _("Action")),
    ]


def run_columns() -> list[Column]:
    return [
        Column("when", _("When")),
        Column("kind_text", _("What")),
        Column("target", _("Target")),
        Column("seconds_text", _("Duration (s)")),
        Column("rows_in_text", _("Rows received")),
        Column("rows_new_text", _("New")),
        Column("rows_changed_text", _("Changed")),
        Column("rows_unchanged_text", _("Unchanged")),
        Column("outcome_text", _("Outcome")),
        Column("message", _("Message"), width="28%"),
    ]


def _count(value) -> str:
    return "" if formatting.is_missing(value) else formatting.number(int(value))


class Journal(pn.viewable.Viewer):
    """The page: the audit table with its filters, the selected change before / after, its undo;
    then the recent flow loads and builds."""

    context = param.Parameter(doc="AppContext: warehouse, configuration.")
    version = param.Integer(default=0, doc="Incremented after each undo: the tables are read again.")
    message = param.String(default="")
    message_kind = param.Selector(default="info", objects=["info", "success", "danger", "warning"])

    def __init__(self, **params):
        super().__init__(**params)
        self.user = current_user()
        self.allowed = self.user.role in audit.JOURNAL_ROLES and not self.user.is_demo
        self.selected: audit.AuditEntry | None = None
        self.plan: audit_undo.UndoPlan | None = None
        if not self.allowed:
            return
        settings = run_query(self.warehouse, "filters/parametres").iloc[0]
        self._fy_month = int(settings["fiscal_year_start_month"])
        self.zone = settings["timezone"] or "UTC"
        self.table_select = pn.widgets.Select(label=_("Table"), width=240, stylesheets=SHRINK)
        self.who_select = pn.widgets.Select(label=_("Who"), width=200, stylesheets=SHRINK)
        self._filter_options()
        self.period_input = pn.widgets.TextInput(
            label=_("Period"), width=240, placeholder="2026, 2026-T4, 2026-11, 2026-11-27",
            description=_("Empty: every date. Otherwise a year (2026), a quarter (2026-T4), a month "
                          "(2026-11), a day (2026-11-27) or a range (2026-10..2026-11)."))
        units = run_query(self.warehouse, "filters/unites")
        self.unit_select = pn.widgets.Select(
            label=_("Unit"), width=280,
            options={_("All units"): None, **{("\u00a0\u00a0" * int(r.depth)) + f"{r.name} ({r.unit_code})": r.unit_code
                                               for r in units.itertuples()}})
        self.period_error = PlainAlert("", alert_type="danger", visible=False, css_classes=["period-error"])
        self.undo_button = pn.widgets.Button(label=_("Undo this change"), color="warning", width=240,
                                             disabled=True)
        self.confirm_button = pn.widgets.Button(label=_("Confirm the undo"), color="danger", width=220,
                                                visible=False)
        self.cancel_button = pn.widgets.Button(label=_("Undo nothing"), width=180, visible=False)
        self.confirm_text = PlainAlert("", alert_type="warning", visible=False, css_classes=["undo-confirm"])
        self.detail = pn.pane.HTML("", stylesheets=[DIFF_CSS], sizing_mode="stretch_width",
                                   css_classes=["audit-detail"])
        self.undo_button.on_click(lambda _event: self.ask_undo())
        self.confirm_button.on_click(lambda _event: self.confirm_undo())
        self.cancel_button.on_click(lambda _event: self.cancel_undo())
        self.lines = pd.DataFrame()
        self.audit_table = french_table(self.audit_data(), audit_columns(), pagination="local", page_size=20,
                                        selectable=False, css_classes=["audit-table"])
        self.audit_table.on_click(self._clicked)
        self.runs_table = french_table(self.runs_data(), run_columns(), highlight="failed",
                                       pagination="local", page_size=10, selectable=False,
                                       css_classes=["runs-table"])
        for widget in (self.table_select, self.who_select, self.unit_select):
            widget.param.watch(self.refresh, "value")
        self.period_input.param.watch(self.refresh, "value")

    @property
    def warehouse(self):
        return self.context.warehouse

    # -- data ----------------------------------------------------------------------------------

    def period(self) -> tuple[dt.date | None, dt.date | None]:
        """The typed period as (date_from, date_to); everything when empty or not understood."""
        text = (self.period_input.value or "").strip()
        if not text:
            self.period_error.visible = False
            return None, None
        try:
            period = parse_period(text, self._fy_month)
        except PeriodError as exc:
            self.period_error.object = str(exc)
            self.period_error.visible = True
            return None, None
        self.period_error.visible = False
        return period.start, period.end

    def when(self, stamp) -> str:
        if formatting.is_missing(stamp):
            return ""
        stamp = pd.Timestamp(stamp).to_pydatetime()
        if stamp.tzinfo is not None:
            stamp = stamp.astimezone(ZoneInfo(self.zone))
        return _("{day} at {time}", day=formatting.date(stamp), time=stamp.strftime("%H:%M"))

    def audit_data(self) -> pd.DataFrame:
        """The audit lines the filters keep (newest first), with the words the table shows."""
        date_from, date_to = self.period()
        frame = audit.read_audit(self.warehouse, self.user, table=self.table_select.value,
                                 who=self.who_select.value, unit=self.unit_select.value,
                                 date_from=date_from, date_to=date_to).copy()
        frame["when"] = frame["changed_at"].map(self.when)
        frame["what"] = frame["table_name"].map(table_title)
        entries = [audit.AuditEntry.from_row(row) for row in frame.to_dict("records")]
        labels = audit_display.reference_labels(self.warehouse)
        frame["which"] = [
            f"n° {e.row_id}" + (f" — {summary}" if (summary := audit_display.row_summary(
                e.table_name, e.after or e.before, labels)) else "")
            for e in entries
        ]
        frame["action_text"] = [action_title(e.action, e.undoes) for e in entries]
        self.lines = frame.reset_index(drop=True)
        return self.lines

    def runs_data(self) -> pd.DataFrame:
        date_from, date_to = self.period()
        frame = audit.read_runs(self.warehouse, self.user, date_from=date_from, date_to=date_to).copy()
        frame["when"] = frame["started_at"].map(self.when)
        frame["kind_text"] = frame["kind"].map(lambda k: _(RUN_KINDS[k]) if k in RUN_KINDS else k)
        frame["outcome_text"] = frame["outcome"].map(lambda o: _(RUN_OUTCOMES[o]) if o in RUN_OUTCOMES else o)
        frame["failed"] = frame["outcome"] != "ok"
        frame["seconds_text"] = frame["seconds"].map(
            lambda s: "" if formatting.is_missing(s) else formatting.number(float(s), 1))
        for column in ("rows_in", "rows_new", "rows_changed", "rows_unchanged"):
            frame[f"{column}_text"] = frame[column].map(_count)
        frame["message"] = frame["message"].map(lambda m: "" if formatting.is_missing(m) else str(m))
        return frame.reset_index(drop=True)

    def _filter_options(self) -> None:
        """The tables and the people the audit holds (an undo may add a person)."""
        tables, authors = audit.filter_choices(self.warehouse, self.user)
        every_table = {t: table_title(t) for t in {*tables, *audit.records()}}
        self.table_select.options = {_("All tables"): None,
                                     **{label: t for t, label in sorted(every_table.items(), key=lambda i: i[1])}}
        self.who_select.options = {_("Everybody"): None, **{a: a for a in authors}}

    def refresh(self, *_events) -> None:
        """Read the tables again (filters changed, or an undo wrote a line)."""
        self.audit_table.value = display_frame(self.audit_data(), audit_columns())
        runs = self.runs_data()
        self.runs_table.value = display_frame(runs, run_columns())
        if self.selected is not None and self.selected.audit_id not in set(self.lines["audit_id"]):
            self.clear_selection()

    # -- selection and undo --------------------------------------------------------------------

    def _clicked(self, event) -> None:
        if event.row is None or event.row >= len(self.lines):
            return
        self.select(int(self.lines.iloc[event.row]["audit_id"]))

    def select(self, audit_id: int) -> None:
        """Show one line: its columns before and after, changed ones highlighted."""
        self.cancel_undo()
        self._say("", "info")
        try:
            self.selected = audit.entry(self.warehouse, self.user, audit_id)
        except (NotFound, Forbidden) as exc:
            self.clear_selection()
            self._say(str(exc), "warning")
            return
        self.detail.object = self.detail_html(self.selected)
        self.undo_button.disabled = False

    def clear_selection(self) -> None:
        self.selected = None
        self.detail.object = ""
        self.undo_button.disabled = True
        self.cancel_undo()

    def detail_html(self, line: audit.AuditEntry) -> str:
        heading = _("Change no. {number}: {action} by {who}, {when} — {what}, row no. {row}",
                    number=line.audit_id, action=action_title(line.action, line.undoes).lower(),
                    who=line.who, when=self.when(line.changed_at), what=table_title(line.table_name),
                    row=line.row_id)
        rows = []
        labels = audit_display.reference_labels(self.warehouse)
        for change in audit_display.changes(line):
            before = audit_display.display(line.table_name, change.name, change.before, self.zone, labels)
            after = audit_display.display(line.table_name, change.name, change.after, self.zone, labels)
            if line.before is None:
                before = ""
            if line.after is None:
                after = ""
            css = ' class="changed"' if change.changed and line.before is not None and line.after is not None else ""
            rows.append(
                f"<tr{css} data-field=\"{html.escape(change.name)}\"><th>{html.escape(change.label)}</th>"
                f"<td>{html.escape(before)}</td><td>{html.escape(after)}</td></tr>"
            )
        titles = "".join(f"<th>{html.escape(title)}</th>" for title in (_("Field"), _("Before"), _("After")))
        head = f"<thead><tr>{titles}</tr></thead>"
        return (f"<p><b>{html.escape(heading)}</b></p>"
                f"<table class=\"audit-diff\">{head}<tbody>{''.join(rows)}</tbody></table>")

    def ask_undo(self) -> None:
        """First step: check the undo as it will be done, and say what it will do."""
        if self.selected is None:
            return
        try:
            self.plan = audit_undo.preview(self.warehouse, self.selected.audit_id, self.user)
        except Exception as exc:  # noqa: BLE001 — each refusal is shown by _refused
            self._refused(exc)
            return
        self.confirm_text.object = self.plan.message
        self.confirm_text.visible = self.confirm_button.visible = self.cancel_button.visible = True
        self._say("", "info")

    def cancel_undo(self) -> None:
        self.plan = None
        self.confirm_text.visible = self.confirm_button.visible = self.cancel_button.visible = False

    def confirm_undo(self) -> bool:
        """Second step: undo (one transaction), recompute the figures, read the tables again."""
        if self.selected is None or self.plan is None:
            return False
        audit_id = self.selected.audit_id
        self.cancel_undo()
        try:
            done = audit_undo.undo(self.warehouse, audit_id, self.user)
        except Exception as exc:  # noqa: BLE001
            self._refused(exc)
            return False
        def redraw() -> None:
            self.clear_selection()
            self.version += 1
            self._filter_options()
            self.refresh()

        # every app table feeds some mart: one path for every save (off the event loop when served)
        rebuild_after_save(self.warehouse, getattr(self.context, "config", None), redraw,
                           say=self._say, done=(done.message, "success"))
        return True

    def _refused(self, exc: Exception) -> None:
        kinds = {Forbidden: "danger", Invalid: "danger", Conflict: "warning", audit_undo.NotUndoable: "warning",
                 NotFound: "warning", WarehouseBusy: "warning"}
        kind = next((k for cls, k in kinds.items() if isinstance(exc, cls)), None)
        if kind is None:
            raise exc
        text = str(exc)
        if isinstance(exc, Invalid):
            text = _("The change cannot be undone: {reason}", reason=text)
        self._say(text, kind)

    def _say(self, text: str, kind: str) -> None:
        self.message_kind = kind
        self.message = text

    # -- layout --------------------------------------------------------------------------------

    @param.depends("message", "message_kind")
    def _alert(self):
        if not self.message:
            return pn.Spacer(height=0)
        return PlainAlert(self.message, alert_type=self.message_kind, css_classes=["journal-message"])

    def __panel__(self):
        if not self.allowed:
            return PlainAlert(_("This page is reserved for the finance group and the administrators."),
                                 alert_type="warning")
        return pn.Column(
            pn.pane.Markdown(_("Every change entered through the forms, newest first. Select a line to "
                               "see it before and after; only the latest change of a row can be undone.")),
            pn.FlexBox(self.table_select, self.who_select, self.period_input, self.unit_select),
            self.period_error,
            self.audit_table,
            self._alert,
            self.detail,
            self.undo_button,
            self.confirm_text,
            pn.FlexBox(self.confirm_button, self.cancel_button),
            pn.pane.Markdown("## " + _("Flow loads and builds")),
            pn.pane.Markdown(_("The latest loads of the sources and builds of the figures, with their "
                               "rows and outcome.")),
            self.runs_table,
            stylesheets=[TABLE_CSS],
            sizing_mode="stretch_width",
        )
