"""Every page as membre, at 1400 px and at 390 px: clean text, no figure cut, nothing wider than a
phone (tests/browser/screens.py)."""

import pytest

from tests.browser.screens import ONLY_WITH_ALL_SCREENS, check_every_page, site  # noqa: F401 — `site` is this module's fixture

pytestmark = [pytest.mark.browser, ONLY_WITH_ALL_SCREENS]


def test_every_page_reads_clean_at_both_widths(site, browser):  # noqa: F811
    check_every_page(site, browser, "membre")
