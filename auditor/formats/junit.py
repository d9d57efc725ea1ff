"""JUnit XML: one test case per requirement, for CI test-report views (GitLab, Jenkins, ...).

A required requirement whose status fails the gate (`--fail-on`) is a `<failure>`; a waived one, or
an optional one that is not satisfied, is `<skipped>`; every other requirement passes. Each case's
`<system-out>` holds its evidence lines. Same report and gate, same bytes: no timestamps, no times.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import ClassVar

from auditor.escape import printable
from auditor.formats.interface import ReportFormat
from auditor.formats.wording import evidence_lines
from auditor.gate import failing_statuses
from auditor.report import PASSING, Report, RequirementResult, Status

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
# Characters XML 1.0 does not allow at all, even escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value: str) -> str:
    """Text safe for an XML document: control characters escaped line by line, newlines kept (only
    `\n`: a C1 NEL or U+2028 inside a name is escaped, not turned into a line break)."""
    return _NOT_XML.sub("\ufffd", "\n".join(printable(line) for line in value.split("\n")))


def _failure_body(r: RequirementResult) -> str:
    lines = [f"{reason.code}: {reason.message}" for reason in r.reasons]
    lines.append(f"remediation: {r.remediation}")
    return "\n".join(lines)


class JunitFormat(ReportFormat):
    name: ClassVar[str] = "junit"

    def __init__(self, fail_on: str = "missing", verbose: bool = False) -> None:
        super().__init__(fail_on, verbose)
        self.failing: frozenset[Status] = failing_statuses(fail_on)

    def outcome(self, r: RequirementResult) -> tuple[str, str] | None:
        """("failure" | "skipped", message) for a requirement, or None when it passes."""
        if r.status in PASSING:
            return None
        if r.waiver is not None:
            return "skipped", f"waived: {r.waiver}"
        if not r.required:
            return "skipped", f"optional: {r.status}"
        if r.status in self.failing:
            return "failure", f"{r.status}: {r.title}"
        return None

    def render(self, report: Report, *, color: bool = False, width: int = 80) -> str:
        cases = []
        failures = skipped = 0
        for r in report.requirements:
            case = ET.Element("testcase", {"classname": _text(f"osaid.{r.group}"), "name": _text(r.id)})
            outcome = self.outcome(r)
            if outcome is not None:
                kind, message = outcome
                if kind == "failure":
                    failures += 1
                    failure = ET.SubElement(case, "failure", {"message": _text(message), "type": r.status})
                    failure.text = _text(_failure_body(r))
                else:
                    skipped += 1
                    ET.SubElement(case, "skipped", {"message": _text(message)})
            lines = [f"status: {r.status}" + ("" if r.required else " (optional)")] + evidence_lines(r, self.verbose)
            ET.SubElement(case, "system-out").text = _text("\n".join(lines))
            cases.append(case)
        counts = {"tests": str(len(cases)), "failures": str(failures), "errors": "0", "skipped": str(skipped)}
        root = ET.Element("testsuites", {"name": "osaid-audit", **counts})
        suite = ET.SubElement(root, "testsuite", {"name": _text(report.checklist.id), **counts})
        properties = ET.SubElement(suite, "properties")
        for key, value in (("checklist", report.checklist.id), ("fail_on", self.fail_on),
                           ("mof_class", report.mof_class), ("open_weights", str(report.open_weights).lower()),
                           ("tool_version", report.tool_version), ("verdict", report.verdict)):
            ET.SubElement(properties, "property", {"name": key, "value": _text(value)})
        suite.extend(cases)
        ET.indent(root, space="  ")
        return XML_DECLARATION + ET.tostring(root, encoding="unicode") + "\n"
