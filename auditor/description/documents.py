"""Which files of a release are its documents, and which of them speak for its components.

Cards, reports and papers are at the top of a release, in a docs folder, or named for what they
are; the thousands of other text files of a large release are not parsed as documents. Of those,
cards, READMEs and docs/ pages are the ones whose links are evidence; licence files are left out on
purpose: their URLs point to policies, not to components.
"""

from __future__ import annotations

import re

from auditor.sources.interface import Artifact

TEXT_SUFFIXES = frozenset({".md", ".markdown", ".txt", ".rst", ""})
MODEL_CARD_NAME = re.compile(r"^(readme|model[_-]?card)(\.(md|markdown|rst|txt))?$", re.IGNORECASE)
DATA_CARD_NAME = re.compile(r"(data[_ -]?card|datasheet|dataset[_ -]?card)", re.IGNORECASE)
REPORT_NAME = re.compile(r"tech(nical)?[_ -]?report|(^|[_ -])report([_ .-]|$)", re.IGNORECASE)
PAPER_NAME = re.compile(r"paper|arxiv|\d{4}\.\d{4,5}", re.IGNORECASE)
EVAL_NAME = re.compile(r"(eval|result|benchmark|score|leaderboard)", re.IGNORECASE)

_DOCUMENT_FOLDER = re.compile(r"(^|/)(docs?|documentation|reports?|papers?|cards?)(/|$)", re.IGNORECASE)
_LINKING_NAME = re.compile(r"^(readme|model[_-]?card|data[_-]?card|datasheet|dataset[_-]?card)", re.IGNORECASE)
_LINKING_FOLDER = re.compile(r"(^|/)docs?(/|$)", re.IGNORECASE)


def is_document(artifact: Artifact) -> bool:
    """A text file read as a document (a card, a report, a paper, a results page)."""
    if artifact.suffix not in TEXT_SUFFIXES:
        return False
    name = artifact.name
    return (artifact.folder.count("/") < 1 or _DOCUMENT_FOLDER.search(artifact.folder) is not None
            or any(p.search(name) for p in (MODEL_CARD_NAME, DATA_CARD_NAME, REPORT_NAME, PAPER_NAME, EVAL_NAME)))


def links_are_evidence(artifact: Artifact) -> bool:
    """Cards, READMEs and pages in docs/ folders: the documents whose links are evidence."""
    return artifact.suffix in TEXT_SUFFIXES and (
        _LINKING_NAME.match(artifact.name) is not None
        or (_LINKING_FOLDER.search(artifact.folder) is not None and bool(artifact.suffix)))
