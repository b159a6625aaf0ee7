"""The label catalogue is complete: every msgid the code uses has a French translation."""

from pathlib import Path

from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from alambic import i18n
from dashboards.components import LEVEL_LABELS, STATUS_LABELS
from dashboards.pages import PAGES

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [*sorted((ROOT / "dashboards").rglob("*.py"))]


def used_msgids() -> set[str]:
    ids = set()
    for path in SOURCES:
        for _lineno, message, _comments, _context in extract_from_file("python", str(path)):
            assert isinstance(message, str), f"{path}: plural or odd message {message!r}"
            ids.add(message)
    for spec in PAGES:  # titles and descriptions are msgids translated at display
        if spec.declaration is None:  # a declared page is written in French (test below)
            ids |= {spec.title, spec.section, spec.description}
    ids |= set(STATUS_LABELS.values()) | set(LEVEL_LABELS.values())
    return ids


def test_every_label_has_a_french_translation():
    french = i18n.translations("fr")
    missing = sorted(used_msgids() - set(french))
    assert not missing, f"add these to {i18n.catalogue_path('fr')}: {missing}"


def test_catalogue_has_no_fuzzy_or_stale_entries():
    with i18n.catalogue_path("fr").open("rb") as handle:
        catalog = read_po(handle)
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not fuzzy
    stale = sorted(set(i18n.translations("fr")) - used_msgids())
    assert not stale, f"no longer used, remove from the catalogue: {stale}"


def test_placeholders_survive_translation():
    for msgid, msgstr in i18n.translations("fr").items():
        assert sorted(_fields(msgid)) == sorted(_fields(msgstr)), msgid


def _fields(text):
    import string

    return [name for _, name, _, _ in string.Formatter().parse(text) if name]


def test_french_by_default_and_english_on_request(monkeypatch):
    monkeypatch.delenv("ALAMBIC_LANG", raising=False)
    assert i18n._("Budget tracking") == "Suivi budgétaire"
    assert i18n._("Fiscal year {year}", year=2025) == "Exercice 2025"
    monkeypatch.setenv("ALAMBIC_LANG", "en")
    assert i18n._("Budget tracking") == "Budget tracking"


def test_catalogue_has_each_msgid_once():
    """Babel keeps the last of two entries silently: a duplicate hides a translation."""
    import collections
    import re

    text = i18n.catalogue_path("fr").read_text(encoding="utf-8")
    ids = ["".join(re.findall(r'"(.*)"', m.group(1)))
           for m in re.finditer(r'^msgid ((?:".*"\n)+)', text, re.MULTILINE)]
    repeated = [msgid for msgid, n in collections.Counter(ids).items() if n > 1]
    assert not repeated


def test_declared_pages_labels_are_found_by_the_catalogue_tooling():
    """A declared page (sql/pages/<slug>.toml) is written in French: its labels are the msgids,
    French as they are; Babel's extractor for declarations (babel.cfg) finds every one of them,
    so that a catalogue for another language can translate them."""
    from babel.messages.extract import extract_from_dir

    from dashboards.declarations import PAGES_DIR, declarations

    declared = declarations()
    assert declared, "at least one declared page (sql/pages/*.toml)"
    method_map = [("**.toml", "dashboards.declarations:extract_labels")]
    found = {message for _file, _line, message, _comments, _context in extract_from_dir(str(PAGES_DIR), method_map)}
    for declaration in declared:
        assert set(declaration.labels) <= found
        for label in declaration.labels:  # the French text shows as is (no English msgid to translate)
            assert i18n._(label) == label
    config = (ROOT / "babel.cfg").read_text(encoding="utf-8")
    assert "dashboards.declarations:extract_labels" in config
