"""Sections drawn after the first screen: a placeholder first, the section once the browser says it
has painted the first screen; outside a server, the section itself."""

import panel as pn

import dashboards.lazy as lazy


def test_outside_a_server_the_section_is_returned_as_is():
    section = pn.pane.Markdown("Mouvements")
    assert lazy.later(section) is section


def test_served_the_section_replaces_its_placeholder_once_the_browser_asks(monkeypatch):
    monkeypatch.setattr(lazy, "served_document", lambda: object())  # as in a served session
    section = pn.pane.Markdown("Mouvements")
    box = lazy.later(section, min_height=300)
    [placeholder] = box.objects
    assert isinstance(placeholder, lazy.AfterFirstScreen) and box.min_height == 300
    placeholder.shown = True  # what the placeholder's script sends once the first screen is painted
    assert box.objects == [section] and box.min_height is None

