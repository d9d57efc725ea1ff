"""`audit init`: a draft `release.yaml` written from what the audit found, for the lab to complete.

Every component the checklist needs is listed: found ones with their locations, licence and
sha256; missing ones as commented placeholders saying what OSAID expects.

Every value is a YAML single-quoted scalar of the escaped text (`printable`): no newline, `#` or
`: ` from a file name can change the YAML's structure, and a shell that sources the file reads
each value as plain quoted text (`''` too), so `$(...)` or a backtick in a name runs nothing. The
comments hold only this tool's own words.
"""

from __future__ import annotations

import posixpath

from auditor.components import COMPONENTS
from auditor.escape import printable
from auditor.evaluation.checklist import Checklist
from auditor.manifest.hashes import hash_artifact, recorded_sha256
from auditor.report import Report
from auditor.sources.interface import Inventory

MAX_LOCATIONS = 8


def draft_manifest(report: Report, checklist: Checklist, inventory: Inventory) -> str:
    needed = {c for r in checklist.requirements for c in r.components}
    expectations = {c: r.complete for r in checklist.requirements for c in r.components}
    results = {c.id: c for c in report.components}
    name = posixpath.basename(report.target.location.rstrip("/")) or "release"
    out = [
        "# Release manifest for osaid-audit, drafted by `audit init` from what the audit found.",
        "# Complete it: fill in what is missing, check every licence, and keep the sha256 values in",
        "# step with the files (`audit --verify-hashes` checks them). Schema: schemas/manifest.schema.json",
        _scalar("name", name),
        _scalar("version", ""),
        _scalar("producer", ""),
        "components:",
    ]
    for component in COMPONENTS:
        result = results.get(component)
        locations = _locations(result, inventory) if result and result.status != "missing" else []
        if locations:
            out.append(f"  {component}:")
            for location in locations:
                out += _location_lines(location)
        elif component in needed:
            expected = printable(expectations.get(component, "it"))  # a checklist file's text: one line
            out.append(f"  # {component}:  # not found; OSAID expects {expected}")
            out.append("  #   - path: PATH/IN/RELEASE        # or url:, hf:, git: {url:, commit:}")
            out.append("  #     license: SPDX-ID            # e.g. Apache-2.0 for code, CC-BY-4.0 for documents")
    return "\n".join(out) + "\n"


def _locations(result, inventory: Inventory) -> list[dict[str, str]]:  # noqa: ANN001 - ComponentResult
    ids = {d.id for d in result.license.declarations} if result.license else set()
    licence = ids.pop() if len(ids) == 1 else None  # one licence for all its files, or leave it to the lab
    locations: list[dict[str, str]] = []
    seen: set[str] = set()
    for evidence in result.evidence:
        key = evidence.path if evidence.strength != "referenced" or evidence.url is None else evidence.url
        if key is None or key in seen or evidence.detector == "manifest":
            continue
        seen.add(key)
        if evidence.strength == "referenced" and evidence.url is not None:
            locations.append({"url": evidence.url} if not evidence.url.startswith("hf://") else {"hf": evidence.url})
            continue
        location = {"path": key}
        if licence:
            location["license"] = licence
        artifact = inventory.get(key)
        if artifact is not None:
            location["sha256"] = recorded_sha256(artifact) or hash_artifact(artifact)
        locations.append(location)
        if len(locations) >= MAX_LOCATIONS:
            break
    return locations


def _quoted(value: str) -> str:
    return "'" + printable(value).replace("'", "''") + "'"


def _scalar(key: str, value: str) -> str:
    return f"{key}: {_quoted(value)}"


def _location_lines(location: dict[str, str]) -> list[str]:
    first, *rest = location.items()
    return [f"    - {_scalar(*first)}"] + [f"      {_scalar(key, value)}" for key, value in rest]
