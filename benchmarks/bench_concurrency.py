"""Benchmark: form writes, a flow's loads and builds, and readers in three processes at once.

    uv run python benchmarks/bench_concurrency.py              # 1 000 operations, as the test
    uv run python benchmarks/bench_concurrency.py --ops 2000   # the same mix, scaled

Runs the concurrency test's scenario (tests/warehouse/test_concurrency.py: A saves, edits,
deletes and undoes forecasts through the models; B loads Odoo records and builds; C checks the
marts, runs a page query and reads the change log) on a fresh warehouse, checks that nothing was
lost, and prints a Markdown report — operations per second per process, how long units of work
waited for the warehouse's lock, build and load times — written to
benchmarks/results/concurrency-<date>.md. Times depend on the machine and on its load (the CPU
time of each process is given too): compare runs on one machine only.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from datetime import date
from pathlib import Path

from bench_pipeline import RESULTS_DIR, machine

from tests.warehouse.test_concurrency import (
    FLOW_BUILDS,
    FLOW_LOADS,
    FORM_OPS,
    LOCK_TIMEOUT,
    READER_THREADS,
    THINK_SECONDS,
    TOTAL_OPS,
    prepare,
    run_concurrency,
    verify,
    wait_summary,
)

NAMES = {"forms": "A — formulaires", "flows": "B — flux (chargements, constructions)", "readers": "C — lecteurs"}


def load_average() -> str:
    try:
        return " / ".join(f"{value:.1f}" for value in os.getloadavg())
    except OSError:
        return "?"


def report(ops: int) -> str:
    scale = ops / TOTAL_OPS
    form_ops, loads = round(FORM_OPS * scale), round(FLOW_LOADS * scale)
    builds = max(2, round(FLOW_BUILDS * scale))
    load_before = load_average()
    with tempfile.TemporaryDirectory() as tmp:
        run = run_concurrency(prepare(Path(tmp)), total=ops, form_ops=form_ops, loads=loads, builds=builds)
        problems = verify(run)
    lines = [
        f"# Benchmark de l'accès concurrent — {date.today().isoformat()}",
        "",
        f"Machine : {machine()}",
        f"Charge de la machine (load average 1 / 5 / 15 min) : {load_before} au début, {load_average()} à la fin "
        "(la machine est partagée : les durées dépendent de sa charge, le temps CPU beaucoup moins).",
        "",
        f"Trois processus en même temps sur un entrepôt construit (configuration d'exemple), attente maximale "
        f"{LOCK_TIMEOUT} s : A enregistre {form_ops} opérations de formulaire (créations, modifications répétées "
        "des mêmes lignes, suppressions, deux personnes sur la même ligne, annulations depuis le journal) ; "
        f"B charge {loads} lots d'enregistrements Odoo et construit {builds} fois les marts (la dernière après "
        f"la dernière saisie de A) ; C lit avec {READER_THREADS} fils (contrôle que les marts sont entiers, "
        f"requête de page, journal) jusqu'à la fin de A et B. Pause de {THINK_SECONDS * 1000:.0f} ms entre deux "
        "clics d'une même personne.",
        "",
        f"**{run.ops} opérations en {run.seconds:.1f} s, soit {run.ops / run.seconds:.1f} opérations/s.** "
        f"Erreurs montrées à un utilisateur : {len(run.errors())}. Vérification (saisies, journal, marts = "
        f"reconstruction) : {'rien de perdu' if not problems else '; '.join(problems[:5])}.",
        "",
        "| processus | opérations | durée (s) | opérations/s | CPU (s) | erreurs |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for who, name in NAMES.items():
        r = run.reports.get(who)
        if r is None:
            lines.append(f"| {name} | — | — | — | — | processus sans rapport (code {run.exit_codes.get(who)}) |")
            continue
        lines.append(f"| {name} | {r['ops']} | {r['seconds']:.1f} | {r['ops'] / r['seconds']:.1f} | "
                     f"{r['cpu']:.1f} | {len(r['errors'])} |")
    lines += [
        "",
        "Attente du verrou de l'entrepôt, par unité de travail (écriture : seule ; lecture : partagée, "
        "derrière un écrivain qui attend).",
        "",
        "| processus | type | unités | médiane (ms) | 95e centile (ms) | max (ms) |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for who, name in NAMES.items():
        r = run.reports.get(who)
        for kind, label in (("write", "écriture"), ("read", "lecture")):
            if r is None or not r["waits"][kind]:
                continue
            s = wait_summary(r["waits"][kind])
            lines.append(f"| {name} | {label} | {s['n']} | {s['median'] * 1000:.0f} | {s['p95'] * 1000:.0f} | "
                         f"{s['max'] * 1000:.0f} |")
    flows, forms, readers = (run.reports.get(k) for k in ("flows", "forms", "readers"))
    if flows:
        lines += ["", f"Constructions des marts (s) : {', '.join(f'{s:.2f}' for s in flows['build_seconds'])} ; "
                  f"chargements : {len(flows['load_seconds'])} en {sum(flows['load_seconds']):.1f} s au total."]
    if forms:
        lines.append(f"Formulaires : {len(forms['final'])} lignes de prévisionnel, "
                     f"{sum(len(a) for a in forms['actions'].values())} lignes de journal, "
                     f"{forms['conflicts']} conflits signalés (deux personnes sur la même ligne), "
                     f"{forms['undos']} annulations.")
    if readers:
        lines.append(f"Lecteurs : {readers['checks']} contrôles des marts ({readers['torn']} incohérents), "
                     f"{readers['queries']} requêtes de page, {readers['journal']} lectures du journal.")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=TOTAL_OPS, help="operations in all (default: the test's 1 000)")
    args = parser.parse_args()
    text = report(args.ops)
    print(text, flush=True)
    RESULTS_DIR.mkdir(exist_ok=True)
    out = RESULTS_DIR / f"concurrency-{date.today().isoformat()}.md"
    out.write_text(text, encoding="utf-8")
    print(f"Rapport écrit dans {out}")


if __name__ == "__main__":
    main()
