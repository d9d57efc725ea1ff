"""The report of `audit license FILE...`: each file's licence, class, match and restrictions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from auditor.escape import printable
from auditor.formats.json import dump_json
from auditor.licenses.analysis import LicenseAnalysis


@dataclass(frozen=True)
class AnalysedFile:
    path: str
    analysis: LicenseAnalysis


def license_files_dict(files: list[AnalysedFile]) -> dict[str, Any]:
    return {"files": [{
        "path": printable(f.path), "id": f.analysis.id, "name": f.analysis.name, "class": f.analysis.license_class,
        "match": f.analysis.match,
        "restrictions": [{"kind": r.kind, "code": r.code, "line_start": r.line_start, "line_end": r.line_end,
                          "text": r.text, "freedom": r.freedom, "osd": r.osd} for r in f.analysis.restrictions],
        "parts": [{"id": p.id, "name": p.name, "class": p.license_class, "match": p.score,
                   "line_start": p.line_start, "line_end": p.line_end} for p in f.analysis.parts],
        "pointer_files": [printable(name) for name in f.analysis.pointer_files],
        "pointer_operator": f.analysis.pointer_operator,
        "reasons": [{"code": r.code, "text": r.text, "line_start": r.line_start, "line_end": r.line_end}
                    for r in f.analysis.reasons],
    } for f in files]}


def render_license_json(files: list[AnalysedFile]) -> str:
    return dump_json(license_files_dict(files))


def render_license_text(files: list[AnalysedFile]) -> str:
    out: list[str] = []
    for f in files:
        a = f.analysis
        out.append(f"{printable(f.path)}: {printable(a.id or '-')} ({printable(a.name)}) "
                   f"[{a.license_class}{_match(a.match)}]")
        if len(a.parts) > 1:
            for p in a.parts:
                out.append(f"  lines {_lines(p.line_start, p.line_end)}: {printable(p.id or '-')} "
                           f"({printable(p.name)}) [{p.license_class}{_match(p.score)}]")
        for r in a.restrictions:
            out.append(f"  line {_lines(r.line_start, r.line_end)}: {r.code} {r.kind} "
                       f"(takes away the freedom to {r.freedom}; OSD {r.osd})")
            out.append(f"    \"{printable(r.text)}\"")
        for reason in a.reasons:
            out.append(f"  lines {_lines(reason.line_start, reason.line_end)}: {reason.code} {printable(reason.text)}")
    return "\n".join(out) + "\n"


def _lines(start: int, end: int) -> str:
    return f"{start}" if start == end else f"{start}-{end}"


def _match(score: float | None) -> str:
    return f", {score:.1%} match" if score is not None else ""
