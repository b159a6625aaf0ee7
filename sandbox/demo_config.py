"""The demo's own alambic.toml: the example configuration with the sandbox's organisation tree.

Everything else of the example (categories, alerts, commented sources) is kept as written, so
the demo runs on the configuration a real installation starts from. The warehouse path and a
fixed « today » (`as_of`) make the demo's figures reproducible.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

from sandbox.generate import SandboxOrganisation

# The example at the checkout's root; an installed wheel carries it in the `alambic` package.
EXAMPLE = next(p for p in (Path(__file__).resolve().parent.parent / "alambic.example.toml",
                           Path(__file__).resolve().parent.parent / "alambic" / "alambic.example.toml")
               if p.exists())
HEADER = re.compile(r"^\s*\[")


def write_demo_config(org: SandboxOrganisation, directory: Path, warehouse_path: Path) -> Path:
    text = _without_units(EXAMPLE.read_text(encoding="utf-8"))
    # Paths in a configuration are read relative to the file itself.
    relative = os.path.relpath(Path(warehouse_path).resolve(), Path(directory).resolve())
    text = _set_in_table(text, "warehouse", "path", _string(relative))
    text = _set_in_table(text, "organisation", "as_of", _string(org.today.isoformat()))
    text = text.rstrip("\n") + "\n\n# Organisation fictive du bac à sable (graine "
    text += f"{org.seed}, échelle {org.scale:g}).\n" + "".join(_unit_block(u) for u in org.units)
    tomllib.loads(text)  # refuse to write a file the loader could not read
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "alambic.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _without_units(text: str) -> str:
    """Drop every [[units]] table: its header and its key = value lines, up to a blank line,
    a comment or the next table."""
    kept, in_units = [], False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped == "[[units]]":
            in_units = True
            continue
        if in_units and stripped and not stripped.startswith("#") and not HEADER.match(line):
            continue
        in_units = False
        kept.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept) + "\n")


def _set_in_table(text: str, table: str, key: str, value: str) -> str:
    """Set `key = value` in [table]: replace the key's line if present, else add it under the header."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == f"[{table}]")
    end = next((i for i in range(start + 1, len(lines)) if HEADER.match(lines[i])), len(lines))
    for i in range(start + 1, end):
        if re.match(rf"^\s*{re.escape(key)}\s*=", lines[i]):
            lines[i] = f"{key} = {value}"
            break
    else:
        lines.insert(start + 1, f"{key} = {value}")
    return "\n".join(lines) + "\n"


def _unit_block(unit: dict) -> str:
    lines = [
        "",
        "[[units]]",
        f"code = {_string(unit['code'])}",
        f"name = {_string(unit['name'])}",
        f"level = {_string(unit['level'])}",
    ]
    if unit["parent"]:
        lines.append(f"parent = {_string(unit['parent'])}")
    lines.append(f"analytic_accounts = [{', '.join(_string(a) for a in unit['analytic_accounts'])}]")
    return "\n".join(lines) + "\n"


def _string(value: str) -> str:
    """A TOML basic string."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
