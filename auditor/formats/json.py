"""JSON: the machine-readable report, described by `schemas/report.schema.json`."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from auditor.detectors.interface import Evidence
from auditor.escape import json_safe, printable
from auditor.findings import Finding
from auditor.formats.interface import ReportFormat
from auditor.licenses.interface import LicenseDeclaration
from auditor.licenses.resolve import ResolvedLicense
from auditor.report import Report, RequirementResult

MAX_EVIDENCE = 200
"""Evidence listed per requirement or component; the rest is counted in `evidence_omitted` (a
release with 10,000 training scripts does not need 10,000 entries to prove it has training code)."""


def evidence_list(evidence: tuple[Evidence, ...]) -> dict[str, Any]:
    listed = {"evidence": [evidence_dict(e) for e in evidence[:MAX_EVIDENCE]]}
    if len(evidence) > MAX_EVIDENCE:
        listed["evidence_omitted"] = len(evidence) - MAX_EVIDENCE
    return listed


def _path(path: str | None) -> str | None:
    return printable(path) if path is not None else None


def evidence_dict(e: Evidence) -> dict[str, Any]:
    return {"component": e.component, "detector": e.detector, "strength": e.strength, "reason": printable(e.reason),
            "path": _path(e.path), "line": e.line, "url": e.url, "details": dict(e.details)}


def license_dict(d: LicenseDeclaration) -> dict[str, Any]:
    return {"path": _path(d.path), "line": d.line, "id": d.id, "name": d.name, "class": d.license_class,
            "origin": d.origin, "scope": _path(d.scope), "components": list(d.components), "match": d.match,
            "restrictions": [{"kind": r.kind, "code": r.code, "line_start": r.line_start, "line_end": r.line_end,
                              "text": r.text, "freedom": r.freedom, "osd": r.osd} for r in d.restrictions],
            "reasons": [{"code": r.code, "text": r.text, "line_start": r.line_start, "line_end": r.line_end}
                        for r in d.reasons]}


def resolved_dict(resolved: ResolvedLicense | None) -> dict[str, Any] | None:
    if resolved is None:
        return None
    return {"label": resolved.label, "class": resolved.license_class,
            "sources": [{"path": _path(d.path), "line": d.line} for d in resolved.declarations]}


def finding_dict(f: Finding) -> dict[str, Any]:
    return {"code": f.code, "level": f.level, "path": _path(f.path), "line": f.line,
            "line_end": f.line_end, "message": printable(f.message), "waiver": f.waiver}


def requirement_dict(r: RequirementResult) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": r.id, "title": r.title, "group": r.group, "required": r.required, "status": r.status,
        **evidence_list(r.evidence), "license": resolved_dict(r.license),
        "reasons": [printable(reason.message) for reason in r.reasons], "remediation": r.remediation,
        "source": r.source, "waiver": r.waiver,
    }
    if r.mof_class is not None:
        out["mof_class"] = r.mof_class
    if r.items:
        out["items"] = [{"id": i.id, "title": i.title, "status": i.status, "path": _path(i.path), "line": i.line,
                         "section": i.section, "url": i.url} for i in r.items]
    return out


def report_dict(report: Report) -> dict[str, Any]:
    return {
        "schema_version": report.schema_version,
        "tool": {"name": "osaid-audit", "version": report.tool_version},
        "checklist": {"id": report.checklist.id, "title": report.checklist.title,
                      "version": report.checklist.version},
        "target": {"kind": report.target.kind, "location": report.target.location,
                   "revision": report.target.revision, "commit": report.target.commit},
        "verdict": report.verdict,
        "open_weights": report.open_weights,
        "mof_class": report.mof_class,
        "summary": report.summary,
        "requirements": [requirement_dict(r) for r in report.requirements],
        "components": [{"id": c.id, "name": c.name, "status": c.status, **evidence_list(c.evidence),
                        "license": resolved_dict(c.license),
                        "reasons": [printable(reason.message) for reason in c.reasons]}
                       for c in report.components],
        "licenses": [license_dict(d) for d in report.licenses],
        "findings": [finding_dict(f) for f in report.findings],
        "waivers": [{"id": w.id, "reason": w.reason, "approved_by": w.approved_by, "expires": w.expires,
                     "status": w.status, "path": _path(w.path), "line": w.line, "origin": w.origin}
                    for w in report.waivers],
        **({"mot": {"class": report.mot.mof_class, "progress": report.mot.progress}} if report.mot else {}),
    }


def dump_json(document: dict[str, Any]) -> str:
    """Sorted keys, no timestamps: the same document gives the same bytes; none of them a raw control or
    format character, whatever string from the release the document holds (`json_safe`)."""
    return json_safe(json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False)) + "\n"


class JsonFormat(ReportFormat):
    name: ClassVar[str] = "json"

    def render(self, report: Report, *, color: bool = False, width: int = 80) -> str:
        return dump_json(report_dict(report))
