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


def wait_for_kpi(page, key: str, expected: str, timeout: float = 30.0) -> None:
    """Wait until the KPI card `key` reads `expected`."""
    value = page.locator(f'[data-kpi="{key}"] .kpi-value').first
    shown = lambda: value.inner_text() if value.count() else None  # noqa: E731
    wait_until(lambda: shown() == expected, lambda: f"KPI {key}: {shown()!r} != {expected!r}", timeout)


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
