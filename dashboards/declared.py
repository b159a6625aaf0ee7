"""The one page class of every declared page (dashboards.declarations): the shared filters when
declared, the query's rows in a French table, CSV and XLSX downloads.

No business arithmetic here: every figure is a column of `sql/pages/<slug>.sql`; this class only
passes the filters' parameters ($unit, $date_from, $date_to) and formats the columns as declared.
"""

from __future__ import annotations

import pandas as pd
import panel as pn
import param

from alambic.i18n import _
from dashboards.components import Column, FilterBar, Filters, PlainAlert, csv_download, french_table
from dashboards.declarations import Declaration
from dashboards.queries import file_sql, run_sql
from dashboards.workbook import filters_workbook, workbook_download


class DeclaredPage(pn.viewable.Viewer):
    """A read-only page made of one query and its declaration."""

    context = param.Parameter(doc="AppContext: warehouse, configuration, filters.")
    declaration = param.ClassSelector(class_=Declaration)
    filters = param.ClassSelector(class_=Filters)

    def __init__(self, **params):
        super().__init__(**params)
        if self.declaration.filters and self.filters is None:
            self.filters = self.context.filters or Filters.from_warehouse(self.context.warehouse)

    @property
    def title(self) -> str:
        return _(self.declaration.title)

    def columns(self) -> list[Column]:
        return [Column(c.name, _(c.label), c.kind, flag_text=_("yes") if c.kind == "flag" else "")
                for c in self.declaration.columns]

    def _params(self) -> dict:
        if not self.declaration.filters:
            return {}
        params = self.filters.params()
        if "unite" not in self.declaration.filters:
            params.pop("unit")
        if "periode" not in self.declaration.filters:
            params.pop("date_from"), params.pop("date_to")
        return params

    def data(self) -> pd.DataFrame:
        """The query's rows for the current filters (the file is read again after a change in --dev)."""
        return run_sql(self.context.warehouse, file_sql(self.declaration.sql_path), **self._params())

    def missing_columns(self, frame: pd.DataFrame) -> list[str]:
        wanted = [c.name for c in self.declaration.columns]
        if self.declaration.highlight:
            wanted.append(self.declaration.highlight)
        return [name for name in wanted if name not in frame.columns]

    def table(self, *_events):
        frame = self.data()
        missing = self.missing_columns(frame)
        if missing:
            return PlainAlert(_("The query {file} gives no column {names}: correct the query or the declaration.",
                                file=f"sql/pages/{self.declaration.slug}.sql", names=", ".join(missing)),
                              alert_type="danger", css_classes=["declared-error"])
        if frame.empty:
            return PlainAlert(_("No row for this selection."), alert_type="info", css_classes=["declared-empty"])
        return french_table(frame, self.columns(), highlight=self.declaration.highlight,
                            pagination="local", page_size=50, css_classes=["declared-table"])

    def _filename(self, ext: str) -> str:
        if not self.declaration.filters:
            return f"{self.declaration.slug}.{ext}"
        return f"{self.declaration.slug}_{self.filters.unit}_{self.filters.current.text.replace('..', '_')}.{ext}"

    def downloads(self) -> pn.FlexBox:
        columns = self.columns()
        csv = csv_download(_("Download the table (CSV)"), lambda: self._filename("csv"), self.data, columns)
        if self.filters is not None:
            csv_name = lambda *_e: setattr(csv, "filename", self._filename("csv"))  # noqa: E731
            self.filters.param.watch(csv_name, ["current", "unit"])

        def sheets():
            return {self.title: (self.data(), columns)}

        if self.filters is not None:
            workbook = filters_workbook(self.declaration.slug, self.title, self.filters, sheets)
        else:
            workbook = workbook_download(sheets, self._filename("xlsx"), title=self.title)
        return pn.FlexBox(csv, workbook)  # side by side, one under the other on a phone

    def __panel__(self):
        parts = [pn.pane.Markdown(_(self.declaration.description), css_classes=["declared-description"])]
        if self.filters is not None:
            parts.append(FilterBar(filters=self.filters))
            body = pn.panel(pn.bind(self.table, self.filters.param.current, self.filters.param.unit))
        else:
            body = self.table()
        parts += [self.downloads(), body]
        return pn.Column(*parts, sizing_mode="stretch_width", css_classes=["declared-page"])
