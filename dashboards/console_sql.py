"""Console SQL: read-only queries on the warehouse for analysts (finance group, administrators).

Every check lives in `warehouse/sql_console.py` (one SELECT, read-only connection with file and
network access off and its configuration locked, accounts refused, time limit, row cap); this
page only types the query, shows the answer in French and offers it as CSV. The role is checked
here too (defence in depth beside the shell's check): a member gets the refusal and no SQL runs.

The editor is Panel's CodeEditor (Ace), whose JS is bundled with Panel and served by this
server: it fetches nothing from another host.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import decimal
import html
import numbers
import time
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
import panel as pn
import param

from alambic import formatting
from alambic.i18n import N_, _
from alambic.users import User
from dashboards.components import TABLE_CSS, Column, PlainAlert, csv_download, tabulator_locale
from dashboards.pages import page as page_spec
from dashboards.session import current_user
from warehouse.connection import WarehouseBusy, WarehouseMissing
from warehouse.sql_console import DEFAULT_ROW_CAP, DEFAULT_TIME_LIMIT, ConsoleResult, QueryRefused, run_readonly

SLUG = "console-sql"
REFERENCE_SLUG = "reference-donnees"
PAGE_SIZE = 25




# Queries to start from, over the marts (their columns: the « Référence des données » page).
EXAMPLES: dict[str, tuple[str, str]] = {
    "budget_par_unite": (N_("Forecast, committed and actual by unit and year"), """\
SELECT b.unit_code, t.name, strftime(b.month, '%Y') AS year,
       sum(b.previsionnel) AS previsionnel, sum(b.engage) AS engage, sum(b.reel) AS reel
FROM marts.budget_vs_actual b
JOIN marts.org_tree t ON t.unit_code = b.unit_code
GROUP BY ALL
ORDER BY year DESC, reel DESC"""),
    "grosses_depenses": (N_("The 100 largest actual expenses"), """\
SELECT line_date, unit_code, category_code, label, partner, amount, status
FROM marts.budget_lines
WHERE direction = 'depense' AND counts_as = 'reel'
ORDER BY amount DESC
LIMIT 100"""),
    "tresorerie": (N_("Treasury plan month by month"), """\
SELECT month, kind, opening_balance, encaissements, decaissements, closing_balance, below_threshold
FROM marts.treasury_plan
ORDER BY month"""),
    "subventions": (N_("Subsidies: granted, received, remaining to receive"), """\
SELECT exercice_label, funder, scheme, unit_code, accorde, verse, reste_a_percevoir, report_due_on
FROM marts.subsidy_tracking
ORDER BY exercice DESC, funder"""),
    "soirees": (N_("Takings per soirée"), """\
SELECT soiree_day, event_name, gross, refunds, net
FROM marts.soiree_sales
ORDER BY soiree_day DESC"""),
    "alertes": (N_("Current alerts"), """\
SELECT severity, alert_code, unit_code, label, amount, alert_date
FROM marts.unit_alerts
ORDER BY severity, alert_date"""),
    "organisation": (N_("The organisation tree"), """\
SELECT label, unit_code, level, path
FROM marts.org_tree
ORDER BY sort"""),
}
FIRST_EXAMPLE = "budget_par_unite"

NUMBER_FORMATTER = {"type": "money", "decimal": ",", "thousand": formatting.NNBSP, "symbol": ""}
CONSOLE_CSS = """
.console-status { color: #4a5560; font-size: 0.95em; }
.console-error { background: #fdecea; color: #9b1c14; border: 1px solid #f1b0aa; border-radius: 6px;
                 padding: 10px 14px; white-space: pre-wrap; }
.console-truncated { background: #fff6e0; color: #6b4e00; border: 1px solid #f0d58a; border-radius: 6px;
                     padding: 8px 14px; }
"""


# -- the answer, shown in French ---------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """How a result column is shown: 'number' (with `decimals`; None: as many as the value has),
    'date', 'datetime', 'bool' or 'text'."""

    name: str
    decimals: int | None = None


def column_kind(values: pd.Series) -> Kind:
    """The kind of a result column, from its first non-NULL value (DuckDB's Python values)."""
    for value in values:
        if formatting.is_missing(value):
            continue
        if isinstance(value, bool | np.bool_):
            return Kind("bool")
        if isinstance(value, decimal.Decimal):
            exponent = value.as_tuple().exponent
            return Kind("number", -exponent if isinstance(exponent, int) and exponent < 0 else 0)
        if isinstance(value, numbers.Integral):
            return Kind("number", 0)
        if isinstance(value, numbers.Real):
            return Kind("number", None)
        if isinstance(value, dt.datetime):
            return Kind("datetime")
        if isinstance(value, dt.date):
            return Kind("date")
        return Kind("text")
    return Kind("text")


def unique_titles(names) -> list[str]:
    """Column titles as the table needs them: `x`, `x (2)` when a query returns two `x`."""
    seen: dict[str, int] = {}
    out = []
    for name in map(str, names):
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def text_value(value, kind: Kind) -> str:
    """A value as French text (CSV, and every column that is not a number in the table)."""
    if formatting.is_missing(value):
        return ""
    if kind.name == "bool":
        return _("yes") if value else _("no")
    if kind.name == "date":
        return formatting.date(value)
    if kind.name == "datetime":
        return value.strftime("%d/%m/%Y %H:%M:%S")
    if kind.name == "number" and isinstance(value, numbers.Number | decimal.Decimal):
        text = f"{value:.{kind.decimals}f}" if kind.decimals is not None else repr(float(value))
        return text.replace(".", ",")
    return str(value)


def display_frame(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Kind]]:
    """What the table shows: numbers stay numbers (formatted by Tabulator, so that they sort as
    numbers), everything else French text. Titles are the query's column names, made unique."""
    titles = unique_titles(frame.columns)
    shown, kinds = {}, {}
    for position, title in enumerate(titles):
        values = frame.iloc[:, position]
        kind = kinds[title] = column_kind(values)
        if kind.name == "number":
            shown[title] = pd.to_numeric(values.map(lambda v: None if formatting.is_missing(v) else float(v)),
                                         errors="coerce").astype("float64")
        else:
            shown[title] = values.map(lambda v, k=kind: text_value(v, k)).astype(object)
    return pd.DataFrame(shown, index=range(len(frame))), kinds


def csv_frame(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Column]]:
    """The answer for `components.csv_download`: every value as French text (decimal comma,
    dd/mm/yyyy dates), so that no column loses digits; titles as in the table."""
    titles = unique_titles(frame.columns)
    out, kinds = {}, {}
    for position, title in enumerate(titles):
        values = frame.iloc[:, position]
        kind = column_kind(values)
        out[title] = values.map(lambda v, k=kind: text_value(v, k))
        # numbers stay numbers (a negative amount is no formula); any other text is neutralised
        kinds[title] = "number_text" if kind.name == "number" else "text"
    return pd.DataFrame(out), [Column(title, title, kinds[title]) for title in titles]


def result_table(frame: pd.DataFrame) -> pn.widgets.Tabulator:
    shown, kinds = display_frame(frame)
    formatters = {title: dict(NUMBER_FORMATTER, precision=kind.decimals if kind.decimals is not None else False)
                  for title, kind in kinds.items() if kind.name == "number"}
    return pn.widgets.Tabulator(
        shown, formatters=formatters, configuration=tabulator_locale(), stylesheets=[TABLE_CSS],
        text_align={t: "right" for t, k in kinds.items() if k.name in ("number", "date", "datetime")},
        show_index=False, disabled=True, pagination="remote", page_size=PAGE_SIZE, layout="fit_data_table",
        sizing_mode="stretch_width", theme="simple", css_classes=["console-result"],
    )


# -- the page ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What one run gave: the result, or the French reason it gave none."""

    result: ConsoleResult | None = None
    error: str = ""
    seconds: float = 0.0


def allowed(user: User) -> bool:
    return page_spec(SLUG).allows(user.role)


class ConsoleSql(pn.viewable.Viewer):
    """The page. `sql` is the query typed; `run()` runs it (the « Exécuter » button runs it off
    the server's event loop) and `outcome` holds what it gave. The query is never changed by a
    run: after an error it is still there to correct."""

    context = param.Parameter(doc="AppContext: warehouse, configuration.")
    sql = param.String(default="", doc="The query typed in the editor.")
    example = param.Selector(default="", objects=[""], doc="The example query chosen (its key).")
    row_cap = param.Integer(default=DEFAULT_ROW_CAP, bounds=(1, None))
    time_limit = param.Number(default=DEFAULT_TIME_LIMIT, bounds=(0.1, None))
    outcome = param.ClassSelector(class_=Outcome, allow_None=True, default=None)
    running = param.Boolean(default=False)

    def __init__(self, **params):
        super().__init__(**params)
        self.refused = not allowed(current_user())
        if self.refused:  # nothing else is built: no editor, no button, no query
            self._layout = pn.Column(self._refusal(), sizing_mode="stretch_width")
            return
        if not self.sql:
            self.sql = EXAMPLES[FIRST_EXAMPLE][1]
        self.param.example.objects = {_("Choose an example…"): "",
                                      **{_(title): key for key, (title, _sql) in EXAMPLES.items()}}
        self.param.watch(self._use_example, "example")
        self._layout = self._build()

    @staticmethod
    def _refusal() -> pn.pane.Alert:
        return PlainAlert(_("This page is reserved for the finance group and the administrators."),
                             alert_type="warning", css_classes=["console-refused"])

    @property
    def warehouse(self):
        return self.context.warehouse

    def _use_example(self, event) -> None:
        if event.new:
            self.sql = EXAMPLES[event.new][1]

    # -- running -------------------------------------------------------------------------------

    def execute(self, sql: str, user: User) -> Outcome:
        """Run `sql` for `user` through the read-only console; never raises for a bad query."""
        if not allowed(user):
            return Outcome(error=_("This page is reserved for the finance group and the administrators."))
        if not sql.strip():
            return Outcome(error=_("Type a query first, for example one of the examples."))
        start = time.perf_counter()
        try:
            result = run_readonly(self.warehouse, sql, row_cap=self.row_cap, time_limit=self.time_limit)
        except (QueryRefused, WarehouseBusy, WarehouseMissing) as exc:
            return Outcome(error=str(exc), seconds=time.perf_counter() - start)
        except duckdb.Error as exc:  # e.g. DuckDB's table-name reader failing on JOIN … USING
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            return Outcome(error=_("SQL error: {reason}", reason=message), seconds=time.perf_counter() - start)
        return Outcome(result=result, seconds=time.perf_counter() - start)

    def run(self) -> Outcome:
        """Run the typed query now (tests, scripts) and show what it gave."""
        self.outcome = self.execute(self.sql, current_user())
        return self.outcome

    async def _run_clicked(self, event=None) -> None:
        if self.running:
            return
        user, sql = current_user(), self.sql  # read in the session, before leaving its thread
        self.running = True
        try:
            self.outcome = await asyncio.to_thread(self.execute, sql, user)
        finally:
            self.running = False

    # -- showing -------------------------------------------------------------------------------

    def status_html(self, outcome: Outcome | None) -> str:
        if outcome is None or outcome.result is None:
            return ""
        rows = len(outcome.result.frame)
        count = _("{rows} row", rows=formatting.number(rows)) if rows == 1 else \
            _("{rows} rows", rows=formatting.number(rows))
        text = _("{count} in {seconds} s", count=count, seconds=formatting.number(outcome.seconds, 2))
        return f'<div class="console-status" data-rows="{rows}">{html.escape(text)}</div>'

    def notice_html(self, outcome: Outcome | None) -> str:
        """The error (the query stays in the editor), or the warning that the rows were capped."""
        if outcome is None:
            return ""
        if outcome.error:
            return f'<div class="console-error" role="alert">{html.escape(outcome.error)}</div>'
        if outcome.result is not None and outcome.result.cut_by_size:
            # Cut by size, not by rows: the console's own French message says so.
            text = outcome.result.limit_message[:1].upper() + outcome.result.limit_message[1:]
            return f'<div class="console-truncated" role="status">{html.escape(text)}</div>'
        if outcome.result is not None and outcome.result.truncated:
            text = _("The answer has more rows than the console shows: only the first {cap} are shown "
                     "(and exported). Add a filter or a LIMIT to see the others.",
                     cap=formatting.number(self.row_cap))
            return f'<div class="console-truncated" role="status">{html.escape(text)}</div>'
        return ""

    def _result_view(self, outcome: Outcome | None):
        if outcome is None or outcome.result is None:
            return pn.Spacer(height=0)
        if outcome.result.frame.columns.empty:
            return pn.pane.HTML(html.escape(_("The query returned no column.")))
        return result_table(outcome.result.frame)

    def _download_view(self, outcome: Outcome | None):
        """The CSV button for this answer (its columns change with every query)."""
        if outcome is None or outcome.result is None or outcome.result.frame.columns.empty:
            return pn.Spacer(width=0)
        frame, columns = csv_frame(outcome.result.frame)
        button = csv_download(_("Download the result (CSV)"), "console-sql.csv", lambda: frame, columns)
        button.css_classes = ["console-csv"]
        return button

    def _build(self) -> pn.Column:
        editor = pn.widgets.CodeEditor.from_param(
            self.param.sql, language="sql", theme="github_light_default", height=220,
            sizing_mode="stretch_width", css_classes=["console-editor"])
        examples = pn.widgets.Select.from_param(self.param.example, label=_("Start from an example"),
                                                sizing_mode="stretch_width", max_width=420,
                                                description=None)
        button = pn.widgets.Button(label=_("Run"), color="primary", width=140, css_classes=["console-run"],
                                   disabled=self.param.running, loading=self.param.running)
        button.on_click(self._run_clicked)
        marker = "\x00"  # where the link to the reference page goes, once the text is escaped
        help_text = html.escape(_(
            "Read-only: one SELECT on the marts, the staging views and the ref and app tables; "
            "at most {cap} rows and {seconds} s. The tables and their columns: « {reference} ».",
            cap=formatting.number(self.row_cap), seconds=formatting.number(self.time_limit), reference=marker))
        reference = html.escape(_("Data reference"))
        href = html.escape(self.context.page_url(REFERENCE_SLUG))
        help_text = help_text.replace(marker, f'<a href="{href}" target="_self">{reference}</a>')
        query_label = html.escape(_("Query"))
        return pn.Column(
            pn.pane.HTML(f"<p>{help_text}</p>", sizing_mode="stretch_width"),
            examples,
            pn.pane.HTML(f"<b>{query_label}</b>", margin=(10, 10, 0, 10)),
            editor,
            pn.Row(button, pn.panel(pn.bind(self._download_view, self.param.outcome))),
            pn.pane.HTML(pn.bind(self.notice_html, self.param.outcome), sizing_mode="stretch_width",
                         stylesheets=[CONSOLE_CSS]),
            pn.pane.HTML(pn.bind(self.status_html, self.param.outcome), stylesheets=[CONSOLE_CSS]),
            pn.panel(pn.bind(self._result_view, self.param.outcome), sizing_mode="stretch_width"),
            sizing_mode="stretch_width",
        )

    def __panel__(self):
        return self._layout
