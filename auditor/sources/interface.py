"""The source stage's interface: a `Source` lists `Artifact`s into an `Inventory`.

Artifacts give lazy, bounded access to their content: the first bytes, a byte range, and for small
files the text. Nothing ever reads a whole large file.
"""

from __future__ import annotations

import posixpath
import sys
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from auditor.findings import Finding

TEXT_LIMIT = 2 * 1024 * 1024
"""Files larger than this are never decoded as text."""
STREAM_CHUNK = 1024 * 1024
HEAD_BYTES = 4096
"""Enough for every magic number, an LFS pointer and an SPDX header."""


class ArtifactKind(StrEnum):
    FILE = "file"
    SPECIAL = "special"
    """FIFO, socket or device node: listed, never opened."""


@dataclass(frozen=True)
class Target:
    """What was audited, as recorded in the report."""

    kind: str
    location: str
    revision: str | None = None
    commit: str | None = None


class Source(ABC):
    """Reads a release. Implementations never write to it, never follow links out of it."""

    @abstractmethod
    def target(self) -> Target: ...

    @abstractmethod
    def inventory(self) -> Inventory: ...

    @abstractmethod
    def read(self, artifact: Artifact, offset: int, length: int) -> bytes:
        """At most `length` bytes of the artifact from `offset`; fewer at the end of the file."""

    def url(self, artifact: Artifact) -> str | None:
        """A URL for remote artifacts; None for local ones."""
        return None

    def identity(self, artifact: Artifact) -> str | None:
        """What changes whenever the file's content does, without reading it (a local file's size,
        times and inode); None where the source cannot tell."""
        return None

    def can_stream(self, artifact: Artifact) -> bool:
        """Whether `stream` reads the content without downloading it (false for remote sources)."""
        return True

    def stream(self, artifact: Artifact, chunk: int = STREAM_CHUNK) -> Iterator[bytes]:
        """The whole content in chunks, read once from start to end (for hashing)."""
        offset = 0
        while offset < artifact.size:
            data = artifact.read(offset, chunk)
            if not data:
                return
            offset += len(data)
            yield data


_UNREAD = object()


@dataclass(eq=False, slots=True, weakref_slot=True)
class Artifact:
    """One file of the release. `path` is POSIX and relative to the release root.

    Slotted and lean: a large release has hundreds of thousands of them. Content is read lazily and
    cached (the first 4 KiB, and the text of small text files) so detectors share one read.
    """

    path: str
    size: int
    source: Source = field(repr=False)
    kind: ArtifactKind = ArtifactKind.FILE
    digest: str | None = None
    """The content's sha256 when the source records it (a Hub LFS file), without reading it."""

    read_error: str | None = field(default=None, init=False)
    # Derived once: detectors ask for these hundreds of thousands of times on a large release.
    name: str = field(init=False, repr=False)
    folder: str = field(init=False, repr=False)
    suffix: str = field(init=False, repr=False)
    _head: bytes | None = field(default=None, init=False, repr=False)
    _text: object = field(default=_UNREAD, init=False, repr=False)

    def __post_init__(self) -> None:
        folder, self.name = posixpath.split(self.path)
        self.folder = sys.intern(folder)  # thousands of files share a folder name
        self.suffix = posixpath.splitext(self.name)[1].lower()

    def read(self, offset: int, length: int) -> bytes:
        """Bytes of the file; on an I/O error, no bytes and `read_error` says why."""
        if self.kind is not ArtifactKind.FILE or length <= 0:
            return b""
        try:
            return self.source.read(self, offset, length)
        except OSError as error:
            self.read_error = error.strerror or str(error)
            return b""

    @property
    def head(self) -> bytes:
        """The first 4 KiB (enough for every magic number and an LFS pointer)."""
        if self._head is None:
            self._head = self.read(0, HEAD_BYTES)
        return self._head

    @property
    def text(self) -> str | None:
        """The decoded text of a small text file; None when large, binary or unreadable."""
        if self.size <= HEAD_BYTES:
            return self._decode()  # decoding the cached head again is cheaper than keeping both
        if self._text is _UNREAD:
            self._text = self._decode()
        return self._text  # type: ignore[return-value]

    def _decode(self) -> str | None:
        if self.kind is not ArtifactKind.FILE or self.size > TEXT_LIMIT:
            return None
        data = self.head if self.size <= HEAD_BYTES else self.read(0, self.size)
        if self.read_error is not None or b"\x00" in data:
            return None
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("latin-1") if _mostly_printable(data) else None

    @property
    def url(self) -> str | None:
        return self.source.url(self)


def _mostly_printable(data: bytes) -> bool:
    printable = sum(1 for b in data if b >= 0x20 or b in (0x09, 0x0A, 0x0D))
    return printable >= 0.95 * len(data)


@dataclass
class Inventory:
    """Every artifact of a release, sorted by path, and the problems met while listing them."""

    target: Target
    artifacts: list[Artifact]
    findings: list[Finding] = field(default_factory=list)
    submodules: dict[str, str] = field(default_factory=dict)
    """Submodule path -> pinned commit, where the source can see them (git)."""
    revisions: list[str] = field(default_factory=list)
    """Other revisions (branches, tags) of the repository, where the source lists them (Hub)."""

    def __post_init__(self) -> None:
        self.artifacts.sort(key=lambda a: a.path)
        self._by_path = {a.path: a for a in self.artifacts}

    def get(self, path: str) -> Artifact | None:
        return self._by_path.get(path)

    def files(self) -> list[Artifact]:
        return [a for a in self.artifacts if a.kind is ArtifactKind.FILE]
