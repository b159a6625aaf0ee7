"""Benchmark: sandbox generation, raw load, model build and every page query, by scale.

    uv run python benchmarks/bench_pipeline.py            # scales 1 and 10
    uv run python benchmarks/bench_pipeline.py --scales 1 # quicker

Prints a Markdown report (machine, scale, sizes, timings) and writes it to
benchmarks/results/pipeline-<date>.md. Page queries are timed on a fresh read connection, without
the page cache (median of several runs), for the whole organisation over a year and for one pôle
over a quarter. Times depend on the machine and on its load: compare runs on one machine only.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb

from alambic.config import load_config
from dashboards.queries import QUERIES_DIR, query_sql
from sandbox.demo import load_sandbox
from sandbox.demo_config import write_demo_config
from sandbox.generate import generate
from warehouse.build import build
from warehouse.connection import Warehouse

RESULTS_DIR = Path(__file__).parent / "results"
QUERY_RUNS = 7
# Values for the page queries' other parameters (the filters are set per case below).
OTHER_PARAMS = {
    "category": "", "direction": "depense", "month": None,
    # Plan de trésorerie: no simulation.
    "moved_instalment": None, "moved_to": None, "oneoff_amount": None, "oneoff_month": None,
    "oneoff_direction": "encaissement", "oneoff_label": "",
    # Explorateur: categories by month, all lines.
    "row1": "categorie", "row2": "", "col": "mois", "measure": "montant",
    "categories": "", "directions": "", "statuses": "", "sources": "",
    "row1_value": "bienveillance", "row2_value": "", "col_value": "", "col_values": "",
    # Répertoire: every member, no search.
    "role": "", "search": "",
}
# Per query, what differs from OTHER_PARAMS so that the query returns what the page shows.
QUERY_PARAMS = {
    "plan_de_tresorerie/lignes": {"direction": ""},  # every movement of the period (encaissements and décaissements)
    "explorateur/lignes": {"row1_value": None, "row2_value": None, "col_value": None},  # behind the grand total
}
# The queries each finance page runs (its own folder of sql/queries, plus what it borrows).
FINANCE_PAGES = {
    "Tableau de bord": ("tableau_de_bord/", "suivi_budgetaire/indicateurs"),
    "Suivi budgétaire": ("suivi_budgetaire/",),
    "Plan de trésorerie": ("plan_de_tresorerie/",),
    "Suivi subventions": ("suivi_subventions/",),
    "Explorateur": ("explorateur/",),
}
TODAY = date(2026, 11, 27)


def machine() -> str:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor() or "?",
    )
    mem_kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")))
    return (f"{cpu}, {os.cpu_count()} cœurs, {mem_kb / 2**20:.0f} Gio de mémoire ; "
            f"Python {platform.python_version()}, DuckDB {duckdb.__version__}, "
            f"{platform.system()} {platform.release()} ; charge moyenne au départ (1, 5, 15 min) : "
            + ", ".join(f"{x:.1f}" for x in os.getloadavg()))


def timed(step):
    started = time.perf_counter()
    result = step()
    return result, time.perf_counter() - started


def page_query_times(warehouse: Warehouse) -> list[tuple[str, str, float, int]]:
    """(query, filter, median seconds, rows) for every page query, two typical filters."""
    with warehouse.read() as con:
        pole = con.execute("SELECT unit_code FROM marts.org_tree WHERE level = 'pole' ORDER BY sort LIMIT 1").fetchall()[0][0]
        # The soirée with the most sale lines, and the member with the most proposals.
        event = con.execute("SELECT event_id FROM marts.soiree_sale_lines GROUP BY 1 ORDER BY count(*) DESC, 1 "
                            "LIMIT 1").fetchall()[0][0]
        email = con.execute("SELECT person_email FROM app.remuneration_proposals GROUP BY 1 "
                            "ORDER BY count(*) DESC, 1 LIMIT 1").fetchall()[0][0]
    chosen = {"event": event, "email": email, "families": "billet"}
    filters = {
        "Raffinerie, 2025": {"unit": "R", "date_from": "2025-01-01", "date_to": "2026-01-01", **chosen},
        f"pôle {pole}, T3 2025": {"unit": pole, "date_from": "2025-07-01", "date_to": "2025-10-01", **chosen},
    }
    rows = []
    for path in sorted(p for p in QUERIES_DIR.rglob("*.sql") if not p.name.startswith("_")):
        name = str(path.relative_to(QUERIES_DIR).with_suffix(""))
        sql = query_sql(name)
        wanted = set(re.findall(r"\$(\w+)", sql))
        for label, params in filters.items():
            given = {**OTHER_PARAMS, **QUERY_PARAMS.get(name, {}), **params}
            if wanted - set(given):
                rows.append((name, f"{label} (paramètres non fournis : {', '.join(sorted(wanted - set(given)))})",
                             float("nan"), 0))
                continue
            used = {k: given[k] for k in wanted}
            times, count = [], 0
            for _ in range(QUERY_RUNS):
                with warehouse.read() as con:
                    started = time.perf_counter()
                    count = len(con.execute(sql, used).fetchall())
                    times.append(time.perf_counter() - started)
            rows.append((name, label, statistics.median(times), count))
    return rows


def page_summary(times: list[tuple[str, str, float, int]]) -> list[str]:
    """Per finance page: its query files and the sum of their medians, per filter (what opening
    the page costs in queries). Fails if a query file of a finance page was not timed."""
    labels = [label for label in dict.fromkeys(label for _, label, _, _ in times)
              if "paramètres non fournis" not in label]  # the two filters of page_query_times
    lines = [
        "| page | requêtes | " + " | ".join(f"{label} (ms)" for label in labels) + " |",
        "|---|---|" + "---:|" * len(labels),
    ]
    timed_names = {name for name, _, _, _ in times}
    for page, wanted in FINANCE_PAGES.items():
        folders = [w for w in wanted if w.endswith("/")]
        files = sorted(str(p.relative_to(QUERIES_DIR).with_suffix("")) for folder in folders
                       for p in (QUERIES_DIR / folder).glob("*.sql") if not p.name.startswith("_"))
        names = files + [w for w in wanted if not w.endswith("/")]
        missing = [n for n in names if n not in timed_names]
        if missing:
            raise SystemExit(f"requêtes non mesurées pour {page} : {', '.join(missing)}")
        sums = [sum(s for n, label, s, _ in times if n in names and label == wanted_label) * 1000
                for wanted_label in labels]
        lines.append(f"| {page} | {', '.join(names)} | " + " | ".join(f"{s:.1f}" for s in sums) + " |")
    return lines


def bench(scale: float, directory: Path) -> str:
    org, t_generate = timed(lambda: generate(seed=42, scale=scale, today=TODAY))
    config = load_config(write_demo_config(org, directory, directory / "alambic.duckdb"))
    warehouse = Warehouse.from_config(config)
    _, t_load = timed(lambda: load_sandbox(warehouse, org))
    result, t_build = timed(lambda: build(warehouse, config.settings()))
    _, t_rebuild = timed(lambda: build(warehouse, config.settings()))
    records = sum(len(r) for source in (org.odoo["17"], org.tibillet, org.oceco) for r in source.values())
    size_mb = config.warehouse_path.stat().st_size / 2**20
    lines = [
        f"### Échelle {scale:g}",
        "",
        f"{len(org.units)} unités, {len(org.people)} personnes, {records} enregistrements sources, "
        f"marts : {sum(result.marts.values())} lignes, fichier {size_mb:.1f} Mio.",
        "",
        "| étape | secondes |",
        "|---|---:|",
        f"| génération | {t_generate:.2f} |",
        f"| chargement (raw + saisies) | {t_load:.2f} |",
        f"| construction des marts + tests | {t_build:.2f} |",
        f"| reconstruction (rien de neuf) | {t_rebuild:.2f} |",
        "",
    ]
    times = page_query_times(warehouse)
    lines += ["Pages de finances : somme des médianes des requêtes que la page exécute.", "",
              *page_summary(times), "",
              "| requête de page | filtre | médiane (ms) | lignes |",
              "|---|---|---:|---:|"]
    for name, label, seconds, count in times:
        lines.append(f"| {name} | {label} | {seconds * 1000:.1f} | {count} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1, 10])
    args = parser.parse_args()
    report = [f"# Benchmark du pipeline — {date.today().isoformat()}", "", f"Machine : {machine()}", ""]
    for scale in args.scales:
        with tempfile.TemporaryDirectory() as tmp:
            section = bench(scale, Path(tmp))
        print(section, flush=True)
        report.append(section)
    RESULTS_DIR.mkdir(exist_ok=True)
    out = RESULTS_DIR / f"pipeline-{date.today().isoformat()}.md"
    out.write_text("\n".join(report), encoding="utf-8")
    print(f"Rapport écrit dans {out}")


if __name__ == "__main__":
    main()
