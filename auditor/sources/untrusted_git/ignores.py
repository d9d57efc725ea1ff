"""The ignore rules of a working tree, as git applies them: each folder's `.gitignore` (deeper ones win),
then `.git/info/exclude`; never core.excludesFile or anything else configured. Bounded, because
pathspec's patterns are backtracking regexes and a release chooses them."""

from __future__ import annotations

import os
import posixpath
import re
import stat

from pathspec import GitIgnoreSpec

from auditor.escape import printable
from auditor.findings import Finding
from auditor.sources.untrusted_git.layout import OPEN_FLAGS, GitError
from auditor.sources.untrusted_git.repository import GitRepository

MAX_IGNORE_FILE = 256 * 1024
MAX_PATTERNS = 2000
"""Ignore patterns applied in all: every untracked path is matched against each one that applies."""
MAX_WILDCARDS = 2
"""pathspec compiles patterns to backtracking regexes: `**/a/**/a/**/b` takes minutes on a deep path."""

_WILDCARD = re.compile(r"\*+")


class Ignores:
    """The ignore rules of the working tree at `root`. Patterns with many wildcards, files over
    MAX_IGNORE_FILE and patterns beyond MAX_PATTERNS are not applied (a note says so; the paths they
    match are listed as untracked)."""

    def __init__(self, root: str, repository: GitRepository, notes: list[Finding]) -> None:
        self._root = root
        self._notes = notes
        self._budget = MAX_PATTERNS
        self._specs: dict[str, GitIgnoreSpec | None] = {}
        try:
            exclude = repository.metadata("info/exclude", MAX_IGNORE_FILE)
        except GitError as error:
            notes.append(Finding(".git/info/exclude", "OSAID-A013", f"not applied: {error}"))
            exclude = None
        self._exclude = self._compile(exclude or b"", ".git/info/exclude")

    def enter(self, folder: str) -> None:
        """Reads the folder's `.gitignore` (a regular file: git does not follow a linked one either)."""
        if folder in self._specs:
            return
        shown = posixpath.join(folder, ".gitignore")
        try:
            fd = os.open(os.path.join(self._root, shown), OPEN_FLAGS)
        except OSError:
            self._specs[folder] = None
            return
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                data = b""
            elif info.st_size > MAX_IGNORE_FILE:
                self._notes.append(Finding(printable(shown), "OSAID-A013",
                                           f"larger than {MAX_IGNORE_FILE:,} bytes: its patterns were not applied"))
                data = b""
            else:
                data = os.read(fd, MAX_IGNORE_FILE)
        finally:
            os.close(fd)
        self._specs[folder] = self._compile(data, shown)

    def ignored(self, path: str, is_folder: bool) -> bool:
        """Whether git would ignore `path`, a file or folder whose parent folders are not ignored."""
        folder = path
        while folder:
            folder = posixpath.dirname(folder)
            spec = self._specs.get(folder)
            if spec is not None:
                relative = path[len(folder) + 1:] if folder else path
                verdict = spec.check_file(relative + "/" if is_folder else relative).include
                if verdict is not None:
                    return verdict
        if self._exclude is None:
            return False
        return bool(self._exclude.check_file(path + "/" if is_folder else path).include)

    def _compile(self, data: bytes, shown: str) -> GitIgnoreSpec | None:
        lines = []
        skipped = 0
        for line in data.decode("utf-8", "surrogateescape").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            if len(_WILDCARD.findall(line)) > MAX_WILDCARDS or len(lines) >= self._budget:
                skipped += 1
            else:
                lines.append(line)
        self._budget -= len(lines)
        if skipped:
            self._notes.append(Finding(printable(shown), "OSAID-A013", (
                f"{skipped} of its patterns not applied (more than {MAX_WILDCARDS} wildcards, or beyond "
                f"{MAX_PATTERNS:,} patterns in all): what they match is listed as untracked")))
        try:
            return GitIgnoreSpec.from_lines(lines) if lines else None
        except ValueError:  # git skips an invalid pattern: so do these, one by one
            return GitIgnoreSpec.from_lines([line for line in lines if _valid_pattern(line)])


def _valid_pattern(line: str) -> bool:
    try:
        GitIgnoreSpec.from_lines([line])
    except ValueError:
        return False
    return True
