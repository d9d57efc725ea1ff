"""A document that mentions licences (a README, a model card, a guide), told apart from a licence text.

`audit license README.md` asks what licence a file is. A README that says "Apache-2.0, see LICENSE"
and describes other licences' terms is no licence: calling it "Apache-2.0" (the file it points to)
or "restricted" (the terms it describes) would both be wrong. A file is read as a document when
its name is not a licence file's, it holds no reference licence text, and its name is a document's
(README, CHANGELOG, ...) or it holds fenced code blocks, which licence texts do not. What it says
about licences is listed as mentions, each cited by its lines; a pointer is followed to the file it
names, and sentences that read like restrictive terms are cited so none goes unseen. A licence file
in Markdown (an acceptable-use policy, a model licence) keeps its licence reading: its name says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from auditor.licenses.analysis import LicenseAnalysis
from auditor.licenses.clauses import find_restrictions
from auditor.licenses.file_names import LICENSE_NAME, PDF_TERMS_NAME
from auditor.licenses.notices import NoticeKind, find_notices
from auditor.licenses.pointers import resolve_pointer

DOCUMENT_NAME = re.compile(
    r"^(readme|changelog|changes|history|news|contributing|code[_-]of[_-]conduct|security|support|install|"
    r"faq|model[_-]?card|usage|getting[_-]started)([_.-][\w.-]*)?$", re.IGNORECASE)
_CODE_FENCE = re.compile(r"^ {0,3}(?:```|~~~)", re.MULTILINE)


@dataclass(frozen=True)
class LicenseMention:
    """A notice, reference or pointer in a document; a pointer carries the licence of what it names."""

    kind: NoticeKind
    line_start: int
    line_end: int
    expression: str
    files: tuple[str, ...]
    resolved: LicenseAnalysis | None


@dataclass(frozen=True)
class DocumentReading:
    why: str
    """Why the file is read as a document: its name, or its code blocks."""
    mentions: tuple[LicenseMention, ...]
    term_lines: tuple[int, ...]
    """First lines of sentences that read like restrictive terms (quoted or described, binding nothing here)."""


def document_reason(text: str, name: str, analysis: LicenseAnalysis) -> str | None:
    """Why `text` (named `name`, read as `analysis`) is a document rather than a licence; None when
    it is a licence text."""
    if LICENSE_NAME.match(name) or PDF_TERMS_NAME.search(name) or any(p.score is not None for p in analysis.parts):
        return None
    if DOCUMENT_NAME.match(name):
        return f"its name, {name}, is a document's"
    if len(_CODE_FENCE.findall(text)) >= 2:
        return "it holds code blocks"
    return None


def read_document(text: str, why: str, read_sibling: Callable[[str], str | None]) -> DocumentReading:
    """The licence mentions of a document, its pointers followed through `read_sibling(name)`."""
    mentions = tuple(_mention(n.kind, n.line_start, n.line_end, n.expression, n.files, n.operator, read_sibling)
                     for n in find_notices(text))
    lines = tuple(dict.fromkeys(r.line_start for r in find_restrictions(text)))
    return DocumentReading(why, mentions, lines)


def document_analysis() -> LicenseAnalysis:
    """A document's own licence reading: it grants and restricts nothing."""
    return LicenseAnalysis(None, "a document that mentions licences, not a licence text", "notice", None, ())


def _mention(kind: NoticeKind, start: int, end: int, expression: str, files: tuple[str, ...], operator: str,
             read_sibling: Callable[[str], str | None]) -> LicenseMention:
    if kind != "pointer" or not files:
        return LicenseMention(kind, start, end, expression, files, None)
    pointer = LicenseAnalysis(None, "", "unknown", None, (), pointer_files=files, pointer_operator=operator)
    resolution = resolve_pointer(pointer, read_sibling)
    return LicenseMention(kind, start, end, expression, files, resolution.analysis if resolution else None)
