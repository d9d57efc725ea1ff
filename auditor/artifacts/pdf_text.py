"""The text of a PDF licence, extracted in a child process held to a memory, CPU and wall-clock limit.

A PDF from a release is hostile input: a parser can be driven into huge allocations or long loops
by a crafted file, so pypdf never runs in the auditor's own process. The child gets the bytes on
stdin, an empty PATH (pypdf would otherwise run a `jbig2dec` program it finds there for JBIG2
images), reads at most MAX_PAGES pages and MAX_TEXT characters, and answers one JSON line. Nothing
in a PDF is executed (pypdf has no JavaScript engine) and nothing is fetched.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass

PDF_MAGIC = b"%PDF-"
MAX_PDF_BYTES = 8 * 1024 * 1024
"""Larger PDFs are not read: a licence is a few pages, and the child holds the whole file."""
MAX_PAGES = 100
MAX_TEXT = 512 * 1024
"""Characters kept: far more than any licence, and what clause analysis reads in well under a second."""
MEMORY_LIMIT = 768 * 1024 * 1024
CPU_SECONDS = 20
WALL_SECONDS = 30


@dataclass(frozen=True)
class PdfText:
    text: str | None
    problem: str | None
    """Why there is no text (encrypted, malformed, too large, over a limit); None when there is."""


def is_pdf(head: bytes) -> bool:
    return head.startswith(PDF_MAGIC)


def pdf_text(data: bytes) -> PdfText:
    """The text of the PDF `data`, or why it could not be had; never raises."""
    if len(data) > MAX_PDF_BYTES:
        return PdfText(None, f"PDF larger than {MAX_PDF_BYTES // (1024 * 1024)} MiB, not read")
    # The child imports what this process imports (-P: not the working folder), and has no PATH.
    environment = {"PATH": "", "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    try:
        child = subprocess.run(
            [sys.executable, "-P", "-m", "auditor.artifacts.pdf_text"], input=data, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, timeout=WALL_SECONDS, env=environment, check=False)
    except subprocess.TimeoutExpired:
        return PdfText(None, f"PDF text extraction took longer than {WALL_SECONDS} s, stopped")
    except OSError as error:
        return PdfText(None, f"PDF text extraction could not start ({error.strerror or error})")
    try:
        answer = json.loads(child.stdout.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return PdfText(None, f"PDF text extraction stopped at its {CPU_SECONDS} s CPU limit" if child.returncode < 0
                       else f"PDF text extraction failed (exit status {child.returncode})")
    return PdfText(answer.get("text"), answer.get("problem"))


def _limit_self() -> None:
    """The child's own limits, set before it reads a byte (no preexec_fn: the auditor may have threads)."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))


def _extract(data: bytes) -> PdfText:
    """Runs in the child: pypdf reads the document, page by page, until a limit."""
    import io
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    logging.disable(logging.CRITICAL)  # pypdf logs every oddity of a damaged file
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            return PdfText(None, "the PDF is encrypted")
        parts: list[str] = []
        kept = 0
        for page in reader.pages[:MAX_PAGES]:
            part = page.extract_text()
            parts.append(part[:MAX_TEXT - kept])
            kept += len(parts[-1])
            if kept >= MAX_TEXT:
                break
    except MemoryError:
        return PdfText(None, f"PDF text extraction went over its {MEMORY_LIMIT // (1024 * 1024)} MiB memory limit")
    except (PyPdfError, ValueError, TypeError, KeyError, IndexError, AttributeError, AssertionError,
            RecursionError, OverflowError, ZeroDivisionError) as error:
        return PdfText(None, f"malformed PDF ({type(error).__name__})")
    text = "\n".join(parts)
    return PdfText(text, None) if text.strip() else PdfText(None, "the PDF has no extractable text")


def main() -> None:
    _limit_self()
    result = _extract(sys.stdin.buffer.read(MAX_PDF_BYTES + 1))
    sys.stdout.write(json.dumps({"text": result.text, "problem": result.problem}))
    sys.stdout.flush()
    os._exit(0)  # no interpreter teardown: the answer is written, nothing else may print


if __name__ == "__main__":
    main()
