"""The one label catalogue: every word a user reads goes through `_()`.

Code says what a label means in English (`_("Budget tracking")`); the French text lives in
`alambic/locale/fr/LC_MESSAGES/alambic.po`, a plain gettext catalogue that a member can edit
with any text editor or Poedit. It is read with Babel when first needed — there is no compile
step to remember. French is the default language; `ALAMBIC_LANG=en` shows the English msgids
(useful to spot a label that escaped the catalogue).

A msgid missing from the catalogue falls back to itself, and the test
`tests/dashboards/test_i18n.py` fails if any `_()` in the code has no French translation.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

DOMAIN = "alambic"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DEFAULT_LANGUAGE = "fr"


def language() -> str:
    return os.environ.get("ALAMBIC_LANG", DEFAULT_LANGUAGE)


def catalogue_path(lang: str = DEFAULT_LANGUAGE) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(lang: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """msgid → msgstr for one language (empty and fuzzy entries are left out)."""
    path = catalogue_path(lang)
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    return {
        message.id: message.string
        for message in catalog
        if message.id and isinstance(message.id, str) and message.string and not message.fuzzy
    }


def gettext(message: str, **values) -> str:
    """The label in the user's language; `{name}` placeholders are filled from `values`."""
    text = translations(language()).get(message, message)
    return text.format(**values) if values else text


_ = gettext


def N_(message: str) -> str:
    """Marks a msgid for the catalogue without translating it now (labels kept in a dict and
    translated at display); Babel's extractor and tests/dashboards/test_i18n.py see it."""
    return message
