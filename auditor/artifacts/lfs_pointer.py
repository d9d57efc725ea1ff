"""Recognises Git LFS pointer files: the small text stub Git keeps in place of a large file.

Spec (git-lfs/docs/spec.md): under 1024 bytes of `key value` lines, `version` first, then `oid
sha256:<64 hex>` and `size <bytes>` (other keys may appear; git-lfs sorts them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_POINTER_SIZE = 1024
_VERSIONS = frozenset({"https://git-lfs.github.com/spec/v1", "https://hawser.github.com/spec/v1"})
"""The current version line, and the pre-release one git-lfs still accepts."""
_OID = re.compile(r"sha256:([0-9a-f]{64})")
_SIZE = re.compile(r"[0-9]{1,20}")


@dataclass(frozen=True)
class LfsPointer:
    oid: str
    """The SHA-256 of the content as 64 hex digits (no `sha256:` prefix, as the Hub API gives it)."""
    size: int


def parse_lfs_pointer(data: bytes) -> LfsPointer | None:
    """The pointer `data` holds, or None when `data` is not a pointer."""
    if len(data) >= MAX_POINTER_SIZE:
        return None
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError:
        return None
    fields: dict[str, str] = {}
    for line in text.rstrip("\r\n").split("\n"):
        key, _, value = line.rstrip("\r").partition(" ")
        if not fields and key != "version":
            return None
        if key in fields:
            return None
        fields[key] = value
    oid = _OID.fullmatch(fields.get("oid", ""))
    size = fields.get("size", "")
    if fields.get("version") not in _VERSIONS or oid is None or not _SIZE.fullmatch(size):
        return None
    return LfsPointer(oid=oid.group(1), size=int(size))
