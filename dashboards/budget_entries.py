"""Suivi budgétaire's entries: the forecast lines of the unit and period, the forms to enter a
prévisionnel or an internal transfer, « Copier l'exercice » (a year's forecasts to the next year,
previewed then applied) and « Importer un tableur » (CSV/XLSX, previewed then applied).

Only the units the user may edit are offered; a member without budget rights reads why instead of
the forms (the server refuses a forged write anyway: `models.permissions.require`). Every write is
one audited transaction, made by the models. The figures of the page change once saved: the marts
are rebuilt, the warehouse's data version changes, so every cached page query is read again."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pandas as pd
import panel as pn
import param

from alambic import formatting
from alambic.i18n import _
from dashboards.components import ROOT_UNIT, Column, Filters, PlainAlert, french_table, update_table
from dashboards.forms import RecordForm, rebuild_after_save, saved_by
from dashboards.on_demand import OnDemand
from dashboards.queries import run_query
from dashboards.session import current_user
from models import (
    Conflict,
    Forbidden,
    Forecast,
    ImportPreview,
    InternalTransfer,
    Invalid,
    copy_year,
    editable_units,
    forecast_years,
    import_forecasts,
    preview_copy,
)
from models.forecast_import import ACTIONS
from warehouse.connection import Warehouse, WarehouseBusy, WarehouseMissing


def unit_choices(filters: Filters, allowed: set[str] | None, include_root: bool = False) -> dict[str, str]:
    """The filter's units (label → code), limited to those the user may edit (None: all); La
    Raffinerie itself only when `include_root` (a subsidy may fund the whole organisation)."""
    return {label.strip(): code for code, label in filters.unit_labels().items()
            if (include_root or code != ROOT_UNIT) and (allowed is None or code in allowed)}


def category_choices(warehouse: Warehouse, internal: bool = False) -> dict[str, str]:
    categories = run_query(warehouse, "suivi_budgetaire/categories")
    wanted = categories["is_internal"].astype(bool)  # [[categories]] fed_by "transfers:…"
    chosen = categories[wanted] if internal else categories[~wanted]
    return {row.label: row.category_code for row in chosen.itertuples()}


class BudgetEntries(param.Parameterized):
    """The « Saisies » section of Suivi budgétaire."""

    def __init__(self, warehouse: Warehouse, filters: Filters, config=None, who: Callable = current_user,
                 **params):
        super().__init__(**params)
        self.warehouse, self.filters, self.config, self.who = warehouse, filters, config, who
        self.allowed = editable_units(warehouse, who())  # None: every unit
        units = unit_choices(filters, self.allowed)
        self.forecast_form = RecordForm(
            Forecast, warehouse, title=_("Forecast line"), who=who,
            choices={"unit_code": units, "category_code": category_choices(warehouse)},
        )
        self.transfer_form = RecordForm(
            InternalTransfer, warehouse, title=_("Internal transfer"), who=who,
            choices={"from_unit": units, "to_unit": unit_choices(filters, None)},
        )
        self.line_choice = pn.widgets.Select(label=_("Edit a forecast line"), options={}, sizing_mode="stretch_width", max_width=420)
        self.line_choice.param.watch(self._open_line, "value")
        for form in (self.forecast_form, self.transfer_form):
            form.param.watch(self._rebuild, "saved")
        self.copy = ForecastCopy(self)
        self.spreadsheet = ForecastImport(self)
        # built in the browser only when opened: most visits read the figures and enter nothing
        self.forecast_tool = _("Enter or edit a forecast line")
        self.tools = OnDemand([
            (self.forecast_tool, lambda: pn.Column(self.line_choice, self.forecast_form, sizing_mode="stretch_width")),
            (_("Enter an internal transfer"), lambda: self.transfer_form),
            (_("Copy a fiscal year"), lambda: self.copy),
            (_("Import a spreadsheet"), lambda: self.spreadsheet),
        ], css_classes=["budget-tools"])

    @property
    def can_enter(self) -> bool:
        return self.allowed is None or bool(self.allowed)

    def _rebuild(self, event=None, **messages) -> None:
        """Recompute the marts and redraw the page: every figure shows the entry (one path for
        every save: dashboards.forms.rebuild_after_save, off the event loop)."""
        def redraw() -> None:
            self.filters.param.trigger("current")  # not "period": that would echo to the URL (location sync)

        rebuild_after_save(self.warehouse, self.config, redraw, **(messages or saved_by(event)))

    def _open_line(self, event) -> None:
        if event.new is not None:
            self.tools.open(self.forecast_tool)
            self.forecast_form.edit(int(event.new))

    def forecast_lines_data(self) -> pd.DataFrame:
        period = self.filters.current
        return run_query(self.warehouse, "suivi_budgetaire/lignes_previsionnelles",
                         unit=self.filters.unit, date_from=period.start, date_to=period.end)

    def _line_options(self, lines: pd.DataFrame) -> None:
        self.line_choice.options = {"—": None, **{
            f"{row.unit_name} · {row.category_label} · {row.label or '—'} ({row.forecast_id})": row.forecast_id
            for row in lines.itertuples()}}

    @staticmethod
    def forecast_line_columns() -> list[Column]:
        return [
            Column("unit_name", _("Unit")),
            Column("category_label", _("Category")),
            Column("period_start", _("Start"), "date"),
            Column("period_end", _("End"), "date"),
            Column("amount", _("Amount"), "money"),
            Column("label", _("Label")),
            Column("updated_by", _("Last edited by")),
        ]

    def forecast_lines(self) -> pn.widgets.Tabulator:
        """The forecast lines of the unit and period (and the « edit a line » choices)."""
        lines = self.forecast_lines_data()
        self._line_options(lines)
        return french_table(lines, self.forecast_line_columns(), pagination="remote", page_size=10)

    def _refresh_lines(self, table: pn.widgets.Tabulator, notice: pn.pane.Alert) -> None:
        """A filter change or a save (it triggers `current`, see _rebuild): the rows in place."""
        try:
            lines = self.forecast_lines_data()
        except (WarehouseBusy, WarehouseMissing) as exc:
            say(notice, str(exc), "warning")
            return
        say(notice, "")
        self._line_options(lines)
        update_table(table, lines)

    def __panel__(self):
        if not self.can_enter:
            forms = [PlainAlert(_("You cannot enter forecasts or transfers: only the budget and subsidy "
                                     "referents of a unit, and the finance group, can."), alert_type="info")]
        else:
            forms = [self.tools]
        table, notice = self.forecast_lines(), alert()
        self.filters.param.watch(lambda *_e: self._refresh_lines(table, notice), ["unit", "current"])
        return pn.Column(
            pn.pane.Markdown("## " + _("Entries")),
            notice,
            table,
            *forms,
            sizing_mode="stretch_width",
        )


def alert(text: str = "", kind: str = "info") -> pn.pane.Alert:
    """A message that may quote input (a file's cells, a refusal): always plain escaped text."""
    return PlainAlert(text, alert_type=kind, visible=bool(text))


def say(pane: pn.pane.Alert, text: str, kind: str = "info") -> None:
    pane.param.update(object=text, alert_type=kind, visible=bool(text))


def refusal(exc: Exception) -> str:
    """A model's refusal as one French text (Invalid: its messages; the others: their message)."""
    if isinstance(exc, Invalid):
        return " ; ".join(exc.errors.values())
    return str(exc)


class ForecastCopy(pn.viewable.Viewer):
    """« Copier l'exercice »: the forecasts starting in a year, for the unit of the filter bar (and
    the units below it), copied to the next year — first previewed (how many lines, what total),
    then written in one audited transaction (`models.forecast.copy_year`)."""

    def __init__(self, entries: BudgetEntries, **params):
        super().__init__(**params)
        self.entries = entries
        years = forecast_years(entries.warehouse)
        default = entries.filters.current.start.year if entries.filters.current else None
        self.source = pn.widgets.Select(label=_("Fiscal year to copy"), options={str(y): y for y in years},
                                        value=default if default in years else (years[0] if years else None),
                                        width=200)
        self.preview_button = pn.widgets.Button(label=_("Preview the copy"), width=200)
        self.apply_button = pn.widgets.Button(label=_("Copy"), color="primary", disabled=True, width=160)
        self.message = alert()
        self.planned: tuple[int, int, list[str] | None] | None = None
        self.preview_button.on_click(lambda _event: self.preview())
        self.apply_button.on_click(lambda _event: self.apply())
        self.source.param.watch(self._forget, "value")
        entries.filters.param.watch(self._forget, "unit")

    def scope(self) -> list[str] | None:
        """The units copied: the filter bar's unit and those below it (None: every unit).
        Raises Forbidden, with the reason, for a unit the user may not edit."""
        unit, allowed = self.entries.filters.unit, self.entries.allowed
        if allowed is not None and unit not in allowed:
            raise Forbidden(_("Choose in the filter bar a unit whose forecasts you may edit: the copy is made "
                              "for that unit and the units below it."))
        return None if unit == ROOT_UNIT else [unit]

    def _forget(self, _event=None) -> None:
        self.planned = None
        self.apply_button.disabled = True
        say(self.message, "")

    def preview(self) -> bool:
        self._forget()
        if self.source.value is None:
            say(self.message, _("There is no forecast to copy yet."), "warning")
            return False
        source = int(self.source.value)
        try:
            units = self.scope()
            plan = preview_copy(self.entries.warehouse, source, source + 1, units)
        except (Invalid, Forbidden, WarehouseBusy) as exc:
            say(self.message, refusal(exc), "danger" if not isinstance(exc, WarehouseBusy) else "warning")
            return False
        unit = self.entries.filters.unit_labels().get(self.entries.filters.unit, self.entries.filters.unit).strip()
        text = _("{count} forecast line(s) of {source} for {unit} will be copied to {target}, for a total of "
                 "{total}.", count=len(plan.lines), source=source, unit=unit, target=source + 1,
                 total=formatting.money(plan.total))
        if plan.skipped:
            text += " " + _("{count} line(s) already in {target} will not be copied twice.",
                            count=plan.skipped, target=source + 1)
        say(self.message, text + " " + _("Nothing is written until you click « Copy »."), "info")
        self.planned = (source, source + 1, units)
        self.apply_button.disabled = False
        return True

    def apply(self) -> bool:
        if self.planned is None:
            return False
        source, target, units = self.planned
        try:
            result = copy_year(self.entries.warehouse, self.entries.who(), source, target, units)
        except (Invalid, Forbidden, WarehouseBusy) as exc:
            say(self.message, refusal(exc), "danger")
            return False
        self.planned = None
        self.apply_button.disabled = True
        self.source.options = {str(y): y for y in forecast_years(self.entries.warehouse)}  # the new year too
        self.entries._rebuild(say=lambda text, kind: say(self.message, text, kind), done=(result.message, "success"),
                              changed={"app.forecasts"})
        return True

    def __panel__(self):
        return pn.Column(
            pn.pane.Markdown("### " + _("Copy a fiscal year")),
            pn.pane.Markdown(_("Copies the forecast lines of a year to the next year, dates shifted, for the unit "
                               "chosen in the filter bar and the units below it. Lines already there are not "
                               "copied twice."), css_classes=["hint"]),
            pn.FlexBox(self.source, self.preview_button, self.apply_button),
            self.message,
            sizing_mode="stretch_width", css_classes=["forecast-copy"],
        )


def as_text(value) -> str:
    """An imported cell as the preview shows it: stored values in French, raw input as typed."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return formatting.money(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return formatting.date(value)
    return str(value)


def preview_columns() -> list[Column]:
    return [
        Column("line", _("Line")),
        Column("action", _("Action")),
        Column("unit", _("Unit")),
        Column("category", _("Category")),
        Column("start", _("Start")),
        Column("end", _("End")),
        Column("amount", _("Amount")),
        Column("previous", _("Previous amount")),
        Column("label", _("Label")),
        Column("reasons", _("Reasons")),
    ]


def preview_frame(preview: ImportPreview) -> pd.DataFrame:
    return pd.DataFrame(
        [{
            "line": str(line.line),
            "action": ACTIONS[line.action],
            "unit": as_text(line.forecast.unit_code),
            "category": as_text(line.forecast.category_code),
            "start": as_text(line.forecast.period_start),
            "end": as_text(line.forecast.period_end),
            "amount": as_text(line.forecast.amount),
            "previous": as_text(line.previous_amount),
            "label": as_text(line.forecast.label),
            "reasons": " ; ".join(line.errors.values()),
            "is_error": line.action == "error",
        } for line in preview.lines],
        columns=[c.name for c in preview_columns()] + ["is_error"],
    )


class ForecastImport(pn.viewable.Viewer):
    """« Importer un tableur »: a CSV or XLSX file of forecast lines → a preview of what is added,
    changed or refused (with the reasons), writing nothing → « Import » writes exactly that, all or
    nothing, each line audited (`models.forecast_import`)."""

    def __init__(self, entries: BudgetEntries, **params):
        super().__init__(**params)
        self.entries = entries
        self.file = pn.widgets.FileInput(accept=".csv,.xlsx", multiple=False, sizing_mode="stretch_width", max_width=320)
        self.apply_button = pn.widgets.Button(label=_("Import"), color="primary", disabled=True, width=160)
        self.message = alert()
        self.table = pn.Column(sizing_mode="stretch_width")
        self.preview: ImportPreview | None = None
        self.file.param.watch(self._file_chosen, "value")
        self.apply_button.on_click(lambda _event: self.apply())

    async def _file_chosen(self, _event=None) -> ImportPreview | None:
        """The file widget's callback: the file is read in a thread (never on the server's event
        loop, which serves everyone), « analyse du fichier… » shown meanwhile."""
        data, filename = self.file.value, self.file.filename
        self._reset()
        if not data:
            return None
        say(self.message, _("Analysing the file…"), "info")
        who = self.entries.who()  # in the session, before leaving it for the thread
        try:
            preview = await asyncio.to_thread(import_forecasts, self.entries.warehouse, who, data, filename)
        except WarehouseBusy as exc:
            say(self.message, str(exc), "warning")
            return None
        if self.file.value is not data:  # another file was chosen meanwhile: its own callback shows it
            return None
        return self._show(preview)

    def _reset(self) -> None:
        self.preview, self.apply_button.disabled = None, True
        self.table.objects = []

    def read(self, data: bytes | None = None, filename: str | None = None) -> ImportPreview | None:
        """Preview the chosen file (or `data`, for tests and scripts), in the caller's thread;
        writes nothing."""
        data = self.file.value if data is None else data
        filename = filename or self.file.filename
        self._reset()
        if not data:
            say(self.message, "")
            return None
        try:
            preview = import_forecasts(self.entries.warehouse, self.entries.who(), data, filename)
        except WarehouseBusy as exc:
            say(self.message, str(exc), "warning")
            return None
        return self._show(preview)

    def _show(self, preview: ImportPreview) -> ImportPreview:
        self.preview = preview
        todo = preview.of("new") + preview.of("changed")
        if not preview.ok:
            text = _("Preview: {summary}", summary=preview.summary) + "\n\n" + "\n".join(
                f"- {message}" for message in preview.messages())
            say(self.message, text, "danger")
        elif not todo:
            say(self.message, _("Preview: {summary} Nothing to import.", summary=preview.summary), "info")
        else:
            say(self.message, _("Preview: {summary} Nothing is written until you click « Import ».",
                                summary=preview.summary), "info")
            self.apply_button.disabled = False
        if preview.lines:
            self.table.objects = [french_table(preview_frame(preview), preview_columns(), highlight="is_error",
                                               css_classes=["import-preview"], pagination="local", page_size=15)]
        return preview

    def apply(self) -> bool:
        if self.preview is None or self.apply_button.disabled:
            return False
        try:
            saved = self.preview.apply(self.entries.warehouse, self.entries.who())
        except (Invalid, Forbidden, Conflict, WarehouseBusy) as exc:
            say(self.message, refusal(exc), "danger")
            self.apply_button.disabled = True
            return False
        self.preview, self.apply_button.disabled = None, True
        self.table.objects = []
        self.entries._rebuild(say=lambda text, kind: say(self.message, text, kind),
                              done=(_("{count} forecast line(s) imported.", count=len(saved)), "success"),
                              changed={"app.forecasts"})
        return True

    def __panel__(self):
        return pn.Column(
            pn.pane.Markdown("### " + _("Import a spreadsheet")),
            pn.pane.Markdown(_("A CSV or XLSX file whose first row names the columns: unité, catégorie, début, "
                               "fin, montant, libellé. A line matching a stored forecast (same unit, category, "
                               "period and label) changes its amount; the others are added."),
                             css_classes=["hint"]),
            pn.FlexBox(self.file, self.apply_button),
            self.message,
            self.table,
            sizing_mode="stretch_width", css_classes=["forecast-import"],
        )
