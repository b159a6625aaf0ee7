"""How every process shares the one DuckDB file (docs/architecture.md §4.4).

DuckDB lets a single process open a file for writing and then locks every other process out,
readers included. The Panel server, flow runs and analysts all need the file, so:

- nobody keeps it open between units of work: each `read()` / `write()` opens and closes it;
- readers share: many `read()` at once, each on a read-only connection;
- writers queue: one `write()` at a time, after the readers in progress finish; a waiting
  writer holds a turnstile so that new readers queue behind it (no writer starvation);
- every wait is bounded (`lock_timeout`) and ends in `WarehouseBusy`, a clear French message,
  never a crash or an endless hang;
- a `write()` is one transaction: on error nothing of it remains;
- each committed write changes the data version, which keys the page-query cache.

The locks are `flock` locks on two small files beside the database, so they hold between
processes and between threads of one process alike.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
import uuid
from collections import OrderedDict
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import duckdb

if TYPE_CHECKING:
    import pandas as pd

POLL_SECONDS = 0.02
CACHE_SIZE = 256


PRIVATE_FILE_MODE = 0o600  # the warehouse holds the accounts' password hashes
PRIVATE_DIR_MODE = 0o700


def private_file(path: Path) -> None:
    """Make a file readable and writable by its owner only (the warehouse, its WAL, backups, exports)."""
    try:
        if path.stat().st_mode & 0o077:
            os.chmod(path, PRIVATE_FILE_MODE)
    except FileNotFoundError:
        pass


def private_dir(path: Path) -> None:
    """Create a folder (and its parents) open to its owner only; tighten it if it exists."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    if path.stat().st_mode & 0o077:
        os.chmod(path, PRIVATE_DIR_MODE)


class WarehouseBusy(RuntimeError):
    """The warehouse stayed locked by another unit of work longer than the allowed wait."""


class WarehouseMissing(RuntimeError):
    """The warehouse file does not exist yet."""


class Warehouse:
    """The DuckDB file and the policy to reach it. Cheap to create; holds no connection."""

    def __init__(self, path: str | os.PathLike, lock_timeout: float = 30.0):
        self.path = Path(path)
        self.lock_timeout = lock_timeout
        self._lock_path = self.path.with_name(self.path.name + ".lock")
        self._turnstile_path = self.path.with_name(self.path.name + ".turnstile")
        self._version_path = self.path.with_name(self.path.name + ".version")
        self._cache: OrderedDict[tuple, pd.DataFrame] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._unit = threading.local()  # this thread's unit of work (`reading()`), if any

    @classmethod
    def from_config(cls, config) -> "Warehouse":
        return cls(config.warehouse_path, config.lock_timeout_seconds)

    # -- locks ---------------------------------------------------------------------------------

    @contextmanager
    def _flock(self, lock_path: Path, mode: int, what: str, deadline: float) -> Iterator[None]:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o664)
        try:
            while True:
                try:
                    fcntl.flock(fd, mode | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise WarehouseBusy(self._busy_message(what)) from None
                    time.sleep(POLL_SECONDS)
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the lock

    def _busy_message(self, what: str) -> str:
        return (
            f"L'entrepôt est occupé depuis plus de {self.lock_timeout:g} s "
            f"(attente pour : {what}). Une mise à jour est sans doute en cours : réessayez dans un instant."
        )

    def _connect(
        self, read_only: bool, what: str, deadline: float, settings: dict | None = None
    ) -> duckdb.DuckDBPyConnection:
        """Open the file, retrying while a process outside this policy (e.g. the DuckDB CLI) holds it."""
        while True:
            try:
                return duckdb.connect(str(self.path), read_only=read_only, config=settings or {})
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower():
                    raise
                if time.monotonic() >= deadline:
                    raise WarehouseBusy(self._busy_message(what)) from exc
                time.sleep(POLL_SECONDS * 5)

    # -- units of work -------------------------------------------------------------------------

    @contextmanager
    def _shared(self, what: str) -> Iterator[float]:
        """Hold a reader's place (no connection yet); yields the deadline for what follows."""
        deadline = time.monotonic() + self.lock_timeout
        with self._flock(self._turnstile_path, fcntl.LOCK_EX, what, deadline):
            pass  # wait behind a writer holding the turnstile, then let the next one pass
        with self._flock(self._lock_path, fcntl.LOCK_SH, what, deadline):
            if not self.path.exists():
                raise WarehouseMissing(
                    f"L'entrepôt {self.path} n'existe pas encore : lancez `alambic demo` ou `alambic build`."
                )
            yield deadline

    @contextmanager
    def read(self, what: str = "lecture", settings: dict | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only connection, shared with other readers, closed when the block ends.

        settings: DuckDB configuration options for this connection (e.g. the SQL console's locks).
        Inside `reading()` (and without settings) it is a cursor on the unit's one connection.
        """
        held = self._held(what) if settings is None else None
        if held is not None:
            cursor = held.connection().cursor()
            try:
                yield cursor
            finally:
                cursor.close()
            return
        with self._shared(what) as deadline:
            con = self._connect(True, what, deadline, settings)
            try:
                yield con
            finally:
                con.close()

    # -- one unit of work per page --------------------------------------------------------------

    @contextmanager
    def reading(self, what: str = "page") -> Iterator[None]:
        """One unit of work for this thread: the reads and page queries inside share one reader's
        place and one read-only connection (opened at the first read the cache cannot answer),
        instead of one file open each — a page build costs one open, not a dozen.

        Nested blocks join the outer one. A write in the same thread first ends the unit (it
        could not take the file while this thread holds a reader's place); the next read opens
        a new one. Other processes' writers wait at most for the unit to end, bounded as always.
        """
        unit = self._unit
        if getattr(unit, "depth", 0):
            unit.depth += 1
            try:
                yield
            finally:
                unit.depth -= 1
            return
        unit.depth, unit.held, unit.what = 1, None, what
        try:
            yield
        finally:
            unit.depth = 0
            self._end_unit()

    def _held(self, what: str) -> "_HeldRead | None":
        """This thread's open unit of work (taking its reader's place now), or None outside one."""
        unit = self._unit
        if not getattr(unit, "depth", 0):
            return None
        if unit.held is None:
            unit.held = _HeldRead(self, unit.what or what)
        return unit.held

    def _end_unit(self) -> None:
        held = getattr(self._unit, "held", None)
        self._unit.held = None
        if held is not None:
            held.close()

    @contextmanager
    def exclusive(self, what: str) -> Iterator[float]:
        """Hold the file alone (no connection opened); yields the deadline for what follows.

        For file-level work (a restore copies the file back); the data version changes on exit.
        """
        self._end_unit()  # this thread's reader's place would keep the file from itself
        deadline = time.monotonic() + self.lock_timeout
        with self._flock(self._turnstile_path, fcntl.LOCK_EX, what, deadline), self._flock(
            self._lock_path, fcntl.LOCK_EX, what, deadline
        ):
            yield deadline
            self._version_path.write_text(uuid.uuid4().hex)

    @contextmanager
    def write(self, what: str = "écriture") -> Iterator[duckdb.DuckDBPyConnection]:
        """One transaction on the file, alone. Committed if the block ends normally, else rolled back."""
        with self.exclusive(what) as deadline:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
            con = self._connect(False, what, deadline)
            self._make_private()  # DuckDB creates the file and its WAL with the process's umask
            try:
                con.begin()
                try:
                    yield con
                except BaseException:
                    con.rollback()
                    raise
                con.commit()
                self._make_private()
            finally:
                con.close()

    def _make_private(self) -> None:
        private_file(self.path)
        private_file(self.path.with_name(self.path.name + ".wal"))

    # -- cached page queries -------------------------------------------------------------------

    def data_version(self) -> str:
        """Changes at every committed write. Read under a reader's lock to match the data seen."""
        try:
            return self._version_path.read_text()
        except FileNotFoundError:
            return ""

    def query(self, sql: str, params: dict | list | None = None) -> pd.DataFrame:
        """Run a read query; answers are cached until the data version changes.

        The returned frame is shared by every caller with the same query: do not modify it.
        """
        key_params = tuple(sorted(params.items())) if isinstance(params, dict) else tuple(params or ())
        held = self._held("requête de page")
        if held is not None:
            key = (sql, key_params, held.version)
            with self._cache_lock:
                if key in self._cache:
                    self._cache.move_to_end(key)
                    return self._cache[key]
            frame = held.connection().execute(sql, params or []).df()
            self._remember(key, frame)
            return frame
        with self._shared("requête de page") as deadline:
            key = (sql, key_params, self.data_version())
            with self._cache_lock:
                if key in self._cache:
                    self._cache.move_to_end(key)
                    return self._cache[key]
            con = self._connect(True, "requête de page", deadline)
            try:
                frame = con.execute(sql, params or []).df()
            finally:
                con.close()
        self._remember(key, frame)
        return frame

    def _remember(self, key: tuple, frame) -> None:
        with self._cache_lock:
            self._cache[key] = frame
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)


class _HeldRead:
    """A unit of work's reader's place (taken at once) and its connection (opened when needed)."""

    def __init__(self, warehouse: Warehouse, what: str):
        self._warehouse, self._what = warehouse, what
        self._stack = ExitStack()
        self._deadline = self._stack.enter_context(warehouse._shared(what))
        self.version = warehouse.data_version()  # stable while the place is held: no write can pass
        self._con: duckdb.DuckDBPyConnection | None = None

    def connection(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            self._con = self._warehouse._connect(True, self._what, self._deadline)
        return self._con

    def close(self) -> None:
        try:
            if self._con is not None:
                self._con.close()
        finally:
            self._stack.close()
