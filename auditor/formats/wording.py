"""Words shared by the human formats (text, markdown, html): verdicts, statuses, evidence lines.

Every string from the release (or a checklist file) is passed through `printable` here; each format
then escapes for its own markup.
"""

from __future__ import annotations

from auditor.escape import printable
from auditor.formats.blockers import TERMS_CODES
from auditor.report import RequirementResult

VERDICT_TEXT = {
    "open-source-ai": "OPEN SOURCE AI",
    "not-open-source-ai": "NOT OPEN SOURCE AI",
    "mof-class-i": "MOF Class I (open science)",
    "mof-class-ii": "MOF Class II (open tooling)",
    "mof-class-iii": "MOF Class III (open model)",
    "mof-class-none": "no MOF class reached",
}
STATUS_STYLE = {"satisfied": "green", "referenced": "cyan", "partial": "yellow",
                "missing": "red", "blocked": "bold red"}
MAX_EVIDENCE_LINES = 4


def location(path: str | None, line: int | None = None, line_end: int | None = None) -> str:
    shown = printable(path) if path else "(release)"
    if line and line_end and line_end != line:
        return f"{shown}:{line}-{line_end}"
    return f"{shown}:{line}" if line else shown


def evidence_lines(r: RequirementResult, every: bool = False, blockers_listed: bool = False) -> list[str]:
    """The lines under a requirement: its evidence, DI items, licence and reasons, most useful first.
    The first MAX_EVIDENCE_LINES of the strongest evidence, or, with `every`, all of it. With
    `blockers_listed` (the report explains each restricting licence once, in its Blockers section), a
    restriction is named with where it stands, not spelled out again."""
    lines: list[str] = []
    shown = list(r.evidence) if every else [e for e in r.evidence if e.strength == "present"] or list(r.evidence)
    limit = len(shown) if every else MAX_EVIDENCE_LINES
    for e in shown[:limit]:
        lines.append(f"{location(e.path, e.line)}: {printable(e.reason)}")
    if len(shown) > limit:
        lines.append(f"... and {len(shown) - limit} more (-v shows every one)")
    lines += _item_lines(r)
    if r.license is not None:
        lines.append(f"licence: {printable(r.license.label)} [{r.license.license_class}]")
    for reason in r.reasons:
        if blockers_listed and reason.code in TERMS_CODES:
            lines.append(f"! blocked by the terms at {location(reason.path, reason.line)} (see Blockers)")
        elif reason.code != "OSAID-R005":
            lines.append(f"! {printable(reason.message)}")
    return lines


def _item_lines(r: RequirementResult) -> list[str]:
    """Data-information items: each covered one with its section, the rest grouped."""
    lines = []
    for item in r.items:
        if item.status == "covered":
            section = f" ({printable(item.section)})" if item.section else ""
            lines.append(f"{item.id} covered: {location(item.path, item.line)}{section}")
    referenced = [i for i in r.items if i.status == "referenced"]
    if referenced:
        lines.append(f"{', '.join(i.id for i in referenced)} referenced: {printable(referenced[0].url or '')}")
    not_found = [i.id for i in r.items if i.status == "not-found"]
    if not_found:
        lines.append(f"not found in any document: {', '.join(not_found)}")
    return lines
