"""The report of `audit license FILE...`: each file's licence, class, match and restrictions."""

from __future__ import annotations

from typing import Any

from auditor.escape import printable
from auditor.formats.json import dump_json
from auditor.licenses.documents import DocumentReading, LicenseMention
from auditor.licenses.local_files import AnalysedFile


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
        "document": _document_dict(f.document) if f.document is not None else None,
    } for f in files]}


def _document_dict(document: DocumentReading) -> dict[str, Any]:
    return {"why": document.why, "term_lines": list(document.term_lines), "mentions": [{
        "kind": m.kind, "line_start": m.line_start, "line_end": m.line_end, "expression": m.expression or None,
        "files": [printable(name) for name in m.files],
        "resolved": {"id": m.resolved.id, "name": printable(m.resolved.name), "class": m.resolved.license_class}
        if m.resolved is not None else None,
    } for m in document.mentions]}


def render_license_json(files: list[AnalysedFile]) -> str:
    return dump_json(license_files_dict(files))


def render_license_text(files: list[AnalysedFile]) -> str:
    out: list[str] = []
    for f in files:
        if f.document is not None:
            out.extend(_document_lines(f.path, f.document))
            continue
        a = f.analysis
        out.append(f"{printable(f.path)}: {printable(a.id or '-')} ({printable(a.name)}) "
                   f"[{a.license_class}{_match(a.match)}]")
        if len(a.parts) > 1:
            for p in a.parts:
                out.append(f"  {_lines(p.line_start, p.line_end)}: {printable(p.id or '-')} "
                           f"({printable(p.name)}) [{p.license_class}{_match(p.score)}]")
        for r in a.restrictions:
            out.append(f"  {_lines(r.line_start, r.line_end)}: {r.code} {r.kind} "
                       f"(takes away the freedom to {r.freedom}; OSD {r.osd})")
            out.append(f"    \"{printable(r.text)}\"")
        for reason in a.reasons:
            out.append(f"  {_lines(reason.line_start, reason.line_end)}: {reason.code} {printable(reason.text)}")
    return "\n".join(out) + "\n"


def _document_lines(path: str, document: DocumentReading) -> list[str]:
    out = [f"{printable(path)}: not a licence text: a document that mentions licences ({document.why})"]
    out += [f"  {_lines(m.line_start, m.line_end)}: {_mention_text(m)}" for m in document.mentions]
    if document.term_lines:
        lines = ", ".join(map(str, document.term_lines))
        out.append(f"  line{'s' if len(document.term_lines) > 1 else ''} {lines}: read like restrictive terms")
        out.append("    described or quoted; a release's own terms belong in its licence file")
    if not document.mentions and not document.term_lines:
        out.append("  it names no licence")
    return out


def _mention_text(mention: LicenseMention) -> str:
    if mention.kind != "pointer":
        return f"names {printable(mention.expression)}"
    r = mention.resolved
    named = " and ".join(printable(name) for name in mention.files)
    if r is None:
        return f"points to {named}"
    if r.id is not None:
        return f"points to {named}: {printable(r.id)} [{r.license_class}]"
    return f"points to {printable(r.name.removeprefix('points to '))} [{r.license_class}]"


def _lines(start: int, end: int) -> str:
    return f"line {start}" if start == end else f"lines {start}-{end}"


def _match(score: float | None) -> str:
    return f", {score:.1%} match" if score is not None else ""
