"""What keeps a page light in the browser, checked where it happens (docs/architecture.md, « Pages
that the browser draws fast »): the lower sections come after the first screen without any scroll,
the forms only when opened, inputs without Bokeh's icon set, charts on a 2D canvas."""

from __future__ import annotations

import pytest

from tests.browser.helpers import log_in, open_tool, page_text, wait_until

pytestmark = pytest.mark.browser

# Per shadow root holding an input: [has Bokeh's icon sheet, has a description icon].
INPUT_ROOTS = """() => {
  const found = [];
  const walk = (root) => { for (const el of root.querySelectorAll('*')) { if (!el.shadowRoot) continue;
      const r = el.shadowRoot;
      if (r.querySelector('.bk-input')) {  // querySelector stays in this root: the input's own
        const icons = [...r.querySelectorAll('style')].some((s) => s.textContent.startsWith('.bk-tool-icon-copy{'));
        found.push([icons, !!r.querySelector('.bk-description')]); }
      walk(r); } };
  walk(document); return found; }"""

BACKENDS = """() => { const out = [];
  for (const doc of Bokeh.documents) for (const m of doc._all_models.values())
    if (m.output_backend !== undefined) out.push(m.output_backend);
  return out; }"""


@pytest.fixture(scope="module")
def site(sandbox_site):
    with sandbox_site([("compta", "compta@exemple.re", "finance", "Compta")]) as (base, _warehouse, _config):
        yield base


def test_the_budget_page_comes_in_two_steps_and_stays_light(page, site):
    log_in(page, site, "compta", "/suivi-budgetaire?periode=2025&unite=R")
    page.locator('[data-kpi="depenses_reel"] .kpi-value').first.wait_for(timeout=60000)
    # the lower sections (the chart, the entries) follow by themselves: nobody scrolls here
    page.get_by_role("button", name="Saisir ou modifier une ligne de prévisionnel", exact=True).wait_for(timeout=60000)
    wait_until(lambda: page.locator(".alambic-later").count() == 0, "every placeholder replaced", 60)
    assert "Mois par mois" in page_text(page)  # the chart's section
    assert page.locator(".form-forecasts").count() == 0  # no form before it is opened
    roots = page.evaluate(INPUT_ROOTS)
    assert len(roots) >= 3, roots  # the filter bar's and the recap's inputs at least
    assert all(icons == described for icons, described in roots), roots  # the icon set only where used
    assert any(described for _icons, described in roots)  # the period box keeps its « ? » tooltip
    backends = page.evaluate(BACKENDS)
    assert backends and set(backends) == {"canvas"}, backends

    form = open_tool(page, "Saisir ou modifier une ligne de prévisionnel", ".form-forecasts")
    assert form.get_by_label("Montant", exact=True).count() == 1
    roots = page.evaluate(INPUT_ROOTS)
    assert all(icons == described for icons, described in roots), roots
