"""Tools shown on demand: a row of buttons (« Saisir une ligne », « Importer un tableur »…), each
opening its tool below the row, one at a time.

Why: a form is dozens of Bokeh models (every widget, its label, its layout) that the browser
builds, styles and lays out before the page is usable, even when nobody enters anything during
the visit. Suivi budgétaire built four forms on every visit; most visits only read. A tool is
built the first time it is opened (its `factory` is called then) and kept afterwards, so what was
typed survives closing and reopening it, and the page's first render carries only the buttons.

Usage:

    OnDemand([(_("Import a spreadsheet"), lambda: ForecastImport(entries)), …])

`open(label)` opens a tool from code (a click in a table that edits a line opens the form)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import panel as pn


class OnDemand(pn.viewable.Viewer):
    """Buttons that open (and close) a tool each; at most one tool is shown."""

    def __init__(self, tools: Sequence[tuple[str, Callable[[], Any]]], css_classes: Sequence[str] = (),
                 on_close: Callable[[str], None] | None = None, **params):
        """`on_close(label)` is called when the open tool is closed (by its button, or by opening
        another): a simulation undoes itself there, for instance."""
        super().__init__(**params)
        self._factories, self._on_close = dict(tools), on_close
        self._built: dict[str, Any] = {}
        self.current: str | None = None
        self.buttons = {label: pn.widgets.Button(label=label, color="light", css_classes=["on-demand-button"])
                        for label in self._factories}
        for label, button in self.buttons.items():
            button.on_click(lambda _event, label=label: self.toggle(label))
        self._holder = pn.Column(sizing_mode="stretch_width", css_classes=["on-demand-tool"])
        self._layout = pn.Column(pn.FlexBox(*self.buttons.values(), css_classes=["on-demand-buttons"]), self._holder,
                                 sizing_mode="stretch_width", css_classes=["on-demand", *css_classes])

    def tool(self, label: str) -> Any:
        """The tool named `label`, built on the first call (and then kept)."""
        if label not in self._built:
            self._built[label] = self._factories[label]()
        return self._built[label]

    def is_built(self, label: str) -> bool:
        return label in self._built

    def open(self, label: str) -> Any:
        """Show the tool `label` (building it if needed) in place of any other; returns it."""
        tool = self.tool(label)
        if self.current != label:
            self._closing()
            self.current = label
            self._holder.objects = [tool]
        for name, button in self.buttons.items():
            button.color = "primary" if name == label else "light"
        return tool

    def _closing(self) -> None:
        if self.current is not None and self._on_close is not None:
            self._on_close(self.current)

    def close(self) -> None:
        self._closing()
        self.current = None
        self._holder.objects = []
        for button in self.buttons.values():
            button.color = "light"

    def toggle(self, label: str) -> None:
        if self.current == label:
            self.close()
        else:
            self.open(label)

    def __panel__(self):
        return self._layout
