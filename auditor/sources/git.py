"""A release as a revision (commit, tag or branch) of a git repository.

Files are read as blobs from the object store, never checked out: the working tree is not touched
and need not match the revision. Nothing in the repository is executed: git runs no hooks or
filters for `cat-file` and tree listings. Git LFS pointer blobs stay pointers (the weights detector reads
their oid and size); submodules are external references with their pinned commit.
"""

from __future__ import annotations

import posixpath
import subprocess
from collections.abc import Iterator
from pathlib import Path

import git
from gitdb.exc import BadName, BadObject

from auditor.errors import BadTargetError, SourceUnavailableError
from auditor.escape import is_unusual, printable
from auditor.findings import Finding
from auditor.sources.interface import STREAM_CHUNK, Artifact, Inventory, Source, Target

_LINK_MODE = 0o120000
_SUBMODULE_MODE = 0o160000
_CHUNK = 1 << 20
STREAMED_LIMIT = 4 * 1024 * 1024
"""Blobs up to this size are read whole through the repository's shared `git cat-file --batch`."""


class GitRevisionSource(Source):
    def __init__(self, path: str | Path, revision: str) -> None:
        shown = printable(str(path))
        try:
            self._repo = git.Repo(path)
        except git.NoSuchPathError:
            raise BadTargetError(f"{shown}: no such file or folder") from None
        except git.InvalidGitRepositoryError:
            raise BadTargetError(f"{shown}: not a git repository (--rev needs one)") from None
        try:
            self._commit = self._repo.commit(revision)
        except (BadName, BadObject, ValueError, git.GitError):
            raise BadTargetError(f"{shown}: revision {printable(revision)!r} not found") from None
        self._location = shown
        self._revision = revision
        self._blobs: dict[str, bytes] = {}

    def target(self) -> Target:
        return Target(kind="git", location=self._location, revision=self._revision, commit=self._commit.hexsha)

    def inventory(self) -> Inventory:
        artifacts: list[Artifact] = []
        findings: list[Finding] = []
        links: list[tuple[str, bytes]] = []
        submodules: dict[str, str] = {}
        try:
            entries = list(self._commit.tree.traverse())
        except (BadObject, BadName, ValueError, OSError) as error:
            raise SourceUnavailableError(f"{self._location}: the object store is damaged "
                                         f"({type(error).__name__}: {error})") from None
        for entry in entries:
            path = entry.path
            if is_unusual(posixpath.basename(path)):
                findings.append(Finding(path, "OSAID-A005", "file name has control characters or is not UTF-8"))
            if entry.mode == _SUBMODULE_MODE:
                submodules[path] = entry.hexsha
            elif entry.type == "blob" and entry.mode == _LINK_MODE:
                links.append((path, entry.binsha))
            elif entry.type == "blob":
                try:
                    size = self._repo.odb.info(entry.binsha).size
                except (BadObject, ValueError, OSError):
                    findings.append(Finding(path, "OSAID-A004", "blob missing from the object store"))
                    continue
                self._blobs[path] = entry.binsha
                artifacts.append(Artifact(path, size, self))
        for path, binsha in links:
            artifact = self._resolve_link(path, binsha, findings)
            if artifact is not None:
                artifacts.append(artifact)
        return Inventory(self.target(), artifacts, findings, submodules=submodules)

    def _resolve_link(self, path: str, binsha: bytes, findings: list[Finding]) -> Artifact | None:
        target = self._repo.odb.stream(binsha).read()[:4096].decode("utf-8", "surrogateescape")
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
        if target.startswith("/") or resolved.startswith(".."):
            findings.append(Finding(path, "OSAID-A001", "symbolic link points outside the release; not followed"))
            return None
        if resolved not in self._blobs:
            findings.append(Finding(path, "OSAID-A002", "symbolic link is broken or points to a folder; not followed"))
            return None
        self._blobs[path] = self._blobs[resolved]
        return Artifact(path, self._repo.odb.info(self._blobs[resolved]).size, self)

    def read(self, artifact: Artifact, offset: int, length: int) -> bytes:
        binsha = self._blobs[artifact.path]
        if artifact.size <= STREAMED_LIMIT:
            try:
                return self._repo.odb.stream(binsha).read()[offset:offset + length]
            except (BadObject, ValueError, git.GitError) as error:
                raise OSError(0, f"blob missing from the object store ({error})") from None
        return self._read_large(binsha.hex(), offset, length)

    def stream(self, artifact: Artifact, chunk: int = STREAM_CHUNK) -> Iterator[bytes]:
        if artifact.size <= STREAMED_LIMIT:
            yield from super().stream(artifact, chunk)
            return
        with subprocess.Popen(["git", "-C", self._repo.git_dir, "cat-file", "blob",
                               self._blobs[artifact.path].hex()], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL) as process:
            assert process.stdout is not None
            while data := process.stdout.read(chunk):
                yield data

    def _read_large(self, hexsha: str, offset: int, length: int) -> bytes:
        """A slice of a big blob: `git cat-file` is stopped once the slice is read, so a header
        never costs the whole blob (the shared batch process would have to drain it)."""
        with subprocess.Popen(["git", "-C", self._repo.git_dir, "cat-file", "blob", hexsha],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as process:
            assert process.stdout is not None
            remaining, data = offset, b""
            while remaining > 0:
                skipped = process.stdout.read(min(remaining, _CHUNK))
                if not skipped:
                    break
                remaining -= len(skipped)
            if remaining <= 0:
                data = process.stdout.read(length)
            process.kill()
        return data
