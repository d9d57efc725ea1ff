"""Every file the auditor writes (reports, badges, drafted manifests, its cache) goes through here.

A write is atomic: a temp file is created beside the destination (O_EXCL|O_NOFOLLOW), synced, then
renamed over it, and removed on any failure, so a reader sees the old file or the new one, never
half of one. It never goes through a symbolic link (even one pointing outside the release), never
into a file with other hard links (a release file may be one of them), never onto a folder, FIFO or
device. Inside the audited folder an output may be a new file or replace a report this tool wrote
earlier, never a file of the release.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path

from auditor.errors import AuditorError
from auditor.escape import printable

_TEMP_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
_FOLDER_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC


class OutputError(AuditorError):
    """A file the auditor was asked to write cannot or must not be written."""


def check_destination(path: Path) -> bool:
    """Whether `path` exists; raises OutputError when nothing may be written there."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return False
    except OSError as error:
        raise OutputError(f"cannot write {printable(str(path))}: {error.strerror}") from None
    _refuse_unwritable(info, path)
    return True


def write_output(path: Path, text: str, *, may_replace: Callable[[Path], None] | None = None) -> None:
    """Writes `text` (UTF-8) to `path` atomically. `may_replace` is called when the destination
    exists, and raises to keep it."""
    folder, name = os.path.split(os.fspath(path))
    if name in ("", ".", ".."):
        raise OutputError(f"cannot write {printable(str(path))}: not a file name")
    try:
        folder_fd = os.open(folder or ".", _FOLDER_FLAGS)
    except OSError as error:
        raise OutputError(f"cannot write {printable(str(path))}: {error.strerror}") from None
    try:
        existing = _existing(name, folder_fd, path)
        if existing is not None and may_replace is not None:
            may_replace(path)
        temp = _written_temp(folder_fd, text.encode("utf-8"), existing)
        try:
            _existing(name, folder_fd, path)  # again: the destination may have been swapped meanwhile
            os.replace(temp, name, src_dir_fd=folder_fd, dst_dir_fd=folder_fd)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp, dir_fd=folder_fd)
            raise
        with contextlib.suppress(OSError):
            os.fsync(folder_fd)  # the rename itself survives a crash; some file systems refuse this
    except OSError as error:
        raise OutputError(f"cannot write {printable(str(path))}: {error.strerror or error}") from None
    finally:
        os.close(folder_fd)


def _existing(name: str, folder_fd: int, path: Path) -> os.stat_result | None:
    try:
        info = os.lstat(name, dir_fd=folder_fd)
    except FileNotFoundError:
        return None
    _refuse_unwritable(info, path)
    return info


def _refuse_unwritable(info: os.stat_result, path: Path) -> None:
    shown = printable(str(path))
    if stat.S_ISLNK(info.st_mode):
        raise OutputError(f"refusing to write {shown}: it is a symbolic link")
    if stat.S_ISDIR(info.st_mode):
        raise OutputError(f"refusing to write {shown}: it is a folder")
    if not stat.S_ISREG(info.st_mode):
        raise OutputError(f"refusing to write {shown}: it is not a regular file (a FIFO, socket or device)")
    if info.st_nlink > 1:
        raise OutputError(f"refusing to write {shown}: it has other hard links (it may be a release "
                          "file under another name)")


def _written_temp(folder_fd: int, data: bytes, existing: os.stat_result | None) -> str:
    """A new file in the folder holding `data`, synced; with the permissions of the file it replaces."""
    temp = f".osaid-audit-{secrets.token_hex(8)}.tmp"
    fd = os.open(temp, _TEMP_FLAGS, 0o666, dir_fd=folder_fd)
    try:
        try:
            if existing is not None:
                os.fchmod(fd, stat.S_IMODE(existing.st_mode))
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp, dir_fd=folder_fd)
        raise
    return temp


def path_inside(path: Path, folder: str | os.PathLike[str]) -> str | None:
    """The destination's POSIX path inside `folder` (the audited folder), or None when it is
    outside. Decided by real paths, so a parent linked into or out of the folder cannot fool it; a
    destination named inside whose folder is a link out of it is refused (never follow a link out)."""
    root = os.path.realpath(folder)
    parent = os.path.realpath(path.parent)
    if _within(parent, root):
        return Path(os.path.relpath(os.path.join(parent, path.name), root)).as_posix()
    named = os.path.abspath(path.parent)
    if _within(named, root) or _within(named, os.path.abspath(folder)):
        raise OutputError(f"refusing to write {printable(str(path))}: its folder is a symbolic link "
                          "out of the audited release")
    return None


def _within(path: str, root: str) -> bool:
    return os.path.commonpath([root, path]) == root


def refuse_release_file(path: Path) -> None:
    """For an existing destination inside the audited folder: keep it unless this tool wrote it."""
    # Imported here: the formats package is heavy, and the licence cache writes through this module.
    from auditor.formats.signature import is_own_report

    if not is_own_report(path):
        raise OutputError(f"refusing to write {printable(str(path))}: it is a file of the audited "
                          "release, not a report osaid-audit wrote")
