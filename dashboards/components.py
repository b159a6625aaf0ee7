"""Shared page parts: filters synced to the URL, KPI cards, French tables, CSV export, placeholder."""

from __future__ import annotations

import datetime as dt
import html
import io
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

import pandas as pd
import panel as pn
import param

from alambic import formatting
from alambic.i18n import N_, _
from dashboards.periods import Period, PeriodError, fiscal_year_of, parse_period
from dashboards.queries import run_query
from models import editable_units
from warehouse.connection import Warehouse
from warehouse.export import spreadsheet_safe

ROOT_UNIT = "R"
URL_KEYS = {"period": "periode", "unit": "unite"}  # parameter → query-string key

LEVEL_LABELS = {
    "organisation": "Organisation",
    "groupe": "Group",
    "pole": "Pole",
    "projet": "Project",
    "action": "Action",
}

STATUS_LABELS = {
    "a_valider": "To validate",
    "a_facturer": "To invoice",
    "brouillon": "Draft",
    "a_payer": "To pay",
    "paye": "Paid",
    "a_encaisser": "To collect",
    "encaisse": "Collected",
    "interne": "Internal",
}


# A field keeps its width on a wide screen and shrinks to the screen on a phone: max-width beats
# the fixed width Bokeh gives the element (a 390 px phone is narrower than a 420 px select with
# the page's margins). In viewport units: a percentage would be ignored when the column around
# the field sizes itself from its content.
# SHRINK only shrinks the field itself: Panel still counts its fixed width in the minimum width of
# every Column around it (and a Row adds its children's), which widens the page. A field wider than
# a phone (~340 px) is given `sizing_mode="stretch_width", max_width=N` instead, which Panel does not
# count, and fields or buttons side by side go in a FlexBox (it wraps), not a Row.
SHRINK = [":host { max-width: calc(100vw - 48px) !important; min-width: 0 !important; } .bk-input { max-width: 100%; }"]

# A group of choice buttons (RadioButtonGroup) goes on several lines when the screen is narrower
# than its buttons side by side, instead of running past the screen's edge.
WRAP_BUTTONS = [":host { max-width: 100%; } .bk-btn-group { flex-wrap: wrap; }"]


def level_label(level: str) -> str:
    return _(LEVEL_LABELS.get(level, level))


def status_label(status) -> str:
    if formatting.is_missing(status):
        return ""
    return _(STATUS_LABELS[status]) if status in STATUS_LABELS else str(status)


# -- messages that may quote what someone typed, a URL or a source -------------------------------

MAX_QUOTED = 80  # characters of a typed value quoted back in a message


def plain_html(text) -> str:
    """THE way a message that may quote input (a URL, a form, a file, a source) becomes HTML:
    every character escaped, line breaks kept. Never Markdown, never raw HTML."""
    return html.escape("" if text is None else str(text)).replace("\n", "<br>")


def quoted(value, limit: int = MAX_QUOTED) -> str:
    """A typed value as a message quotes it: control characters dropped, cut after `limit`."""
    text = "".join(c for c in str(value) if c >= " " and c != "\x7f")
    return text if len(text) <= limit else text[:limit] + "…"


class _PlainMixin:
    """A Markdown-based pane whose text is shown as plain escaped text (`plain_html`)."""

    def _transform_object(self, obj) -> dict:
        if obj is not None and not isinstance(obj, str):
            obj = str(obj)
        return dict(object=html.escape(f"<p>{plain_html(obj)}</p>"))


class PlainAlert(_PlainMixin, pn.pane.Alert):
    """An alert for messages that may contain input: its text is never read as Markdown or HTML."""


class PlainText(_PlainMixin, pn.pane.Markdown):
    """A paragraph that may contain input (names from sources, typed values): plain escaped text."""


def message_alert(text: str = "", kind: str = "info", **params) -> PlainAlert:
    """A message pane (hidden while empty) for text that may quote input."""
    return PlainAlert(text, alert_type=kind, visible=bool(text), **params)


# -- filters -----------------------------------------------------------------------------------


class Filters(param.Parameterized):
    """What the user looks at: a period and a unit. Synced to the URL (`?periode=…&unite=…`),
    so that a view can be shared as a link, and carried from page to page by the navigation."""

    period = param.String(default="", label="Period")
    unit = param.Selector(default=ROOT_UNIT, objects=[ROOT_UNIT], label="Unit")

    current = param.ClassSelector(class_=Period, doc="The last valid period: what the figures show.")
    period_error = param.String(default="", doc="Why the typed period was not applied (French).")
    unit_error = param.String(default="", doc="Why the unit in the link was not applied (French).")

    def __init__(self, units: dict[str, str] | None = None, default_period: str = "",
                 fiscal_year_start_month: int = 1, **params):
        self._fiscal_year_start_month = fiscal_year_start_month
        self._default_period = default_period
        super().__init__(**params)
        self.param.period.label = _("Period")
        self.param.unit.label = _("Unit")
        if units:
            self.param.unit.objects = {label: code for code, label in units.items()}
            if self.unit not in units:
                self.unit = next(iter(units))
        if not self.period:
            self.period = default_period
        self._apply_period()
        self.param.watch(self._apply_period, "period")
        self.param.watch(self._check_unit, "unit")

    # The URL gives strings that Panel reads as JSON ("2025" → 2025): bring them back to text.
    def _on_url_error(self, values: dict) -> None:
        cleaned = {key: str(value) for key, value in values.items()}
        if "unit" in cleaned and cleaned["unit"] not in self.param.unit.objects:
            self.unit_error = _("Unknown unit: {code}.", code=quoted(cleaned.pop("unit")))
        self.param.update(**cleaned)

    def _check_unit(self, event=None) -> None:
        self.unit_error = ""

    def _apply_period(self, event=None) -> None:
        try:
            self.current = parse_period(self.period, self._fiscal_year_start_month)
            self.period_error = ""
        except PeriodError as exc:
            self.period_error = str(exc)
            if self.current is None:
                self.current = parse_period(self._default_period, self._fiscal_year_start_month)

    def unit_labels(self) -> dict[str, str]:
        """code → label shown in the « Unité » list."""
        return {code: label for label, code in (self.param.unit.names or {}).items()}

    def sync_url(self) -> Filters:
        if pn.state.location is not None:
            pn.state.location.sync(self, URL_KEYS, on_error=self._on_url_error)
        return self

    def query_string(self) -> str:
        """`?periode=2025-T3&unite=303`: the current valid view, for links to other pages."""
        values = {URL_KEYS["period"]: self.current.text if self.current else self.period,
                  URL_KEYS["unit"]: self.unit}
        return "?" + urlencode({k: v for k, v in values.items() if v})

    def params(self) -> dict:
        """The named parameters every page query takes: $unit, $date_from, $date_to."""
        return {"unit": self.unit, **self.current.params()}

    @classmethod
    def from_warehouse(cls, warehouse: Warehouse, **params) -> Filters:
        """Units and default period (the fiscal year of the build's date) read from the marts."""
        settings = run_query(warehouse, "filters/parametres").iloc[0]
        fy_month = int(settings["fiscal_year_start_month"])
        as_of = settings["as_of"]
        today = as_of.date() if not formatting.is_missing(as_of) else dt.date.today()
        units = run_query(warehouse, "filters/unites")
        labels = {
            row.unit_code: ("\u00a0\u00a0" * int(row.depth)) + f"{row.name} ({level_label(row.level).lower()})"
            if row.level != "organisation" else row.name
            for row in units.itertuples()
        }
        return cls(units=labels, default_period=fiscal_year_of(today, fy_month),
                   fiscal_year_start_month=fy_month, **params)


class FilterBar(pn.viewable.Viewer):
    """The « Période » and « Unité » inputs, with the French error when a period is not understood."""

    filters = param.ClassSelector(class_=Filters)

    def __init__(self, **params):
        super().__init__(**params)
        f = self.filters
        self._period = pn.widgets.TextInput.from_param(
            f.param.period, name=_("Period"),
            placeholder="2025, 2025-T3, 2025-03, 2025-03..2025-06, EX2025",
            description=_("A year (2025), a quarter (2025-T3), a month (2025-03), a range "
                          "(2025-03..2025-06) or a fiscal year (EX2025)."),
            width=260, stylesheets=SHRINK,
        )
        self._unit = pn.widgets.Select.from_param(f.param.unit, name=_("Unit"), width=300, stylesheets=SHRINK)
        self._shown = pn.pane.Markdown(pn.bind(self._shown_text, f.param.current), margin=(28, 10, 0, 10),
                                       css_classes=["period-shown"])
        message = pn.bind(lambda a, b: " ".join(m for m in (a, b) if m), f.param.period_error, f.param.unit_error)
        self._error = PlainAlert(message, alert_type="danger", visible=pn.bind(bool, message),
                                    margin=(0, 10), css_classes=["filter-error"])
        self._layout = pn.Column(pn.FlexBox(self._period, self._unit, self._shown, flex_wrap="wrap"), self._error,
                                 css_classes=["filter-bar"], sizing_mode="stretch_width")

    @staticmethod
    def _shown_text(period: Period) -> str:
        return _("Shown: **{label}** ({start} – {end})", label=period.label,
                 start=formatting.date(period.start), end=formatting.date(period.last_day))

    def __panel__(self):
        return self._layout


# -- KPI cards ---------------------------------------------------------------------------------


def figure_card_html(key: str, title: str, text: str, note: str = "", alert: bool = False) -> str:
    """One card's HTML (see `figure_card`); every text is escaped."""
    classes = "kpi-card kpi-alert" if alert else "kpi-card"
    return (
        f'<div class="{classes}" data-kpi="{html.escape(key)}">'
        f'<div class="kpi-title">{html.escape(title)}</div>'
        f'<div class="kpi-value">{html.escape(text)}</div>'
        + (f'<div class="kpi-note">{html.escape(note)}</div>' if note else "")
        + "</div>"
    )


def kpi_card_html(key: str, title: str, value, note: str = "", alert: bool = False) -> str:
    """An amount of money's card as HTML (see `kpi_card`)."""
    return figure_card_html(key, title, formatting.money(value), note, alert)


def figure_card(key: str, title: str, text: str, note: str = "", alert: bool = False) -> pn.pane.HTML:
    """A figure with its title, its value already French text (a count, hours, a month…); red
    when `alert` (e.g. overrun). Every text is escaped."""
    return pn.pane.HTML(figure_card_html(key, title, text, note, alert), stylesheets=[KPI_CSS], margin=(5, 10),
                        min_width=190, styles={"flex": "1 1 210px", "max-width": "100%"})


def cards_html(groups: list[tuple[str, list[str]]]) -> str:
    """Groups of cards (`figure_card_html`) under their heading, as one piece of HTML: one Bokeh
    model for a whole block of figures instead of a pane per card and a layout per group (what a
    page costs to build and to send grows with its models). The cards wrap as `card_grid`'s."""
    parts = []
    for heading, cards in groups:
        if heading:
            parts.append(f'<h4 class="kpi-heading">{html.escape(heading)}</h4>')
        parts.append('<div class="kpi-grid">' + "".join(cards) + "</div>")
    return "".join(parts)


def cards_pane(text: str, **params) -> pn.pane.HTML:
    """The pane showing `cards_html`; change its `object` to show other figures in place."""
    params.setdefault("sizing_mode", "stretch_width")
    return pn.pane.HTML(text, stylesheets=[KPI_CSS], margin=(0, 0), **params)


def card_grid(*cards, **kwargs) -> pn.FlexBox:
    """KPI cards side by side, wrapping onto the next line when the screen is narrow (a phone
    shows them one or two per line) instead of squeezing or overflowing."""
    kwargs.setdefault("sizing_mode", "stretch_width")
    return pn.FlexBox(*cards, flex_wrap="wrap", align_items="stretch", **kwargs)


def kpi_card(key: str, title: str, value, note: str = "", alert: bool = False) -> pn.pane.HTML:
    """An amount of money with its title, formatted in French."""
    return figure_card(key, title, formatting.money(value), note, alert)


KPI_CSS = """
.kpi-card { background: #fff; border: 1px solid #d9dee3; border-left: 5px solid #2f6f5e;
            border-radius: 6px; padding: 10px 14px; min-width: 170px; font-family: inherit; }
.kpi-card.kpi-alert { border-left-color: #b3261e; background: #fdf1f0; }
.kpi-title { font-size: 0.85em; color: #4a5560; text-transform: none; }
.kpi-value { font-size: 1.55em; font-weight: 600; color: #1d2b36; white-space: nowrap; }
.kpi-alert .kpi-value { color: #b3261e; }
.kpi-note { font-size: 0.8em; color: #6b7680; margin-top: 2px; }
.kpi-grid { display: flex; flex-wrap: wrap; align-items: stretch; }
.kpi-grid > .kpi-card { flex: 1 1 210px; max-width: 100%; min-width: 170px; margin: 5px 10px;
                        box-sizing: border-box; }
.kpi-heading { margin: 12px 10px 4px 10px; font-size: 1.15em; }
"""


# -- French tables -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """How one column of a page query is shown: its French title and its kind.

    kind: 'text', 'money', 'percent', 'number' (a whole number), 'hours' (« 12,5 h »), 'date', 'number_text'
    (a number already written as French text: kept as is in the CSV),
    'month', 'status', 'flag' (true → `flag_text`). Numeric kinds stay numbers in the table (they
    sort as numbers; Tabulator formats them) and in the CSV.
    """

    name: str
    title: str
    kind: str = "text"
    flag_text: str = ""
    width: int | str | None = None  # e.g. "24%" for a label column


MONEY_FORMATTER = {
    "type": "money", "decimal": ",", "thousand": formatting.NNBSP,
    "symbol": formatting.NBSP + "€", "symbolAfter": True, "precision": 2,
}
PERCENT_FORMATTER = {
    "type": "money", "decimal": ",", "thousand": formatting.NNBSP,
    "symbol": formatting.NBSP + "%", "symbolAfter": True, "precision": 1,
}
NUMBER_FORMATTER = {"type": "money", "decimal": ",", "thousand": formatting.NNBSP, "symbol": "", "precision": 0}
HOURS_FORMATTER = {
    "type": "money", "decimal": ",", "thousand": formatting.NNBSP,
    "symbol": formatting.NBSP + "h", "symbolAfter": True, "precision": 1,
}
FORMATTERS = {"money": MONEY_FORMATTER, "percent": PERCENT_FORMATTER, "number": NUMBER_FORMATTER,
              "hours": HOURS_FORMATTER}
NUMERIC_KINDS = ("money", "number", "hours")


TABLE_CSS = """
.tabulator .tabulator-header .tabulator-col .tabulator-col-title {
  white-space: normal !important; text-overflow: clip !important; overflow-wrap: normal;
  hyphens: none; }
.tabulator .tabulator-cell { font-variant-numeric: tabular-nums; }
.tabulator .tabulator-tableholder { overflow-x: auto; }
"""


def tabulator_locale() -> dict:
    """Tabulator's own words (pagination) in French, through the label catalogue."""
    return {
        "locale": "fr",
        "langs": {"fr": {"pagination": {
            "first": _("First"), "first_title": _("First page"),
            "last": _("Last"), "last_title": _("Last page"),
            "prev": _("Previous"), "prev_title": _("Previous page"),
            "next": _("Next"), "next_title": _("Next page"),
            "all": _("All"), "page_size": _("Rows per page"),
            "counter": {"showing": _("Showing"), "of": _("of"), "rows": _("rows"), "pages": _("pages")},
        }, "data": {"loading": _("Loading"), "error": _("Error")}}},
    }


def display_frame(data: pd.DataFrame, columns: list[Column]) -> pd.DataFrame:
    """What the table shows: French titles; money kept numeric (formatted by Tabulator, so that
    sorting stays numeric), percentages as numbers of percent, dates and labels as French text."""
    shown = {}
    for col in columns:
        values = data[col.name]
        if col.kind == "percent":
            shown[col.title] = _numbers(values.astype("float64") * 100)
        elif col.kind == "date":
            shown[col.title] = values.map(formatting.date)
        elif col.kind == "month":
            shown[col.title] = values.map(formatting.month)
        elif col.kind == "status":
            shown[col.title] = values.map(status_label)
        elif col.kind == "flag":
            shown[col.title] = values.map(lambda v: col.flag_text if v is True or v == 1 else "")
        elif col.kind in NUMERIC_KINDS:
            shown[col.title] = _numbers(values.astype("float64"))
        else:
            shown[col.title] = values.map(lambda v: "" if formatting.is_missing(v) else str(v))
    return pd.DataFrame(shown, index=data.index)


def _numbers(values: pd.Series) -> pd.Series:
    """Numbers for Tabulator's formatter; a missing one (a % of no forecast) as None, which it
    leaves empty — a NaN or an infinity would be written « NaN », « Infinity »."""
    finite = values.where(values.abs() != float("inf"))
    if not finite.isna().any():
        return finite
    return finite.astype(object).where(finite.notna(), None)


# The table's font, measured in Chromium: ~9.3 px a digit at 14 px, ~9.5 in bold (totals), and
# 12 px of padding each side of a cell (8.6 px and 22 px cut « 4 513,45 € » and bold totals).
CHAR_PX, CELL_PADDING_PX, SORTER_PX = 9.6, 26, 22
LABEL_MIN_PX = 120  # a label column given a share of the width (« 20% ») never gets narrower


def _fitted_width(values: pd.Series, col: Column) -> int | None:
    """A figure column's width in pixels: its longest French text (« -12 345,67 € », « 100,0 % »,
    a date) and the longest word of its title (titles wrap between words) never cut. Text columns
    stay flexible (None)."""
    longest = None
    numbers = pd.to_numeric(values, errors="coerce") if col.kind in (*NUMERIC_KINDS, "percent") else None
    if numbers is not None:
        numbers = numbers[numbers.abs() != float("inf")].dropna()
        extremes = [numbers.max(), numbers.min()] if len(numbers) else [0]
        show = {"money": formatting.money, "number": formatting.number, "hours": formatting.hours,
                "percent": formatting.percent}[col.kind]
        longest = max(len(show(v)) for v in extremes)
    elif col.kind in ("date", "month"):
        longest = 10
    if longest is None:
        return None
    title_word = max((len(word) for word in col.title.split()), default=0)
    return int(max(longest * CHAR_PX + CELL_PADDING_PX, title_word * CHAR_PX + CELL_PADDING_PX + SORTER_PX, 80))


def _table_widths(data: pd.DataFrame, columns: list[Column]) -> dict:
    widths = {c.title: c.width for c in columns if c.width}
    widths.update({c.title: w for c in columns if not c.width and (w := _fitted_width(data[c.name], c))})
    return widths


def _text_min_width(values: pd.Series, col: Column) -> int:
    """The least width of a column that is not a figure: its longest text (a short one: « 2026 »,
    « 15 391 ») and its title's longest word whole, never more than LABEL_MIN_PX (a long label
    wraps or is cut, the table scrolls)."""
    texts = values.map(lambda v: "" if formatting.is_missing(v) else str(v))
    longest = int(texts.str.len().max()) if len(texts) else 0
    title_word = max((len(word) for word in col.title.split()), default=0)
    return int(min(max(longest * CHAR_PX + CELL_PADDING_PX, title_word * CHAR_PX + CELL_PADDING_PX + SORTER_PX, 60),
                   LABEL_MIN_PX))


def french_table(data: pd.DataFrame, columns: list[Column], highlight: str | None = None,
                 bold: str | None = None, **kwargs) -> pn.widgets.Tabulator:
    """A read-only Tabulator in French. `highlight`: a boolean column of `data` whose true rows are
    shown in red (e.g. overruns); `bold`: a boolean column whose true rows are bold (totals).

    `update_table(table, other_data)` shows other rows in the same table (a filter change): the
    browser keeps its table and only receives the new rows."""
    shown = display_frame(data, columns)
    widths = _table_widths(data, columns)
    fitted = {c.title: w for c in columns if not c.width and (w := _fitted_width(data[c.name], c))}
    # « fit_columns » shrinks every column to the table's width, widths included: on a phone an
    # amount would be cut (« 4 513,4… ») and a label read « Bienvei ». A minimum keeps each figure
    # whole and a label column readable; the table then scrolls inside its own box.
    minimums = {c.title: _text_min_width(shown[c.title], c) for c in columns if c.title not in fitted}
    minimums.update(fitted)
    configuration = {**tabulator_locale(), "columns": [{"field": t, "minWidth": w} for t, w in minimums.items()]}
    formatters = {c.title: FORMATTERS[c.kind] for c in columns if c.kind in FORMATTERS}
    aligns = {c.title: "right" for c in columns if c.kind in (*FORMATTERS, "date", "month")}
    options = dict(
        configuration=configuration,
        widths=widths,
        stylesheets=[TABLE_CSS],
        show_index=False, disabled=True, formatters=formatters, text_align=aligns,
        layout="fit_columns", sizing_mode="stretch_width", theme="simple",
        header_align={c.title: "center" for c in columns},
    )
    options.update(kwargs)
    table = pn.widgets.Tabulator(shown, **options)
    flags = {"red": None, "bold": None, "positions": {}}
    _set_flags(flags, data, shown, highlight, bold)
    table._alambic_table = (columns, highlight, bold, flags)
    if highlight or bold:
        def style_row(row):
            i = flags["positions"][row.name]
            css = []
            if flags["red"] is not None and flags["red"][i]:
                css.append("background-color: #fdecea; color: #9b1c14")
            if flags["bold"] is not None and flags["bold"][i]:
                css.append("font-weight: bold")
            return ["; ".join(css)] * len(row)

        table.style.apply(style_row, axis=1)
    return table


def _set_flags(flags: dict, data: pd.DataFrame, shown: pd.DataFrame, highlight: str | None, bold: str | None):
    flags["red"] = data[highlight].fillna(False).astype(bool).to_numpy() if highlight else None
    flags["bold"] = data[bold].fillna(False).astype(bool).to_numpy() if bold else None
    flags["positions"] = {label: i for i, label in enumerate(shown.index)}


def update_table(table: pn.widgets.Tabulator, data: pd.DataFrame) -> pn.widgets.Tabulator:
    """Show `data` in a table made by `french_table` (same columns): the new rows replace the old
    ones in place (no new table, no new column models unless a column's width must change);
    back to the first page when paginated."""
    columns, highlight, bold, flags = table._alambic_table
    shown = display_frame(data, columns)
    _set_flags(flags, data, shown, highlight, bold)
    changes = {"value": shown}
    widths = _table_widths(data, columns)
    if widths != table.widths:
        changes["widths"] = widths
    if table.pagination and table.page != 1:
        changes["page"] = 1
    table.param.update(**changes)
    return table


# -- CSV export --------------------------------------------------------------------------------


def csv_bytes(data: pd.DataFrame, columns: list[Column]) -> bytes:
    """CSV for French Excel: `;` separator, decimal comma, dd/mm/yyyy dates, UTF-8 with BOM; text
    starting like a formula (`=`, `+`, `-`, `@`, tab, CR) gets a leading `'`."""
    out = {}
    for col in columns:
        values = data[col.name]
        if col.kind in (*NUMERIC_KINDS, "percent"):
            out[col.title] = values.astype("float64")
        elif col.kind == "date":
            out[col.title] = values.map(formatting.date)
        elif col.kind == "month":
            out[col.title] = values.map(lambda v: "" if formatting.is_missing(v) else pd.Timestamp(v).strftime("%m/%Y"))
        elif col.kind == "status":
            out[col.title] = values.map(status_label)
        elif col.kind == "flag":
            out[col.title] = values.map(lambda v: _("yes") if v is True or v == 1 else _("no"))
        elif col.kind == "number_text":  # a number already written in French (the console's answers)
            out[col.title] = values
        else:  # text typed by members: never a formula for the spreadsheet
            out[col.title] = values.map(spreadsheet_safe)
    frame = pd.DataFrame(out)
    text = frame.to_csv(sep=";", decimal=",", index=False, float_format="%.2f", lineterminator="\r\n")
    return text.encode("utf-8-sig")


def csv_download(label: str, filename: Callable[[], str] | str,
                 frame: Callable[[], pd.DataFrame], columns: list[Column]) -> pn.widgets.FileDownload:
    """A button that downloads `frame()` as a French CSV, computed when clicked."""
    def callback():
        return io.BytesIO(csv_bytes(frame(), columns))

    name = filename() if callable(filename) else filename
    return pn.widgets.FileDownload(callback=callback, filename=name, label=label,
                                   width=280, embed=False, stylesheets=SHRINK)


def marts_ready(warehouse, *marts: str) -> bool:
    """Whether every one of `marts` is built: the one « marts ready » check of the pages (a
    warehouse before its first build, or built before these marts existed, lacks them)."""
    return bool(run_query(warehouse, "filters/marts_built", marts=",".join(marts)).iloc[0]["ready"])


# -- placeholder -------------------------------------------------------------------------------


def coming_soon(description: str) -> pn.Column:
    """A page that is not built yet: says so, and what it will hold. No figures."""
    return pn.Column(
        pn.pane.Alert(
            "**" + _("Coming soon") + "** — " + description,
            alert_type="info",
            css_classes=["coming-soon"],
        ),
        sizing_mode="stretch_width",
    )


# ---------------------------------------------------------------------------------------------
# Parts that several pages show: a page never imports another page, it imports them from here.
# ---------------------------------------------------------------------------------------------

# Tables in a smaller type (Plan de trésorerie, Suivi subventions, Suivi évènements).
COMPACT_CSS = """
.tabulator, .tabulator .tabulator-cell, .tabulator .tabulator-col-title { font-size: 13px !important; }
.tabulator .tabulator-cell { padding: 6px 5px !important; }
"""

INSTALMENT_KINDS = {"avance": N_("Advance"), "acompte": N_("Interim payment"), "solde": N_("Final payment"),
                    # from the Odoo books: a payment received, a receivable still open
                    "versement": N_("Payment received (Odoo)"), "echeance": N_("Receivable due (Odoo)")}


def instalment_kind_label(kind) -> str:
    if formatting.is_missing(kind):
        return ""
    return _(INSTALMENT_KINDS[kind]) if kind in INSTALMENT_KINDS else str(kind)


def line_columns(with_dimension: bool = False) -> list[Column]:
    """The budget lines' columns (also the Explorateur's); the « second dimension » only here."""
    columns = [
        Column("line_date", _("Date"), "date"),
        Column("label", _("Label")),
        Column("amount", _("Amount"), "money"),
        Column("status", _("Status"), "status"),
        Column("category_label", _("Category")),
        Column("unit_name", _("Unit")),
        Column("partner", _("Partner")),
        Column("reference", _("Reference")),
    ]
    # the « second dimension » plans ([analytic] dimension_plans)
    return columns + ([Column("dimension", _("Dimension"))] if with_dimension else [])


# Co-rémunération: its proposals also show on Suivi budgétaire and Mon tableau de bord.
STATES = ("proposee", "validee", "refusee", "facturee", "payee")


def state_labels() -> dict[str, str]:
    return {"proposee": _("Proposed"), "validee": _("Validated, to invoice"), "refusee": _("Refused"),
            "facturee": _("Invoiced"), "payee": _("Paid (a proposal)"), "total": _("Total")}


def kind_labels() -> dict[str, str]:
    return {"bienveillance": _("Care (bienveillance)"), "prestation_interne": _("Internal service")}


def proposal_columns(with_person: bool = True) -> list[Column]:
    columns = [
        Column("proposal_id", _("No.")),
        Column("end_date", _("End"), "date"),
        Column("mission", _("Mission"), width="22%"),
        Column("unit_name", _("Unit")),
        Column("amount", _("Amount"), "money"),
        Column("status_label", _("Status")),
        Column("decision_comment", _("Decision comment")),
        Column("odoo_move_name", _("Odoo bill")),
        Column("paid_on", _("Paid on"), "date"),
        Column("match_note", _("Note")),
    ]
    if with_person:
        columns.insert(2, Column("person_name", _("Person")))
    return columns


def state_columns() -> list[Column]:
    return [Column("status_label", _("Status")), Column("proposals", _("Proposals"), "number"),
            Column("amount", _("Amount"), "money")]


def pending_columns() -> list[Column]:
    """The proposals waiting for a decision, as the person deciding reads them."""
    return [
        Column("proposal_id", _("No.")),
        Column("person_name", _("Person")),
        Column("unit_name", _("Unit")),
        Column("kind_label", _("Type")),
        Column("mission", _("Mission"), width="24%"),
        Column("hours", _("Hours"), "hours"),
        Column("hourly_rate", _("Hourly rate"), "money"),
        Column("amount", _("Amount"), "money"),
        Column("start_date", _("Start"), "date"),
        Column("end_date", _("End"), "date"),
    ]


def proposals_ready(warehouse) -> bool:
    """Whether marts.remuneration_proposals is built (not before the first « alambic build »)."""
    return marts_ready(warehouse, "remuneration_proposals")


def proposals_by_state(warehouse, filters: Filters) -> pd.DataFrame:
    """The unit's proposals counted by status over the period (also on Suivi budgétaire)."""
    return labelled(run_query(warehouse, "co_remuneration/par_etat", **filters.params()))


def awaiting_decision(warehouse, who, decidable: set[str] | None | object = ...) -> pd.DataFrame:
    """Proposals waiting for a decision that `who` may take: on the units they may decide on
    (`decidable`, computed when not given; None = every unit), never their own."""
    email = (getattr(who, "email", "") or "").strip().lower()
    if decidable is ...:
        decidable = editable_units(warehouse, who)
    frame = run_query(warehouse, "co_remuneration/a_valider", email=email).assign(status="proposee")
    if decidable is not None:
        frame = frame[frame["unit_code"].isin(decidable)]
    return frame


def labelled(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame (a copy) with the French label of each status and kind."""
    frame = frame.copy()
    states, kinds = state_labels(), kind_labels()
    frame["status_label"] = frame["status"].map(lambda s: states.get(s, s))
    if "kind" in frame:
        frame["kind_label"] = frame["kind"].map(lambda k: kinds.get(k, k))
    return frame
