"""Where a release's git metadata is, and how a file of it is read: only inside the release, a link out
of it reported (OSAID-A016), never followed; the errors every part of the reader raises."""

from __future__ import annotations

import os
import stat

from auditor.escape import printable
from auditor.findings import Finding
from auditor.sources.interface import STREAM_CHUNK as CHUNK
from auditor.sources.local import OPEN_FLAGS

NOT_FOLLOWED = "OSAID-A016"
DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)


class GitError(Exception):
    """The repository cannot be read as asked; the message is one line for the user."""


class NotFollowedError(GitError):
    """Git metadata that points elsewhere (a `.git` file or link): reported, never followed."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.finding = not_followed(path, message)


class MissingObjectError(GitError):
    """The object is in no loose file and no pack of the object store (alternates are not read)."""


class RevisionError(GitError):
    """A revision that names nothing usable; the message says why ("not found", "is ambiguous", ...)."""


def not_followed(path: str, message: str) -> Finding:
    return Finding(printable(path), NOT_FOLLOWED, f"{message}; not followed")


def find_git_dir(root: str, *, bare: bool) -> str | None:
    """The git directory of the release folder `root` (a real path): `root/.git` when it is a real folder,
    else `root` itself when `bare` and it holds a bare repository, else None. A `.git` that is anything
    but a folder inside the release raises NotFollowedError."""
    dotgit = os.path.join(root, ".git")
    try:
        mode = os.lstat(dotgit).st_mode
    except FileNotFoundError:
        bare_layout = (os.path.isfile(os.path.join(root, "HEAD")) and os.path.isdir(os.path.join(root, "objects"))
                       and os.path.isdir(os.path.join(root, "refs")))
        return root if bare and bare_layout else None
    except OSError as error:
        raise GitError(f".git cannot be read ({error.strerror})") from None
    if stat.S_ISLNK(mode):
        raise NotFollowedError(".git", ".git is a symbolic link: git metadata is read only from a .git folder "
                                       "of the release")
    if stat.S_ISREG(mode):
        raise NotFollowedError(".git", ".git is a file (gitdir: ...) naming git metadata elsewhere")
    if not stat.S_ISDIR(mode) or not inside(root, dotgit):
        raise NotFollowedError(".git", ".git is not a folder inside the release")
    return dotgit


def inside(root: str, path: str) -> bool:
    """Whether `path`, its links resolved, is in the folder `root` (a real path)."""
    return os.path.commonpath([root, os.path.realpath(path)]) == root


class GitDir:
    """The git directory `path` of the release `root`. `findings` collects what was refused or ignored
    (links out of the release, alternates) while reading, each path once, for the report."""

    def __init__(self, root: str, path: str) -> None:
        self.root = root
        self.path = path
        self.findings: list[Finding] = []
        self._refused: set[str] = set()

    def metadata(self, relative: str, limit: int) -> bytes | None:
        """A file of the git directory (e.g. `info/exclude`), or None when it is absent or not a regular
        file. A link that resolves outside the release is reported and not followed."""
        found = self.metadata_file(relative, limit)
        return found[0] if found is not None else None

    def metadata_file(self, relative: str, limit: int) -> tuple[bytes, int] | None:
        """The content and mtime of a regular file of the git directory, at most `limit` bytes."""
        path = os.path.join(self.path, *relative.split("/"))
        if not os.path.lexists(path):
            return None
        if not inside(self.root, path):
            self.refuse(path, "a link out of the release in the git metadata")
            return None
        try:
            fd = os.open(os.path.realpath(path), OPEN_FLAGS)
        except OSError:
            return None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                return None
            if info.st_size > limit:
                raise GitError(f"{self.shown(path)} is larger than {limit:,} bytes")
            data = bytearray()
            while len(data) < limit and (chunk := os.read(fd, min(limit - len(data), CHUNK))):
                data += chunk
            return bytes(data), info.st_mtime_ns
        finally:
            os.close(fd)

    def refuse(self, path: str, message: str) -> None:
        shown = self.shown(path)
        if shown not in self._refused:
            self._refused.add(shown)
            self.findings.append(not_followed(shown, message))

    def shown(self, path: str) -> str:
        """`path` relative to the release, as the report shows it."""
        return os.path.relpath(path, self.root).replace(os.sep, "/")
