"""Commit, tag and tree objects parsed: a commit's tree and parents, a tag's target, and a tree walked
to its files, bounded in depth and in entries."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from auditor.sources.untrusted_git.layout import GitError
from auditor.sources.untrusted_git.objects import HEX_SHA, ObjectStore

LINK_MODE = 0o120000
SUBMODULE_MODE = 0o160000
TREE_MODE = 0o040000

MAX_TREE_OBJECT = 64 * 1024 * 1024
MAX_TREE_ENTRIES = 1_000_000
MAX_TREE_DEPTH = 4096
"""git's own limit (core.maxTreeDepth); a deeper tree is a loop made by an object file that lies."""
HEADER_BYTES = 64 * 1024
"""A commit's or a tag's header lines (tree, parents, object) come first; more is its message."""

@dataclass(frozen=True)
class TreeEntry:
    """A file, link or submodule of a tree (folders are walked into, not listed)."""

    path: str
    """From the tree's root, `/`-separated."""
    mode: int
    binsha: bytes


def walk(objects: ObjectStore, tree: bytes) -> Iterator[TreeEntry]:
    """Every entry below `tree` but its folders, with paths from the tree's root."""
    stack = [("", tree, 0)]
    count = 0
    while stack:
        folder, binsha, depth = stack.pop()
        if depth > MAX_TREE_DEPTH:
            raise GitError(f"trees nested deeper than {MAX_TREE_DEPTH} (a loop?)")
        for mode, name, child in _tree_entries(objects.content(binsha, "tree", MAX_TREE_OBJECT)):
            count += 1
            if count > MAX_TREE_ENTRIES:
                raise GitError(f"the tree has more than {MAX_TREE_ENTRIES:,} entries")
            path = f"{folder}/{name}" if folder else name
            if mode == TREE_MODE:
                stack.append((path, child, depth + 1))
            else:
                yield TreeEntry(path, mode, child)


def commit_fields(objects: ObjectStore, commit: bytes) -> tuple[bytes, list[bytes]]:
    """The commit's tree and parents."""
    header = objects.content(commit, "commit", HEADER_BYTES).partition(b"\n\n")[0].split(b"\n")
    fields = [line.partition(b" ") for line in header]
    trees = [value for key, _, value in fields if key == b"tree"]
    parents = [value for key, _, value in fields if key == b"parent"]
    if not trees or not all(HEX_SHA.fullmatch(value.decode("latin-1")) for value in trees + parents):
        raise GitError(f"commit {commit.hex()} is malformed")
    return bytes.fromhex(trees[0].decode()), [bytes.fromhex(value.decode()) for value in parents]


def tag_target(objects: ObjectStore, tag: bytes) -> bytes:
    """The object an annotated tag names (its first header line, `object <id>`)."""
    target = objects.content(tag, "tag", HEADER_BYTES).split(b"\n", 1)[0]
    if not (target.startswith(b"object ") and HEX_SHA.fullmatch(target[7:].decode("latin-1"))):
        raise GitError(f"tag {tag.hex()} is malformed")
    return bytes.fromhex(target[7:].decode())


_MODE = re.compile(rb"[0-7]{5,6}")


def _tree_entries(data: bytes) -> Iterator[tuple[int, str, bytes]]:
    """(mode, name, id) of each entry of a tree object: `mode SP name NUL 20-byte id`."""
    position = 0
    while position < len(data):
        space = data.find(b" ", position)
        end = data.find(b"\0", space + 1) if space >= 0 else -1
        if end < 0 or end + 21 > len(data) or not _MODE.fullmatch(data[position:space]):
            raise GitError("a tree object is malformed")
        name = data[space + 1:end]
        if name in (b"", b".", b"..") or b"/" in name:
            raise GitError("a tree entry has an invalid name")
        yield int(data[position:space], 8), name.decode("utf-8", "surrogateescape"), data[end + 1:end + 21]
        position = end + 21
