"""The sqlfluff templater for Alambic's SQL files (`./dev lint`): a development tool, loaded by
sqlfluff alone (the `sqlfluff` entry point in pyproject.toml), never by the application.

Two things in `sql/` are not plain DuckDB for a linter, and this templater renders them as the
application does before sqlfluff parses the file:

- `$name` parameters of the page queries (DuckDB named parameters, bound by `Warehouse.query`)
  are rendered as the bare identifier `name`;
- a line `-- include: <page>/<fragment>.sql` of a page query is replaced by that fragment
  (dashboards/queries.py does the same at run time), and a fragment file itself (`_*.sql`: CTEs
  other queries splice in) is linted inside `with … select 1`, as it runs.

Everything rendered is a templated slice: sqlfluff reports and fixes only what is written in the
file being linted (the fragment's own file is linted and fixed on its own). A fragment that opens the
`with` itself (one included first) gets only the `select 1` after it.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlfluff.core.plugin import hookimpl
from sqlfluff.core.templaters.base import RawFileSlice, RawTemplater, TemplatedFile, TemplatedFileSlice

# The same line dashboards/queries.py expands.
INCLUDE = re.compile(r"^-- include: (\S+\.sql)$", re.MULTILINE)
PARAMETER = re.compile(r"(?<![:\w\\])\$([A-Za-z_]\w*)")
TOKEN = re.compile(f"{INCLUDE.pattern}|{PARAMETER.pattern}", re.MULTILINE)


def _queries_dir(fname: str) -> Path | None:
    """sql/queries of the file's tree (the folder above its page folder), if it is a page query."""
    path = Path(fname).resolve()
    for parent in path.parents:
        if parent.name == "queries":
            return parent
    return None


def _rendered_fragment(queries: Path, name: str, seen: tuple[str, ...]) -> str:
    if name in seen:
        raise ValueError(f"sql/queries: circular inclusion of {name} ({' → '.join(seen)})")
    text = (queries / name).read_text(encoding="utf-8").rstrip()
    return _render(text, queries, (*seen, name))


def _render(text: str, queries: Path | None, seen: tuple[str, ...]) -> str:
    def one(match: re.Match) -> str:
        if match.group(1) is not None:
            if queries is None:
                return match.group(0)
            return _rendered_fragment(queries, match.group(1), seen)
        return match.group(2)

    return TOKEN.sub(one, text)


class AlambicTemplater(RawTemplater):
    """`templater = alambic` in .sqlfluff."""

    name = "alambic"

    def process(self, *, in_str: str, fname: str, config=None, formatter=None):
        queries = _queries_dir(fname)
        fragment = queries is not None and Path(fname).name.startswith("_")
        sliced: list[TemplatedFileSlice] = []
        raw: list[RawFileSlice] = []
        out = ""

        def literal(start: int, stop: int) -> None:
            nonlocal out
            if stop > start:
                sliced.append(TemplatedFileSlice("literal", slice(start, stop), slice(len(out), len(out) + stop - start)))
                raw.append(RawFileSlice(in_str[start:stop], "literal", start))
                out += in_str[start:stop]

        def templated(start: int, stop: int, text: str) -> None:
            nonlocal out
            sliced.append(TemplatedFileSlice("templated", slice(start, stop), slice(len(out), len(out) + len(text))))
            raw.append(RawFileSlice(in_str[start:stop], "templated", start))
            out += text

        # A fragment included first opens the WITH itself; the others are CTEs that follow it.
        opens = fragment and re.match(r"(?:\s*--[^\n]*\n)*\s*with\b", _render(in_str, queries, (Path(fname).name,)),
                                      re.IGNORECASE) is not None
        if fragment and not opens:
            templated(0, 0, "with\n")
        position = 0
        for match in TOKEN.finditer(in_str):
            if match.group(1) is not None and queries is None:
                continue
            literal(position, match.start())
            templated(match.start(), match.end(), _render(match.group(0), queries, (Path(fname).name,)))
            position = match.end()
        if not fragment:
            literal(position, len(in_str))
        else:
            # `select 1` in place of the file's final newline: a templated slice anchored on a
            # character of the file (one of no length at the end lets `sqlfluff fix` write the
            # added text into the file). A fragment ending with a comma is followed by more CTEs.
            body = len(in_str) - 1 if in_str.endswith("\n") else len(in_str)
            literal(position, body)
            end = "\nincluded_end as (select 1)" if in_str.rstrip().endswith(",") else ""
            templated(body, len(in_str), end + "\nselect 1\n")
        return TemplatedFile(source_str=in_str, templated_str=out, fname=fname, sliced_file=sliced,
                             raw_sliced=raw), []


@hookimpl
def get_templaters():
    return [AlambicTemplater]
