"""What matching needs of every reference licence, cached on disk between runs.

Normalising some 270 reference texts costs most of a second; every audit with a licence file needs
them. They depend only on the installed licensedcode-data, the bundled texts and the normaliser, so
they are computed once and kept in the user's cache folder (never in a release). A cache that is
missing, stale, unreadable or unwritable is simply recomputed. Each entry holds the reference's
word set (to pick candidates) and the hashes of its word shingles in text order (to score them);
both are decoded only when a candidate needs them.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sys
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib.metadata import PackageNotFoundError, version

from auditor import __version__
from auditor.licenses.catalog import license_class
from auditor.licenses.reference_texts import ReferenceLicense, file_from_token, file_token, reference_licenses
from auditor.output_file import OutputError, write_output
from auditor.resources import package_data
from auditor.result_cache import default_cache_folder


def _key(normaliser_version: str) -> str:
    try:
        licensedb = version("licensedcode-data")
    except PackageNotFoundError:
        licensedb = "none"
    texts = package_data("license-texts")
    bundled = sorted((p.name, p.stat().st_size) for p in texts.iterdir()) if texts.is_dir() else []
    raw = json.dumps([__version__, licensedb, bundled, normaliser_version, sys.byteorder])
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class ReferenceData:
    """A reference text as matching reads it: its distinct words, its shingle hashes in order
    (one per run of words) and its length in words."""

    words: frozenset[str]
    shingles: array
    length: int


@dataclass(frozen=True)
class ReferenceIndex:
    references: tuple[ReferenceLicense, ...]
    _entries: dict[str, ReferenceData | dict]

    def data(self, license_id: str) -> ReferenceData:
        """A reference's data; decoded from the cached entry the first time it is asked for."""
        found = self._entries[license_id]
        if not isinstance(found, ReferenceData):
            shingles = array("I")
            shingles.frombytes(base64.b64decode(found["shingles"]))
            found = self._entries[license_id] = ReferenceData(frozenset(found["words"]), shingles, found["length"])
        return found

    def length(self, license_id: str) -> int:
        found = self._entries[license_id]
        return found.length if isinstance(found, ReferenceData) else found["length"]


@cache
def reference_index(normaliser_version: str, compute: Callable[[str], ReferenceData]) -> ReferenceIndex:
    """Every reference licence and its data. `compute(text)` normalises and hashes;
    `normaliser_version` names its behaviour, so a changed normaliser never reads an old cache."""
    path = default_cache_folder() / f"reference-index-{_key(normaliser_version)}.json"
    try:
        return _load(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    references = reference_licenses()
    index = ReferenceIndex(references, {r.id: compute(r.text()) for r in references})
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_output(path, json.dumps(_dump(index)))
    except (OSError, OutputError):
        pass  # a read-only home: recompute next time
    return index


def _dump(index: ReferenceIndex) -> list[dict[str, object]]:
    entries = []
    for r in index.references:
        data = index.data(r.id)
        entries.append({"id": r.id, "name": r.name, "source": r.source, "file": file_token(r.file), "size": r.size,
                        "words": sorted(data.words), "length": data.length,
                        "shingles": base64.b64encode(data.shingles.tobytes()).decode("ascii")})
    return entries


def _load(entries: list[dict]) -> ReferenceIndex:
    references = tuple(ReferenceLicense(e["id"], e["name"], license_class(e["id"]), e["source"],
                                        file_from_token(e["file"]), e["size"]) for e in entries)
    return ReferenceIndex(references, {e["id"]: e for e in entries})
