"""A digest of a release's files: every path, kind and size, and the content of each file up to
WHOLE_LIMIT. A larger file (a weight shard) is taken by what `large` says of it, so that neither a
fleet's revision nor a repeat audit reads gigabytes to know nothing changed."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from auditor.sources.interface import Artifact, ArtifactKind, Inventory

WHOLE_LIMIT = 4 * 1024 * 1024
_CHUNK = 1024 * 1024


def tree_digest(inventory: Inventory, large: Callable[[Artifact], bytes | None]) -> str | None:
    """The digest; None when `large` cannot tell what a large file is."""
    digest = hashlib.sha256()
    for artifact in inventory.artifacts:
        digest.update(f"{artifact.path}\0{artifact.kind}\0{artifact.size}\0".encode("utf-8", "surrogateescape"))
        if artifact.kind is not ArtifactKind.FILE:
            continue
        if artifact.digest is not None:  # the source's own sha256 of it (a Hub LFS file)
            digest.update(artifact.digest.encode())
        elif artifact.size <= WHOLE_LIMIT:
            for offset in range(0, artifact.size, _CHUNK):
                digest.update(artifact.read(offset, min(_CHUNK, artifact.size - offset)))
            digest.update((artifact.read_error or "").encode("utf-8", "surrogateescape"))
        else:
            part = large(artifact)
            if part is None:
                return None
            digest.update(part)
        digest.update(b"\0")
    return digest.hexdigest()
