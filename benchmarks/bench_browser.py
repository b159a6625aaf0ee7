"""Benchmark in a real browser: every page and role, a filter change, a save, concurrent sessions.

    uv run python benchmarks/bench_browser.py                      # sandbox at scale 1, 5 sessions
    uv run python benchmarks/bench_browser.py --scale 10 --sessions 30

Builds the sandbox (seed 42) into a temporary folder, serves it with `alambic serve`'s server in a
process of its own (accounts admin / finance / membre), and drives headless Chromium (Debian's
/usr/bin/chromium through Playwright). For every role and every page the role may open:

- first paint: the browser's first-contentful-paint;
- last widget: the moment the page last changed before it stayed still for 1 s with nothing
  loading (no « Chargement… », no Panel loading spinner) — what a user waits for;
- cold (first visit of the page since the server started) and warm (the same page again);
- beside it, the raw DuckDB time of the page's SQL files (sum of medians, benchmarks/bench_pipeline.py).

Then, as finance on the Suivi budgétaire: a filter change (another unit) until the page is still,
and a save (a forecast line) until « Enregistré. » then until the figures show it; then N sessions
opening the Tableau de bord at once (p50 / p95 of their « last widget »). Prints Markdown, written
to benchmarks/results/browser-<date>.md. Times depend on the machine and its load (given).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(REPO), str(HERE)]

from bench_pipeline import RESULTS_DIR, TODAY, machine  # noqa: E402

from tests.browser.helpers import STILL  # noqa: E402

CHROMIUM = os.environ.get("ALAMBIC_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update"]
PASSWORD = "mot-de-passe-du-banc"
ROLES = {"admin": "admin", "finance": "finance", "membre": "member"}
STILL_MS = 1000
PAGE_TIMEOUT_MS = 120_000

# performance.now() of the page's last change once it stayed still (tests/browser/helpers.py).
SETTLED = STILL
FIRST_PAINT = """() => { const e = performance.getEntriesByName('first-contentful-paint')[0]; return e ? e.startTime : -1; }"""
# Installed at each document's start: records performance.now() when the page body's first part is
# drawn (« Chargement… » gone and an input, a card, a table cell or a member card shown; the
# template alone has none of them). Read as window.__firstBody.
FIRST_BODY = """(() => {
  const deep = (root, test) => { if (test(root)) return true; if (root.shadowRoot && deep(root.shadowRoot, test)) return true;
    for (const child of root.children || []) if (deep(child, test)) return true; return false; };
  const has = (cls) => (node) => !!(node.classList && node.classList.contains(cls));
  const tick = () => { if (!document.body) return;
    if (!deep(document.body, has('alambic-loading')) && ['kpi-value', 'bk-input', 'tabulator-cell', 'person-card',
        'org-tree', 'glossary'].some((c) => deep(document.body, has(c)))) { window.__firstBody = performance.now(); clearInterval(timer); } };
  const timer = setInterval(tick, 40);
})();"""


def build_sandbox(directory: Path, scale: float):
    from alambic.auth import AccountStore
    from alambic.config import load_config
    from sandbox.demo import load_sandbox
    from sandbox.demo_config import write_demo_config
    from sandbox.generate import generate
    from warehouse.build import build
    from warehouse.connection import Warehouse

    org = generate(seed=42, scale=scale, today=TODAY)
    path = write_demo_config(org, directory, directory / "alambic.duckdb")
    config = load_config(path)
    warehouse = Warehouse.from_config(config)
    load_sandbox(warehouse, org)
    build(warehouse, config.settings())
    store = AccountStore(warehouse)
    for login, role in ROLES.items():
        store.add(login, f"{login}@exemple.re", role, PASSWORD, who="banc")
    return config


def serve(config_path: Path, port: int) -> subprocess.Popen:
    code = ("import sys; from alambic.config import load_config; from dashboards.server import serve; "
            "serve(load_config(sys.argv[1]), port=int(sys.argv[2]), address='127.0.0.1')")
    return subprocess.Popen([sys.executable, "-c", code, str(config_path), str(port)], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def raw_duckdb_ms(warehouse) -> dict[str, float]:
    """Page label → sum of the medians of its SQL files (the first filter of bench_pipeline)."""
    from bench_pipeline import FINANCE_PAGES, page_query_times

    from dashboards.pages import PAGES
    from dashboards.queries import QUERIES_DIR

    times = page_query_times(warehouse)
    first = next(label for _, label, _, _ in times if "paramètres non fournis" not in label)
    out = {}
    for spec in PAGES:
        wanted = FINANCE_PAGES.get(spec.label) or (f"{spec.slug.replace('-', '_')}/",)
        names = set()
        for w in wanted:
            if w.endswith("/"):
                names |= {str(p.relative_to(QUERIES_DIR).with_suffix("")) for p in (QUERIES_DIR / w).glob("*.sql")
                          if not p.name.startswith("_")}
            else:
                names.add(w)
        found = [s for n, label, s, _ in times if n in names and label == first and s == s]
        if found:
            out[spec.slug] = sum(found) * 1000
    return out


async def log_in(context, base: str, login: str):
    await context.add_init_script(FIRST_BODY)
    page = await context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    await page.goto(f"{base}/login")
    await page.get_by_label("Identifiant").fill(login)
    await page.get_by_label("Mot de passe").fill(PASSWORD)
    await page.get_by_role("button", name="Se connecter").click()
    await page.wait_for_url(f"{base}/")
    await page.evaluate(SETTLED, [STILL_MS, PAGE_TIMEOUT_MS])
    return page


async def visit(page, url: str) -> tuple[float, float, float]:
    """(first paint, first part of the body, last widget) in seconds from the navigation's start."""
    await page.goto(url)
    settled = await page.evaluate(SETTLED, [STILL_MS, PAGE_TIMEOUT_MS])
    paint = await page.evaluate(FIRST_PAINT)
    body = await page.evaluate("() => window.__firstBody ?? -1")
    return (paint / 1000, body / 1000 if body >= 0 else float("nan"),
            settled / 1000 if settled >= 0 else float("nan"))


async def still_after(page, started_ms: float) -> float:
    settled = await page.evaluate(SETTLED, [STILL_MS, PAGE_TIMEOUT_MS])
    return (settled - started_ms) / 1000


async def save_and_filter(page, base: str) -> list[str]:
    """As finance on the Suivi budgétaire: another unit in the filter bar, then a forecast saved."""
    lines = []
    await page.goto(f"{base}/suivi-budgetaire?periode=2025")
    await page.evaluate(SETTLED, [STILL_MS, PAGE_TIMEOUT_MS])
    unit = page.locator(".filter-bar").get_by_label("Unité", exact=True).first
    options = await unit.evaluate("(s) => Array.from(s.options).map((o) => o.label)")
    cards = page.locator(".kpi-value")
    shown = await cards.all_inner_texts()
    started = await page.evaluate("() => performance.now()")
    clicked = time.perf_counter()
    await unit.select_option(label=options[min(2, len(options) - 1)])
    # the figures first change (the page is never « still » before the server answered), then stay still
    deadline = time.monotonic() + PAGE_TIMEOUT_MS / 1000
    while await cards.all_inner_texts() == shown and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    changed = time.perf_counter() - clicked
    lines.append(f"| changement de filtre (unité « {options[min(2, len(options) - 1)].strip()} ») jusqu'aux "
                 f"indicateurs changés | {changed:.2f} |")
    lines.append(f"| … jusqu'à la page immobile | {max(changed, await still_after(page, started)):.2f} |")
    await page.get_by_role("button", name="Saisir ou modifier une ligne de prévisionnel", exact=True).first.click()
    form = page.locator(".form-forecasts").first
    await form.wait_for(timeout=PAGE_TIMEOUT_MS)
    kpi = page.locator('[data-kpi="depenses_previsionnel"] .kpi-value').first
    before = await kpi.inner_text()
    category = form.get_by_label("Catégorie", exact=True)
    categories = await category.evaluate("(s) => Array.from(s.options).map((o) => o.label)")
    choices = await form.get_by_label("Unité", exact=True).evaluate("(s) => Array.from(s.options).map((o) => o.label)")
    await form.get_by_label("Unité", exact=True).select_option(label=choices[min(2, len(choices) - 1)])
    await category.select_option(label=next(c for c in categories if c != "—"))
    for label, value in (("Début", "01/03/2025"), ("Fin", "31/03/2025"), ("Montant", "1 234,00"),
                         ("Libellé", "Banc navigateur")):
        box = form.get_by_label(label, exact=True)
        await box.fill(value)
        await box.press("Enter")
    clicked = time.perf_counter()
    await form.get_by_role("button", name="Enregistrer", exact=True).click()
    await form.get_by_text("Enregistré.", exact=False).first.wait_for(timeout=PAGE_TIMEOUT_MS)
    saved = time.perf_counter()
    deadline = time.monotonic() + PAGE_TIMEOUT_MS / 1000
    while await kpi.inner_text() == before and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    shown = time.perf_counter()
    lines.append(f"| enregistrement d'une ligne prévisionnelle : jusqu'à « Enregistré. » | {saved - clicked:.2f} |")
    lines.append(f"| … jusqu'aux chiffres recalculés (indicateur « dépenses prévues ») | {shown - clicked:.2f} |")
    return lines


async def concurrent(browser, base: str, sessions: int) -> list[float]:
    contexts = [await browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
                for _ in range(sessions)]
    try:
        pages = [await log_in(context, base, "membre") for context in contexts]
        results = await asyncio.gather(*(visit(page, f"{base}/tableau-de-bord") for page in pages))
        return [last for _paint, _body, last in results]
    finally:
        for context in contexts:
            await context.close()


def percentile(values: list[float], q: float) -> float:
    values = sorted(v for v in values if v == v)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))] if values else float("nan")


async def run(config, base: str, sessions: int, roles: list[str], slugs: list[str] | None) -> list[str]:
    from playwright.async_api import async_playwright

    from dashboards.pages import PAGES
    from warehouse.connection import Warehouse

    raw = raw_duckdb_ms(Warehouse.from_config(config))
    lines = ["| rôle | page | 1re peinture froid (s) | premiers chiffres froid (s) | dernier composant froid (s) "
             "| 1re peinture tiède (s) | premiers chiffres tiède (s) | dernier composant tiède (s) | DuckDB seul (ms) |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for login, role in ROLES.items():
            if login not in roles:
                continue
            context = await browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
            page = await log_in(context, base, login)
            for spec in PAGES:
                if not spec.allows(role) or (slugs is not None and spec.slug not in slugs):
                    continue
                url = f"{base}/{spec.slug}"
                cold = await visit(page, url)
                warm = await visit(page, url)
                duck = raw.get(spec.slug)
                lines.append(f"| {login} | {spec.label} | {cold[0]:.2f} | {cold[1]:.2f} | {cold[2]:.2f} | "
                             f"{warm[0]:.2f} | {warm[1]:.2f} | {warm[2]:.2f} | {'' if duck is None else f'{duck:.0f}'} |")
                print(lines[-1], flush=True)
            await context.close()
        context = await browser.new_context(viewport={"width": 1500, "height": 1200}, locale="fr-FR")
        page = await log_in(context, base, "finance")
        lines += ["", "| action (finance, Suivi budgétaire) | s |", "|---|---:|"]
        try:
            lines += await save_and_filter(page, base)
        except Exception as exc:  # noqa: BLE001 — reported, the rest of the benchmark still runs
            lines.append(f"| (non mesuré : {type(exc).__name__} : {str(exc).splitlines()[0][:120]}) | |")
        await context.close()
        started = time.perf_counter()
        lasts = await concurrent(browser, base, sessions)
        lines += ["", f"{sessions} sessions (membre) ouvrent le Tableau de bord en même temps "
                  f"({time.perf_counter() - started:.1f} s en tout, connexions comprises) : dernier composant "
                  f"p50 {percentile(lasts, 0.5):.2f} s, p95 {percentile(lasts, 0.95):.2f} s, "
                  f"max {max(lasts):.2f} s."]
        await browser.close()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1)
    parser.add_argument("--sessions", type=int, default=5)
    parser.add_argument("--label", default="", help="a word for the report's name (e.g. avant, apres)")
    parser.add_argument("--roles", nargs="+", default=list(ROLES), choices=list(ROLES))
    parser.add_argument("--pages", nargs="+", default=None, help="page slugs (default: every page)")
    args = parser.parse_args()
    from tests.dashboards.alambic_test_server import free_port, wait_for_server

    header = [f"# Banc navigateur — {date.today().isoformat()}", "", f"Machine : {machine()}", "",
              f"Bac à sable graine 42, échelle {args.scale:g} ; Chromium sans tête ; serveur `alambic serve` "
              "dans son propre processus. « 1re peinture » : first-contentful-paint ; « premiers chiffres » : "
              "la première partie du corps de la page dessinée (« Chargement… » parti, un champ, une carte ou "
              "une cellule affichés) ; « dernier composant » : "
              f"dernier changement de la page avant {STILL_MS} ms d'immobilité sans chargement en cours ; froid : "
              "première visite de la page depuis le démarrage (cache des requêtes vide pour le premier rôle) ; "
              "tiède : la même page aussitôt après.", ""]
    with tempfile.TemporaryDirectory() as tmp:
        config = build_sandbox(Path(tmp), args.scale)
        port = free_port()
        server = serve(config.path, port)
        try:
            wait_for_server(port, timeout=180)
            lines = asyncio.run(run(config, f"http://127.0.0.1:{port}", args.sessions, args.roles, args.pages))
        finally:
            server.terminate()
            server.wait(timeout=30)
    text = "\n".join(header + lines) + "\n"
    suffix = f"-{args.label}" if args.label else ""
    out = RESULTS_DIR / f"browser-{date.today().isoformat()}-scale{args.scale:g}{suffix}.md"
    out.write_text(text, encoding="utf-8")
    print(text)
    print(f"écrit dans {out}")


if __name__ == "__main__":
    main()
