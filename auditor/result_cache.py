"""A content-addressed cache of per-file results, so a second audit only analyses what changed.

An entry's key is the SHA-256 of the tool version, the rules' version (the digest of this
package's code and data files, so a changed rule never reads what its old code wrote, even
between releases of one version number), the analysis, what else the result depends on (a file's
name stem), and the file's content. Entries live under the user cache directory (`OSAID_AUDIT_CACHE`, else
`$XDG_CACHE_HOME/osaid-audit`, else `~/.cache/osaid-audit`), one small JSON file each, written to
a temporary name and renamed into place, so concurrent audits never see half an entry. An entry
that is unreadable, not JSON, for another key, or not what the analysis decodes, is ignored and
rewritten: nothing in the cache is trusted beyond what the key and the decoder check.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from auditor import __version__
from auditor.result_codec import decode, encode

T = TypeVar("T")
MAX_ENTRY_BYTES = 1024 * 1024
"""A per-file result is a few hundred bytes; a larger entry is not ours."""


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


def default_cache_folder() -> Path:
    """The user cache directory (shared with the licence reference index)."""
    from auditor.licenses.reference_index import cache_dir

    return cache_dir()


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


@dataclass(frozen=True)
class ResultCache(Generic[T]):
    """Results of one analysis, by the content they were computed from."""

    folder: Path | None
    """None: caching off (`--no-cache`)."""
    analysis: str
    kind: Any
    """The result's type (a frozen dataclass, a tuple of them, optional): entries are decoded to it
    strictly (`result_codec`), and one that does not fit is not found."""

    def key(self, content: str, *context: str) -> str:
        digest = hashlib.sha256()
        for part in (__version__, rules_version(), self.analysis, *context):
            digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
        digest.update(content.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def get(self, key: str) -> tuple[bool, T | None]:
        """(found, result); a missing, corrupt or foreign entry is not found."""
        path = self._path(key)
        if path is None:
            return False, None
        try:
            with path.open("rb") as handle:
                raw = handle.read(MAX_ENTRY_BYTES + 1)
            if len(raw) > MAX_ENTRY_BYTES:
                return False, None
            entry = json.loads(raw)
            if not isinstance(entry, dict) or entry.get("key") != key:
                return False, None
            return True, decode(self.kind, entry["result"])
        except (OSError, ValueError, KeyError, TypeError, IndexError, RecursionError):
            return False, None

    def computed(self, content: str, context: tuple[str, ...], compute: Callable[[], T]) -> T:
        """The cached result for `content` (and `context`), else `compute()`, stored for next time."""
        key = self.key(content, *context)
        found, result = self.get(key)
        if found:
            return result  # type: ignore[return-value]  # decoded to `kind`, which is T
        result = compute()
        self.put(key, result)
        return result

    def put(self, key: str, result: T) -> None:
        path = self._path(key)
        if path is None:
            return
        data = json.dumps({"key": key, "result": encode(result)}, separators=(",", ":"))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".entry-")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as out:
                    out.write(data)
                os.replace(temporary, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
        except OSError:
            pass  # a read-only or full cache directory: the audit goes on uncached

    def _path(self, key: str) -> Path | None:
        if self.folder is None:
            return None
        return self.folder / self.analysis / key[:2] / f"{key[2:]}.json"
