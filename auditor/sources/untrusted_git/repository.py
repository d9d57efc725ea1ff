"""One untrusted repository opened read-only: its git directory, object store, refs and index, through
the one object the sources use."""

from __future__ import annotations

from collections.abc import Iterator

from auditor.sources.untrusted_git import index_file, refs, trees
from auditor.sources.untrusted_git.index_file import Index
from auditor.sources.untrusted_git.layout import CHUNK, GitDir
from auditor.sources.untrusted_git.objects import ObjectInfo, ObjectStore
from auditor.sources.untrusted_git.trees import TreeEntry


class GitRepository:
    """An untrusted repository opened read-only: objects, refs and the index, nothing else.

    `findings` collects what was refused or ignored (links out of the release, alternates) while
    reading, for the report."""

    def __init__(self, root: str, git_dir: str) -> None:
        self._dir = GitDir(root, git_dir)
        self._objects = ObjectStore(self._dir)
        self.findings = self._dir.findings

    def info(self, binsha: bytes) -> ObjectInfo:
        return self._objects.info(binsha)

    def read(self, binsha: bytes, offset: int, length: int) -> bytes:
        """At most `length` bytes of the object's content from `offset` (see ObjectStore.read)."""
        return self._objects.read(binsha, offset, length)

    def chunks(self, binsha: bytes, chunk: int = CHUNK) -> Iterator[bytes]:
        """The whole content, streamed (for hashing)."""
        return self._objects.chunks(binsha, chunk)

    def walk(self, tree: bytes) -> Iterator[TreeEntry]:
        """Every entry below `tree` but its folders, with paths from the tree's root."""
        return trees.walk(self._objects, tree)

    def tree_of(self, commit: bytes) -> bytes:
        return trees.commit_fields(self._objects, commit)[0]

    def resolve(self, revision: str) -> bytes:
        """The commit `revision` names (see refs.resolve)."""
        return refs.resolve(self._dir, self._objects, revision)

    def metadata(self, relative: str, limit: int) -> bytes | None:
        """A file of the git directory (e.g. `info/exclude`), or None (see GitDir.metadata)."""
        return self._dir.metadata(relative, limit)

    def read_index(self) -> Index:
        """The index (`.git/index`), parsed; empty when there is none."""
        return index_file.read_index(self._dir)
