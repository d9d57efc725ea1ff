"""The CI gate: which statuses of required requirements fail the build (exit code 1)."""

from __future__ import annotations

from typing import Literal

from auditor.report import Report, Status

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


def failing_statuses(fail_on: str) -> frozenset[Status]:
    """The statuses that fail the gate at this `--fail-on` level (ValueError for an unknown level)."""
    try:
        return _FAILING[fail_on]
    except KeyError:
        raise ValueError(f"unknown fail-on level {fail_on!r}: expected one of {', '.join(FAIL_ON_LEVELS)}") from None
