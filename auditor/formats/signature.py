"""Recognises a report this tool wrote, whatever its format, by the mark its renderer leaves.

Inside the audited folder `--output` may replace a report osaid-audit wrote earlier, never a file of
the release; this is how the two are told apart. Each recogniser checks what its format always
emits (the tests render every format and require it to be recognised, so a renderer that drops its
mark fails them). A file that is not valid UTF-8, or too large to parse, is not recognised: when in
doubt, the file is treated as part of the release and kept.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Callable

from auditor.formats.sarif import TOOL_NAME

PARSE_LIMIT = 16 * 1024 * 1024
"""JSON and SARIF reports are parsed to find their tool; a larger file is not recognised."""
HEAD_BYTES = 4096
MOT_MARK = f"# Model Openness Tool release YAML written by {TOOL_NAME}"

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
# The verdict line, the glossary lines indented under it (a MOF verdict explains MOF), the target.
_TEXT = re.compile(r"\AVerdict: [^\n]*\n(?:  [^\n]*\n)*Target: .*\nOpen weights: (?:yes|no)  \u00b7  "
                   r"MOF class reached: ", re.DOTALL)
_MARKDOWN = re.compile(r"\A# OSAID audit: [^\n]*\n\n\*\*Verdict: [^\n]*\*\* \(checklist `[^`\n]*`; "
                       r"open weights: (?:yes|no); MOF class reached: ")
_HTML = re.compile(r'\A<!DOCTYPE html>\n<html lang="en">\n<head>\n(?:<meta [^\n]*>\n)*?'
                   rf'<meta name="generator" content="{TOOL_NAME} ')
_JUNIT = f'<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="{TOOL_NAME}" '


def is_own_report(path: str | os.PathLike[str]) -> bool:
    """Whether the regular file at `path` (never followed if a link) is a report osaid-audit wrote."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        data = _read(fd, HEAD_BYTES)
        head = data.decode("utf-8", errors="replace")
        if any(recognise(head) for recognise in _HEAD_RECOGNISERS):
            return True
        if not head.lstrip().startswith("{"):
            return False
        data += _read(fd, PARSE_LIMIT + 1 - len(data))
        return len(data) <= PARSE_LIMIT and _json_report(data)
    except OSError:
        return False
    finally:
        os.close(fd)


def _read(fd: int, limit: int) -> bytes:
    chunks: list[bytes] = []
    while limit > 0 and (chunk := os.read(fd, min(limit, 1 << 20))):
        chunks.append(chunk)
        limit -= len(chunk)
    return b"".join(chunks)


def _json_report(data: bytes) -> bool:
    """The JSON report (its `tool`) or SARIF (every run's `tool.driver`)."""
    try:
        document = json.loads(data)
    except (ValueError, RecursionError):
        return False
    if not isinstance(document, dict):
        return False
    tool = document.get("tool")
    if isinstance(tool, dict) and tool.get("name") == TOOL_NAME and "schema_version" in document:
        return True
    runs = document.get("runs")
    return (document.get("version") == "2.1.0" and isinstance(runs, list) and bool(runs)
            and all(isinstance(run, dict) and isinstance(run.get("tool"), dict)
                    and isinstance(run["tool"].get("driver"), dict)
                    and run["tool"]["driver"].get("name") == TOOL_NAME for run in runs))


_HEAD_RECOGNISERS: tuple[Callable[[str], bool], ...] = (
    lambda head: bool(_TEXT.match(_ANSI.sub("", head))),
    lambda head: bool(_MARKDOWN.match(head)),
    lambda head: bool(_HTML.match(head)),
    lambda head: head.startswith(_JUNIT),
    lambda head: head.startswith(MOT_MARK + " "),
)
