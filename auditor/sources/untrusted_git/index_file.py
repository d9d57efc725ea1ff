"""The index (`.git/index`, versions 2 to 4) parsed for the working-tree check: checked against its
checksum, bounded in size, every path kept inside the working tree. Nothing is ever written."""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass

from auditor.sources.untrusted_git.layout import GitDir, GitError
from auditor.sources.untrusted_git.trees import TREE_MODE

MAX_INDEX = 64 * 1024 * 1024

_ENTRY = struct.Struct(">10I20sH")
_EXTENDED = 0x4000
_SKIP_WORKTREE = 0x4000
_INTENT_TO_ADD = 0x2000


@dataclass(frozen=True)
class IndexEntry:
    path: str
    mode: int
    binsha: bytes
    size: int
    """The file's size when it was last staged, modulo 2**32 (the index keeps 32 bits)."""
    mtime: tuple[int, int]
    """Seconds (modulo 2**32) and nanoseconds of the file's mtime when it was last staged."""
    stage: int
    """Non-zero while a merge conflict is unresolved."""
    skip_worktree: bool
    """Sparse checkout: the file is deliberately absent from the working tree."""
    intent_to_add: bool
    """`git add -N`: the path is announced, its content is not staged."""


@dataclass(frozen=True)
class Index:
    entries: tuple[IndexEntry, ...]
    mtime_ns: int
    """When the index file was written: stat data from that same second cannot be trusted (racy git)."""


def read_index(git_dir: GitDir) -> Index:
    """The index, parsed; empty when there is none."""
    found = git_dir.metadata_file("index", MAX_INDEX)
    if found is None:
        return Index((), 0)
    data, mtime_ns = found
    try:
        return Index(_index_entries(data), mtime_ns)
    except (IndexError, ValueError, struct.error) as error:
        raise GitError(f"the index is damaged ({type(error).__name__})") from None


def _index_entries(data: bytes) -> tuple[IndexEntry, ...]:
    """The entries of an index file (versions 2, 3 and 4), checked against its trailing checksum."""
    if len(data) < 32 or data[:4] != b"DIRC":
        raise GitError("the index is not an index file")
    version, count = struct.unpack_from(">II", data, 4)
    if version not in (2, 3, 4):
        raise GitError(f"index version {version} is not supported")
    end = len(data) - 20
    if data[end:] != bytes(20) and hashlib.sha1(data[:end]).digest() != data[end:]:
        raise GitError("the index is damaged (its checksum does not match)")
    if count * (_ENTRY.size + 2) > end:
        raise GitError(f"the index claims {count:,} entries, more than its size can hold")
    entries = []
    position, previous = 12, b""
    for _ in range(count):
        *stat_data, binsha, flags = _ENTRY.unpack_from(data, position)
        cursor = position + _ENTRY.size
        extended = 0
        if flags & _EXTENDED:
            extended = struct.unpack_from(">H", data, cursor)[0]
            cursor += 2
        if version == 4:
            strip, cursor = _varint(data, cursor)
            nul = data.index(b"\0", cursor, end)
            if strip > len(previous):
                raise GitError("the index is damaged (a path prefix longer than the previous path)")
            path = previous[:len(previous) - strip] + data[cursor:nul]
            cursor = nul + 1
        else:
            nul = data.index(b"\0", cursor, end)
            path = data[cursor:nul]
            cursor = position + ((nul - position) // 8 + 1) * 8  # 1 to 8 NULs pad an entry to 8 bytes
        previous, position = path, cursor
        mode = stat_data[6]
        entries.append(IndexEntry(_index_path(path, mode), mode, binsha, stat_data[9], (stat_data[2], stat_data[3]),
                                  (flags >> 12) & 3, bool(extended & _SKIP_WORKTREE), bool(extended & _INTENT_TO_ADD)))
    while position + 8 <= end:
        signature, size = struct.unpack_from(">4sI", data, position)
        if signature == b"link":
            raise GitError("a split index is not supported")
        position += 8 + size
    return tuple(entries)


def _varint(data: bytes, position: int) -> tuple[int, int]:
    """git's offset varint (index v4 path prefixes), at most 8 bytes: the value and the position after it."""
    value = -1
    for offset in range(8):
        byte = data[position + offset]
        value = ((value + 1) << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value, position + offset + 1
    raise GitError("the index is damaged (an overlong number)")


def _index_path(raw: bytes, mode: int) -> str:
    """An index path, refused unless it names a place inside the working tree."""
    path = raw.decode("utf-8", "surrogateescape")
    # A sparse index keeps whole folders as one entry, named with a trailing slash.
    parts = (path[:-1] if mode == TREE_MODE and path.endswith("/") else path).split("/")
    if any(part in ("", ".", "..") or part.lower() == ".git" for part in parts):
        raise GitError("the index is damaged (an entry's path leaves the working tree)")
    return path
