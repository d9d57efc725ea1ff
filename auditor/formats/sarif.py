"""SARIF 2.1.0: every finding as a code-scanning result (GitHub code scanning, and other SARIF viewers).

One run, one rule per finding code the report uses (name, level and help from `data/findings.yaml`),
one result per finding located at its file and lines relative to the release (`%SRCROOT%`). Waived
findings carry an external suppression with the waiver's text. Same report, same bytes.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any, ClassVar
from urllib.parse import quote

from auditor.escape import printable
from auditor.findings import Finding, FindingCode, finding_code
from auditor.formats.interface import ReportFormat
from auditor.formats.json import dump_json
from auditor.report import Report

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
TOOL_NAME = "osaid-audit"
INFORMATION_URI = "https://opensource.org/ai/open-source-ai-definition"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "osaidFinding/v1"
DEFAULT_CARD_PATH = "README.md"

CATEGORY_TAGS = {"A": "artifact", "R": "requirement", "L": "licence", "W": "waiver"}
_WINDOWS_ABSOLUTE = re.compile(r"^[A-Za-z]:[\\/]")


def rule_dict(entry: FindingCode) -> dict[str, Any]:
    tag = CATEGORY_TAGS.get(entry.code.removeprefix("OSAID-")[:1], "other")
    return {
        "id": entry.code,
        "name": entry.name,
        "shortDescription": {"text": entry.summary},
        "fullDescription": {"text": entry.explanation},
        "help": {
            "text": f"{entry.explanation}\n\nRun 'audit explain {entry.code}' to show this in a terminal.",
            "markdown": f"{entry.explanation}\n\nRun `audit explain {entry.code}` to show this in a terminal.",
        },
        "defaultConfiguration": {"level": entry.level},
        "properties": {"tags": ["osaid", tag]},
    }


def is_release_relative(path: str) -> bool:
    """True for a path inside the release: not absolute, and no `..` segment."""
    if path.startswith(("/", "\\")) or _WINDOWS_ABSOLUTE.match(path):
        return False
    return ".." not in path.replace("\\", "/").split("/")


def relative_uri(path: str) -> str:
    """A release-relative path as a relative URI reference: every byte outside the unreserved set
    (spaces, `:`, `%`, `#`, non-ASCII, undecodable bytes) percent-encoded, `/` kept."""
    return quote(path, safe="/", errors="surrogateescape")


def model_card_path(report: Report) -> str:
    """Where to point findings about the release as a whole: its model card, else README.md."""
    for component in report.components:
        if component.id != "model-card":
            continue
        paths = [e.path for e in component.evidence if e.path and e.strength != "referenced"]
        paths += [e.path for e in component.evidence if e.path]
        for path in paths:
            if is_release_relative(path):
                return path
    return DEFAULT_CARD_PATH


def plain_message(text: str) -> str:
    """A message as SARIF plain text: controls escaped, and when it holds what a viewer could read as an
    embedded link `[text](target)` (SARIF 2.1.0, 3.11.6; say a file named `[x](javascript:...)`), its
    brackets backslash-escaped, so that it stays text."""
    shown = printable(text)
    return re.sub(r"([\[\]])", r"\\\1", shown) if "](" in shown else shown


def fingerprint(finding: Finding) -> str:
    key = "\0".join((finding.code, printable(finding.path), printable(finding.message)))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def result_dict(finding: Finding, rule_index: int, card_path: str) -> dict[str, Any]:
    inside = bool(finding.path) and is_release_relative(finding.path)
    physical: dict[str, Any] = {
        "artifactLocation": {"uri": relative_uri(finding.path if inside else card_path), "uriBaseId": SRCROOT},
    }
    if inside and finding.line is not None and finding.line >= 1:
        region: dict[str, int] = {"startLine": finding.line}
        if finding.line_end is not None and finding.line_end >= finding.line:
            region["endLine"] = finding.line_end
        physical["region"] = region
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": finding.level,
        "message": {"text": plain_message(finding.message)},
        "locations": [{"physicalLocation": physical}],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(finding)},
    }
    if finding.path and not inside:
        # A file outside the release (e.g. a waivers file given by absolute path): keep where it was.
        result["properties"] = {"path": printable(finding.path)}
    if finding.url:
        result.setdefault("properties", {})["url"] = finding.url
    if finding.waiver is not None:
        result["suppressions"] = [{"kind": "external", "status": "accepted",
                                   "justification": printable(finding.waiver)}]
    return result


def sarif_dict(report: Report) -> dict[str, Any]:
    codes = sorted({f.code for f in report.findings})
    index = {code: i for i, code in enumerate(codes)}
    card_path = model_card_path(report)
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [{
            "tool": {"driver": {
                "name": TOOL_NAME,
                "version": report.tool_version,
                "informationUri": INFORMATION_URI,
                "rules": [rule_dict(finding_code(code)) for code in codes],
            }},
            "results": [result_dict(f, index[f.code], card_path) for f in report.findings],
            "properties": {
                "verdict": report.verdict,
                "open_weights": report.open_weights,
                "mof_class": report.mof_class,
                "checklist": report.checklist.id,
            },
        }],
    }


class SarifFormat(ReportFormat):
    name: ClassVar[str] = "sarif"

    def render(self, report: Report, *, color: bool = False, width: int = 80) -> str:
        return dump_json(sarif_dict(report))
