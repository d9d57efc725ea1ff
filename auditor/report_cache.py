"""Whole reports of releases audited before, unchanged: a repeat audit of the same tree answers from
the cache, without reading a document or a line of code again.

The key is everything the report depends on: the tool and rules versions (as for every cached
result); the target; for a folder, the digest of its files (`tree_digest`: the content of each file
up to 4 MiB, and a larger file's size, times and inode, which every write changes), for a git
revision its commit; what listing found (findings, submodules, other revisions); the checklist,
waivers and manifest as the audit was given them; its options; and today's date, since waivers
expire. Anything different is a miss and the audit runs as usual, its per-file results still from
the cache. A Hub repo is not kept whole (its files are read remotely, and the listing already is
most of the audit's cost), nor an audit that verifies hashes (that reads every byte by design),
nor a release of more than MAX_FILES files.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from auditor.report import Report
from auditor.result_cache import ResultCache
from auditor.sources.content_digest import tree_digest
from auditor.sources.interface import Artifact, Inventory, Source

ANALYSIS = "report"
REPORT_LIMIT = 16 * 1024 * 1024
"""The largest report kept (entries past it are neither written nor read)."""
MAX_FILES = 20_000
"""Releases with more files are not kept whole: encoding and decoding a report of 100,000 files
(about 5 MB of JSON) costs 60 MB of memory, past what the tool's audit of such a tree may take,
while its per-file results already make the repeat audit fast."""


def report_key(source: Source, inventory: Inventory, given: tuple[Any, ...], today: dt.date) -> str | None:
    """The report's cache key, or None when this release's report is not kept whole."""
    target = inventory.target
    if len(inventory.artifacts) > MAX_FILES:
        return None
    if target.kind == "git" and target.commit:
        files = f"commit:{target.commit}"
    elif target.kind == "local":
        def identity(artifact: Artifact) -> bytes | None:
            found = source.identity(artifact)
            return found.encode() if found is not None else None

        digest = tree_digest(inventory, identity)
        if digest is None:
            return None
        files = f"files:{digest}"
    else:
        return None
    listing = repr((target, inventory.findings, sorted(inventory.submodules.items()), inventory.revisions))
    return _cache(None).key(files, listing, repr(given), today.isoformat())


def cached_report(folder: Path, key: str) -> Report | None:
    found, report = _cache(folder).get(key)
    return report if found else None


def keep_report(folder: Path, key: str, report: Report) -> None:
    _cache(folder).put(key, report)


def _cache(folder: Path | None) -> ResultCache[Report]:
    return ResultCache(folder, ANALYSIS, Report, REPORT_LIMIT)
