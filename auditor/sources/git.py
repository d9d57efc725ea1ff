"""A release as a revision (commit, tag or branch) of a git repository.

Files are read as blobs from the object store, never checked out: the working tree is not touched
and need not match the revision. No git program runs: the repository is read by
`untrusted_git`, which obeys none of its configuration, hooks or alternates. Git LFS pointer blobs
stay pointers (the weights detector reads their oid and size); submodules are external references
with their pinned commit.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterator
from pathlib import Path

from auditor.errors import BadTargetError, SourceUnavailableError
from auditor.escape import is_unusual, printable
from auditor.findings import Finding
from auditor.sources.interface import STREAM_CHUNK, Artifact, Inventory, Source, Target
from auditor.sources.untrusted_git import (
    LINK_MODE,
    SUBMODULE_MODE,
    GitError,
    GitRepository,
    MissingObjectError,
    NotFollowedError,
    RevisionError,
    find_git_dir,
)

_LINK_TARGET_LIMIT = 4096


class GitRevisionSource(Source):
    def __init__(self, path: str | Path, revision: str) -> None:
        shown = printable(str(path))
        if not os.path.exists(path):
            raise BadTargetError(f"{shown}: no such file or folder")
        root = os.path.realpath(path)
        try:
            git_dir = find_git_dir(root, bare=True) if os.path.isdir(root) else None
        except NotFollowedError as error:
            raise BadTargetError(f"{shown}: {error}; not followed (--rev reads only a .git folder inside "
                                 "the release)") from None
        except GitError as error:
            raise BadTargetError(f"{shown}: {error}") from None
        if git_dir is None or not os.path.lexists(os.path.join(git_dir, "HEAD")):
            raise BadTargetError(f"{shown}: not a git repository (--rev needs one)")
        self._repo = GitRepository(root, git_dir)
        try:
            self._commit = self._repo.resolve(revision)
        except RevisionError as error:
            refused = "".join(f" ({finding.path}: {finding.message})" for finding in self._repo.findings[:1])
            raise BadTargetError(f"{shown}: revision {printable(revision)!r} {error}{refused}") from None
        except GitError as error:
            raise SourceUnavailableError(f"{shown}: the object store is damaged ({error})") from None
        self._location = shown
        self._revision = revision
        self._blobs: dict[str, bytes] = {}

    def target(self) -> Target:
        return Target(kind="git", location=self._location, revision=self._revision, commit=self._commit.hex())

    def inventory(self) -> Inventory:
        artifacts: list[Artifact] = []
        findings: list[Finding] = []
        links: list[tuple[str, bytes]] = []
        sizes: dict[str, int] = {}
        submodules: dict[str, str] = {}
        try:
            entries = list(self._repo.walk(self._repo.tree_of(self._commit)))
        except GitError as error:
            raise SourceUnavailableError(f"{self._location}: the object store is damaged ({error})") from None
        for entry in entries:
            path = entry.path
            if is_unusual(posixpath.basename(path)):
                findings.append(Finding(path, "OSAID-A005", "file name has control characters or is not UTF-8"))
            if entry.mode == SUBMODULE_MODE:
                submodules[path] = entry.binsha.hex()
            elif entry.mode == LINK_MODE:
                links.append((path, entry.binsha))
            else:
                try:
                    sizes[path] = self._repo.info(entry.binsha).size
                except GitError as error:
                    findings.append(_unreadable(path, error))
                    continue
                self._blobs[path] = entry.binsha
                artifacts.append(Artifact(path, sizes[path], self))
        for path, binsha in links:
            artifact = self._resolve_link(path, binsha, sizes, findings)
            if artifact is not None:
                artifacts.append(artifact)
        findings += self._repo.findings
        return Inventory(self.target(), artifacts, findings, submodules=submodules)

    def _resolve_link(self, path: str, binsha: bytes, sizes: dict[str, int],
                      findings: list[Finding]) -> Artifact | None:
        """A link to a blob of the same tree stands for that blob; links are resolved in the tree only."""
        try:
            target = self._repo.read(binsha, 0, _LINK_TARGET_LIMIT).decode("utf-8", "surrogateescape")
        except GitError as error:
            findings.append(_unreadable(path, error))
            return None
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
        if target.startswith("/") or resolved.startswith(".."):
            findings.append(Finding(path, "OSAID-A001", "symbolic link points outside the release; not followed"))
            return None
        if resolved not in self._blobs:
            findings.append(Finding(path, "OSAID-A002", "symbolic link is broken or points to a folder; not followed"))
            return None
        self._blobs[path] = self._blobs[resolved]
        return Artifact(path, sizes[resolved], self)

    def read(self, artifact: Artifact, offset: int, length: int) -> bytes:
        try:
            return self._repo.read(self._blobs[artifact.path], offset, length)
        except GitError as error:
            raise OSError(0, str(error)) from None

    def stream(self, artifact: Artifact, chunk: int = STREAM_CHUNK) -> Iterator[bytes]:
        try:
            yield from self._repo.chunks(self._blobs[artifact.path], chunk)
        except GitError as error:
            artifact.read_error = str(error)


def _unreadable(path: str, error: GitError) -> Finding:
    if isinstance(error, MissingObjectError):
        return Finding(path, "OSAID-A004", "blob missing from the object store")
    return Finding(path, "OSAID-A004", f"blob unreadable: {error}")
