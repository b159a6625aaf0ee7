"""On-demand tools: a tool is built when first opened, kept afterwards, one shown at a time; the
page's first render carries only the buttons."""

import panel as pn
from bokeh.document import Document
from panel.io.state import set_curdoc

from dashboards.on_demand import OnDemand


def recording_tools():
    built = []

    def factory(name):
        def make():
            built.append(name)
            return pn.widgets.TextInput(name=name, css_classes=[f"tool-{name}"])
        return make

    return OnDemand([("Saisir", factory("saisir")), ("Importer", factory("importer"))]), built


def shown(tools: OnDemand) -> list:
    return list(tools.__panel__().objects[1].objects)


def test_nothing_is_built_until_a_tool_is_opened():
    tools, built = recording_tools()
    assert built == [] and shown(tools) == []
    assert [b.label for b in tools.buttons.values()] == ["Saisir", "Importer"]
    tool = tools.open("Importer")
    assert built == ["importer"] and shown(tools) == [tool]
    assert tools.buttons["Importer"].color == "primary" and tools.buttons["Saisir"].color == "light"


def test_one_tool_at_a_time_and_what_was_typed_is_kept():
    tools, built = recording_tools()
    saisir = tools.open("Saisir")
    saisir.value = "1 234,00"
    importer = tools.open("Importer")
    assert shown(tools) == [importer]
    assert tools.open("Saisir") is saisir and saisir.value == "1 234,00"
    assert built == ["saisir", "importer"]  # each built once


def test_a_click_on_the_open_tool_closes_it():
    tools, _built = recording_tools()
    tools.buttons["Saisir"].clicks += 1  # what a click in the browser does
    assert tools.current == "Saisir" and len(shown(tools)) == 1
    tools.buttons["Saisir"].clicks += 1
    assert tools.current is None and shown(tools) == []
    assert all(b.color == "light" for b in tools.buttons.values())


def test_the_document_holds_no_model_of_an_unopened_tool():
    tools, _built = recording_tools()
    document = Document()
    # As a served session does: Panel caches shared models (stylesheets) per current document, so
    # a bare Document without it would reuse models another test's document already owns.
    with set_curdoc(document):
        root = tools.__panel__().get_root(document)
        document.add_root(root)
        classes = lambda: {c for m in document.models for c in (getattr(m, "css_classes", None) or [])}  # noqa: E731
        assert "tool-saisir" not in classes()
        tools.open("Saisir")
        assert "tool-saisir" in classes()


def test_closing_a_tool_calls_back_with_its_label():
    closed = []
    tools = OnDemand([("Et si", lambda: pn.pane.Markdown("simulation")), ("Autre", lambda: pn.pane.Markdown("x"))],
                     on_close=closed.append)
    tools.open("Et si")
    tools.open("Autre")
    tools.toggle("Autre")
    tools.close()  # nothing open: no call
    assert closed == ["Et si", "Autre"]
