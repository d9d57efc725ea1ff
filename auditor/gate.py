"""The CI gate: which statuses of required requirements fail the build (exit code 1)."""

from __future__ import annotations

from typing import Literal

from auditor.report import Report, RequirementResult, Status, WaiverResult

FailOn = Literal["blocked", "missing", "partial", "never"]
FAIL_ON_LEVELS: tuple[FailOn, ...] = ("blocked", "missing", "partial", "never")

# Each level includes the ones before it.
_FAILING: dict[str, frozenset[Status]] = {
    "blocked": frozenset({"blocked"}),
    "missing": frozenset({"blocked", "missing"}),
    "partial": frozenset({"blocked", "missing", "partial"}),
    "never": frozenset(),
}


def failing_requirements(report: Report, fail_on: FailOn) -> list[str]:
    failing = _FAILING[fail_on]
    return [r.id for r in report.requirements if r.required and r.status in failing and r.waiver is None]


def waived_failures(report: Report, fail_on: FailOn) -> list[tuple[RequirementResult, WaiverResult | None]]:
    """The required requirements that would fail the gate but for a waiver, each with its waiver."""
    failing = _FAILING[fail_on]
    active = {w.id: w for w in report.waivers if w.status == "active"}
    return [(r, active.get(r.id)) for r in report.requirements
            if r.required and r.status in failing and r.waiver is not None]


def waiver_gate_note(report: Report, fail_on: FailOn) -> str | None:
    """One sentence when the gate passes only because of waivers, saying whose they are; else None."""
    waived = waived_failures(report, fail_on)
    if not waived or failing_requirements(report, fail_on):
        return None
    parts = []
    for requirement, waiver in waived:
        if waiver is None:
            parts.append(f"{requirement.id} (a waiver)")
            continue
        whose = f"the release's own {waiver.path}" if waiver.origin == "release" else waiver.path
        parts.append(f"{requirement.id} ({whose}, approved by {waiver.approved_by})")
    return f"the gate passes only because of waivers: {'; '.join(parts)}"


def failing_statuses(fail_on: str) -> frozenset[Status]:
    """The statuses that fail the gate at this `--fail-on` level (ValueError for an unknown level)."""
    try:
        return _FAILING[fail_on]
    except KeyError:
        raise ValueError(f"unknown fail-on level {fail_on!r}: expected one of {', '.join(FAIL_ON_LEVELS)}") from None
