"""A licence text as sentences, each with the lines it stands on and what part it plays.

Text is split into paragraphs (blank-line separated, a heading or a list item starting one of its
own) and each paragraph into sentences, so a clause wrapped over several lines is one sentence and
each citation names exactly its lines. Chinese and Japanese full stops end sentences too.

Each sentence has a role, because only operative sentences can restrict: a `heading` names a
section, a `definition` says what a word means, a `clause` says what someone must or may do. A list
item keeps the sentence that introduced its list (its `lead_in`, "You agree not to use the Model
to:"), since the item alone ("generate disinformation") says nothing about whether it is banned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

Role = Literal["heading", "definition", "clause"]

_MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s")
_LIST_ITEM = re.compile(
    r"^\s{0,8}([-*+•·]\s|\d{1,3}(\.\d{1,3})*[.)]\s|\(?[a-zA-Z0-9]{1,4}\)\s|[a-z][.]\s|"
    r"[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]{1,3}[、.．]|\d{1,2}[、．])")
_BLOCK_START = re.compile(_MARKDOWN_HEADING.pattern + "|" + _LIST_ITEM.pattern)
_SENTENCE_END = re.compile(
    r"(?<=[.;!?:])[\"'”)*]*\s+(?=[\"'“(*]?[A-Z0-9])"  # Latin: punctuation, space, capital
    r"|(?<=[.;:])\s+(?=(?:[ivxlc]{1,6}|[a-z])[.)]\s)"  # or a lower-case item: "... party. ii. If"
    r"|(?<![Cc]opyright)(?<!COPYRIGHT)\s+(?=\(?[a-z0-9]{1,3}\)\s)"  # an inline "(a) " item, not "Copyright (c)"
    r"|(?<=[。；！？])[”」』）]?")  # CJK: the full stop itself
_END_PUNCTUATION = tuple(".;:,!?。；：，！？")
_SENTENCE_ENDS = tuple(".;!?。；！？")
_MARKER_UNIT = (r"(\d{1,3}(\.\d{1,3})*[.)]?|\(?[a-zA-Z0-9]{1,4}\)|[ivxlc]{1,6}[.]|[a-z][.]|[-*+•·]"
                r"|[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]{1,3}[、.．]|\d{1,2}[、．])")
_MARKER = re.compile(rf"^\s*(?:{_MARKER_UNIT}\s*){{1,3}}")
_INLINE_ITEM = re.compile(r"^\(?[a-zA-Z0-9]{1,4}\)\s")
# '"Derivatives" means', '“许可方”是指', 'Commercial Use: means', '**Model** refers to'.
_TERM = r"[\"'“‘*_]{1,2}[^\"'”’*_]{1,80}[\"'”’*_]{1,2}"
_DEFINITION = re.compile(
    rf"^((?i:the|a|an) )?({_TERM}(\s*(,|or|and|/)\s*{_TERM})*|[A-Z][\w-]*( [A-Z][\w-]*){{0,4}})"
    r"\s*(\([^)]{1,60}\)\s*)?[:,]?\s*"
    r"(?i:(shall |will |is |are )?(mean|means|refers? to|has the meaning|have the meaning|includes?|is defined|"
    r"是指|指|系指|意指|包括))")
HEADING_WORDS = 12
_TITLE_SMALL_WORDS = frozenset({"the", "and", "for", "nor", "but", "with", "from", "into", "onto", "upon", "via"})


@dataclass(frozen=True)
class Sentence:
    line_start: int
    line_end: int
    text: str
    role: Role
    lead_in: str | None = None
    """For a list item: the sentence ending in ':' that introduced the list."""


@lru_cache(maxsize=4)
def split_sentences(text: str) -> tuple[Sentence, ...]:
    """Every sentence of `text` in order; paragraphs never share a sentence. Kept for the last few
    texts: clause analysis, the grant check and the language check all read the same text."""
    # Lines as editors and GitHub number them: only \n ends a line (splitlines() would also break
    # at the form feeds of GNU licence texts and shift every citation after them).
    lines = [line.rstrip("\r") for line in text.split("\n")]
    sentences: list[Sentence] = []
    lead_in: str | None = None
    lead_in_marker: str | None = None  # the marker shape of the item the lead-in stands in
    for start, end in _paragraphs(lines):
        first = lines[start]
        if _MARKDOWN_HEADING.match(first) or (end - start == 1 and is_heading_line(first)):
            sentences.append(Sentence(start + 1, start + 1, _fold(first), "heading"))
            lead_in = lead_in_marker = None  # a new section: "Date:" above it introduced nothing below
            continue
        marker = _marker_shape(first)
        if marker is None or marker == lead_in_marker:
            lead_in = lead_in_marker = None  # the list is over: a paragraph or the next sibling item
        head: Sentence | None = None
        for span in _split_paragraph(lines, start, end):
            if head is not None and span.continues:
                # An inline "(a) ..." item of the sentence `head` began: its role, and `head` as lead-in.
                sentence = Sentence(span.line_start, span.line_end, span.text, head.role,
                                    head.text if head.role == "clause" else None)
            else:
                # Only the paragraph's first sentence is the list item the lead-in introduced.
                sentence = Sentence(span.line_start, span.line_end, span.text, _role(span.text, head is None),
                                    lead_in if head is None else None)
                head = sentence
            sentences.append(sentence)
            if sentence.role == "clause" and sentence.text.rstrip("*_ ").endswith((":", "：")):
                lead_in, lead_in_marker = sentence.text, marker
    return tuple(sentences)


def _role(text: str, opens_paragraph: bool) -> Role:
    bare = _MARKER.sub("", text, count=1)
    if _DEFINITION.match(bare):
        return "definition"
    # "License Grant." or "Non-Commercial Use Only." run in at the head of a paragraph.
    if opens_paragraph and bare.endswith(".") and len(bare.split()) <= 5 and is_heading_line(bare[:-1]):
        return "heading"
    return "clause"


def _marker_shape(line: str) -> str | None:
    """'- a.' and '- d.' have one shape, '(i)' another: siblings in a list share theirs."""
    if not _LIST_ITEM.match(line):
        return None
    marker = _MARKER.match(line)
    raw = marker.group(0) if marker else line[:4]
    indent = len(line) - len(line.lstrip())
    return f"{indent}:" + re.sub(r"[ivx]+(?=[.)])", "i", re.sub(r"\d+", "1", raw.strip()))


def is_heading_line(line: str) -> bool:
    """A short title without closing punctuation: '3. Restrictions', 'ARTICLE 2 - GRANT', '**Use**'.
    A list item in sentence case ('1. Violate the law') is an item, not a title."""
    folded = _fold(line).strip("*_# ")
    if not folded or folded.endswith(_END_PUNCTUATION) or len(folded.split()) > HEADING_WORDS:
        return False
    bare = _MARKER.sub("", folded, count=1).strip("*_ ")
    if _is_cjk(bare):
        return len(bare) <= 12
    words = [w for w in re.findall(r"[^\W\d_]+", bare) if len(w) > 2 and w.lower() not in _TITLE_SMALL_WORDS]
    return bool(words) and sum(w[0].isupper() for w in words) / len(words) > 0.6


def _paragraphs(lines: list[str]) -> list[tuple[int, int]]:
    """(start, end) line indexes of each paragraph; a heading line at the top of one stands alone."""
    found: list[tuple[int, int]] = []
    index = 0
    while index < len(lines):
        if not lines[index].strip():
            index += 1
            continue
        start = index
        index += 1
        if is_heading_line(lines[start]) and index < len(lines) and lines[index].strip():
            found.append((start, index))  # "3. Restrictions" directly above its first sentence
            continue
        while index < len(lines) and lines[index].strip() and not _BLOCK_START.match(lines[index]):
            index += 1
        found.append((start, index))
    return found


@dataclass(frozen=True)
class _Span:
    line_start: int
    line_end: int
    text: str
    continues: bool
    """The sentence before it did not end: this is an inline list item of it."""


def _split_paragraph(lines: list[str], start: int, end: int) -> list[_Span]:
    offsets, parts, position = [], [], 0
    for line in lines[start:end]:
        folded = _fold(line)
        offsets.append(position)
        parts.append(folded)
        # CJK text wrapped over lines has no space between the lines' characters.
        position += len(folded) + 1
    paragraph = " ".join(parts)
    spans: list[_Span] = []
    cut = 0
    for boundary in [m.end() for m in _SENTENCE_END.finditer(paragraph)] + [len(paragraph)]:
        piece = paragraph[cut:boundary]
        sentence = piece.strip()
        if sentence and _MARKER.fullmatch(sentence + " ") and boundary < len(paragraph):
            continue  # a bare "1." or "- a." belongs to the text it numbers
        if sentence:
            begin = cut + len(piece) - len(piece.lstrip())
            ended = spans[-1].text.rstrip("*_\"'”) ") if spans else ""
            # An inline "(a) " item continues the sentence before it, unless that sentence was
            # complete and this is no sibling item ("(ii) ...;" after "(i) ...;").
            continues = bool(spans) and bool(_INLINE_ITEM.match(sentence)) and (
                not ended.endswith(_SENTENCE_ENDS) or ended.endswith((";", "；", ",")))
            spans.append(_Span(start + _line_index(offsets, begin) + 1,
                               start + _line_index(offsets, max(begin, boundary - 1)) + 1, sentence, continues))
        cut = boundary
    return spans


def _line_index(offsets: list[int], position: int) -> int:
    index = 0
    for number, offset in enumerate(offsets):
        if offset <= position:
            index = number
    return index


def _fold(line: str) -> str:
    return " ".join(line.split())


def _is_cjk(text: str) -> bool:
    return any("\u3040" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" for ch in text)


def unread_sentences(sentences: tuple[Sentence, ...]) -> list[Sentence]:
    """Clauses in a script clause analysis does not read: it reads Latin-script languages by their
    words and Chinese by its concepts; Japanese kana, Korean, Cyrillic and the rest it cannot."""
    return [s for s in sentences if s.role == "clause" and not _readable(s.text)]


def _readable(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters or any("\u3040" <= ch <= "\u30ff" or "\uac00" <= ch <= "\ud7af" for ch in letters):
        return not letters
    read = sum(1 for ch in letters if ch.isascii() or "\u00c0" <= ch <= "\u024f" or "\u3400" <= ch <= "\u9fff")
    return read * 2 >= len(letters)
