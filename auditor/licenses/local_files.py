"""Licence files named on the command line (`audit license FILE...`), read from disk and analysed.

A file the user names is read as they name it; the files a pointer in it names are read only from
the same folder, never through a symbolic link, only when they are regular files of at most
TEXT_LIMIT bytes (a FIFO is never waited on). A PDF is read as text by `pdf_text`. A document that
only mentions licences (a README) is read as one (`documents`), not as a licence.
"""

from __future__ import annotations

import functools
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from auditor.artifacts.pdf_text import MAX_PDF_BYTES, is_pdf, pdf_text
from auditor.errors import AuditorError
from auditor.escape import printable
from auditor.licenses.analysis import LicenseAnalysis, analyse_license_text
from auditor.licenses.documents import DocumentReading, document_analysis, document_reason, read_document
from auditor.licenses.pointers import resolve_pointer
from auditor.sources.interface import TEXT_LIMIT

_SIBLING_LIMIT = max(TEXT_LIMIT, MAX_PDF_BYTES)


@dataclass(frozen=True)
class AnalysedFile:
    path: str
    analysis: LicenseAnalysis
    document: DocumentReading | None = None
    """Set when the file is a document that mentions licences; `analysis` then grants nothing."""


def analyse_license_file(path: Path) -> AnalysedFile:
    text = read_license_file(path)
    analysis = analyse_license_text(text, path.name)
    sibling = functools.partial(_sibling_text, path.parent)
    why = document_reason(text, path.name, analysis)
    if why is not None:
        return AnalysedFile(str(path), document_analysis(), read_document(text, why, sibling))
    pointer = resolve_pointer(analysis, sibling)
    return AnalysedFile(str(path), pointer.analysis if pointer is not None else analysis)


def read_license_file(path: Path) -> str:
    """The text of a licence file (a PDF's extracted); a file that has none is a one-line error."""
    shown = printable(str(path))
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise AuditorError(f"{shown}: is a folder, not a licence file") from None
    except OSError as error:
        raise AuditorError(f"{shown}: cannot read ({error.strerror})") from None
    if is_pdf(data):
        extracted = pdf_text(data)
        if extracted.text is None:
            raise AuditorError(f"{shown}: PDF not read ({extracted.problem})")
        return extracted.text
    if b"\x00" in data[:8192]:
        raise AuditorError(f"{shown}: binary data, not a licence text")
    return data.decode("utf-8", errors="replace")


def _sibling_text(folder: Path, name: str) -> str | None:
    """The text of `folder/name`, or None when it is absent, a link, not a regular file or too large."""
    try:
        descriptor = os.open(folder / name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > _SIBLING_LIMIT:
            return None
        data = file.read(_SIBLING_LIMIT + 1)
    if is_pdf(data):
        return pdf_text(data).text or ""
    if len(data) > TEXT_LIMIT or b"\x00" in data[:8192]:
        return ""
    return data.decode("utf-8", errors="replace")
