"""Where a page's seconds go on the server: each page built for one session, profiled.

    uv run python benchmarks/profile_pages.py --config data/demo/alambic.toml [--pages suivi-budgetaire …]

For every page (as an admin): the time to build the page objects (page_app: filters, page code,
its queries) and to make its Bokeh models (template.server_doc, what Bokeh does on the event
loop or a session thread before the first byte), cold (empty page-query cache) then warm; the
number of Bokeh models, of Tabulator tables and of the rows they send; how many page queries ran,
how many DuckDB connections were opened and the time inside DuckDB; then cProfile's top entries
for the cold build, grouped by library. Prints Markdown (also written to benchmarks/results/).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import duckdb  # noqa: E402
from bench_pipeline import RESULTS_DIR, machine  # noqa: E402


class Counters:
    def __init__(self):
        self.connects = 0
        self.queries = 0
        self.query_seconds = 0.0


def instrument(counters: Counters):
    """Count DuckDB connections and time what page queries spend (warehouse.Warehouse.query)."""
    from warehouse import connection

    original_connect = duckdb.connect

    def connect(*args, **kwargs):
        counters.connects += 1
        return original_connect(*args, **kwargs)

    connection.duckdb.connect = connect  # the module's reference (the same module object)
    original_query = connection.Warehouse.query

    def query(self, sql, params=None):
        counters.queries += 1
        started = time.perf_counter()
        try:
            return original_query(self, sql, params)
        finally:
            counters.query_seconds += time.perf_counter() - started

    connection.Warehouse.query = query


def library(filename: str) -> str:
    if "site-packages/" in filename:
        return filename.split("site-packages/")[1].split("/")[0]
    for own in ("dashboards", "warehouse", "models", "alambic"):
        if f"/{own}/" in filename:
            return own
    return "python"


def profile_page(slug: str, warehouse, config, counters: Counters, profile: bool):
    import panel as pn
    from bokeh.document import Document

    from alambic.users import User
    from dashboards.app import AppContext, page_app
    from dashboards.session import acting_as

    before = (counters.connects, counters.queries, counters.query_seconds)
    profiler = cProfile.Profile() if profile else None
    with acting_as(User("admin", role="admin")):
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        template = page_app(slug, AppContext(warehouse=warehouse, config=config))
        built = time.perf_counter()
        doc = Document()
        template.server_doc(doc)
        if profiler:
            profiler.disable()
        modelled = time.perf_counter()
    tables = [t for t in template.main[0].select(pn.widgets.Tabulator)] if template.main else []
    rows = sum(len(t.value) for t in tables if t.value is not None)
    return {
        "build": built - started, "models_time": modelled - built, "models": len(doc.models),
        "tables": len(tables), "rows": rows,
        "connects": counters.connects - before[0], "queries": counters.queries - before[1],
        "duckdb": counters.query_seconds - before[2], "profiler": profiler,
    }


def by_library(profiler: cProfile.Profile) -> dict[str, float]:
    """Own time (tottime) per library: where the CPU went, whoever called it."""
    stats = pstats.Stats(profiler)
    totals = defaultdict(float)
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        totals[library(filename)] += tottime
    return dict(sorted(totals.items(), key=lambda kv: -kv[1]))


def top(profiler: cProfile.Profile, n: int = 12) -> str:
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(n)
    return "\n".join(line for line in out.getvalue().splitlines() if line.strip())[-4000:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--pages", nargs="*")
    parser.add_argument("--output", default=str(RESULTS_DIR / f"profile-{date.today().isoformat()}.md"))
    args = parser.parse_args()

    from alambic.config import load_config
    from dashboards.pages import PAGES
    from warehouse.connection import Warehouse

    config = load_config(args.config)
    counters = Counters()
    instrument(counters)
    slugs = args.pages or [spec.slug for spec in PAGES]
    lines = [f"# Profil des pages côté serveur — {date.today().isoformat()}", "", f"Machine : {machine()}", "",
             f"Entrepôt : {config.warehouse_path} ; un administrateur ; « construire » = `page_app` (filtres, "
             "code de la page, ses requêtes), « modèles Bokeh » = `template.server_doc` ; froid = cache des "
             "requêtes vide (nouvel objet Warehouse), tiède = même page une seconde fois.", "",
             "| page | construire froid (s) | modèles Bokeh froid (s) | construire tiède (s) | modèles tiède (s) "
             "| modèles | tableaux | lignes envoyées | requêtes | connexions ouvertes | dans DuckDB froid (s) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    profiles = {}
    for slug in slugs:
        warehouse = Warehouse.from_config(config)  # cold: its page-query cache is empty
        cold = profile_page(slug, warehouse, config, counters, profile=True)
        warm = profile_page(slug, warehouse, config, counters, profile=False)
        profiles[slug] = cold["profiler"]
        lines.append(f"| {slug} | {cold['build']:.2f} | {cold['models_time']:.2f} | {warm['build']:.2f} | "
                     f"{warm['models_time']:.2f} | {cold['models']} | {cold['tables']} | {cold['rows']} | "
                     f"{cold['queries']} | {cold['connects']} | {cold['duckdb']:.2f} |")
        print(lines[-1], flush=True)
    total = defaultdict(float)
    for profiler in profiles.values():
        for name, seconds in by_library(profiler).items():
            total[name] += seconds
    lines += ["", "Temps CPU propre par bibliothèque, toutes pages, construction froide (cProfile, tottime) :", "",
              "| bibliothèque | s |", "|---|---:|"]
    lines += [f"| {name} | {seconds:.2f} |" for name, seconds in sorted(total.items(), key=lambda kv: -kv[1])[:15]]
    slowest = max(profiles, key=lambda s: pstats.Stats(profiles[s]).total_tt)
    lines += ["", f"Entrées cumulées les plus lourdes de la page la plus lente ({slowest}) :", "", "```",
              top(profiles[slowest], 25), "```", ""]
    Path(args.output).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines[-50:]))
    print(f"écrit dans {args.output}")


if __name__ == "__main__":
    main()
