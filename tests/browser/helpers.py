"""What the browser tests share: serving a warehouse with accounts, reading the text Panel draws
inside shadow roots, waiting for a condition, and logging in through the login page."""

from __future__ import annotations

import time
from contextlib import contextmanager

from tests.dashboards.alambic_test_server import serving

PASSWORD = "motdepasse-solide"  # of the accounts the browser fixtures create


@contextmanager
def serving_with_accounts(warehouse, accounts=(), *, auth: bool = True, config=None):
    """Add the accounts (login, e-mail, role, display name; password `helpers.PASSWORD`) to
    `warehouse`, then serve it: yields the base URL."""
    from alambic.auth import AccountStore

    store = AccountStore(warehouse)
    for login, email, role, name in accounts:
        store.add(login, email, role, PASSWORD, display_name=name, who="test")
    with serving(warehouse, auth=auth, config=config) as base:
        yield base


# The text of an element (its first argument, e.g. `locator.evaluate(DEEP_TEXT)`) or, called
# without one (`page.evaluate(DEEP_TEXT)`), of the whole page, through Panel's shadow roots.
DEEP_TEXT = """(root) => {
  const parts = [];
  const visit = (node) => {
    if (node.nodeType === Node.TEXT_NODE) { parts.push(node.textContent); return; }
    if (node.nodeName === 'STYLE' || node.nodeName === 'SCRIPT') return;
    if (node.shadowRoot) visit(node.shadowRoot);
    for (const child of node.childNodes) visit(child);
  };
  visit(root || document.body);
  return parts.join(' ');
}"""


def page_text(page) -> str:
    """Every text the user can read, through Panel's shadow roots."""
    return page.evaluate(DEEP_TEXT)


def text_of(locator) -> str:
    """What the user reads in an element, through Panel's shadow roots."""
    return locator.evaluate(DEEP_TEXT)


def wait_until(check, what, timeout: float = 30.0):
    """Poll `check()` until it gives something true; fail saying `what` did not happen (`what` may
    be a function, called then, to tell what the page showed in the end)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(what() if callable(what) else what)
        time.sleep(0.25)


def wait_recomputed(read, message: str = "Enregistré.", timeout: float = 120.0) -> str:
    """A save's `message` once its figures are recomputed. `read()` gives the text where the
    message shows (the page, a form). The message shows at once with « Mise à jour des chiffres… »
    while the rebuild runs on a worker thread. Pages meanwhile answer with the published figures
    (they never wait for a build), so whatever reads the marts, or reloads, comes after it goes."""
    def recomputed() -> str:
        text = read()
        return text if message in text and "Mise à jour des chiffres" not in text else ""

    return wait_until(recomputed, lambda: f"« {message} », figures recomputed; it reads: {read()[-2000:]!r}",
                      timeout)


def wait_for_kpi(page, key: str, expected: str, timeout: float = 30.0) -> None:
    """Wait until the KPI card `key` reads `expected`."""
    value = page.locator(f'[data-kpi="{key}"] .kpi-value').first
    shown = lambda: value.inner_text() if value.count() else None  # noqa: E731
    wait_until(lambda: shown() == expected, lambda: f"KPI {key}: {shown()!r} != {expected!r}", timeout)


def open_tool(page, label: str, ready: str, timeout: float = 60.0):
    """Click the on-demand tool button `label` (« Saisir un transfert interne »…: a page's forms
    are built only when opened) and return the first element matching `ready` once shown."""
    page.get_by_role("button", name=label, exact=True).first.click(timeout=timeout * 1000)
    tool = page.locator(ready).first
    tool.wait_for(timeout=timeout * 1000)
    return tool


# Resolves with performance.now() of the page's last change once it (through Panel's shadow roots)
# kept the same nodes and text for `stillMs` with nothing loading — « Chargement… », a busy
# component, a lower section still to come (dashboards/lazy.py) —; -1 after `timeoutMs`.
# Also the benchmark's measure of a page's last widget (benchmarks/bench_browser.py).
STILL = """async ([stillMs, timeoutMs]) => {
  const deep = (root, visit) => { visit(root); if (root.shadowRoot) deep(root.shadowRoot, visit);
    for (const child of root.children || []) deep(child, visit); };
  const signature = () => { let n = 0, text = 0, loading = false;
    deep(document.body, (node) => { n += 1;
      if (node.classList && (node.classList.contains('pn-loading') || node.classList.contains('alambic-loading')
          || node.classList.contains('alambic-later'))) loading = true;
      if (node.childNodes) for (const c of node.childNodes) if (c.nodeType === 3) text += c.textContent.length; });
    return [`${n}/${text}`, loading]; };
  const started = performance.now(); let last = null, changed = started;
  while (performance.now() - started < timeoutMs) {
    const [sig, loading] = signature();
    if (sig !== last || loading) { last = sig; changed = performance.now(); }
    else if (performance.now() - changed >= stillMs) return changed;
    await new Promise((r) => setTimeout(r, 100));
  }
  return -1;
}"""


def wait_still(page, still_ms: int = 1000, timeout: float = 60.0) -> None:
    """Wait until the page stops changing: its body drawn, its lower sections in place
    (dashboards/lazy.py), nothing loading, the same nodes and text for `still_ms`."""
    if page.evaluate(STILL, [still_ms, int(timeout * 1000)]) < 0:
        raise AssertionError(f"the page kept changing for {timeout:.0f} s")


def wait_text(page, text: str, timeout: float = 30.0) -> None:
    """Wait until `text` is readable on the page."""
    try:
        page.wait_for_function(f"(t) => ({DEEP_TEXT})().includes(t)", arg=text, timeout=timeout * 1000)
    except Exception as exc:
        raise AssertionError(f"« {text} » not shown; the page reads: {page_text(page)[-3000:]}") from exc


def fill_login(page, login: str, password: str = PASSWORD) -> None:
    """On the login page: type the login and password and submit."""
    page.get_by_label("Identifiant").fill(login)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def log_in(page, base: str, login: str, path: str, password: str = PASSWORD, login_title: str | None = None) -> None:
    """Open `path`, get sent to the login page (titled `login_title` when given), log in, and
    wait to be back on `path`."""
    page.goto(base + path)
    page.wait_for_url("**/login?next=*")
    if login_title is not None:
        assert page.title() == login_title
    fill_login(page, login, password)
    page.wait_for_url(base + path)
    page.locator(".alambic-user").wait_for(timeout=30000)
