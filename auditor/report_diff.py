"""`audit diff OLD.json NEW.json`: what got worse or better between two JSON reports.

Reports are compared by requirement id (status and verdict) and by finding (code, path, message;
line numbers move when files are edited, so they are not part of a finding's identity).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.errors import BadReportError
from auditor.escape import printable
from auditor.report import SCHEMA_VERSION
from auditor.schema_check import check

# Higher is better. Blocked and missing rank alike: either fails OSAID, for different reasons.
STATUS_RANK = {"satisfied": 3, "referenced": 2, "partial": 1, "blocked": 0, "missing": 0}


@dataclass(frozen=True)
class StatusChange:
    requirement: str
    old: str
    new: str

    @property
    def worse(self) -> bool:
        return STATUS_RANK[self.new] < STATUS_RANK[self.old]


@dataclass(frozen=True)
class ReportDiff:
    verdict: tuple[str, str]
    changes: tuple[StatusChange, ...]
    added_requirements: tuple[str, ...]
    removed_requirements: tuple[str, ...]
    new_findings: tuple[dict[str, Any], ...]
    removed_findings: tuple[dict[str, Any], ...]

    @property
    def got_worse(self) -> bool:
        old, new = self.verdict
        return (any(c.worse for c in self.changes) or (old == "open-source-ai" and new != old)
                or any(f["level"] == "error" and not f.get("waiver") for f in self.new_findings))


def read_report(path: Path) -> dict[str, Any]:
    shown = printable(str(path))
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise BadReportError(f"{shown}: cannot read ({error})") from None
    except json.JSONDecodeError as error:
        raise BadReportError(f"{shown}: not JSON (line {error.lineno}: {error.msg})") from None
    if not isinstance(report, dict) or "schema_version" not in report:
        raise BadReportError(f"{shown}: not an osaid-audit JSON report (no schema_version)")
    if report["schema_version"] != SCHEMA_VERSION:
        raise BadReportError(f"{shown}: report schema version {report['schema_version']!r}; this audit "
                             f"reads version {SCHEMA_VERSION!r} (re-run the audit that wrote it)")
    check(report, "report.schema.json", f"{shown}: not a valid report", BadReportError)
    return report


def diff_reports(old: dict[str, Any], new: dict[str, Any]) -> ReportDiff:
    if old["schema_version"] != new["schema_version"]:
        raise BadReportError(f"reports have different schema versions ({old['schema_version']!r} and "
                             f"{new['schema_version']!r}); re-run the older audit")
    if old["checklist"]["id"] != new["checklist"]["id"]:
        raise BadReportError(f"reports use different checklists ({old['checklist']['id']} and "
                             f"{new['checklist']['id']}); compare audits of the same checklist")
    before = {r["id"]: r["status"] for r in old["requirements"]}
    after = {r["id"]: r["status"] for r in new["requirements"]}
    changes = tuple(StatusChange(i, before[i], after[i]) for i in sorted(before.keys() & after.keys())
                    if before[i] != after[i])

    def key(finding: dict[str, Any]) -> tuple[str, str, str]:
        return (finding["code"], finding["path"], finding["message"])

    old_findings = {key(f): f for f in old["findings"]}
    new_findings = {key(f): f for f in new["findings"]}
    return ReportDiff(
        verdict=(old["verdict"], new["verdict"]),
        changes=changes,
        added_requirements=tuple(sorted(after.keys() - before.keys())),
        removed_requirements=tuple(sorted(before.keys() - after.keys())),
        new_findings=tuple(new_findings[k] for k in sorted(new_findings.keys() - old_findings.keys())),
        removed_findings=tuple(old_findings[k] for k in sorted(old_findings.keys() - new_findings.keys())),
    )


def render_diff(diff: ReportDiff) -> str:
    lines = []
    old, new = diff.verdict
    lines.append(f"Verdict: {old} -> {new}" if old != new else f"Verdict: {new} (unchanged)")
    worse = [c for c in diff.changes if c.worse]
    better = [c for c in diff.changes if not c.worse and STATUS_RANK[c.new] > STATUS_RANK[c.old]]
    other = [c for c in diff.changes if c not in worse and c not in better]
    for title, group in (("Worse", worse), ("Better", better), ("Changed", other)):
        if group:
            lines.append(f"{title}:")
            lines += [f"  {c.requirement}: {c.old} -> {c.new}" for c in group]
    for title, ids in (("New requirements", diff.added_requirements), ("Removed requirements",
                                                                       diff.removed_requirements)):
        if ids:
            lines.append(f"{title}: {', '.join(ids)}")
    for title, findings in (("New findings", diff.new_findings), ("Resolved findings", diff.removed_findings)):
        if findings:
            lines.append(f"{title}:")
            lines += [f"  {f['path'] or '(release)'}{':' + str(f['line']) if f['line'] else ''}: {f['code']} "
                      f"{f['message']}" for f in findings]
    if len(lines) == 1:
        lines.append("No requirement or finding changed.")
    lines.append("Result: worse" if diff.got_worse else "Result: not worse")
    # Every string came from a JSON report, which may spell any control character as `\u001b`.
    return "".join(printable(line) + "\n" for line in lines)
