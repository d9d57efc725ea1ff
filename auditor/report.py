"""The audit's result: statuses per requirement and component, with their evidence and licences."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from auditor.detectors.interface import Evidence
from auditor.findings import Finding
from auditor.licenses.interface import LicenseDeclaration
from auditor.licenses.resolve import ResolvedLicense
from auditor.mot.evaluator import MotClassification
from auditor.sources.interface import Target

SCHEMA_VERSION = "1"

Status = Literal["satisfied", "referenced", "partial", "missing", "blocked"]
STATUSES: tuple[Status, ...] = ("satisfied", "referenced", "partial", "missing", "blocked")
WORST_FIRST: tuple[Status, ...] = ("blocked", "missing", "partial", "referenced", "satisfied")
PASSING: frozenset[Status] = frozenset({"satisfied", "referenced"})

ItemStatus = Literal["covered", "referenced", "not-found"]


@dataclass(frozen=True)
class Reason:
    """Why a status is what it is; `code` ties it to a finding users can look up."""

    code: str
    message: str
    path: str | None = None
    line: int | None = None
    line_end: int | None = None


@dataclass(frozen=True)
class ItemResult:
    """One data-information item (DI-1a ... DI-3) and the document section that covers it."""

    id: str
    title: str
    status: ItemStatus
    path: str | None = None
    line: int | None = None
    section: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class ComponentResult:
    id: str
    name: str
    status: Status
    evidence: tuple[Evidence, ...]
    license: ResolvedLicense | None
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class RequirementResult:
    id: str
    title: str
    group: str
    required: bool
    status: Status
    evidence: tuple[Evidence, ...]
    license: ResolvedLicense | None
    reasons: tuple[Reason, ...]
    remediation: str
    source: str
    mof_class: int | None = None
    items: tuple[ItemResult, ...] = ()
    waiver: str | None = None
    """Why this requirement may fail for now (a waiver's reason, approver and expiry), if it may."""


@dataclass(frozen=True)
class WaiverResult:
    """A waiver as this audit applied it: `active` (matched something), `expired`, or `unused`."""

    id: str
    reason: str
    approved_by: str
    expires: str
    status: Literal["active", "expired", "unused"]
    path: str
    line: int | None
    origin: Literal["release", "user"] = "user"
    """`release` when the audited release ships the waiver itself (its `.osaid-waivers.yaml`)."""


@dataclass(frozen=True)
class ChecklistInfo:
    id: str
    title: str
    version: str
    path: str
    groups: tuple[tuple[str, str], ...]


Verdict = Literal["open-source-ai", "not-open-source-ai", "mof-class-i", "mof-class-ii",
                  "mof-class-iii", "mof-class-none"]


@dataclass(frozen=True)
class Report:
    tool_version: str
    checklist: ChecklistInfo
    target: Target
    verdict: Verdict
    open_weights: bool
    mof_class: str
    requirements: tuple[RequirementResult, ...]
    components: tuple[ComponentResult, ...]
    licenses: tuple[LicenseDeclaration, ...]
    findings: tuple[Finding, ...]
    waivers: tuple[WaiverResult, ...] = ()
    mot: MotClassification | None = None
    """The class and progress the Model Openness Tool computes from a MOT manifest, when given one."""
    schema_version: str = SCHEMA_VERSION

    @property
    def summary(self) -> dict[str, int]:
        counts = {status: 0 for status in STATUSES}
        for requirement in self.requirements:
            counts[requirement.status] += 1
        return counts


def worst(statuses: list[Status]) -> Status:
    return min(statuses, key=WORST_FIRST.index)


def best(statuses: list[Status]) -> Status:
    """The status of the most complete alternative: satisfied, then referenced, partial, blocked."""
    preference: tuple[Status, ...] = ("satisfied", "referenced", "partial", "blocked", "missing")
    return min(statuses, key=preference.index)
