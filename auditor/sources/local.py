"""A release as a folder on the local disk.

The walk never follows a symbolic link out of the root, never opens anything but regular files,
and opens those read-only with O_NOFOLLOW so a file swapped for a link or a FIFO mid-audit is
refused, not followed.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

from auditor.errors import BadTargetError
from auditor.escape import is_unusual, printable
from auditor.findings import Finding
from auditor.sources.interface import STREAM_CHUNK, Artifact, ArtifactKind, Inventory, Source, Target

OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
"""A file of the release is opened without following a link in its last part and without blocking on a FIFO."""


class LocalFolderSource(Source):
    def __init__(self, root: str | os.PathLike[str], link_root: str | os.PathLike[str] | None = None,
                 target: Target | None = None) -> None:
        """`link_root` widens where symbolic links may point (a Hub cache snapshot links into the
        cache's blob folder); `target` replaces how the release is named in the report."""
        if not str(root):
            raise BadTargetError("empty target: give the release folder (an unset variable?)")
        path = Path(root)
        try:
            info = path.stat()
        except FileNotFoundError:
            raise BadTargetError(f"{printable(str(root))}: no such file or folder") from None
        except OSError as error:
            raise BadTargetError(f"{printable(str(root))}: cannot read ({error.strerror})") from None
        if not stat.S_ISDIR(info.st_mode):
            raise BadTargetError(f"{printable(str(root))}: not a folder (give the release folder)")
        if not os.access(path, os.R_OK | os.X_OK):
            raise BadTargetError(f"{printable(str(root))}: folder is not readable")
        self._display = str(root)
        self._root = os.path.realpath(path)
        self._link_root = os.path.realpath(link_root) if link_root is not None else self._root
        self._target = target
        # Paths of symlinks that resolve to a regular file inside the root: path -> real path.
        self._link_targets: dict[str, str] = {}

    def target(self) -> Target:
        return self._target or Target(kind="local", location=printable(self._display))

    def inventory(self) -> Inventory:
        artifacts: list[Artifact] = []
        findings: list[Finding] = []
        # An explicit stack, not recursion: releases may be nested thousands of levels deep.
        stack: list[tuple[str, str]] = [(self._root, "")]
        while stack:
            folder, rel_folder = stack.pop()
            try:
                with os.scandir(folder) as entries:
                    listing = list(entries)
            except OSError as error:
                findings.append(Finding(printable(rel_folder) or ".", "OSAID-A004",
                                        f"folder not readable: {error.strerror}"))
                continue
            for entry in listing:
                rel = f"{rel_folder}/{entry.name}" if rel_folder else entry.name
                shown = printable(rel)
                if is_unusual(entry.name):
                    findings.append(Finding(shown, "OSAID-A005",
                                            "file name has control characters or is not UTF-8; shown escaped"))
                try:
                    info = entry.stat(follow_symlinks=False)
                except OSError as error:
                    findings.append(Finding(shown, "OSAID-A004", f"cannot stat: {error.strerror}"))
                    continue
                mode = info.st_mode
                if rel == ".git":
                    continue  # version-control metadata, not part of the release: git_worktree reports on it
                if stat.S_ISDIR(mode):
                    stack.append((entry.path, rel))
                elif stat.S_ISREG(mode):
                    artifacts.append(Artifact(rel, info.st_size, self))
                elif stat.S_ISLNK(mode):
                    artifact = self._symlink(entry.path, rel, findings)
                    if artifact is not None:
                        artifacts.append(artifact)
                else:
                    artifacts.append(Artifact(rel, 0, self, ArtifactKind.SPECIAL))
                    findings.append(Finding(shown, "OSAID-A003",
                                            f"{_special_kind(mode)} listed but never opened"))
        if os.path.lexists(os.path.join(self._root, ".git")):
            from auditor.sources.git_worktree import uncommitted_findings
            findings += uncommitted_findings(self._root)
        return Inventory(self.target(), artifacts, findings)

    def _symlink(self, link: str, rel: str, findings: list[Finding]) -> Artifact | None:
        """A link to a regular file inside the root becomes an artifact; any other is a finding."""
        shown = printable(rel)
        try:
            real = os.path.realpath(link, strict=True)
        except (OSError, RuntimeError) as error:
            reason = "loops" if isinstance(error, RuntimeError) or getattr(error, "errno", 0) == 40 else "is broken"
            findings.append(Finding(shown, "OSAID-A002", f"symbolic link {reason}; not followed"))
            return None
        if os.path.commonpath([self._link_root, real]) != self._link_root:
            findings.append(Finding(shown, "OSAID-A001",
                                    "symbolic link points outside the release; not followed"))
            return None
        info = os.stat(real, follow_symlinks=False)
        if not stat.S_ISREG(info.st_mode):
            # Links to folders inside the root are not walked: their content is listed at its real place.
            return None
        self._link_targets[rel] = real
        return Artifact(rel, info.st_size, self)

    def read(self, artifact: Artifact, offset: int, length: int) -> bytes:
        fd = self._open(artifact)
        try:
            return os.pread(fd, length, offset)
        finally:
            os.close(fd)

    def identity(self, artifact: Artifact) -> str | None:
        # A write moves the change time, which no user can set back (touch sets only the others).
        try:
            fd = self._open(artifact)
        except OSError:
            return None
        try:
            info = os.fstat(fd)
        finally:
            os.close(fd)
        return f"{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}:{info.st_ino}:{info.st_dev}"

    def stream(self, artifact: Artifact, chunk: int = STREAM_CHUNK) -> Iterator[bytes]:
        try:
            fd = self._open(artifact)
        except OSError as error:
            artifact.read_error = error.strerror or str(error)
            return
        try:
            while data := os.read(fd, chunk):
                yield data
        finally:
            os.close(fd)

    def _open(self, artifact: Artifact) -> int:
        path = self._link_targets.get(artifact.path) or os.path.join(self._root, artifact.path)
        fd = os.open(path, OPEN_FLAGS)
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise OSError(0, "not a regular file any more")
        return fd


def _special_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device node"
    return "special file"
