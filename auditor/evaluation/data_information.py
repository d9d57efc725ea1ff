"""Data information, item by item: which document and section covers DI-1 (a)-(e), DI-2 and DI-3.

An item is covered by a section whose title matches it and that has some substance, or by a
sentence that says it. Items nobody covers locally are `referenced` when a paper, report or data
card is linked (the auditor cannot read it): in a section about data, as a training dataset's Hub
page (its data card), or at the head of the document (the model's own paper, which leaves the
requirement partial); else `not-found`.
"""

from __future__ import annotations

import re

from auditor.artifacts.markdown_document import (
    MarkdownDocument,
    markdown_of,
)
from auditor.detectors.interface import Evidence
from auditor.evaluation.checklist import DataInformationItem
from auditor.report import ItemResult, Status
from auditor.sources.interface import Inventory

MIN_SECTION_WORDS = 15
# Outside a data card, a sentence counts only in a section about data: "8,192 tokens" in a model
# specification is a context length, not the size of the training data.
DATA_SECTION = re.compile(r"\b(data|datasets?|corpus|corpora|training|pre-?train\w*)\b", re.IGNORECASE)
# Data cards speak most precisely about data, so they are read first.
DOCUMENT_ORDER = ("data-card", "technical-report", "research-paper", "model-card")
REFERENCE_COMPONENTS = frozenset({"data-card", "technical-report", "research-paper"})
HUB_DATASET_CARD = re.compile(r"^https?://huggingface\.co/datasets/[\w.-]+/[\w.-]+/?$|"
                              r"^https?://(www\.)?tensorflow\.org/datasets/catalog/[\w.-]+/?$")
"""A training dataset's page on the Hub or in the TFDS catalogue is its data card (a file inside
the dataset repository is not)."""


def assess_items(items: tuple[DataInformationItem, ...], evidence: list[Evidence],
                 inventory: Inventory) -> tuple[tuple[ItemResult, ...], Status]:
    """Each item's result, and the requirement's status from them."""
    documents = _documents(evidence, inventory)
    dataset_listing = next((e for e in evidence if e.component == "datasets" and e.strength == "referenced"
                            and e.path is not None), None)
    ordered = sorted(evidence, key=Evidence.sort_key)
    linked = [e for e in ordered if e.component in REFERENCE_COMPONENTS and e.strength == "referenced" and e.url]
    about_data = next((e for e in linked if DATA_SECTION.search(dict(e.details).get("section", ""))), None) or next(
        (e for e in ordered if e.component == "datasets" and e.url and HUB_DATASET_CARD.match(e.url)), None)
    # The paper at the head of the README is the model's own: it speaks of the data, but how fully
    # nobody here can tell, so what only it covers leaves the requirement partial.
    reference = about_data or next((e for e in linked if dict(e.details).get("level") in ("0", "1")), None)
    results = []
    for item in items:
        result = _covered(item, documents)
        if result is None and item.needs_link and dataset_listing is not None:
            result = ItemResult(item.id, item.title, "covered", dataset_listing.path, dataset_listing.line,
                                url=dataset_listing.url)
        if result is None and reference is not None:
            result = ItemResult(item.id, item.title, "referenced", reference.path, reference.line,
                                url=reference.url)
        results.append(result or ItemResult(item.id, item.title, "not-found"))
    status = _status(results)
    if status == "referenced" and about_data is None:
        status = "partial"
    return tuple(results), status


def _status(results: list[ItemResult]) -> Status:
    statuses = {r.status for r in results}
    if statuses == {"covered"}:
        return "satisfied"
    if "not-found" not in statuses:
        return "referenced"
    if statuses == {"not-found"}:
        return "missing"
    return "partial"


def covering_paths(results: tuple[ItemResult, ...]) -> list[str | None]:
    return sorted({r.path for r in results if r.status == "covered" and r.path and r.section is not None})


def _documents(evidence: list[Evidence], inventory: Inventory) -> list[tuple[str, bool, MarkdownDocument]]:
    """(path, is a data card, parsed document) for every local document, data cards first."""
    found: dict[str, tuple[int, MarkdownDocument]] = {}
    for e in evidence:
        if e.component not in DOCUMENT_ORDER or e.path is None or e.strength == "referenced":
            continue
        artifact = inventory.get(e.path)
        document = markdown_of(artifact) if artifact is not None else None
        if document is not None:
            rank = DOCUMENT_ORDER.index(e.component)
            found[e.path] = min(found.get(e.path, (rank, document)), (rank, document), key=lambda p: p[0])
    return [(path, rank == 0, doc) for path, (rank, doc) in sorted(found.items(), key=lambda kv: (kv[1][0], kv[0]))]


def _covered(item: DataInformationItem,
             documents: list[tuple[str, bool, MarkdownDocument]]) -> ItemResult | None:
    for path, _, document in documents:
        for section in document.sections:
            # A listing with links needs few words; prose must have some substance.
            substance = (document.has_link_between(section.line_start, section.line_end) if item.needs_link
                         else len(section.body.split()) >= MIN_SECTION_WORDS)
            if section.title and item.headings.search(section.title) and substance:
                return ItemResult(item.id, item.title, "covered", path, section.line_start, section.title)
    for path, is_data_card, document in documents:
        for section in document.sections:
            if not is_data_card and not DATA_SECTION.search(section.title):
                continue
            for offset, line in enumerate(section.body.splitlines(), start=section.line_start + 1):
                if item.phrases.search(line) and (
                        not item.needs_link or document.has_link_between(section.line_start, section.line_end)):
                    holder = document.section_at(offset)
                    return ItemResult(item.id, item.title, "covered", path, offset,
                                      holder.title if holder and holder.title else None)
    return None
