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

Readers of the figures never wait for a build: a build works on a private copy of the file and
publishes its result as an immutable snapshot (`alambic.marts-<version>.duckdb`, switched
through the pointer file `alambic.duckdb.current`). Page queries that read only what a build
produces (marts, ref, staging, macros) run on a long-lived read-only connection to the current
snapshot, one per thread, reopened when the pointer changes; the queries that name what users or
loads change between builds (app.*, meta.*, raw_*) read the main file under the policy above.
See `building()`.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from warehouse import SQL_DIR

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


# Schemas that change between two builds (what users type, what loads bring, the journal): a page
# query naming one of them reads the main file; every other page query reads the snapshot.
# (The catalogue — information_schema, duckdb_tables() — is the snapshot's: which marts exist is
# what the snapshot serves.)
LIVE_SCHEMAS = ("app", "meta", "raw_odoo", "raw_tibillet", "raw_oceco")
_LIVE = re.compile(r"\b(?:" + "|".join(LIVE_SCHEMAS) + r")\.", re.IGNORECASE)


def _live_staging_views() -> frozenset[str]:
    """Staging views that read app.* (directly or through another staging view): live, like app.*."""
    models = {p.stem: p.read_text(encoding="utf-8") for p in sorted((SQL_DIR / "staging").rglob("*.sql"))}
    live = {name for name, sql in models.items() if re.search(r"\bapp\.", sql, re.IGNORECASE)}
    while True:
        more = {name for name, sql in models.items() if name not in live
                and set(re.findall(r"\bstaging\.(\w+)", sql, re.IGNORECASE)) & live}
        if not more:
            return frozenset(live)
        live |= more


_live_views: frozenset[str] | None = None


def reads_live_data(sql: str) -> bool:
    """Whether a query names what changes between builds (then it reads the main file)."""
    global _live_views
    if _LIVE.search(sql):
        return True
    if _live_views is None:
        _live_views = _live_staging_views()
    return bool(set(re.findall(r"\bstaging\.(\w+)", sql, re.IGNORECASE)) & _live_views)


class Warehouse:
    """The DuckDB file and the policy to reach it. Cheap to create; holds no connection (but each
    thread that ran a page query keeps one read-only connection to the current snapshot)."""

    def __init__(self, path: str | os.PathLike, lock_timeout: float = 30.0):
        self.path = Path(path)
        self.lock_timeout = lock_timeout
        self._lock_path = self.path.with_name(self.path.name + ".lock")
        self._turnstile_path = self.path.with_name(self.path.name + ".turnstile")
        self._version_path = self.path.with_name(self.path.name + ".version")
        self._pointer_path = self.path.with_name(self.path.name + ".current")
        self._build_lock_path = self.path.with_name(self.path.name + ".build")
        self._cache: OrderedDict[tuple, pd.DataFrame] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._unit = threading.local()  # this thread's unit of work (`reading()`), if any
        self._snapshot = threading.local()  # this thread's reader of the current snapshot
        self._readers: set[_SnapshotReader] = set()  # every thread's, to close the stale ones
        self._readers_lock = threading.Lock()

    @classmethod
    def from_config(cls, config) -> Warehouse:
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
        self, read_only: bool, what: str, deadline: float, settings: dict | None = None,
        path: Path | None = None,
    ) -> duckdb.DuckDBPyConnection:
        """Open the file, retrying while a process outside this policy (e.g. the DuckDB CLI) holds it."""
        while True:
            try:
                return duckdb.connect(str(path or self.path), read_only=read_only, config=settings or {})
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
        unit.depth, unit.held, unit.what, unit.snapshot = 1, None, what, None
        try:
            yield
        finally:
            unit.depth, unit.snapshot = 0, None
            self._end_unit()

    def _held(self, what: str) -> _HeldRead | None:
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
        """Changes at every committed write and at every published build: « <snapshot>/<main> »,
        the snapshot the figures come from and the version of the main file (what users enter)."""
        return f"{self.current_snapshot() or ''}/{self._main_version()}"

    def _main_version(self) -> str:
        try:
            return self._version_path.read_text()
        except FileNotFoundError:
            return ""

    def query(self, sql: str, params: dict | list | None = None) -> pd.DataFrame:
        """Run a read query; answers are cached until the data they come from change.

        A query that names only what builds produce runs on this thread's connection to the
        current snapshot: no lock, no file open, no wait behind any writer. One that names app.*,
        meta.* or raw_* reads the main file (bounded waits, behind short writers only).
        The returned frame is shared by every caller with the same query: do not modify it.
        """
        key_params = tuple(sorted(params.items())) if isinstance(params, dict) else tuple(params or ())
        live = reads_live_data(sql)
        if not live:
            for _ in range(3):  # another thread may close an idle reader of an older snapshot
                reader = self._reader()
                if reader is None:
                    break
                key = (sql, key_params, "snapshot", reader.name)
                with self._cache_lock:
                    if key in self._cache:
                        self._cache.move_to_end(key)
                        return self._cache[key]
                try:
                    with reader.using() as con:
                        frame = con.execute(sql, params or []).df()
                except _SnapshotGone:
                    continue
                self._remember(key, frame)
                return frame
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
            key = (sql, key_params, self._main_version())
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

    # -- published snapshots ---------------------------------------------------------------------

    def current_snapshot(self) -> str | None:
        """The file name of the snapshot pages read now, or None before the first published build."""
        try:
            name = self._pointer_path.read_text().strip()
        except FileNotFoundError:
            return None
        return name or None

    def snapshot_path(self, name: str) -> Path:
        return self.path.with_name(name)

    def _snapshot_name(self) -> str:
        stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime())
        return f"{self.path.stem}.marts-{stamp}-{uuid.uuid4().hex[:12]}{self.path.suffix}"

    def _reader(self) -> _SnapshotReader | None:
        """This thread's reader of the current snapshot (inside `reading()`: the unit's, pinned for
        the unit), reopened when a build published another one; None before any publication."""
        unit = self._unit
        in_unit = getattr(unit, "depth", 0)
        if in_unit and getattr(unit, "snapshot", None) is not None:
            if not unit.snapshot.closed:
                return unit.snapshot
            unit.snapshot = None  # closed while idle by another thread: take the current one
        for _ in range(5):  # the pointer may move between reading it and taking the snapshot
            name = self.current_snapshot()
            if name is None:
                return None
            reader = getattr(self._snapshot, "reader", None)
            if reader is not None and reader.name == name and not reader.closed:
                break
            if reader is not None:
                self._forget(reader)
                self._snapshot.reader = None
            try:
                reader = _SnapshotReader(self, name)
            except _SnapshotGone:
                continue
            with self._readers_lock:
                stale = [r for r in self._readers if r.name != name]
                self._readers.add(reader)
            for old in stale:  # other threads' readers of older snapshots, when idle: let them go
                old.close_if_idle()
                if old.closed:
                    self._forget(old)
            self._snapshot.reader = reader
            break
        else:
            return None
        if in_unit:
            unit.snapshot = reader
        return reader

    def _forget(self, reader: _SnapshotReader) -> None:
        reader.close_if_idle()
        with self._readers_lock:
            self._readers.discard(reader)

    def close_snapshot_readers(self) -> None:
        """Close every idle connection this Warehouse keeps to a snapshot (tests, shutdown)."""
        with self._readers_lock:
            readers = list(self._readers)
        for reader in readers:
            self._forget(reader)

    @contextmanager
    def building(self, what: str, publish) -> Iterator[duckdb.DuckDBPyConnection]:
        """A build's work, off the main file: yields a read-write connection (in a transaction) to
        a private copy of the warehouse; when the block ends normally, the copy becomes the
        current snapshot and `publish(con)` runs in one short write on the main file (the copy
        attached read-only as `published`) to bring the main file's marts up to date.

        Builds pass one at a time (a second waits for the first to publish, so it starts from
        its result and from everything saved meanwhile). The main file is held only twice, for
        a moment each: shared while it is copied (saves wait for the copy), exclusive while
        `publish` runs. A failure anywhere publishes nothing: the previous snapshot stays current.
        """
        self._end_unit()
        deadline = time.monotonic() + max(self.lock_timeout, BUILD_WAIT_SECONDS)
        with self._flock(self._build_lock_path, fcntl.LOCK_EX, what, deadline):
            self._remove_leftovers()
            name = self._snapshot_name()
            work = self.path.with_name(f"{self.path.stem}.build-{uuid.uuid4().hex[:12]}{self.path.suffix}")
            try:
                with self._shared(what) as read_deadline:  # the copy: writers wait for it only
                    if not self.path.exists():
                        raise WarehouseMissing(f"L'entrepôt {self.path} n'existe pas encore.")
                    shutil.copyfile(self.path, work)
                    private_file(work)
                    if _wal(self.path).exists():  # left by a writer that died: replayed on open
                        shutil.copyfile(_wal(self.path), _wal(work))
                        private_file(_wal(work))
                con = self._connect(False, what, read_deadline, path=work)
                try:
                    con.begin()
                    yield con
                    con.commit()
                    con.execute("CHECKPOINT")
                finally:
                    con.close()
                private_file(work)
                _wal(work).unlink(missing_ok=True)
                snapshot = self.snapshot_path(name)
                os.replace(work, snapshot)
                lock = _snapshot_lock(snapshot)
                os.close(os.open(lock, os.O_RDWR | os.O_CREAT, PRIVATE_FILE_MODE))
                try:
                    self._publish(name, what, publish)
                except BaseException:
                    _remove_snapshot(snapshot)
                    raise
            finally:
                work.unlink(missing_ok=True)
                _wal(work).unlink(missing_ok=True)
            self.remove_old_snapshots()

    def _publish(self, name: str, what: str, publish) -> None:
        """Bring the main file up to date and switch the pointer, under the writer's lock: a reader
        of the main file sees the old pair (main, snapshot) or the new one."""
        with self.exclusive(what) as deadline:
            con = self._connect(False, what, deadline)
            self._make_private()
            try:
                con.execute(f"ATTACH '{_quoted(self.snapshot_path(name))}' AS published (READ_ONLY)")
                con.begin()
                try:
                    publish(con)
                except BaseException:
                    con.rollback()
                    raise
                con.commit()
                con.execute("DETACH published")
            finally:
                con.close()
            self._make_private()
            aside = self._pointer_path.with_name(self._pointer_path.name + f".{uuid.uuid4().hex[:8]}")
            aside.write_text(name)
            private_file(aside)
            os.replace(aside, self._pointer_path)  # the atomic switch

    def unpublish(self) -> None:
        """Pages read the main file again until the next build (after a restore put another file
        back: the snapshot no longer matches it)."""
        self._pointer_path.unlink(missing_ok=True)
        self.remove_old_snapshots()

    def remove_old_snapshots(self) -> list[str]:
        """Delete the snapshots no reader holds any more, except the current one; their names."""
        current = self.current_snapshot()
        removed = []
        for snapshot in sorted(self.path.parent.glob(f"{self.path.stem}.marts-*{self.path.suffix}")):
            if snapshot.name != current and _remove_snapshot(snapshot):
                removed.append(snapshot.name)
        return removed

    def _remove_leftovers(self) -> None:
        """Working copies of builds that died (the caller holds the build lock: none is running)."""
        for work in self.path.parent.glob(f"{self.path.stem}.build-*"):
            work.unlink(missing_ok=True)


BUILD_WAIT_SECONDS = 300.0  # how long a build waits for another one to publish


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


def _snapshot_lock(snapshot: Path) -> Path:
    return snapshot.with_name(snapshot.name + ".lock")


def _remove_snapshot(snapshot: Path) -> bool:
    """Delete a snapshot if no process reads it (its readers hold a shared flock on its lock file)."""
    lock = _snapshot_lock(snapshot)
    try:
        fd = os.open(lock, os.O_RDWR)
    except FileNotFoundError:
        fd = None  # never published (a publish that failed) or half removed
    try:
        if fd is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False  # somebody still reads it: a later build removes it
        snapshot.unlink(missing_ok=True)
        _wal(snapshot).unlink(missing_ok=True)
        lock.unlink(missing_ok=True)
        return True
    finally:
        if fd is not None:
            os.close(fd)


class _SnapshotGone(Exception):
    pass


class _SnapshotReader:
    """A read-only connection to one published snapshot, with the shared flock on its lock file
    that keeps builders from deleting it while it is open. Used by one thread at a time."""

    def __init__(self, warehouse: Warehouse, name: str):
        self.name = name
        self.closed = False
        self._busy = 0
        self._lock = threading.Lock()
        path = warehouse.snapshot_path(name)
        try:
            self._fd = os.open(_snapshot_lock(path), os.O_RDONLY)
        except FileNotFoundError:
            raise _SnapshotGone from None
        try:
            fcntl.flock(self._fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            if os.fstat(self._fd).st_nlink == 0:  # removed between the open and the lock
                raise _SnapshotGone
            self._con = duckdb.connect(str(path), read_only=True)
        except (BlockingIOError, _SnapshotGone, duckdb.IOException):
            os.close(self._fd)
            raise _SnapshotGone from None
        except BaseException:
            os.close(self._fd)
            raise

    @contextmanager
    def using(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._lock:
            if self.closed:
                raise _SnapshotGone
            self._busy += 1
        try:
            yield self._con
        finally:
            with self._lock:
                self._busy -= 1

    def close_if_idle(self) -> None:
        with self._lock:
            if self.closed or self._busy:
                return
            self.closed = True
        try:
            self._con.close()
        finally:
            os.close(self._fd)

    def __del__(self):
        try:
            self.close_if_idle()
        except Exception:
            pass


class _HeldRead:
    """A unit of work's reader's place (taken at once) and its connection (opened when needed)."""

    def __init__(self, warehouse: Warehouse, what: str):
        self._warehouse, self._what = warehouse, what
        self._stack = ExitStack()
        self._deadline = self._stack.enter_context(warehouse._shared(what))
        self.version = warehouse._main_version()  # stable while the place is held: no write can pass
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
