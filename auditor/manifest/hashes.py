"""`--verify-hashes`: every declared sha256 checked against the bytes, each file streamed once.

Files are hashed in parallel, one per core (hashlib releases the GIL while it hashes, so threads
suffice). A Git LFS pointer or a Hub file is checked against the sha256 its host records, without
downloading anything.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from auditor.artifacts.lfs_pointer import parse_lfs_pointer
from auditor.findings import Finding
from auditor.manifest.crosscheck import ManifestOutcome
from auditor.manifest.model import Declaration, Manifest
from auditor.report import Reason
from auditor.sources.interface import Artifact, Inventory

ByteProgress = Callable[[int], None]
"""Told how many more bytes were hashed."""


def recorded_sha256(artifact: Artifact) -> str | None:
    """The sha256 a host records for the content, when the content itself is elsewhere."""
    if artifact.digest:
        return artifact.digest
    if artifact.size < 1024:
        pointer = parse_lfs_pointer(artifact.head)
        if pointer is not None:
            return pointer.oid
    return None


def hash_artifact(artifact: Artifact, progress: ByteProgress | None = None) -> str:
    digest = hashlib.sha256()
    for chunk in artifact.source.stream(artifact):
        digest.update(chunk)
        if progress:
            progress(len(chunk))
    if artifact.read_error:
        raise OSError(0, artifact.read_error)
    return digest.hexdigest()


def to_hash(manifest: Manifest, inventory: Inventory) -> list[tuple[Declaration, Artifact]]:
    """Declared files with a sha256, present in the release; folders and absent paths are skipped
    (the cross-check reports absent ones)."""
    pairs = []
    for declaration in manifest.declarations:
        if declaration.sha256 and declaration.path:
            artifact = inventory.get(declaration.path.rstrip("/"))
            if artifact is not None:
                pairs.append((declaration, artifact))
    return pairs


def verify_hashes(pairs: list[tuple[Declaration, Artifact]], outcome: ManifestOutcome,
                  progress: ByteProgress | None = None, workers: int | None = None) -> None:
    local = [(d, a) for d, a in pairs if recorded_sha256(a) is None]
    for declaration, artifact in pairs:
        recorded = recorded_sha256(artifact)
        if recorded is not None:
            _compare(declaration, artifact, recorded, "recorded by its host", outcome)
    with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
        results = pool.map(lambda pair: _hash_or_error(pair[1], progress), local)
        for (declaration, artifact), (actual, error) in zip(local, results, strict=True):
            if error is not None:
                outcome.findings.append(Finding(declaration.manifest, "OSAID-M006",
                                                f"{artifact.path}: cannot hash ({error})", line=declaration.line))
            else:
                _compare(declaration, artifact, actual, "of its bytes", outcome)


def _hash_or_error(artifact: Artifact, progress: ByteProgress | None) -> tuple[str, str | None]:
    if not artifact.source.can_stream(artifact):
        return "", "the content is remote and its host records no sha256"
    try:
        return hash_artifact(artifact, progress), None
    except OSError as error:
        return "", error.strerror or str(error)


def _compare(declaration: Declaration, artifact: Artifact, actual: str, how: str, outcome: ManifestOutcome) -> None:
    if actual == declaration.sha256:
        return
    message = (f"{artifact.path}: sha256 {how} is {actual}, but {declaration.where} declares "
               f"{declaration.sha256}")
    outcome.mismatched[declaration.component].append(
        Reason("OSAID-M005", message, declaration.manifest, declaration.line))
    outcome.findings.append(Finding(artifact.path, "OSAID-M005", message))
