"""Revisions resolved to commits: ids (full or abbreviated), ref files, `packed-refs`, symbolic refs,
tags peeled, then `~N`, `^` and `^N` steps. Ref names cannot leave the git directory, and every chain
(symbolic refs, tags, ancestry) is followed a bounded number of times."""

from __future__ import annotations

import re

from auditor.sources.untrusted_git.layout import GitDir, MissingObjectError, RevisionError
from auditor.sources.untrusted_git.objects import HEX_SHA, ObjectStore
from auditor.sources.untrusted_git.trees import commit_fields, tag_target

MAX_REF_FILE = 4096
MAX_PACKED_REFS = 64 * 1024 * 1024
MAX_SYMREF_DEPTH = 5
MAX_TAG_DEPTH = 32
MAX_ANCESTRY = 100_000

_ABBREVIATED = re.compile(r"[0-9a-fA-F]{4,40}")
_PSEUDO_REF = re.compile(r"(?:[A-Z][A-Z_]*_)?HEAD")
"""HEAD, and FETCH_HEAD, ORIG_HEAD and the like: files at the top of the git directory."""
_REVISION = re.compile(r"(?P<name>.+?)(?P<steps>(?:[~^][0-9]{0,6})*)")
_STEP = re.compile(r"([~^])([0-9]*)")
_BAD_REF_CHARS = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]|\.\.|@\{|//")


def resolve(git_dir: GitDir, objects: ObjectStore, revision: str) -> bytes:
    """The commit `revision` names: a full or abbreviated id, HEAD, a branch, tag or remote name, a full
    `refs/...` name, then any `~N`, `^` and `^N` steps. Tags are peeled to their commit."""
    match = _REVISION.fullmatch(revision)
    if match is None:
        raise RevisionError("not found")
    commit = _peel(objects, _name(git_dir, objects, match["name"]))
    for step, count in _STEP.findall(match["steps"]):
        number = int(count) if count else 1
        if step == "^":
            commit = _parent(objects, commit, number) if number else commit
        elif number > MAX_ANCESTRY:
            raise RevisionError(f"goes back more than {MAX_ANCESTRY:,} commits")
        else:
            for _ in range(number):
                commit = _parent(objects, commit, 1)
    return commit


def _name(git_dir: GitDir, objects: ObjectStore, name: str) -> bytes:
    if HEX_SHA.fullmatch(name):
        return bytes.fromhex(name)
    refs = _RefReader(git_dir)
    candidates = [name] if _PSEUDO_REF.fullmatch(name) or name.startswith("refs/") else []
    candidates += [f"refs/{name}", f"refs/tags/{name}", f"refs/heads/{name}", f"refs/remotes/{name}",
                   f"refs/remotes/{name}/HEAD"]
    for candidate in candidates:
        binsha = refs.lookup(candidate)
        if binsha is not None:
            return binsha
    if _ABBREVIATED.fullmatch(name):
        return objects.expand(name)
    raise RevisionError("not found")


def _peel(objects: ObjectStore, binsha: bytes) -> bytes:
    for _ in range(MAX_TAG_DEPTH):
        try:
            kind = objects.info(binsha).kind
        except MissingObjectError:
            raise RevisionError("not found") from None
        if kind == "commit":
            return binsha
        if kind != "tag":
            raise RevisionError(f"is a {kind}, not a commit")
        binsha = tag_target(objects, binsha)
    raise RevisionError(f"is a chain of more than {MAX_TAG_DEPTH} tags")


def _parent(objects: ObjectStore, commit: bytes, number: int) -> bytes:
    try:
        parents = commit_fields(objects, commit)[1]
    except MissingObjectError:
        raise RevisionError("not found") from None
    if len(parents) < number:
        raise RevisionError("not found")
    return parents[number - 1]


class _RefReader:
    """Loose ref files, then `packed-refs` (read once, only when a loose file is absent)."""

    def __init__(self, git_dir: GitDir) -> None:
        self._dir = git_dir
        self._packed: bytes | None = None

    def lookup(self, name: str, depth: int = 0) -> bytes | None:
        if not _valid_ref_name(name):
            return None
        data = self._dir.metadata(name, MAX_REF_FILE)
        if data is None:
            return self._packed_ref(name)
        value = data.split(b"\n", 1)[0].strip().decode("latin-1")
        if value.startswith("ref:"):
            return self.lookup(value[4:].strip(), depth + 1) if depth < MAX_SYMREF_DEPTH else None
        first = value.split(maxsplit=1)[0] if value else ""
        return bytes.fromhex(first) if HEX_SHA.fullmatch(first) else None

    def _packed_ref(self, name: str) -> bytes | None:
        """The id on the line `<40 hex> <name>` of packed-refs (a plain search: no table of every ref)."""
        if self._packed is None:
            self._packed = self._dir.metadata("packed-refs", MAX_PACKED_REFS) or b""
        needle = b" " + name.encode()
        at = self._packed.find(needle)
        while at >= 0:
            start, end = at - 40, at + len(needle)
            value = self._packed[max(start, 0):at].decode("latin-1")
            if (start >= 0 and (start == 0 or self._packed[start - 1] == 0x0A)
                    and self._packed[end:end + 1] in (b"\n", b"") and HEX_SHA.fullmatch(value)):
                return bytes.fromhex(value)
            at = self._packed.find(needle, at + 1)
        return None


def _valid_ref_name(name: str) -> bool:
    """A ref name git would accept, which therefore stays inside the git directory."""
    parts = name.split("/")
    return (not _BAD_REF_CHARS.search(name)
            and all(part and not part.startswith(".") and not part.endswith(".lock") for part in parts))
