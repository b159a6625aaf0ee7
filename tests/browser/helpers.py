"""What the browser tests share: reading the text Panel draws inside shadow roots, waiting for a
condition, and logging in through the login page."""

from __future__ import annotations

import time

PASSWORD = "motdepasse-solide"  # of the accounts the browser fixtures create

DEEP_TEXT = """() => {
  const parts = [];
  const visit = (node) => {
    if (node.nodeType === Node.TEXT_NODE) { parts.push(node.textContent); return; }
    if (node.nodeName === 'STYLE' || node.nodeName === 'SCRIPT') return;
    if (node.shadowRoot) visit(node.shadowRoot);
    for (const child of node.childNodes) visit(child);
  };
  visit(document.body);
  return parts.join(' ');
}"""


def page_text(page) -> str:
    """Every text the user can read, through Panel's shadow roots."""
    return page.evaluate(DEEP_TEXT)


def wait_until(check, what: str, timeout: float = 30.0):
    """Poll `check()` until it gives something true; fail saying `what` did not happen."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(what)
        time.sleep(0.25)


def wait_text(page, text: str, timeout: float = 30.0) -> None:
    """Wait until `text` is readable on the page."""
    try:
        page.wait_for_function(f"(t) => ({DEEP_TEXT})().includes(t)", arg=text, timeout=timeout * 1000)
    except Exception as exc:
        raise AssertionError(f"« {text} » not shown; the page reads: {page_text(page)[-3000:]}") from exc


def log_in(page, base: str, login: str, path: str, password: str = PASSWORD) -> None:
    """Open `path`, get sent to the login page, log in, and wait to be back on `path`."""
    page.goto(base + path)
    page.wait_for_url("**/login?next=*")
    page.get_by_label("Identifiant").fill(login)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(base + path)
    page.locator(".alambic-user").wait_for(timeout=30000)
