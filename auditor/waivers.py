"""Waivers: known gaps a release may have until a date, with a reason and an approver.

A waiver names a requirement id or a finding code. What it matches stays in the report, marked as
waived, and no longer fails the gate. An expired waiver counts for nothing and is itself reported,
as is a waiver that matches nothing (it is stale, or misspelt).

Whose a waiver is matters: a release's own `.osaid-waivers.yaml` is the producer excusing itself,
so every waiver records its origin, the summary says when the gate passes only because of waivers,
and an adopter can ignore the release's own with `--no-release-waivers`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from auditor.errors import AuditorError
from auditor.escape import printable
from auditor.findings import Finding
from auditor.report import PASSING, Report, WaiverResult
from auditor.schema_check import load_checked_yaml
from auditor.sources.interface import Inventory

DEFAULT_WAIVERS_FILE = ".osaid-waivers.yaml"

WaiverOrigin = Literal["release", "user"]
"""`release`: shipped inside the audited release; `user`: a file given with `--waivers`."""


class BadWaiversError(AuditorError):
    """The waivers file is missing, not YAML, or fails its schema."""


@dataclass(frozen=True)
class Waiver:
    id: str
    reason: str
    approved_by: str
    expires: dt.date
    path: str
    line: int | None
    origin: WaiverOrigin = "user"


def load_waivers(text: str, shown: str, origin: WaiverOrigin = "user") -> list[Waiver]:
    """Waivers from YAML text; `shown` names the file in errors and findings."""
    data = load_checked_yaml(text, "waivers.schema.json", f"waivers {shown}", BadWaiversError)
    lines = _entry_lines(text)
    waivers = []
    for index, entry in enumerate(data["waivers"]):
        expires = dt.date.fromisoformat(entry["expires"])  # the schema's format check vouches for it
        waivers.append(Waiver(entry["id"], entry["reason"], entry["approved_by"], expires, shown,
                              lines[index] if index < len(lines) else None, origin))
    return waivers


def shipped_waivers(inventory: Inventory, path: str = DEFAULT_WAIVERS_FILE) -> list[Waiver]:
    """The waivers a release ships at `path` (none if it has no such file)."""
    artifact = inventory.get(path)
    if artifact is None:
        return []
    if artifact.text is None:
        raise BadWaiversError(f"waivers {printable(path)}: not a readable text file")
    return load_waivers(artifact.text, printable(path), origin="release")


def read_waivers_file(path: Path) -> list[Waiver]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise BadWaiversError(f"waivers {printable(str(path))}: cannot read ({error})") from None
    return load_waivers(text, printable(str(path)))


def _entry_lines(text: str) -> list[int]:
    """Line of each `- id:` list entry, for citing a waiver in findings."""
    return [number for number, line in enumerate(text.splitlines(), start=1) if line.lstrip().startswith("- ")]


def apply_waivers(report: Report, waivers: list[Waiver], today: dt.date) -> Report:
    active = [w for w in waivers if w.expires >= today]
    # A waiver matches a gap: a requirement that is not met, or a finding that was reported.
    requirement_ids = {r.id for r in report.requirements if r.status not in PASSING}
    finding_codes = {f.code for f in report.findings}
    results: list[WaiverResult] = []
    extra: list[Finding] = []
    for waiver in waivers:
        matched = waiver.id in requirement_ids or waiver.id in finding_codes
        status: Literal["active", "expired", "unused"] = (
            "expired" if waiver.expires < today else "active" if matched else "unused")
        results.append(WaiverResult(waiver.id, waiver.reason, waiver.approved_by, waiver.expires.isoformat(),
                                    status, waiver.path, waiver.line, waiver.origin))
        if status == "expired":
            extra.append(Finding(waiver.path, "OSAID-W001",
                                 f"waiver for {waiver.id} expired on {waiver.expires.isoformat()} "
                                 f"(approved by {waiver.approved_by}); it no longer counts", line=waiver.line))
        elif status == "unused":
            extra.append(Finding(waiver.path, "OSAID-W002",
                                 f"waiver for {waiver.id} matches no requirement or finding of this audit",
                                 line=waiver.line))
    matched = {r.id for r in results if r.status == "active"}
    by_id = {w.id: w for w in active if w.id in matched}
    requirements = tuple(replace(r, waiver=_label(by_id[r.id])) if r.id in by_id else r
                         for r in report.requirements)
    findings = tuple(sorted(
        [replace(f, waiver=_label(by_id[f.code])) if f.code in by_id else f for f in report.findings] + extra,
        key=Finding.sort_key))
    return replace(report, requirements=requirements, findings=findings, waivers=tuple(results))


def _label(waiver: Waiver) -> str:
    whose = "the release's own waiver, " if waiver.origin == "release" else ""
    return f"{waiver.reason} ({whose}approved by {waiver.approved_by}, until {waiver.expires.isoformat()})"
