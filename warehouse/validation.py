"""Source values checked against what the staging casts expect, before they reach raw.

A staging view casts source values strictly (`(payload->>'maximumAttendeeCapacity')::integer`,
`(payload->'offers'->>'price')::decimal(14, 2)`): one value that does not cast — « illimitée »
for a capacity, "1e20" for a price that DECIMAL(14,2) cannot hold — would make every later
build fail. So, per resource, every strict cast of a payload value in `sql/staging/` is also a
rule here (read from the SQL itself, so a new cast in a staging view is checked without more
code), plus the casts of values inside lists (`EXTRA_RULES`). Each rule runs in DuckDB, with
DuckDB's own cast (`try_cast`), on the incoming batch: a record with a value that would not cast
is set aside in `meta.quarantine` with the field, the value and the type expected.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

import duckdb
import pandas as pd

from warehouse import SQL_DIR
from warehouse.resources import Resource

CAST = re.compile(
    r"\((payload(?:\s*->>?\s*(?:'[^']*'|\d+))+)\)"          # (payload->'a'->>'b')
    r"((?:\s*::\s*\w+(?:\s*\(\s*\d+\s*,\s*\d+\s*\))?)+)",   # ::double::integer, ::decimal(14, 2)
    re.IGNORECASE,
)
READS = re.compile(r"\bfrom\s+raw_(\w+)\.(\w+)", re.IGNORECASE)
SEGMENT = re.compile(r"->>?\s*(?:'([^']*)'|(\d+))")


@dataclass(frozen=True)
class Rule:
    """`values`: SQL giving the VARCHAR[] of values to check in `payload`; `types`: the casts, in order."""

    label: str
    values: str
    types: tuple[str, ...]

    def failing_sql(self) -> str:
        cast = "v"
        for kind in self.types:
            cast = f"try_cast({cast} AS {kind})"
        return f"list_filter({self.values}, lambda v: v IS NOT NULL AND {cast} IS NULL)"


def _sale_property(name: str) -> str:
    return (f"list_transform(list_filter(CAST(json_extract(payload, '$.additionalProperty[*]') AS JSON[]), "
            f"lambda p: p->>'name' = '{name}'), lambda p: p->>'value')")


# Values inside lists, which the staging views unnest before casting.
EXTRA_RULES: dict[tuple[str, str], tuple[Rule, ...]] = {
    ("tibillet", "products"): (
        Rule("offers[].price", "json_extract_string(payload, '$.offers[*].price')", ("DECIMAL(14, 2)",)),
        Rule("offers[].inventoryLevel.value", "json_extract_string(payload, '$.offers[*].inventoryLevel.value')",
             ("INTEGER",)),
    ),
    ("tibillet", "sales"): (
        Rule("additionalProperty.quantity", _sale_property("quantity"), ("DECIMAL(14, 6)",)),
        Rule("additionalProperty.vat", _sale_property("vat"), ("DECIMAL(5, 2)",)),
    ),
    ("oceco", "citoyens"): (
        Rule("userWallet.*.userCredits",
             "list_transform(json_keys(payload->'userWallet'), lambda k: payload->'userWallet'->k->>'userCredits')",
             ("DOUBLE", "INTEGER")),
    ),
}


@lru_cache(maxsize=1)
def staging_rules() -> dict[tuple[str, str], tuple[Rule, ...]]:
    """Every strict cast of a payload value in sql/staging/, by the raw table the view reads."""
    rules: dict[tuple[str, str], dict[tuple[str, tuple[str, ...]], Rule]] = {}
    for path in sorted((SQL_DIR / "staging").rglob("*.sql")):
        text = "\n".join(line.split("--", 1)[0] for line in path.read_text(encoding="utf-8").splitlines())
        tables = set(READS.findall(text))
        for expression, chain in CAST.findall(text):
            types = tuple(re.sub(r"\s+", " ", t.strip()).upper() for t in chain.split("::") if t.strip())
            if types and types[-1] in ("VARCHAR", "JSON", "TEXT"):
                continue
            label = ".".join(a or b for a, b in SEGMENT.findall(expression)).replace('$."$date"', "$date")
            for table in tables:
                rules.setdefault(table, {})[(expression, types)] = Rule(label, f"[{expression}]", types)
    return {table: tuple(found.values()) for table, found in rules.items()}


def rules_for(res: Resource) -> tuple[Rule, ...]:
    key = (res.source, res.name)
    return staging_rules().get(key, ()) + EXTRA_RULES.get(key, ())


def invalid_records(res: Resource, incoming: pd.DataFrame) -> dict[str, str]:
    """key → why (in French) for every incoming record with a value the staging casts refuse."""
    rules = rules_for(res)
    if not rules or incoming.empty:
        return {}
    con = duckdb.connect()  # in memory, outside the warehouse lock
    try:
        con.register("incoming", incoming[["key", "payload"]])
        checks = ", ".join(f"{rule.failing_sql()} AS r{i}" for i, rule in enumerate(rules))
        query = f"SELECT key, {checks} FROM (SELECT key, payload::JSON AS payload FROM incoming)"
        found: dict[str, str] = {}
        for key, *failed in con.execute(query).fetchall():
            reasons = [
                f"champ {rule.label!r} : {json.dumps(values[0], ensure_ascii=False)[:80]} "
                f"ne se lit pas en {rule.types[-1]}"
                for rule, values in zip(rules, failed) if values
            ]
            if reasons:
                found[key] = "valeur invalide — " + " ; ".join(reasons)
        return found
    finally:
        con.close()
