"""A content-addressed cache of per-file results, so a second audit only analyses what changed.

An entry's key is the SHA-256 of the tool version, the rules' version (the digest of this
package's code and data files, so a changed rule never reads what its old code wrote, even
between releases of one version number), the analysis, what else the result depends on (a file's
name stem), and the file's content. Entries are rows of one SQLite database in the user cache
directory (`OSAID_AUDIT_CACHE`, else `$XDG_CACHE_HOME/osaid-audit`, else `~/.cache/osaid-audit`):
one file, not one per entry, because creating thousands of small files costs more than the
analysis it saves. SQLite's locking and write-ahead log make concurrent audits safe; an entry
that is too large, not JSON, stored under another key, or not what the analysis decodes is
ignored and rewritten, and a database that is not one (damaged, or another program's file) is
replaced. Nothing in the cache is trusted beyond what the key and the decoder check.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from auditor import __version__
from auditor.result_codec import decode, encode

T = TypeVar("T")
DATABASE = "results.sqlite3"
MAX_ENTRY_BYTES = 1024 * 1024
"""A per-file result is a few hundred bytes; a larger entry is not ours."""
FLUSH_ROWS = 2_000
BUSY_SECONDS = 5.0
"""How long to wait for another audit's write; after that this audit goes on uncached."""

_ACTIVE: ContextVar[Path | None] = ContextVar("result_cache_folder", default=None)


@contextlib.contextmanager
def caching_in(folder: Path | None) -> Iterator[None]:
    """Within this block, analyses deep in a stage (a licence text's, a data file's validation) use
    the cache in `folder`; None, the default, is no cache."""
    token = _ACTIVE.set(folder)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def active_cache_folder() -> Path | None:
    return _ACTIVE.get()


CACHE_ENV = "OSAID_AUDIT_CACHE"


def default_cache_folder() -> Path:
    """The user cache directory (shared with the licence reference index): $OSAID_AUDIT_CACHE, else
    $XDG_CACHE_HOME/osaid-audit, else ~/.cache/osaid-audit."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "osaid-audit"


@functools.cache
def rules_version() -> str:
    """The digest of every module and data file of this package (about 1.5 MB: milliseconds)."""
    package = Path(__file__).parent
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(package.rglob("*")):
        relative = path.relative_to(package)
        if path.is_file() and (path.suffix == ".py" or relative.parts[0] == "data"):
            digest.update(str(relative).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


class _Database:
    """One connection per cache folder per process, opened on first use; None once it failed. A
    lock serialises its use across threads (a connection is not safe to share otherwise)."""

    _open: dict[Path, sqlite3.Connection | None] = {}
    lock = threading.Lock()
    pending: dict[Path, dict[tuple[str, str], str]] = {}
    """Rows not yet written, by folder: one transaction per FLUSH_ROWS, not one per file."""

    @classmethod
    def write(cls, folder: Path, rows: list[tuple[str, str, str]]) -> None:
        with cls.lock:
            waiting = cls.pending.setdefault(folder, {})
            waiting.update(((analysis, key), value) for analysis, key, value in rows)
            full = len(waiting) >= FLUSH_ROWS
        if full:
            cls.flush()

    @classmethod
    def flush(cls) -> None:
        """Write every pending row (at the end of an audit, when enough are waiting, at exit)."""
        with cls.lock:
            pending, cls.pending = cls.pending, {}
            for folder, rows in pending.items():
                connection = cls._open.get(folder)
                if connection is None or not rows:
                    continue
                try:
                    with connection:
                        connection.execute("BEGIN IMMEDIATE")
                        connection.executemany("INSERT OR REPLACE INTO results VALUES (?, ?, ?)",
                                               [(analysis, key, value) for (analysis, key), value in rows.items()])
                except sqlite3.Error as error:
                    # Busy past BUSY_SECONDS, read-only or full: these results are lost, the audit
                    # goes on. A damaged file, or one that is not a database: replace it.
                    if type(error) is sqlite3.DatabaseError:
                        cls.failed(folder)

    @classmethod
    def of(cls, folder: Path) -> sqlite3.Connection | None:
        if folder not in cls._open:
            cls._open[folder] = cls._connect(folder)
            if cls._open[folder] is not None and len(cls._open) == 1:
                atexit.register(cls.flush)
        return cls._open[folder]

    @classmethod
    def failed(cls, folder: Path) -> None:
        """A query failed: the file is damaged or not a database. Replace it once, else go uncached."""
        connection = cls._open.get(folder)
        cls._open[folder] = None
        if connection is not None:
            with contextlib.suppress(sqlite3.Error):
                connection.close()
            cls._remove(folder)
            cls._open[folder] = cls._connect(folder)

    @classmethod
    def _connect(cls, folder: Path, again: bool = True) -> sqlite3.Connection | None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / DATABASE
            if path.is_symlink() or (path.exists() and not path.is_file()):
                return None  # never follow a link out of the cache, nor open a device
            connection = sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None, check_same_thread=False)
        except (OSError, sqlite3.Error):
            return None
        try:
            # Write-ahead log, no sync per commit: a cache may lose its last entries in a crash,
            # never its consistency.
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute("CREATE TABLE IF NOT EXISTS results (analysis TEXT NOT NULL, key TEXT NOT NULL, "
                               "value TEXT NOT NULL, PRIMARY KEY (analysis, key)) WITHOUT ROWID")
            return connection
        except sqlite3.Error as error:
            connection.close()
            if type(error) is sqlite3.DatabaseError and again:  # not a database: start a new one
                cls._remove(folder)
                return cls._connect(folder, again=False)
            return None

    @staticmethod
    def _remove(folder: Path) -> None:
        for name in (DATABASE, DATABASE + "-wal", DATABASE + "-shm"):
            with contextlib.suppress(OSError):
                (folder / name).unlink()


def flush_results() -> None:
    """Write the results this process has not written yet (the end of an audit calls it)."""
    _Database.flush()


@dataclass(frozen=True)
class ResultCache(Generic[T]):
    """Results of one analysis, by the content they were computed from."""

    folder: Path | None
    """None: caching off (`--no-cache`)."""
    analysis: str
    kind: Any
    """The result's type (a frozen dataclass, a tuple of them, optional): entries are decoded to it
    strictly (`result_codec`), and one that does not fit is not found."""
    max_entry_bytes: int = MAX_ENTRY_BYTES
    """An entry larger than this is neither written nor read (a whole report may be larger)."""

    def key(self, content: str, *context: str) -> str:
        digest = hashlib.sha256()
        for part in (__version__, rules_version(), self.analysis, *context):
            digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
        digest.update(content.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def get(self, key: str) -> tuple[bool, T | None]:
        """(found, result); a missing, corrupt or foreign entry is not found."""
        connection = self._connection()
        if connection is None:
            return False, None
        try:
            with _Database.lock:
                waiting = _Database.pending.get(self.folder, {}).get((self.analysis, key))  # type: ignore[arg-type]
                row = (waiting,) if waiting is not None else connection.execute(
                    "SELECT value FROM results WHERE analysis = ? AND key = ?", (self.analysis, key)).fetchone()
        except sqlite3.Error as error:
            self._failed(error)
            return False, None
        if row is None or not isinstance(row[0], str) or len(row[0]) > self.max_entry_bytes:
            return False, None
        try:
            entry = json.loads(row[0])
            if not isinstance(entry, dict) or entry.get("key") != key:
                return False, None
            return True, decode(self.kind, entry["result"])
        except (ValueError, KeyError, TypeError, IndexError, RecursionError):
            return False, None

    def put(self, key: str, result: T) -> None:
        self.put_many([(key, result)])

    def put_many(self, entries: list[tuple[str, T]]) -> None:
        """Store results (written in batches, and by `flush_results`); a cache that cannot be
        written is passed over."""
        if self.folder is None or not entries or self._connection() is None:
            return
        rows = [(self.analysis, key, json.dumps({"key": key, "result": encode(result)}, separators=(",", ":")))
                for key, result in entries]
        _Database.write(self.folder, [row for row in rows if len(row[2]) <= self.max_entry_bytes])

    def computed(self, content: str, context: tuple[str, ...], compute: Callable[[], T]) -> T:
        """The cached result for `content` (and `context`), else `compute()`, stored for next time."""
        key = self.key(content, *context)
        found, result = self.get(key)
        if found:
            return result  # type: ignore[return-value]  # decoded to `kind`, which is T
        result = compute()
        self.put(key, result)
        return result

    def _failed(self, error: sqlite3.Error) -> None:
        # Busy past BUSY_SECONDS, read-only or full: go on uncached. A damaged file or one that is not
        # a database (plain DatabaseError, not a subclass): replace it.
        if type(error) is sqlite3.DatabaseError and self.folder is not None:
            with _Database.lock:
                _Database.failed(self.folder)

    def _connection(self) -> sqlite3.Connection | None:
        return None if self.folder is None else _Database.of(self.folder)
