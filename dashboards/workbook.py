"""Every finance page exports as one XLSX workbook: the file the finance group brings to the CA.

    workbook_download({"Récap dépenses": (frame, columns), …}, filename, title=…) -> FileDownload

- one sheet per table, named after it (Excel allows 31 characters, no ``[]:*?/\\``);
- a title row (the page, the unit and the period), then the French headers, then the rows;
- money cells are numbers with the format ``#,##0.00 "€"`` (Excel in French shows 1 234,56 €),
  percentages numbers with ``0.0 %``, dates real dates shown ``dd/mm/yyyy``, months ``mmm yyyy``;
- statuses and flags in French, as on the page (`dashboards.components.Column` says how).

The columns are the `Column` lists the page already uses for its tables and CSV, so a table,
its CSV and its sheet always agree. A sheet may also be given as ``(frame, columns, options)``
with ``options = {"bold": "<boolean column of frame>"}`` to write total rows in bold.

The workbook is computed when the button is clicked (the current filters), never before.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Mapping

import pandas as pd
import panel as pn
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from alambic import formatting
from alambic.i18n import _
from dashboards.components import Column, status_label
from warehouse.export import spreadsheet_safe

MONEY_FORMAT = '#,##0.00 "€"'
PERCENT_FORMAT = "0.0 %"
NUMBER_FORMAT = "#,##0"
HOURS_FORMAT = '#,##0.0 "h"'
DATE_FORMAT = "dd/mm/yyyy"
MONTH_FORMAT = "mmm yyyy"

HEADER_FILL = PatternFill("solid", fgColor="2F6F5E")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=13)
BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")

Sheet = tuple  # (frame, columns) or (frame, columns, options)
Sheets = Mapping[str, Sheet]


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name."""
    base = BAD_SHEET_CHARS.sub("-", name).strip("'") or _("Sheet")
    base = base[:31]
    candidate, n = base, 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate = base[:31 - len(suffix)] + suffix
        n += 1
    taken.add(candidate.lower())
    return candidate


def _as_date(value):
    return None if formatting.is_missing(value) else formatting.as_date(value)


def cell_value(value, column: Column):
    """What goes in the cell (a number, a date or text) and its number format (or None)."""
    kind = column.kind
    formats = {"money": MONEY_FORMAT, "percent": PERCENT_FORMAT, "number": NUMBER_FORMAT, "hours": HOURS_FORMAT}
    if kind in formats:
        if formatting.is_missing(value):
            return None, None
        return float(value), formats[kind]
    if kind == "date":
        return _as_date(value), DATE_FORMAT
    if kind == "month":
        day = _as_date(value)
        return (day.replace(day=1) if day else None), MONTH_FORMAT
    if kind == "status":
        return status_label(value) or None, None
    if kind == "flag":
        return (_("yes") if value is True or value == 1 else _("no")), None
    if formatting.is_missing(value):
        return None, None
    return spreadsheet_safe(str(value)), None  # text typed by members: never a formula


def _width(column: Column, frame: pd.DataFrame) -> float:
    if column.kind in ("money",):
        return max(14, len(column.title) + 2)
    if column.kind in ("date", "month", "percent", "number", "hours"):
        return max(12, len(column.title) + 2)
    longest = frame[column.name].map(lambda v: 0 if formatting.is_missing(v) else len(str(v))).max() \
        if len(frame) else 0
    return min(60, max(10, len(column.title) + 2, int(longest or 0) + 2))


def write_sheet(book: Workbook, name: str, frame: pd.DataFrame, columns: list[Column],
                title: str = "", bold: str | None = None) -> None:
    sheet = book.create_sheet(name)
    row = 1
    if title:
        heading = sheet.cell(row=1, column=1, value=spreadsheet_safe(title))
        heading.data_type, heading.font = "s", TITLE_FONT
        row = 3
    for j, column in enumerate(columns, start=1):
        cell = sheet.cell(row=row, column=j, value=column.title)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(j)].width = _width(column, frame)
    header_row = row
    flags = frame[bold].fillna(False).astype(bool).tolist() if bold and bold in frame else None
    data = [frame[column.name].tolist() for column in columns]
    for i in range(len(frame)):
        row += 1
        for j, column in enumerate(columns, start=1):
            value, fmt = cell_value(data[j - 1][i], column)
            cell = sheet.cell(row=row, column=j, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # a string cell, whatever it starts with (openpyxl would store "=…" as a formula)
            if fmt and value is not None:
                cell.number_format = fmt
            if flags and flags[i]:
                cell.font = Font(bold=True)
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)


def workbook_bytes(sheets: Sheets, title: str = "") -> bytes:
    """The XLSX file: one sheet per table, in the order given."""
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for name, spec in sheets.items():
        frame, columns = spec[0], spec[1]
        options = spec[2] if len(spec) > 2 else {}
        write_sheet(book, sheet_name(name, taken), frame.reset_index(drop=True), columns, title=title,
                    bold=options.get("bold"))
    if not book.sheetnames:
        book.create_sheet(_("Sheet"))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def workbook_title(page: str, unit: str, period: str) -> str:
    """The title row: « Suivi budgétaire — Potager — Exercice 2025 (01/01/2025 – 31/12/2025) »."""
    return " — ".join(part for part in (page, unit, period) if part)


def filters_title(page: str, filters) -> str:
    """The title row for a page with the shared filters (unit and period)."""
    unit = filters.unit_labels().get(filters.unit, filters.unit).strip("\u00a0 ")
    period = filters.current
    shown = f"{period.label} ({formatting.date(period.start)} – {formatting.date(period.last_day)})"
    return workbook_title(page, unit, shown)


def filters_filename(slug: str, filters) -> str:
    """`suivi-budgetaire_303_2025-T3.xlsx`"""
    period = filters.current.text.replace("..", "_")
    return f"{slug}_{filters.unit}_{period}.xlsx"


def workbook_download(sheets: Sheets | Callable[[], Sheets], filename: str | Callable[[], str],
                      title: str | Callable[[], str] = "", label: str | None = None,
                      **kwargs) -> pn.widgets.FileDownload:
    """A button that downloads the tables as one XLSX workbook, computed when clicked.

    sheets: {sheet name: (frame, columns)} or a function returning it (called on click);
    filename, title: text or functions (called on click, so they follow the filters).
    """
    options = dict(label=label or _("Download the workbook (XLSX)"), width=300, embed=False,
                   css_classes=["workbook-download"])
    options.update(kwargs)
    button = pn.widgets.FileDownload(
        filename=filename() if callable(filename) else filename, **options)

    def callback():
        tables = sheets() if callable(sheets) else sheets
        if callable(filename):
            button.filename = filename()  # read by Panel after this callback
        text = title() if callable(title) else title
        return io.BytesIO(workbook_bytes(tables, text))

    button.callback = callback
    return button


def filters_workbook(slug: str, page_title: str, filters, sheets: Callable[[], Sheets],
                     **kwargs) -> pn.widgets.FileDownload:
    """`workbook_download` for a page with the shared filters: filename and title follow them."""
    return workbook_download(sheets, lambda: filters_filename(slug, filters),
                             title=lambda: filters_title(page_title, filters), **kwargs)


def budget_tracking_workbook(page) -> pn.widgets.FileDownload:
    """The Suivi budgétaire page's workbook: both recaps, month by month, and the lines."""
    from dashboards.components import line_columns, proposals_ready, state_columns
    from dashboards.suivi_budgetaire import EXPENSE, INCOME, recap_columns

    def sheets():
        monthly = page.monthly_data(EXPENSE).merge(
            page.monthly_data(INCOME), on="month", suffixes=("_depenses", "_recettes"))
        month_columns = [
            Column("month", _("Month"), "month"),
            Column("previsionnel_depenses", _("Forecast expenses"), "money"),
            Column("reel_depenses", _("Spent (actual)"), "money"),
            Column("previsionnel_recettes", _("Forecast income"), "money"),
            Column("reel_recettes", _("Collected (actual)"), "money"),
        ]
        return {
            _("Expenses recap"): (page.recap_data(EXPENSE), recap_columns(EXPENSE), {"bold": "is_total"}),
            _("Income recap"): (page.recap_data(INCOME), recap_columns(INCOME), {"bold": "is_total"}),
            _("Month by month"): (monthly, month_columns),
            _("Lines"): (page.lines_data(), line_columns()),
            **({_("Proposals by status"): (page.proposals_data(), state_columns(), {"bold": "is_total"})}
               if proposals_ready(page.warehouse) else {}),
        }

    return filters_workbook("suivi-budgetaire", _("Budget tracking"), page.filters, sheets)
