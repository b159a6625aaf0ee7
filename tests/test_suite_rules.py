"""Rules the test suite keeps: a broken import of the repo's own code fails, never skips; the
`slow` marker is registered (so `-m "not slow"` deselects the stress tests) and used."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OWN_PACKAGES = {p.parent.name for p in ROOT.glob("*/__init__.py")}


def test_no_importorskip_on_the_repo_own_modules():
    found = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for module in re.findall(r"importorskip\(\s*['\"]([\w.]+)", path.read_text(encoding="utf-8")):
            if module.split(".")[0] in OWN_PACKAGES:
                found.append(f"{path.relative_to(ROOT)}: {module}")
    assert found == []


def test_the_slow_marker_is_registered_and_marks_the_stress_tests():
    pytest_options = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]
    assert any(m.startswith("slow:") for m in pytest_options["ini_options"]["markers"])
    text = (ROOT / "tests/warehouse/test_concurrency.py").read_text(encoding="utf-8")
    assert re.search(r"@pytest\.mark\.slow[^\n]*\ndef test_forms_flows_and_readers_in_three_processes", text)
