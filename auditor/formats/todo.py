"""What to do, grouped by what causes each requirement to fail: terms are changed (relicense), a
mismatching file is republished or its manifest fixed, what is missing is published, what is partial
completed. A requirement blocked by its licence is never told to publish what it already ships."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from auditor.escape import printable
from auditor.formats.blockers import licence_blockers
from auditor.formats.wording import location
from auditor.report import PASSING, Report, RequirementResult, Status

Cause = Literal["terms", "manifest", "publish", "complete"]

CAUSE_TITLES: dict[Cause, str] = {
    "terms": "Change or relicense (the terms are the problem, not the files)",
    "manifest": "Republish or fix the manifest (what it declares is not what is here)",
    "publish": "Publish what is missing",
    "complete": "Complete what is partial",
}


@dataclass(frozen=True)
class TodoItem:
    """One step; `action` is already through `printable`."""

    requirements: tuple[str, ...]
    status: Status
    action: str


@dataclass(frozen=True)
class TodoGroup:
    cause: Cause
    title: str
    items: tuple[TodoItem, ...]


def todo_groups(report: Report) -> list[TodoGroup]:
    """The steps for every requirement that does not pass, by cause; within a cause, required first."""
    pending = [r for r in report.requirements if r.status not in PASSING]
    pending.sort(key=lambda r: (not r.required, ("blocked", "missing", "partial").index(r.status), r.id))
    items: dict[Cause, list[TodoItem]] = {cause: [] for cause in CAUSE_TITLES}
    for blocker in licence_blockers(report):
        d = blocker.declaration
        kinds = ", ".join(k.kind for k in blocker.kinds)
        items["terms"].append(TodoItem(blocker.requirements, "blocked", printable(
            f"Relicense what {location(d.path, d.line)} ({d.name}) covers under OSI-approved terms (for example "
            f"Apache-2.0 or MIT; CC-BY-4.0 for documents and data), or remove its restrictive clauses"
            + (f" ({kinds}; see Blockers)." if kinds else "."))))
    for r in pending:
        for cause, action in _steps(r):
            items[cause].append(TodoItem((r.id,), r.status, printable(action)))
    return [TodoGroup(cause, CAUSE_TITLES[cause], tuple(steps)) for cause, steps in items.items() if steps]


def _steps(r: RequirementResult) -> list[tuple[Cause, str]]:
    """The steps for one requirement, one per cause it has; the terms that block it are covered once per
    licence by `todo_groups`, not here."""
    steps: list[tuple[Cause, str]] = []
    for x in r.reasons:
        if x.code == "OSAID-M005":
            steps.append(("manifest", f"{x.message}: republish the file with the declared bytes, or correct the "
                                      f"sha256 at {location(x.path, x.line)}."))
        elif x.code == "OSAID-M001":
            steps.append(("manifest", f"{x.message}: publish it, or remove the declaration at "
                                      f"{location(x.path, x.line)}."))
    missing_items = [i.id for i in r.items if i.status == "not-found"]
    if missing_items:
        steps.append(("publish", f"cover {', '.join(missing_items)}. {r.remediation}"))
    elif r.status == "missing" and not steps:
        steps.append(("publish", r.remediation))
    if r.status == "partial":
        unlicensed = [x for x in r.reasons if x.code == "OSAID-R006" or (
            x.code == "OSAID-R003" and x.message.startswith(_UNLICENSED))]
        steps += [("terms", f"{x.message}: put it under a licence the checklist accepts (an OSI-approved one, "
                            f"in a LICENSE file or as an SPDX identifier in the files).") for x in unlicensed]
        if not unlicensed and not missing_items:
            steps.append(("complete", r.remediation))
    return steps


_UNLICENSED = ("no licence covers", "licence not identified")
"""How `evaluation.components` words an OSAID-R003 about the licence, not the evidence."""
