"""The layers, checked on the source (docs/architecture.md): one direction of imports.

- `models/` (the objects members write) and `warehouse/` (the DuckDB file and the SQL runner)
  import neither the pages (`dashboards`) nor the configuration class (`alambic.config`): what
  they share with the pages (French formats, users and roles) lives in `alambic/formatting.py`
  and `alambic/users.py`, and a build receives plain settings (`Config.settings()`);
- a page never imports another page: what two pages show alike lives in
  `dashboards/components.py`.

Every `import` counts, at the top of a module or inside a function.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN_BELOW = ("dashboards", "alambic.config")


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every import of the file; `from a import b` counts as `a` and `a.b`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def is_within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def layer_breaches(folder: Path, forbidden=FORBIDDEN_BELOW) -> list[str]:
    return sorted(
        f"{path.relative_to(folder.parent)}:{line} imports {module}"
        for path in sorted(folder.rglob("*.py"))
        for line, module in imported_modules(path)
        if any(is_within(module, package) for package in forbidden)
    )


def page_modules(dashboards: Path) -> set[str]:
    """The modules of dashboards/ that are pages: the ones the page registry names (a declared
    page's module is the shared `declared`, not a page of its own)."""
    from dashboards.pages import PAGES

    names = {spec.module.split(".", 1)[1] for spec in PAGES if spec.declaration is None}
    return {name for name in names if (dashboards / f"{name}.py").exists()}


def page_breaches(dashboards: Path, pages: set[str]) -> list[str]:
    breaches = []
    for page in sorted(pages):
        path = dashboards / f"{page}.py"
        for line, module in imported_modules(path):
            other = module.split(".")[1] if module.startswith("dashboards.") else None
            if other in pages and other != page:
                breaches.append(f"dashboards/{page}.py:{line} imports {module}")
    return sorted(set(breaches))


@pytest.mark.parametrize("layer", ["models", "warehouse"])
def test_models_and_warehouse_import_neither_pages_nor_config(layer):
    assert layer_breaches(ROOT / layer) == []


def test_pages_do_not_import_other_pages():
    pages = page_modules(ROOT / "dashboards")
    assert {"co_remuneration", "plan_de_tresorerie", "suivi_budgetaire"} <= pages, pages
    assert page_breaches(ROOT / "dashboards", pages) == []


def test_the_scans_catch_a_breach(tmp_path):
    """The checks above would see a breach: a model importing the pages or the configuration
    (even inside a function), a page importing another page."""
    models = tmp_path / "models"
    models.mkdir()
    (models / "ok.py").write_text("from alambic import formatting\nfrom alambic.users import ROLES\n")
    (models / "bad.py").write_text(
        "from dashboards import formatting\n"
        "def f():\n    from alambic.config import Config\n"
        "import dashboards.session\n")
    assert layer_breaches(models) == [
        "models/bad.py:1 imports dashboards", "models/bad.py:1 imports dashboards.formatting",
        "models/bad.py:3 imports alambic.config", "models/bad.py:3 imports alambic.config.Config",
        "models/bad.py:4 imports dashboards.session",
    ]

    dashboards = tmp_path / "dashboards"
    dashboards.mkdir()
    (dashboards / "components.py").write_text("")
    (dashboards / "one.py").write_text("from dashboards.components import COMPACT_CSS\n")
    (dashboards / "two.py").write_text("def f():\n    from dashboards.one import COMPACT_CSS\n"
                                       "from dashboards import one\n")
    pages = {"one", "two"}
    assert page_breaches(dashboards, pages) == [
        "dashboards/two.py:2 imports dashboards.one", "dashboards/two.py:2 imports dashboards.one.COMPACT_CSS",
        "dashboards/two.py:3 imports dashboards.one",
    ]


def settings_pivots(sql_dir: Path) -> list[str]:
    """SQL files that read ref.settings (key, value) by hand instead of its typed row."""
    found = []
    for path in sorted(sql_dir.rglob("*.sql")):
        code = "\n".join(line.split("--", 1)[0] for line in path.read_text(encoding="utf-8").splitlines())
        if re.search(r"\bref\.settings\b(?!_row)", code, re.IGNORECASE):
            found.append(str(path.relative_to(sql_dir)))
    return found


def test_settings_are_read_through_their_staging_view(tmp_path):
    """Every mart, data test and page query reads the settings as typed columns of
    staging.stg_ref__settings (defaults and types: the table of settings in alambic/config.py),
    never by pivoting ref.settings itself."""
    assert settings_pivots(ROOT / "sql") == []
    (tmp_path / "mart.sql").write_text("-- ref.settings in a comment is fine\nselect max(case when key = 'as_of' "
                                       "then value::date end) from ref.settings\n")
    (tmp_path / "ok.sql").write_text("select as_of from staging.stg_ref__settings -- not ref.settings\n")
    assert settings_pivots(tmp_path) == ["mart.sql"]
