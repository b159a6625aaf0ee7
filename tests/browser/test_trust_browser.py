"""Pages a treasurer trusts (#12): in Chromium, the monthly chart's y-axis reads French euros,
a click on a recap row shows its lines, and the Journal opens again after an undo."""

from __future__ import annotations

import pytest

from tests.browser.helpers import log_in, page_text, wait_text, wait_until

pytestmark = pytest.mark.browser

Y_TICKS = """() => {
  // the labels Bokeh draws on the canvas for the chart's y-axis, from its models in the browser
  const out = [];
  for (const doc of Bokeh.documents) {
    for (const model of doc._all_models.values()) {
      if (model.type !== 'LinearAxis' && !(model.constructor && model.constructor.__name__ === 'LinearAxis')) continue;
      const overrides = model.major_label_overrides;
      const ticks = [0, 1000, 2500];
      let labels;
      if (overrides && overrides.size) { labels = [...overrides.values()].map(String); }
      else { labels = model.formatter.doFormat(ticks, {loc: 0}).map(String); }
      out.push(labels);
    }
  }
  return out;
}"""


# Every text Bokeh draws on a canvas, recorded as it draws it (the tick labels are canvas text).
RECORD_CANVAS_TEXT = """(() => { window.__drawn = [];
  const fill = CanvasRenderingContext2D.prototype.fillText;
  CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
    window.__drawn.push(String(text)); return fill.call(this, text, ...rest); };
})();"""


def drawn_ticks(page) -> list[str]:
    """The texts drawn on the canvas since the last call: the charts' axis labels among them."""
    page.get_by_text("Mois par mois : prévisionnel et réel").scroll_into_view_if_needed()
    return page.evaluate("() => { const out = window.__drawn; window.__drawn = []; return out; }")


ACCOUNTS = [("tresoriere", "tresoriere@exemple.re", "finance", "Claire Trésorière")]


def test_chart_y_ticks_are_french_euros(sandbox_site, browser):
    """#12.2: the tick labels were « undefined » in the browser."""
    with sandbox_site(ACCOUNTS) as (base, _warehouse, _config):
        for _session in range(2):  # every session, not only the first
            context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
            context.add_init_script(RECORD_CANVAS_TEXT)
            page = context.new_page()
            log_in(page, base, "tresoriere", "/suivi-budgetaire")
            page.locator('[data-kpi="depenses_reel"]').wait_for(timeout=30000)
            axes = wait_until(lambda: page.evaluate(Y_TICKS), "no axis in the page")
            labels = [label for axis in axes for label in axis]
            euro = [label for label in labels if label.endswith("\u00a0€")]
            assert euro, labels
            assert not [label for label in labels if "undefined" in label or label == ""], labels
            # what the canvas shows, first drawing and after a redraw (another series, another unit)
            for redraw in (None, "Recettes", "Dépenses"):
                if redraw:
                    page.get_by_role("button", name=redraw).last.click()
                seen: list[str] = []

                def euro_drawn():
                    page.wait_for_timeout(500)
                    seen.extend(drawn_ticks(page))
                    return [t for t in seen if t.endswith("\u00a0€")]

                wait_until(euro_drawn, lambda: f"no euro tick drawn ({redraw or 'first drawing'}): {seen[:40]}")
                page.wait_for_timeout(1000)
                seen.extend(drawn_ticks(page))
                assert not [t for t in seen if "undefined" in t or "NaN" in t], seen
            page.screenshot(path=f"tmp/artifacts/chart-{_session}.png", full_page=False)
            context.close()


def test_clicking_a_recap_row_shows_its_lines(sandbox_site, browser):
    """#12.4: the page says « Cliquez sur une ligne pour voir son détail » — it must."""
    with sandbox_site(ACCOUNTS) as (base, warehouse, _config):
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
        page = context.new_page()
        log_in(page, base, "tresoriere", "/suivi-budgetaire")
        page.locator('[data-kpi="depenses_reel"]').wait_for(timeout=30000)
        period = page.get_by_label("Période")  # as a new user would: another period first
        period.fill("2025")
        period.press("Enter")
        wait_text(page, "01/01/2025")
        label = warehouse.query("SELECT label FROM ref.categories WHERE direction = 'depense' "
                                "ORDER BY sort LIMIT 1 OFFSET 1")["label"].iloc[0]
        row = page.locator(".recap-depense .tabulator-row", has_text=label).first
        row.wait_for(timeout=30000)
        row.locator('.tabulator-cell[tabulator-field="Catégorie"]').click(timeout=60000)  # once redrawn
        wait_until(lambda: f"— Dépenses — {label}" in page_text(page),
                   lambda: f"the lines of « {label} » are not shown: {page_text(page)[-1500:]}")
        context.close()


def test_the_journal_opens_again_after_an_undo(sandbox_site, browser):
    """#12.1 / #15.8: undo a forecast's creation in the Journal (the forecast is deleted), reload:
    the page still opens, for good."""
    from models import Actor, Forecast
    with sandbox_site(ACCOUNTS) as (base, warehouse, _config):
        line = Forecast(unit_code=warehouse.query("SELECT unit_code FROM ref.units WHERE parent_code IS NOT NULL "
                                                  "ORDER BY unit_code LIMIT 1")["unit_code"].iloc[0],
                        category_code=warehouse.query("SELECT category_code FROM ref.categories "
                                                      "ORDER BY sort LIMIT 1")["category_code"].iloc[0],
                        period_start="01/03/2026", period_end="31/03/2026", amount="100", label="Essai annulation")
        finance = Actor("tresoriere", role="finance")
        line.save(warehouse, finance)  # its undo deletes it: a journal line without « after »
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
        page = context.new_page()
        log_in(page, base, "tresoriere", "/journal")
        row = page.locator(".audit-table .tabulator-row", has_text="Création").first  # the newest
        row.wait_for(timeout=30000)
        row.locator('.tabulator-cell[tabulator-field="Action"]').click()
        page.get_by_role("button", name="Annuler cette modification").click()
        page.get_by_role("button", name="Confirmer l'annulation").click()
        wait_text(page, "sa création est annulée", timeout=60)
        page.reload()
        wait_text(page, "Journal des modifications")
        wait_text(page, "Annulation d'une création")
        body = page_text(page)
        assert "Traceback" not in body and "AttributeError" not in body
        context.close()
