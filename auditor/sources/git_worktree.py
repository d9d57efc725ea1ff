"""Warnings for a git working tree audited as a folder: what would not be in the release.

A release is what is committed. Files that are untracked, modified since the last commit or
ignored are on disk but would not ship, so the folder audit warns about each (weights that were
never committed are the classic case).

No git program runs (see `untrusted_git`): the index is compared with the last commit's tree and
with the files on disk, and what the index does not hold is matched against the `.gitignore` files
of the tree and `.git/info/exclude` only (`untrusted_git.ignores`), never core.excludesFile or
anything else configured. No filter is applied and nothing is written: git would refresh the index's
stat data, this never does.
"""

from __future__ import annotations

import os
import posixpath
import stat

from auditor.artifacts.lfs_pointer import MAX_POINTER_SIZE, parse_lfs_pointer
from auditor.escape import printable
from auditor.findings import Finding
from auditor.sources.untrusted_git import (
    LINK_MODE,
    SUBMODULE_MODE,
    TREE_MODE,
    GitError,
    GitRepository,
    Index,
    IndexEntry,
    NotFollowedError,
    RevisionError,
    blob_sha,
    find_git_dir,
)
from auditor.sources.untrusted_git.ignores import Ignores
from auditor.sources.untrusted_git.layout import CHUNK, OPEN_FLAGS

MAX_LISTED = 50

UNTRACKED = "untracked"
IGNORED = "ignored by .gitignore"
ADDED = "added but not committed"
MODIFIED = "modified since the last commit"
DELETED = "deleted but still committed"
UNMERGED = "unmerged (a merge is in progress)"
_ORDER = {UNTRACKED: 1, IGNORED: 2}
"""As `git status` lists them: changes to tracked files, then untracked paths, then ignored ones."""


def uncommitted_findings(root: str) -> list[Finding]:
    """What the working tree at `root` (a real path) holds but its last commit does not (OSAID-A013), and
    the git metadata that was not followed (OSAID-A016)."""
    try:
        git_dir = find_git_dir(root, bare=False)
    except NotFollowedError as error:
        return [error.finding]
    except GitError as error:
        return [Finding(".git", "OSAID-A013", f"a .git folder is present but could not be read: {error}")]
    if git_dir is None:
        return []
    repository = GitRepository(root, git_dir)
    notes: list[Finding] = []
    try:
        index = repository.read_index()
    except GitError as error:
        return [Finding(".git", "OSAID-A013", f"a .git folder is present but its index could not be read: {error}"),
                *repository.findings]
    tracked = _tracked_changes(root, repository, index, notes)
    ignores = Ignores(root, repository, notes)
    untracked = _Untracked(root, index, ignores).paths()
    paths = sorted(tracked.items()) + sorted(untracked, key=lambda item: (_ORDER[item[1]], item[0]))
    findings = [Finding(printable(path), "OSAID-A013", f"{state}: not in the committed release")
                for path, state in paths[:MAX_LISTED]]
    if len(paths) > MAX_LISTED:
        findings.append(Finding("", "OSAID-A013", f"{len(paths) - MAX_LISTED} more paths not in the committed "
                                                  "release"))
    return findings + notes + repository.findings


def _tracked_changes(root: str, repository: GitRepository, index: Index, notes: list[Finding]) -> dict[str, str]:
    """path -> state for the index entries that differ from the last commit or from the disk, and for
    the last commit's paths that the index no longer holds."""
    committed = _last_commit(repository, notes)
    changes: dict[str, str] = {}
    sparse: list[str] = []
    folders = _RealFolders(root)
    for entry in index.entries:
        if entry.mode == TREE_MODE:
            sparse.append(entry.path)  # a sparse index's folder entry: what is under it is not checked out
            continue
        state = None
        if entry.stage:
            state = UNMERGED
        elif entry.intent_to_add or (committed is not None and entry.path not in committed):
            state = ADDED
        elif committed is not None and committed[entry.path] != entry.binsha:
            state = MODIFIED
        elif not entry.skip_worktree and entry.mode != SUBMODULE_MODE:
            state = _worktree_state(root, repository, entry, index.mtime_ns, folders)
        if state is not None:
            changes[entry.path] = state
    staged = {entry.path for entry in index.entries}
    sparse_folders = tuple(sparse)  # one C-level startswith per path, not a Python loop over the folders
    for path in committed or ():
        if path not in staged and not path.startswith(sparse_folders):
            changes[path] = DELETED
    return changes


def _last_commit(repository: GitRepository, notes: list[Finding]) -> dict[str, bytes] | None:
    """path -> blob id of HEAD's tree; empty before the first commit; None when it cannot be read."""
    try:
        try:
            commit = repository.resolve("HEAD")
        except RevisionError:
            return {}
        return {entry.path: entry.binsha for entry in repository.walk(repository.tree_of(commit))}
    except GitError as error:
        notes.append(Finding(".git", "OSAID-A013", f"the last commit could not be read ({error}); "
                                                   "only the working tree was compared with the index"))
        return None


def _worktree_state(root: str, repository: GitRepository, entry: IndexEntry, index_mtime_ns: int,
                    folders: _RealFolders) -> str | None:
    """DELETED or MODIFIED when the file on disk differs from the index, else None (also when unknown)."""
    if not folders.real(posixpath.dirname(entry.path)):
        return DELETED  # beyond a symbolic link or a file: git does not look through either
    path = os.path.join(root, entry.path)
    try:
        info = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return DELETED
    except OSError:
        return None
    is_link = entry.mode == LINK_MODE
    if (stat.S_ISLNK(info.st_mode), stat.S_ISREG(info.st_mode)) != (is_link, not is_link):
        return MODIFIED
    if _stat_unchanged(entry, info, index_mtime_ns):
        # An LFS-smudged file whose size and mtime match the stat data counts as unchanged, unhashed.
        return None
    if is_link:
        try:
            target = os.fsencode(os.readlink(path))
        except OSError:
            return None
        return None if blob_sha(len(target), [target]) == entry.binsha else MODIFIED
    same = _same_content(repository, entry, path, info.st_size)
    return MODIFIED if same is False else None


def _stat_unchanged(entry: IndexEntry, info: os.stat_result, index_mtime_ns: int) -> bool:
    seconds, nanoseconds = divmod(info.st_mtime_ns, 1_000_000_000)
    if (info.st_size & 0xFFFFFFFF, seconds & 0xFFFFFFFF) != (entry.size, entry.mtime[0]):
        return False
    if entry.mtime[1] and entry.mtime[1] != nanoseconds:
        return False
    # Racy git: a file changed in the second the index was written may still show the staged stat data.
    return entry.mtime[0] < index_mtime_ns // 1_000_000_000


def _same_content(repository: GitRepository, entry: IndexEntry, path: str, size: int) -> bool | None:
    """Whether the file holds the staged blob, as git would see it without filters; None when unknown."""
    try:
        staged_size: int | None = repository.info(entry.binsha).size
    except GitError:
        staged_size = None  # not in the object store: only the file's hash can tell
    if staged_size is not None and staged_size != size:
        # Different sizes differ, unless the blob is a Git LFS pointer (filter=lfs): then the pointer's
        # size is compared with the file's, so a 10 GB weight is never hashed.
        if staged_size >= MAX_POINTER_SIZE:
            return False
        try:
            pointer = parse_lfs_pointer(repository.read(entry.binsha, 0, MAX_POINTER_SIZE))
        except GitError:
            return None
        return pointer is not None and pointer.size == size
    try:
        fd = os.open(path, OPEN_FLAGS)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        chunks = iter(lambda: os.read(fd, CHUNK), b"")
        return blob_sha(size, chunks) == entry.binsha
    except OSError:
        return None
    finally:
        os.close(fd)


class _RealFolders:
    """Whether a folder of the working tree is reached through real folders only (no link, no file)."""

    def __init__(self, root: str) -> None:
        self._root = root
        self._known: dict[str, bool] = {"": True}

    def real(self, folder: str) -> bool:
        unknown = []
        while folder not in self._known:  # a loop, not recursion: an index may name very deep paths
            unknown.append(folder)
            folder = posixpath.dirname(folder)
        real = self._known[folder]
        for folder in reversed(unknown):
            if real:
                try:
                    real = stat.S_ISDIR(os.lstat(os.path.join(self._root, folder)).st_mode)
                except OSError:
                    real = False
            self._known[folder] = real
        return real


class _Untracked:
    """The paths on disk that the index does not hold, as `git status --ignored` shows them: a folder
    holding no tracked file is one entry (untracked when some file in it is not ignored)."""

    def __init__(self, root: str, index: Index, ignores: Ignores) -> None:
        self._root = root
        self._ignores = ignores
        self._tracked = {entry.path for entry in index.entries if entry.mode != TREE_MODE}
        self._opaque = {entry.path.rstrip("/") for entry in index.entries
                        if entry.mode in (TREE_MODE, SUBMODULE_MODE)}
        """Submodules and sparse folders: git does not look inside them."""
        self._tracked_folders = {""}
        for path in self._tracked:
            folder = posixpath.dirname(path)
            while folder not in self._tracked_folders:
                self._tracked_folders.add(folder)
                folder = posixpath.dirname(folder)

    def paths(self) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        stack = [("", False)]
        while stack:
            folder, ignored = stack.pop()
            self._ignores.enter(folder)
            for path, is_folder in self._listing(folder):
                if path in self._tracked or path in self._opaque:
                    continue
                inside_ignored = ignored or self._ignores.ignored(path, is_folder)
                if is_folder and path in self._tracked_folders:
                    stack.append((path, inside_ignored))
                elif inside_ignored:
                    found.append((path, IGNORED))
                elif not is_folder:
                    found.append((path, UNTRACKED))
                elif (state := self._folder_state(path)) is not None:
                    found.append((path, state))
        return found

    def _folder_state(self, top: str) -> str | None:
        """UNTRACKED when a file below `top` is not ignored, IGNORED when every file is, None when it has none."""
        saw_ignored = False
        stack = [top]
        while stack:
            folder = stack.pop()
            self._ignores.enter(folder)
            for path, is_folder in self._listing(folder):
                if self._ignores.ignored(path, is_folder):
                    saw_ignored = True
                elif not is_folder:
                    return UNTRACKED
                else:
                    stack.append(path)
        return IGNORED if saw_ignored else None

    def _listing(self, folder: str) -> list[tuple[str, bool]]:
        """(path, is a real folder) of the folder's entries but `.git`, by name. An unreadable folder has
        none here: the folder source reports it."""
        try:
            with os.scandir(os.path.join(self._root, folder)) as entries:
                listed = [(entry.name, entry.is_dir(follow_symlinks=False)) for entry in entries
                          if entry.name != ".git"]
        except OSError:
            return []
        return [(posixpath.join(folder, name), is_folder) for name, is_folder in sorted(listed)]
