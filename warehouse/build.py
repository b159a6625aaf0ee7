"""The SQL model runner: configuration → ref tables, staging views, marts, tests — all or nothing.

The configuration arrives as plain settings (a mapping: `alambic.config.Config.settings()` makes
it), so that the warehouse layer depends on no configuration class.

- `sql/staging/<source>/<name>.sql`: one SELECT each, created as the view `staging.<name>`, after
  the staging views it reads.
- `sql/marts/<name>.sql`: one SELECT each, created as the table `marts.<name>`, in dependency
  order (a mart that mentions `marts.other` is built after `other`).
- `sql/macros/<name>.sql`: `CREATE OR REPLACE MACRO` statements (the definitions of figures such
  as « % consommé » and the overrun), run first, so that every model and page query shares them.
- `sql/tests/<name>.sql`: one SELECT each that returns the rows breaking a rule; any row fails
  the build, and nothing of it is published: pages keep the previous figures.

A build works on a private copy of the warehouse and publishes it as the snapshot pages read
(`Warehouse.building`, docs/architecture.md §4.4): readers never wait for it, a save waits at
most for the copy and the publication, and a page sees the old figures or the new ones, never
half of each.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from graphlib import CycleError, TopologicalSorter
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd

from warehouse import SQL_DIR
from warehouse.build_status import descriptions
from warehouse.connection import Warehouse
from warehouse.load import raw_table_ddl, record_failure
from warehouse.migrations import migrate
from warehouse.resources import RESOURCES


def references(sql: str, schema: str) -> set[str]:
    return set(re.findall(rf"\b{schema}\.(\w+)", sql, re.IGNORECASE))


class BuildError(RuntimeError):
    """A model failed to build or a data test failed; the previous marts are kept."""


@dataclass(frozen=True)
class SqlModel:
    name: str
    path: Path

    @property
    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")


@dataclass(frozen=True)
class BuildResult:
    staging: list[str]
    marts: dict[str, int]  # mart → rows
    tests: list[str]


def discover(folder: str) -> list[SqlModel]:
    return [SqlModel(p.stem, p) for p in sorted((SQL_DIR / folder).rglob("*.sql"))]


def dependency_order(models: list[SqlModel], schema: str) -> list[SqlModel]:
    """Models of one schema sorted so that each comes after the ones it reads (`<schema>.<name>`)."""
    by_name = {m.name: m for m in models}
    graph = {m.name: {r for r in references(m.sql, schema) if r in by_name and r != m.name} for m in models}
    try:
        return [by_name[name] for name in TopologicalSorter(graph).static_order()]
    except CycleError as exc:
        raise BuildError(f"Dépendance circulaire dans {schema} : {exc.args[1]}") from exc


def as_of_date(settings: Mapping) -> date:
    """The build's "today", in the organisation's time zone (fixed by the configuration in tests)."""
    values = setting_values(settings)
    if values.get("as_of"):
        return date.fromisoformat(str(values["as_of"]))
    return datetime.now(ZoneInfo(values["timezone"])).date()


def setting_values(settings: Mapping) -> dict:
    """The settings handed to SQL, key → value (its default when the file leaves it out)."""
    return {s["key"]: s["value"] for s in settings["settings"]}


def reference_frames(settings: Mapping) -> dict[str, pd.DataFrame]:
    """What the configuration says (`settings`: see the module's docstring), as the ref.* tables
    the SQL models join to."""
    units_given = settings["units"]
    by_code = {u["code"]: u for u in units_given}

    def lineage(code: str) -> list[str]:
        chain = [code]
        while by_code[chain[-1]]["parent"] is not None:
            chain.append(by_code[chain[-1]]["parent"])
        return chain[::-1]

    units = pd.DataFrame(
        [
            {
                "unit_code": u["code"],
                "name": u["name"],
                "level": u["level"],
                "parent_code": u["parent"],
                "depth": len(lineage(u["code"])) - 1,
                "path": "/".join(lineage(u["code"])),
                "sort": index,
            }
            for index, u in enumerate(units_given)
        ]
    )
    analytic = pd.DataFrame(
        [(u["code"], *reference) for u in units_given for reference in u["analytic_accounts"]],
        columns=["unit_code", "analytic_code", "analytic_id"],
    ).astype({"analytic_code": "object", "analytic_id": "Int64"})
    # [analytic]: the tree plan and the plans shown as a second dimension (names or id:<n>)
    given_plans = settings["analytic_plans"]
    plans = pd.DataFrame(
        ([("tree", given_plans["tree"])] if given_plans["tree"] else [])
        + [("dimension", p) for p in given_plans["dimension"]],
        columns=["role", "plan_ref"],
    ).astype({"role": "object", "plan_ref": "object"})
    categories = pd.DataFrame(
        [(c["code"], c["label"], c["direction"], c["sort"]) for c in settings["categories"]],
        columns=["category_code", "label", "direction", "sort"],
    )
    category_accounts = pd.DataFrame(
        [(c["code"], p) for c in settings["categories"] for p in c["accounts"]],
        columns=["category_code", "account_prefix"],
    )
    # What Alambic records itself (proposals, transfers) → its category ([[categories]] fed_by)
    feeds = pd.DataFrame(list(settings["category_feeds"].items()), columns=["feed", "category_code"])
    # Every setting the table in alambic/config.py hands to SQL, with its default when the file
    # leaves it out: the defaults live there only.
    today = as_of_date(settings).isoformat()
    ref_settings = pd.DataFrame(
        [(s["key"], today if s["key"] == "as_of" else _text(s["value"])) for s in settings["settings"]],
        columns=["key", "value"],
    )
    roles = pd.DataFrame(
        [(r["code"], r["label"], level, r["sort"], r["several"]) for r in settings["roles"] for level in r["levels"]],
        columns=["role_code", "label", "level", "sort", "several"],
    )
    return {
        "units": units,
        "roles": roles,
        "unit_analytic_accounts": analytic,
        "analytic_plans": plans,
        "categories": categories,
        "category_accounts": category_accounts,
        "category_feeds": feeds,
        "settings": ref_settings,
    }


def _text(value) -> str | None:
    return None if value is None else str(value)


def write_reference(con: duckdb.DuckDBPyConnection, settings: Mapping) -> None:
    for name, frame in reference_frames(settings).items():
        con.register("frame", frame)
        con.execute(f"CREATE OR REPLACE TABLE ref.{name} AS SELECT * FROM frame")
        con.unregister("frame")
    con.execute(f"CREATE OR REPLACE TABLE ref.settings_row AS {settings_row_sql(settings)}")


def settings_row_sql(settings: Mapping) -> str:
    """ref.settings as one typed row, a column per setting handed to SQL, cast to its `sql_type`
    (read by staging.stg_ref__settings)."""
    columns = ",\n       ".join(
        f"cast(max(value) filter (where key = '{s['key']}') as {s['sql_type']}) as {s['key']}"
        for s in settings["settings"]
    )
    return f"SELECT {columns}\nFROM ref.settings"


def affected_marts(changed: set[str], staging: list[SqlModel], marts: list[SqlModel]) -> list[SqlModel]:
    """The marts (in build order) whose rows may change when the tables `changed` change
    ('app.forecasts' …): those that read one of them, directly, through staging views, or through
    another affected mart. Staging views are views: they always read the current rows.
    'marts.<name>' says the SQL of that mart changed (`alambic serve --dev`): it and the marts
    reading it are rebuilt."""
    app = {name.split(".", 1)[1] for name in changed if name.startswith("app.")}
    edited = {name.split(".", 1)[1] for name in changed if name.startswith("marts.")}  # its SQL changed
    stale_views: set[str] = set()
    for model in staging:  # in dependency order
        if references(model.sql, "app") & app or references(model.sql, "staging") & stale_views:
            stale_views.add(model.name)
    stale: set[str] = set()
    for model in marts:  # in dependency order
        if (model.name in edited or references(model.sql, "app") & app
                or references(model.sql, "staging") & stale_views or references(model.sql, "marts") & stale):
            stale.add(model.name)
    return [model for model in marts if model.name in stale]


def build(warehouse: Warehouse, settings: Mapping, changed: set[str] | None = None) -> BuildResult:
    """Rebuild every staging view and mart, then run the data tests; all or nothing.

    settings: the configuration as plain data (`config.settings()`), written to the ref.* tables.

    changed: after a save, the tables it wrote ('app.forecasts', …): only the marts that depend
    on them are rebuilt (affected_marts), and only the data tests that read those marts or those
    tables run — the other marts did not change since the last build, whose tests passed. Same
    transaction, same guarantees: all or nothing; a page sees the old figures or the new ones.
    """
    migrate(warehouse)
    started = datetime.now(UTC)
    staging = dependency_order(discover("staging"), "staging")
    marts = dependency_order(discover("marts"), "marts")
    tests = discover("tests")
    partial = changed is not None
    if partial:
        marts = affected_marts(changed, staging, marts)
        rebuilt = {m.name for m in marts}
        app = {name.split(".", 1)[1] for name in changed if name.startswith("app.")}
        tests = [t for t in tests if references(t.sql, "marts") & rebuilt or references(t.sql, "app") & app]
    counts: dict[str, int] = {}

    def publish(main: duckdb.DuckDBPyConnection) -> None:
        """In the main file (the new snapshot attached as `published`): the same marts, ref tables,
        macros and staging views, so that writes, the SQL console, backups and exports see them."""
        if not partial:
            for res in RESOURCES.values():
                main.execute(raw_table_ddl(res))
            for (table,) in main.execute(
                    "SELECT table_name FROM duckdb_tables() WHERE database_name = 'published' AND schema_name = 'ref'"
            ).fetchall():
                main.execute(f"CREATE OR REPLACE TABLE ref.{table} AS SELECT * FROM published.ref.{table}")
        create_macros(main)
        if not partial:
            for model in staging:
                _run(main, model, f"CREATE OR REPLACE VIEW staging.{model.name} AS\n{model.sql}")
        for model in marts:
            main.execute(f"CREATE OR REPLACE TABLE marts.{model.name} AS SELECT * FROM published.marts.{model.name}")
        main.execute(
            """INSERT INTO meta.runs (kind, target, started_at, finished_at, rows_in, outcome, message)
               VALUES ('build', 'marts', ?, current_timestamp, ?, 'ok', ?)""",
            [started, sum(counts.values()), f"{len(counts)} marts, {len(tests)} tests"
             + (f" (après une saisie : {', '.join(sorted(changed))})" if partial else "")],
        )

    try:
        # On a private copy of the warehouse, published when every test passed (connection.py).
        with warehouse.building("mise à jour des marts" if partial else "construction des marts", publish) as con:
            if not partial:
                for res in RESOURCES.values():
                    con.execute(raw_table_ddl(res))  # empty until a source is loaded
                write_reference(con, settings)
            create_macros(con)  # the shared definitions of figures, before any model uses them
            if not partial:
                for model in staging:
                    _run(con, model, f"CREATE OR REPLACE VIEW staging.{model.name} AS\n{model.sql}")
            for model in marts:
                _run(con, model, f"CREATE OR REPLACE TABLE marts.{model.name} AS\n{model.sql}")
                counts[model.name] = con.execute(f"SELECT count(*) FROM marts.{model.name}").fetchall()[0][0]
            for test in tests:
                failing = _run(con, test, f"SELECT * FROM ({test.sql}) LIMIT 5").fetchall()
                if failing:
                    rule = descriptions().get(test.name, {}).get("rule")
                    raise BuildError(
                        f"Test de données {test.path.relative_to(SQL_DIR)} en échec"
                        + (f" ({rule})" if rule else "") + f" : {failing}"
                    )
    except Exception as exc:
        record_failure(warehouse, "build", "marts", started, exc)
        raise
    return BuildResult([] if partial else [m.name for m in staging], counts, [t.name for t in tests])


def create_macros(con: duckdb.DuckDBPyConnection) -> None:
    """The shared definitions of figures (sql/macros), before any model or page query uses them."""
    for macros in discover("macros"):
        _run(con, macros, macros.sql)


def _run(con: duckdb.DuckDBPyConnection, model: SqlModel, statement: str):
    try:
        return con.execute(statement)
    except duckdb.Error as exc:
        raise BuildError(f"{model.path.relative_to(SQL_DIR)} : {exc}") from exc
