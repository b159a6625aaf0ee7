"""The data reference: what each table of the warehouse holds, from the SQL files' own headers.

A mart documents itself in the header comment of `sql/marts/<name>.sql`:

    -- name — purpose, possibly continued
    -- on the next lines
    --
    -- Grain: one row per …
    -- Columns:
    --   column        meaning, possibly continued
    --                 on more indented lines
    --   a, b          a meaning shared by several columns
    --   c (its own meaning), d (its own), e,
    --   f             a list of names may wrap; a name may carry its meaning in brackets
    -- Any other line (less indented, or after a blank `--`) is a note, and so is a paragraph
    -- between the purpose and the grain.

`parse_mart_header` reads that header; `catalogue(warehouse)` lists the marts, the staging views
(their header as description) and the ref / app tables, joined with the column types the
warehouse really has. No Panel here: `alambic sql`, docs or tests can reuse it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from warehouse import SQL_DIR
from warehouse.connection import Warehouse
from warehouse.sql_console import PRIVATE_TABLES

COLUMN_INDENT = 3  # `--   name  meaning`: three spaces after the dashes
SCHEMAS = ("marts", "staging", "ref", "app")  # what the reference shows, in this order
IDENTIFIER = re.compile(r"[A-Za-z_]\w*")

COLUMNS_SQL = """
SELECT table_schema AS schema_name, table_name, column_name, data_type, ordinal_position
FROM information_schema.columns
WHERE table_catalog = current_database() AND table_schema IN ({schemas})
ORDER BY table_schema, table_name, ordinal_position
"""


class HeaderError(ValueError):
    """A mart's header does not follow the format; the message says which file and why."""


@dataclass(frozen=True)
class ColumnDoc:
    name: str
    meaning: str = ""
    type: str = ""  # the warehouse's data type; "" when unknown (no warehouse, not built)


@dataclass(frozen=True)
class TableDoc:
    schema: str
    name: str
    purpose: str = ""
    grain: str = ""
    columns: tuple[ColumnDoc, ...] = ()
    notes: str = ""  # the rest of the header, line breaks kept
    source: str = ""  # the SQL file, relative to the repository ('sql/marts/x.sql')
    documented: tuple[str, ...] = field(default=(), compare=False)  # columns the header lists

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    def matches(self, text: str) -> bool:
        """Whether `text` (lower-cased) appears in the table's name, purpose, grain or notes."""
        return any(text in value.lower() for value in (self.qualified, self.purpose, self.grain, self.notes))


# -- parsing -----------------------------------------------------------------------------------


def header_lines(sql: str) -> list[str]:
    """The leading comment lines, without their `--`."""
    lines = []
    for line in sql.splitlines():
        if not line.startswith("--"):
            break
        lines.append(line[2:].rstrip())
    return lines


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _joined(parts: list[str]) -> str:
    """Lines of one text as one paragraph (runs of spaces collapsed)."""
    return " ".join(" ".join(parts).split())


def _meaning(lines: list[str]) -> str:
    """A column's meaning: wrapped lines joined; a line opening with a quoted value after a line
    that ends an item (an enumeration: `'banque' …` / `'brouillon' …`) or with a dash starts a new line."""
    out: list[list[str]] = []
    for line in lines:
        item = line.startswith(("- ", "* ")) or (line.startswith("'") and out and not out[-1][-1].endswith((",", "|")))
        if out and not item:
            out[-1].append(line)
        else:
            out.append([line])
    return "\n".join(_joined(part) for part in out if _joined(part))


@dataclass
class _Entry:
    """One column line of a header: names, each with its own `(meaning)` or not, and the meaning
    they share (`a, b   shared meaning`); `wraps` when the list of names goes on below."""

    names: list[tuple[str, list[str]]] = field(default_factory=list)
    shared: list[str] = field(default_factory=list)
    wraps: bool = False

    def continued(self, text: str) -> None:
        if self.shared or all(not own for _name, own in self.names):
            self.shared.append(text)
        else:
            self.names[-1][1].append(text)

    def columns(self) -> list[ColumnDoc]:
        return [ColumnDoc(name, _meaning(own) if own else _meaning(self.shared)) for name, own in self.names]


def _read_names(text: str, entry: _Entry, where: str) -> None:
    """`a, b (its meaning), c   shared meaning` (a trailing comma: the list wraps)."""
    i, n = 0, len(text)
    entry.wraps = False
    while True:
        match = IDENTIFIER.match(text, i)
        if not match:
            raise HeaderError(f"{where}: cannot read the column line '{text}'")
        name, own = match.group(0), []
        i = match.end()
        while i < n and text[i] == " ":
            i += 1
        if i < n and text[i] == "(":
            depth, start = 0, i
            while i < n:
                depth += {"(": 1, ")": -1}.get(text[i], 0)
                i += 1
                if depth == 0:
                    break
            own = [text[start + 1:i - 1]]
            while i < n and text[i] == " ":
                i += 1
        entry.names.append((name, own))
        if i < n and text[i] == ",":
            i += 1
            while i < n and text[i] == " ":
                i += 1
            if i == n:
                entry.wraps = True
                return
            continue
        if i < n:
            entry.shared.append(text[i:])
        return


def parse_mart_header(sql: str, name: str, source: str = "") -> TableDoc:
    """The documentation of the mart `name` from its SQL text; HeaderError when irregular.

    Before the columns, a paragraph that is neither the purpose nor the grain is a note; after
    them (a blank line, or a line less indented than a column), everything is a note."""
    where = source or name
    lines = header_lines(sql)
    if not lines:
        raise HeaderError(f"{where}: no header comment")
    first = lines[0].strip()
    title, sep, purpose_start = first.partition(" — ")
    if not sep or title.strip() != name:
        raise HeaderError(f"{where}: the first line must read '-- {name} — purpose', not '-- {first}'")
    purpose, grain, notes, entries = [purpose_start], [], [], []
    phase = "purpose"  # then "gap" (after a blank line), "grain", "columns", "after"
    for line in lines[1:]:
        text = line.strip()
        if phase != "after":
            if text.startswith("Grain:") and not grain and phase != "columns":
                phase, grain = "grain", [text.removeprefix("Grain:")]
                continue
            if text == "Columns:" and not entries:
                phase = "columns"
                continue
            if not text:
                phase = "after" if phase == "columns" else "gap"
                if notes:
                    notes.append("")
                continue
            if phase in ("purpose", "grain"):
                (purpose if phase == "purpose" else grain).append(text)
                continue
            if phase == "columns" and _indent(line) == COLUMN_INDENT:
                if not (entries and entries[-1].wraps):
                    entries.append(_Entry())
                _read_names(text, entries[-1], where)
                continue
            if phase == "columns" and _indent(line) > COLUMN_INDENT and entries:
                entries[-1].continued(text)
                continue
            if phase == "columns":
                phase = "after"
        notes.append(line[1:] if line.startswith(" ") else line)
    if not grain:
        raise HeaderError(f"{where}: no '-- Grain:' line")
    if not entries:
        raise HeaderError(f"{where}: no '-- Columns:' list")
    docs = tuple(column for entry in entries for column in entry.columns())
    names = [c.name for c in docs]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise HeaderError(f"{where}: listed twice: {', '.join(twice)}")
    return TableDoc("marts", name, _joined(purpose), _joined(grain), docs, "\n".join(notes).strip("\n"),
                    source, documented=tuple(names))


def parse_free_header(sql: str, schema: str, name: str, source: str = "") -> TableDoc:
    """A staging view: its first paragraph is its purpose, the rest of its header notes."""
    lines = header_lines(sql)
    purpose, notes, in_purpose = [], [], True
    for line in lines:
        if in_purpose and line.strip():
            purpose.append(line.strip())
            continue
        in_purpose = False
        notes.append(line[1:] if line.startswith(" ") else line)
    return TableDoc(schema, name, _joined(purpose), notes="\n".join(notes).strip("\n"), source=source)


def _relative(path: Path, sql_dir: Path) -> str:
    return path.relative_to(sql_dir.parent).as_posix()


def mart_docs(sql_dir: Path = SQL_DIR) -> list[TableDoc]:
    """Every mart of `sql/marts/`, documented from its header (HeaderError if one is irregular)."""
    return [parse_mart_header(p.read_text(encoding="utf-8"), p.stem, _relative(p, sql_dir))
            for p in sorted((sql_dir / "marts").glob("*.sql"))]


def staging_docs(sql_dir: Path = SQL_DIR) -> list[TableDoc]:
    return [parse_free_header(p.read_text(encoding="utf-8"), "staging", p.stem, _relative(p, sql_dir))
            for p in sorted((sql_dir / "staging").rglob("*.sql"), key=lambda p: p.stem)]


# -- joined with the warehouse -----------------------------------------------------------------


def warehouse_columns(warehouse: Warehouse) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """(schema, table) → [(column, type)] in the table's order, as the warehouse has them."""
    schemas = ", ".join(f"'{s}'" for s in SCHEMAS)
    frame = warehouse.query(COLUMNS_SQL.format(schemas=schemas))
    out: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for row in frame.itertuples(index=False):
        out.setdefault((row.schema_name, row.table_name), []).append((row.column_name, row.data_type))
    return out


def with_types(doc: TableDoc, actual: list[tuple[str, str]] | None) -> TableDoc:
    """The table as the warehouse has it: its real columns in order, with the documented meanings;
    a documented column the warehouse lacks is kept (type unknown) so that the drift shows."""
    if not actual:
        return doc
    meanings = {c.name: c.meaning for c in doc.columns}
    real = {name for name, _type in actual}
    columns = [ColumnDoc(name, meanings.get(name, ""), type_) for name, type_ in actual]
    columns += [c for c in doc.columns if c.name not in real]
    return replace(doc, columns=tuple(columns))


def catalogue(warehouse: Warehouse | None = None, sql_dir: Path = SQL_DIR) -> list[TableDoc]:
    """Every table the reference shows: marts, staging views, then ref and app tables (app.users
    left out: the console refuses it). With `warehouse`, columns and types are the real ones."""
    actual = warehouse_columns(warehouse) if warehouse is not None else {}
    docs = mart_docs(sql_dir) + staging_docs(sql_dir)
    known = {(d.schema, d.name) for d in docs}
    for (schema, name) in sorted(actual, key=lambda key: (SCHEMAS.index(key[0]), key[1])):
        if schema in ("ref", "app") and (schema, name) not in known and f"{schema}.{name}" not in PRIVATE_TABLES:
            docs.append(TableDoc(schema, name))
    return [with_types(d, actual.get((d.schema, d.name))) for d in docs]


def search(tables: list[TableDoc], text: str) -> list[TableDoc]:
    """The tables matching `text`: whole when their name or description matches, else only the
    columns whose name or meaning match (tables with none are left out). Case-insensitive."""
    needle = text.strip().lower()
    if not needle:
        return list(tables)
    out = []
    for table in tables:
        if table.matches(needle):
            out.append(table)
            continue
        columns = tuple(c for c in table.columns if needle in c.name.lower() or needle in c.meaning.lower())
        if columns:
            out.append(replace(table, columns=columns))
    return out
