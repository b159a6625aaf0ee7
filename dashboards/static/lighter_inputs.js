// Lighter input widgets: Bokeh gives the shadow root of every input widget (a text box, a select, a
// date…) its own copy of Bokeh's whole icon set (icons.css: ~90 KB of CSS, inline SVG images),
// which only the « description » tooltip icon of an input uses. A page with twenty inputs made the
// browser insert and parse ~2 MB of CSS before it could show the page (measured in Chromium; see
// docs/architecture.md, « Pages that the browser draws fast »). Here an input without a
// description leaves that sheet out; one with a description keeps it.
//
// This reaches into BokehJS (the view class of inputs, found by its name on the prototype chain of
// TextInput's view). If a Bokeh release renames it, nothing is patched and the pages work as
// before, only heavier: tests/browser/test_page_weight_browser.py then fails and says so.
(function () {
  "use strict";
  function patch() {
    var widgets = window.Bokeh && window.Bokeh.Widgets;
    if (!widgets || !widgets.TextInput) {
      return false;
    }
    var view = widgets.TextInput.prototype.default_view;
    while (view && view.__name__ !== "InputWidgetView") {
      view = Object.getPrototypeOf(view);
    }
    if (!view || view.prototype.alambicLighter) {
      return true;
    }
    var stylesheets = view.prototype.stylesheets;
    view.prototype.stylesheets = function () {
      var sheets = stylesheets.call(this);
      if (this.model.description != null) {
        return sheets;
      }
      return sheets.filter(function (sheet) {
        return !(typeof sheet === "string" && sheet.indexOf(".bk-tool-icon-copy{") === 0);
      });
    };
    view.prototype.alambicLighter = true;
    return true;
  }
  if (!patch()) {
    document.addEventListener("DOMContentLoaded", patch);
  }
})();
