"""The object store: loose objects and packs, read through gitdb's stream readers but opened and
walked here, so that no link is followed, no FIFO blocks and every delta chain is bounded."""

from __future__ import annotations

import bisect
import hashlib
import mmap
import os
import re
import stat
import struct
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

from gitdb.base import OPackInfo
from gitdb.exc import ODBError
from gitdb.fun import OFS_DELTA, REF_DELTA, msb_size, type_id_to_type_map
from gitdb.pack import PackEntity
from gitdb.stream import DecompressMemMapReader, DeltaApplyReader

from auditor.sources.untrusted_git.layout import (
    CHUNK,
    DIR_FLAGS,
    OPEN_FLAGS,
    GitDir,
    GitError,
    MissingObjectError,
    RevisionError,
    inside,
)

MAX_DELTA_DEPTH = 4096
"""Above git's deepest chain (`--depth` 4095)."""
MAX_DELTA_MEMORY = 256 * 1024 * 1024
"""gitdb rebuilds a delta object in memory: base, deltas and result. git never deltas big files."""

HEX_SHA = re.compile(r"[0-9a-f]{40}")
# gitdb's parsers raise whatever they hit on damaged data; these are caught where gitdb is called.
_DAMAGE = (ODBError, zlib.error, ValueError, TypeError, IndexError, KeyError, struct.error, AssertionError,
           OverflowError, RecursionError, OSError)


@dataclass(frozen=True)
class ObjectInfo:
    kind: str
    """"blob", "tree", "commit" or "tag"."""
    size: int


def blob_sha(size: int, chunks: Iterator[bytes] | list[bytes]) -> bytes:
    """The id git gives a blob of `size` bytes with this content."""
    digest = hashlib.sha1(b"blob %d\0" % size)
    for chunk in chunks:
        digest.update(chunk)
    return digest.digest()


class _Reader(Protocol):
    def read(self, size: int = -1) -> bytes: ...


@dataclass(frozen=True)
class _Refused:
    """Stands for an object whose content is not read; reading it says why."""

    reason: str

    def read(self, size: int = -1) -> bytes:
        raise GitError(self.reason)


@contextmanager
def _reading(what: str) -> Iterator[None]:
    try:
        yield
    except GitError:
        raise
    except _DAMAGE as error:
        raise GitError(f"{what} is damaged ({type(error).__name__})") from None


class ObjectStore:
    """The objects of `git_dir`: its loose object files and its packs, never its alternates."""

    def __init__(self, git_dir: GitDir) -> None:
        self._dir = git_dir
        self._lock = threading.Lock()
        self._objects = os.path.join(git_dir.path, "objects")
        self._packs: list[PackEntity] = []
        if not os.path.isdir(self._objects):
            return
        if not inside(git_dir.root, self._objects):
            git_dir.refuse(self._objects, "the object store is a link out of the release")
            return
        for name in ("info/alternates", "info/http-alternates"):
            if os.path.lexists(os.path.join(self._objects, name)):
                git_dir.refuse(os.path.join(self._objects, name),
                               "alternates name object stores of other repositories: objects there are not read")
        self._packs = self._open_packs(os.path.join(self._objects, "pack"))

    def info(self, binsha: bytes) -> ObjectInfo:
        with _reading(f"object {binsha.hex()}"):
            return self._open(binsha)[0]

    def read(self, binsha: bytes, offset: int, length: int) -> bytes:
        """At most `length` bytes of the object's content from `offset`: decompressed from the start and
        stopped once the slice is read, so a 10 GB blob's header costs only its header."""
        with _reading(f"object {binsha.hex()}"):
            _, reader = self._open(binsha)
            while offset > 0:
                skipped = reader.read(min(offset, CHUNK))
                if not skipped:
                    return b""
                offset -= len(skipped)
            return reader.read(length) if length > 0 else b""

    def chunks(self, binsha: bytes, chunk: int = CHUNK) -> Iterator[bytes]:
        """The whole content, streamed (for hashing)."""
        with _reading(f"object {binsha.hex()}"):
            _, reader = self._open(binsha)
            while data := reader.read(chunk):
                yield data

    def content(self, binsha: bytes, kind: str, limit: int) -> bytes:
        """The first `limit` bytes of an object that must be of `kind`."""
        with _reading(f"object {binsha.hex()}"):
            info, reader = self._open(binsha)
            if info.kind != kind:
                raise GitError(f"object {binsha.hex()} is a {info.kind}, not a {kind}")
            return reader.read(min(info.size, limit))

    def expand(self, prefix: str) -> bytes:
        """The one object whose id starts with `prefix` (4 to 40 hex digits)."""
        prefix = prefix.lower()
        found: set[bytes] = set()
        try:
            folder = os.open(os.path.join(self._objects, prefix[:2]), DIR_FLAGS)
        except OSError:
            names = []
        else:
            try:
                names = os.listdir(folder)
            finally:
                os.close(folder)
        found.update(bytes.fromhex(prefix[:2] + name) for name in names
                     if len(name) == 38 and name.startswith(prefix[2:]) and HEX_SHA.fullmatch(prefix[:2] + name))
        low = bytes.fromhex(prefix.ljust(40, "0"))
        with _reading("a pack index"):
            for entity in self._packs:
                index = entity.index()
                position = bisect.bisect_left(range(index.size()), low, key=index.sha)
                for candidate in range(position, min(position + 2, index.size())):
                    if index.sha(candidate).hex().startswith(prefix):
                        found.add(index.sha(candidate))
        if len(found) > 1:
            raise RevisionError("is ambiguous")
        if not found:
            raise RevisionError("not found")
        return found.pop()

    def _open(self, binsha: bytes) -> tuple[ObjectInfo, _Reader]:
        """The object's kind and size, and a reader of its content. Locked: gitdb's pack cursors and
        memory maps are shared and not thread-safe (--verify-hashes reads in threads); the readers are
        independent once made."""
        with self._lock:
            loose = self._loose(binsha)
            if loose is not None:
                kind, size, reader = DecompressMemMapReader.new(loose, close_on_deletion=True)
                return ObjectInfo(_kind(kind), size), reader
            entity, offsets, chain = self._packed(binsha)
            pack = entity.pack()
            kind = _kind(type_id_to_type_map[chain[-1].type_id])
            if len(offsets) == 1:
                return ObjectInfo(kind, chain[0].size), pack.stream(offsets[0])
            header = pack.stream(offsets[0]).read(512)  # the delta's base size, then its result's size
            info = ObjectInfo(kind, msb_size(header, msb_size(header)[0])[1])
            if sum(link.size for link in chain) + info.size > MAX_DELTA_MEMORY:
                return info, _Refused(f"object {binsha.hex()} is a delta chain too large to rebuild in bounded "
                                      "memory")
            return info, DeltaApplyReader.new([pack.stream(offset) for offset in offsets])

    def _loose(self, binsha: bytes) -> mmap.mmap | None:
        """The loose object file, mapped; None when there is none. Neither its folder nor the file may be
        a link (git never makes one), and a FIFO is refused without blocking."""
        hexsha = binsha.hex()
        try:
            folder = os.open(os.path.join(self._objects, hexsha[:2]), DIR_FLAGS)
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as error:
            return self._unreadable(os.path.join(self._objects, hexsha[:2]), error)
        try:
            fd = os.open(hexsha[2:], OPEN_FLAGS, dir_fd=folder)
        except FileNotFoundError:
            return None
        except OSError as error:
            return self._unreadable(os.path.join(self._objects, hexsha[:2], hexsha[2:]), error)
        finally:
            os.close(folder)
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise GitError(f"object {hexsha} is not a regular file")
            return mmap.mmap(fd, 0, access=mmap.ACCESS_READ)
        finally:
            os.close(fd)

    def _unreadable(self, path: str, error: OSError) -> None:
        if os.path.islink(path):
            self._dir.refuse(path, "a link in the object store")
            return None
        raise GitError(f"{self._dir.shown(path)} cannot be read ({error.strerror})")

    def _open_packs(self, folder: str) -> list[PackEntity]:
        """gitdb entities for the packs whose pack and index are regular files (not links), by name."""
        if not os.path.isdir(folder):
            return []
        if not inside(self._dir.root, folder):
            self._dir.refuse(folder, "the pack folder is a link out of the release")
            return []
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            return []
        packs = []
        for name in names:
            if not (name.startswith("pack-") and name.endswith(".pack")):
                continue
            paths = [os.path.join(folder, name), os.path.join(folder, name[:-5] + ".idx")]
            modes = [_lstat_mode(path) for path in paths]
            if any(stat.S_ISLNK(mode) for mode in modes):
                self._dir.refuse(paths[0], "a link in the pack folder")
            elif all(stat.S_ISREG(mode) for mode in modes):
                packs.append(PackEntity(paths[0]))
        return packs

    def _packed(self, binsha: bytes) -> tuple[PackEntity, list[int], list[OPackInfo]]:
        """The pack holding the object, its delta chain's offsets (the object first, its base last) and
        their pack infos. The chain is walked here, bounded: gitdb's own walk trusts the pack."""
        for entity in self._packs:
            index = entity.index()
            position = index.sha_to_index(binsha)
            if position is None:
                continue
            pack = entity.pack()
            offsets = [index.offset(position)]
            chain: list[OPackInfo] = []
            while True:
                info = pack.info(offsets[-1])
                chain.append(info)
                if info.type_id == OFS_DELTA:
                    base = offsets[-1] - info.delta_info
                    if not 0 < base < offsets[-1]:
                        raise GitError(f"object {binsha.hex()} has a delta base that is not before it")
                elif info.type_id == REF_DELTA:
                    base_position = index.sha_to_index(bytes(info.delta_info))
                    if base_position is None:
                        raise MissingObjectError(f"object {binsha.hex()} is a delta of a missing object")
                    base = index.offset(base_position)
                else:
                    return entity, offsets, chain
                if len(offsets) > MAX_DELTA_DEPTH:
                    raise GitError(f"object {binsha.hex()} has a delta chain deeper than {MAX_DELTA_DEPTH}")
                offsets.append(base)
        raise MissingObjectError(f"object {binsha.hex()} is missing")


def _kind(kind: bytes | str) -> str:
    return kind.decode("ascii") if isinstance(kind, bytes) else kind


def _lstat_mode(path: str) -> int:
    try:
        return os.lstat(path).st_mode
    except OSError:
        return 0
