"""`alambic serve --dev`: the edit loop of someone changing Alambic's SQL.

A thread looks at `sql/` (and the configuration file) every half second. When a file changes:
- a page query (sql/queries, sql/pages): the query texts are read again (dashboards.queries.reload_sql);
  the next page opened or refreshed shows the new query;
- a mart (sql/marts): that mart and the marts reading it are rebuilt, with their data tests
  (warehouse.build.build(changed={"marts.<name>"}), the incremental build of a save);
- anything else the build reads (staging, macros, data tests, the configuration): a full build.
A build refused by a data test keeps the previous figures, as always, and says why in the terminal.
Python files are reloaded by Panel itself (`--autoreload`, which `--dev` turns on).
Added or removed declared pages (sql/pages/*.toml) need a restart: the menu is made at start.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from pathlib import Path

WATCHED = ("*.sql", "*.toml")
PAGE_FOLDERS = {"queries", "pages"}
FULL_BUILD_FOLDERS = {"staging", "macros", "tests", "migrations"}


def _stamp(path: Path):
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_mtime_ns, stat.st_size


class DevReloader:
    """Watches `sql_dir` (and `config_path`) and applies each change (see the module's doc)."""

    def __init__(self, sql_dir: Path, warehouse=None, config=None, config_path: Path | None = None,
                 log: Callable[[str], None] | None = None, interval: float = 0.5):
        self.sql_dir = Path(sql_dir)
        self.warehouse, self.config = warehouse, config
        self.config_path = Path(config_path) if config_path else getattr(config, "path", None)
        self.log = log or (lambda line: print(line, file=sys.stderr, flush=True))
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._seen = self._snapshot()

    def _files(self) -> list[Path]:
        files = [p for pattern in WATCHED for p in self.sql_dir.rglob(pattern)]
        return files + ([self.config_path] if self.config_path else [])

    def _snapshot(self) -> dict[Path, tuple]:
        return {path: stamp for path in self._files() if (stamp := _stamp(path)) is not None}

    def changes(self) -> set[Path]:
        """The files added, removed or modified since the last look."""
        now = self._snapshot()
        changed = {p for p in set(now) | set(self._seen) if now.get(p) != self._seen.get(p)}
        self._seen = now
        return changed

    def poll(self) -> str | None:
        """Look once; apply what changed. Returns what was done (French), or None."""
        changed = self.changes()
        return self.apply(changed) if changed else None

    def apply(self, changed: set[Path]) -> str:
        from dashboards.queries import reload_sql

        reload_sql()
        config_changed = self.config_path is not None and self.config_path in changed
        if config_changed:
            from alambic.config import load_config

            self.config = load_config(self.config_path)
        folders = {p.relative_to(self.sql_dir).parts[0] for p in changed if p.is_relative_to(self.sql_dir)}
        marts = {p for p in changed if p.is_relative_to(self.sql_dir / "marts") and p.suffix == ".sql"}
        names = ", ".join(sorted(str(p.relative_to(self.sql_dir)) if p.is_relative_to(self.sql_dir) else p.name
                                 for p in changed))
        if self.warehouse is None or not (config_changed or folders & FULL_BUILD_FOLDERS or marts):
            return self._say(f"Modifié : {names} — requêtes des pages relues (rafraîchissez la page).")
        from warehouse.build import BuildError, build

        incremental = not config_changed and not folders & FULL_BUILD_FOLDERS and all(p.exists() for p in marts)
        try:
            result = build(self.warehouse, self.config.settings(),
                           changed={f"marts.{p.stem}" for p in marts} if incremental else None)
        except BuildError as exc:
            return self._say(f"Modifié : {names} — construction refusée, les pages gardent les chiffres "
                             f"d'avant : {exc}")
        except Exception as exc:  # noqa: BLE001 — the loop goes on: the next save may fix it
            return self._say(f"Modifié : {names} — construction impossible : {exc}")
        what = "marts reconstruits" if incremental else "construction complète"
        return self._say(f"Modifié : {names} — {what} : {', '.join(sorted(result.marts))} "
                         "(rafraîchissez la page).")

    def _say(self, line: str) -> str:
        self.log(line)
        return line

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.poll()
            except Exception as exc:  # noqa: BLE001 — never stop watching
                self.log(f"Rechargement impossible : {exc}")

    def start(self) -> DevReloader:
        self._thread = threading.Thread(target=self._run, name="alambic-dev", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
