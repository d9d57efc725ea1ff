"""Markdown documents (model cards, data cards, reports): YAML front matter, sections and links.

Only structure is read: headings give sections with line ranges so findings can cite
"DATA_CARD.md:12 (## Provenance)"; links give external references with their line.
"""

from __future__ import annotations

import bisect
import re
import weakref
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from auditor.safe_yaml import YamlError, load_yaml
from auditor.sources.interface import Artifact

# The title ends on a character that is not a space or '#', so trailing " # # #" is matched once,
# without the quadratic backtracking of a lazy `(.+?)` before it.
_ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*[^ \t#]|.)[ \t#]*$")
_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_URL = re.compile(r"""(?:https?://|magnet:\?|gs://|s3://)[^\s<>()\[\]"'`]+""", re.IGNORECASE)
_TABLE_ROW = re.compile(r"^\s*\||<t[dr][\s>]", re.IGNORECASE)
"""A Markdown table row, or a cell of an HTML table (READMEs lay download tables out in both)."""
_LINE_OPENS_WITH_LINK = re.compile(r"\s*(\[[^\]]{0,200}\]\()?<?")
_MAX_OPENING = 220
"""The longest text `_LINE_OPENS_WITH_LINK` can match: a link further in does not open its line."""
MAX_LINKS = 10_000
"""Links kept per document: a card or report cites far fewer; beyond this the rest are only counted."""
CONTEXT_CHARS = 100
"""Characters kept on each side of a link (and of a section title): enough for the words that say what
the link is for, and the memory a link takes never grows with the length of its line."""


@dataclass(frozen=True)
class Section:
    title: str
    level: int
    line_start: int
    line_end: int
    body: str


@dataclass(frozen=True)
class Link:
    url: str
    line: int
    context: str
    """The title of its section and the text around it on its line, for guessing what it points to."""
    section: str = ""
    """The title of its section (clipped), alone."""
    in_table: bool = False
    """On a table row: a row of a models or downloads table says what each link is by its place."""


@dataclass(frozen=True)
class MarkdownDocument:
    front_matter: dict[str, Any]
    front_matter_lines: dict[str, int]
    """Line of each top-level front-matter key, for citing `license:` and friends."""
    front_matter_error: str | None
    sections: tuple[Section, ...]
    links: tuple[Link, ...]
    """The first MAX_LINKS links, top down."""
    unread_links: int = 0
    """Links past MAX_LINKS: counted, not kept."""

    def section_at(self, line: int) -> Section | None:
        """The innermost section holding `line`."""
        return section_at(self.sections, line, self._section_starts)

    def has_link_between(self, start: int, end: int) -> bool:
        position = bisect.bisect_left(self._link_lines, start)
        return position < len(self._link_lines) and self._link_lines[position] <= end

    @cached_property
    def _section_starts(self) -> list[int]:
        return [section.line_start for section in self.sections]

    @cached_property
    def _link_lines(self) -> list[int]:
        return [link.line for link in self.links]  # in line order: links are collected top down


def parse_markdown(text: str) -> MarkdownDocument:
    lines = text.splitlines()
    front_matter: dict[str, Any] = {}
    key_lines: dict[str, int] = {}
    error: str | None = None
    body_start = 0
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
        if end is not None:
            body_start = end + 1
            raw = "\n".join(lines[1:end])
            try:
                loaded = load_yaml(raw)
            except YamlError as problem:
                error = str(problem)
                loaded = None
            if isinstance(loaded, dict):
                front_matter = {str(k): v for k, v in loaded.items()}
                key_lines = _top_level_key_lines(lines[1:end], offset=2)
            elif loaded is not None:
                error = "front matter is not a mapping"
    sections = _sections(lines, body_start)
    links, unread_links = _links(lines, sections)
    return MarkdownDocument(front_matter, key_lines, error, sections, links, unread_links)


def _top_level_key_lines(lines: list[str], offset: int) -> dict[str, int]:
    found: dict[str, int] = {}
    for number, line in enumerate(lines, start=offset):
        match = re.match(r"^([A-Za-z_][\w.-]*)\s*:", line)
        if match:
            found.setdefault(match.group(1), number)
    return found


def _sections(lines: list[str], start: int) -> tuple[Section, ...]:
    headings: list[tuple[int, int, str]] = []  # (index, level, title)
    in_fence = False
    for index in range(start, len(lines)):
        line = lines[index]
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        atx = _ATX_HEADING.match(line)
        if atx:
            headings.append((index, len(atx.group(1)), atx.group(2).strip()))
        elif (index > start and _SETEXT_UNDERLINE.match(line) and lines[index - 1].strip()
              and not _ATX_HEADING.match(lines[index - 1])):
            level = 1 if line.strip().startswith("=") else 2
            headings.append((index - 1, level, lines[index - 1].strip()))
    sections: list[Section] = []
    if headings and headings[0][0] > start or not headings:
        first = headings[0][0] if headings else len(lines)
        # The text before the first heading; like a heading's, its body starts after `line_start`.
        sections.append(Section("", 0, start, max(first, start + 1), "\n".join(lines[start:first])))
    # Each section ends at the next heading of its level or above: a stack finds every end in one pass.
    ends = [len(lines)] * len(headings)
    open_sections: list[int] = []
    for position, (index, level, _) in enumerate(headings):
        while open_sections and headings[open_sections[-1]][1] >= level:
            ends[open_sections.pop()] = index
        open_sections.append(position)
    for (index, level, title), end in zip(headings, ends, strict=True):
        sections.append(Section(title, level, index + 1, end, "\n".join(lines[index + 1:end])))
    return tuple(sections)


def _links(lines: list[str], sections: tuple[Section, ...]) -> tuple[tuple[Link, ...], int]:
    """The first MAX_LINKS links, each with a bounded context, and the number of links past them."""
    starts = [section.line_start for section in sections]
    links: list[Link] = []
    unread = 0
    for number, line in enumerate(lines, start=1):
        in_table: bool | None = None  # decided once per line: a long line holds many links
        before = lines[number - 2][-CONTEXT_CHARS:].strip() if number > 1 else ""
        for match in _URL.finditer(line):
            if len(links) == MAX_LINKS:
                unread += 1
                continue
            url = match.group(0).rstrip(".,;:!?*_")
            section = section_at(sections, number, starts)
            title = section.title[:CONTEXT_CHARS] if section else ""
            around = line[max(match.start() - CONTEXT_CHARS, 0):match.end() + CONTEXT_CHARS].strip()
            if before and match.start() <= _MAX_OPENING and _LINE_OPENS_WITH_LINK.fullmatch(line[:match.start()]):
                # A line that starts with its link continues the line before: "The weights are on the
                # Hub:\n[org/model](...)".
                around = f"{before} {around}"
            if in_table is None:
                in_table = _TABLE_ROW.search(line) is not None
            links.append(Link(url, number, f"{title} | {around}", title, in_table))
    return tuple(links), unread


def section_at(sections: tuple[Section, ...], line: int, starts: list[int]) -> Section | None:
    """The innermost section holding `line`: the last one starting at or before it that has not
    ended (sections are in order, and nest at most six deep). `starts` are their first lines."""
    position = bisect.bisect_right(starts, line) - 1
    while position >= 0:
        section = sections[position]
        if section.line_end >= line:
            return section
        position -= 1
        if sections[position + 1].level == 0:
            break
    return None


_PARSED: weakref.WeakKeyDictionary[Artifact, MarkdownDocument | None] = weakref.WeakKeyDictionary()


def markdown_of(artifact: Artifact) -> MarkdownDocument | None:
    """The parsed document of a Markdown/text artifact, parsed once per audit; None if not text."""
    if artifact not in _PARSED:
        text = artifact.text
        _PARSED[artifact] = parse_markdown(text) if text is not None else None
    return _PARSED[artifact]
