"""The revision an audit saw: the Hub commit, the git commit, or a folder's content hash.

A folder has no commit, so its revision is a hash of what the audit reads: every file's path, size
and content. A file up to WHOLE_LIMIT is hashed whole; a larger one (a weight shard) by its size,
its first and its last HEAD_LIMIT bytes, so that a census of folders of large checkpoints does not
read every byte twice. A file the source records a sha256 for is taken by that.
"""

from __future__ import annotations

import hashlib

from auditor.sources.interface import ArtifactKind, Inventory

WHOLE_LIMIT = 4 * 1024 * 1024
HEAD_LIMIT = 1024 * 1024
_CHUNK = 1024 * 1024


def release_revision(inventory: Inventory) -> str:
    target = inventory.target
    if target.commit:
        return target.commit
    return "content:" + content_hash(inventory)


def content_hash(inventory: Inventory) -> str:
    digest = hashlib.sha256()
    for artifact in inventory.artifacts:
        digest.update(f"{artifact.path}\0{artifact.kind}\0{artifact.size}\0".encode("utf-8", "surrogateescape"))
        if artifact.kind is not ArtifactKind.FILE:
            continue
        if artifact.digest is not None:
            digest.update(artifact.digest.encode())
            continue
        spans = [(0, artifact.size)] if artifact.size <= WHOLE_LIMIT else \
            [(0, HEAD_LIMIT), (artifact.size - HEAD_LIMIT, HEAD_LIMIT)]
        for start, length in spans:
            for offset in range(start, start + length, _CHUNK):
                digest.update(artifact.read(offset, min(_CHUNK, start + length - offset)))
        digest.update(b"\0")
    return digest.hexdigest()
