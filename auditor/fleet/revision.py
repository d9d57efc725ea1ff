"""The revision an audit saw: the Hub commit, the git commit, or a folder's content hash.

A folder has no commit, so its revision is a digest of what the audit reads (`tree_digest`): a
file larger than its whole-content limit (a weight shard) counts by its first and last HEAD_LIMIT
bytes, which are the same on any machine, so that a census of folders of large checkpoints does not
read every byte twice.
"""

from __future__ import annotations

from auditor.sources.content_digest import tree_digest
from auditor.sources.interface import Artifact, Inventory

HEAD_LIMIT = 1024 * 1024


def release_revision(inventory: Inventory) -> str:
    target = inventory.target
    if target.commit:
        return target.commit
    return "content:" + (tree_digest(inventory, _ends) or "")


def _ends(artifact: Artifact) -> bytes:
    return artifact.read(0, HEAD_LIMIT) + artifact.read(artifact.size - HEAD_LIMIT, HEAD_LIMIT)
