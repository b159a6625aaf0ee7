"""#15 (part): rights are checked before validation, so a refusal reveals nothing of others' data;
and no Python traceback ever reaches a page (page build or callback): a French sentence, the
traceback in the server's log."""

from __future__ import annotations

import logging

import pytest

from models import Forbidden, RoleAssignment
from tests.models.conftest import built_file, wh  # noqa: F401
from tests.models.helpers import JARDIN


def test_a_refused_role_assignment_does_not_reveal_the_holder(wh):
    """jardin@ is garant·e du cadre nowhere; membre@exemple.re holds garant_cadre on 303. Before
    the fix, the overlap check ran first and its message gave the holder's e-mail."""
    form = RoleAssignment(unit_code="303", role_code="garant_cadre", person_email="zoe@exemple.re",
                          started_on="01/02/2025")
    with pytest.raises(Forbidden) as refused:
        form.save(wh, JARDIN)
    assert "membre@exemple.re" not in str(refused.value)


def test_an_unauthorised_form_with_a_typo_learns_only_its_typo(wh):
    form = RoleAssignment(unit_code="303", role_code="garant_cadre", person_email="zoe@exemple.re",
                          started_on="pas une date")
    with pytest.raises(Exception) as refused:
        form.save(wh, JARDIN)
    text = str(getattr(refused.value, "errors", refused.value))
    assert "membre@exemple.re" not in text


def test_a_failing_callback_shows_a_french_sentence_and_logs_the_traceback(caplog):
    from bokeh.document import Document
    from panel.io.state import set_curdoc

    from dashboards import app

    doc = Document()
    with set_curdoc(doc):
        banner = app._failure_banner()
        try:
            raise ValueError("détail interne /chemin/secret")
        except ValueError as exc:
            with caplog.at_level(logging.ERROR, logger="alambic.pages"):
                app.callback_failed(exc)
    assert banner.visible and banner.object.startswith("Une erreur est survenue")
    assert "secret" not in banner.object and "Traceback" not in banner.object
    assert any(record.exc_info and "secret" in str(record.exc_info[1]) for record in caplog.records)


def test_the_served_app_routes_callback_errors_to_the_guard(secure_site):
    import panel as pn

    from dashboards.app import callback_failed

    assert pn.config.exception_handler is callback_failed


@pytest.mark.browser
def test_a_page_that_fails_to_build_shows_no_traceback(secure_site, tab, monkeypatch, caplog):
    from dashboards import server as panel_serve
    from tests.browser.helpers import log_in, page_text, wait_text

    log_in(tab, secure_site.base, "admin", "/documentation")

    def broken(slug, context):
        raise RuntimeError("détail interne /chemin/secret")

    monkeypatch.setattr(panel_serve, "page_app", broken)
    with caplog.at_level(logging.ERROR, logger="alambic.pages"):
        tab.goto(secure_site.base + "/journal", timeout=120_000)
        wait_text(tab, "Une erreur est survenue")
    text = page_text(tab)
    assert "Traceback" not in text and "secret" not in text and "RuntimeError" not in text
    assert any(record.exc_info for record in caplog.records if record.name == "alambic.pages")
