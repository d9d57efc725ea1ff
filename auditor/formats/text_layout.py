"""Lines for a terminal: wrapped at spaces only, so that a path with its line, a URL, a hash or an id
is never broken in the middle (one longer than the width runs past it, whole, and stays copyable)."""

from __future__ import annotations

import re
import textwrap
from urllib.parse import urlsplit

SHORT_URL = 60
"""URLs longer than this are shortened in the text report; JSON, SARIF and HTML keep them whole."""

_URL = re.compile(r"https?://[^\s\"'<>)\]]+")


def wrap(text: str, width: int, indent: int = 0, hanging: int | None = None) -> list[str]:
    """`text` in lines of at most `width` columns where its words allow, first line indented by
    `indent` and the others by `hanging` (default: the same). Words are never split."""
    lines = textwrap.wrap(text, width=width, initial_indent=" " * indent,
                          subsequent_indent=" " * (indent if hanging is None else hanging),
                          break_long_words=False, break_on_hyphens=False, expand_tabs=False,
                          replace_whitespace=True, drop_whitespace=True)
    return lines or [" " * indent]


def short_url(url: str, limit: int = SHORT_URL) -> str:
    """`https://host/…/last-part` for a URL longer than `limit`: the host and the name still say what
    it is; the full URL is in the JSON and HTML reports."""
    if len(url) <= limit:
        return url
    parts = urlsplit(url)
    tail = parts.path.rstrip("/").rsplit("/", 1)[-1]
    head = f"{parts.scheme}://{parts.netloc}"
    tail = tail if len(tail) <= limit - len(head) - 3 else tail[: max(limit - len(head) - 4, 8)] + "\u2026"
    return f"{head}/\u2026/{tail}" if tail else f"{head}/\u2026"


def shorten_urls(text: str, limit: int = SHORT_URL) -> str:
    """`text` with each URL in it shortened by `short_url`."""
    return _URL.sub(lambda match: short_url(match.group(), limit), text)


def line_ranges(lines: list[int]) -> str:
    """`3, 6, 8-21, 25`: a clause kind's lines, runs of consecutive lines written as one range."""
    ordered = sorted(set(lines))
    runs: list[list[int]] = []
    for number in ordered:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return ", ".join(str(run[0]) if len(run) == 1 else f"{run[0]}-{run[-1]}" for run in runs)


def clipped(text: str, limit: int) -> str:
    """`text` cut at a word before `limit` characters, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return (cut if len(cut) > limit // 2 else text[:limit]) + "\u2026"
