"""Sections drawn once the first screen is shown: the top of a page first, the rest right after.

Why: the browser builds a page's Bokeh views in one go. On Suivi budgétaire (seven tables, a chart,
the entries) that took ~2.5 s of the browser's main thread on the benchmark machine before
anything of the body showed, the KPI cards included. With the lower sections wrapped in
`later(...)`, the first patch carries the filter bar, the cards and the recaps; the browser draws
them, and once they are painted (two animation frames later) each placeholder tells the server,
which puts the section in place. The member reads the figures while the rest is drawn.

The objects of a section are made at once on the server (a filter change refreshes them whether
shown or not); only their models go to the browser later. Outside a server (tests, notebooks),
`later` returns the section itself.
"""

from __future__ import annotations

import panel as pn
import param
from panel.custom import JSComponent

from dashboards.session import served_document


class AfterFirstScreen(JSComponent):
    """A placeholder that sets `shown` once the browser has drawn what came before it."""

    shown = param.Boolean(default=False, doc="Set by the browser once it has painted the first screen.")
    # Two animation frames: the first runs before the next paint, the second after it, so the first
    # screen is on screen when the rest is asked for, without waiting for the browser to be idle
    # (requestIdleCallback, tried first, also waits for every other task of the page). A hidden tab
    # runs no frame: the timer asks after 1.5 s.
    _esm = """
    export function render({ model, el }) {
      el.classList.add("alambic-later")
      if (model.shown) { return }
      const ask = () => { if (!model.shown) { model.shown = true } }
      requestAnimationFrame(() => requestAnimationFrame(ask))
      setTimeout(ask, 1500)
    }
    """


def later(section, min_height: int = 120):
    """`section` (a Panel object), sent to the browser once it has drawn the first screen. The
    placeholder keeps `min_height` pixels so the page does not jump much when the section comes."""
    if served_document() is None:
        return section
    box = pn.Column(sizing_mode="stretch_width", min_height=min_height)
    placeholder = AfterFirstScreen(height=1, sizing_mode="stretch_width", margin=0)

    def show(event) -> None:
        if event.new:
            box.objects = [section]
            box.min_height = None

    placeholder.param.watch(show, "shown")
    box.objects = [placeholder]
    return box
