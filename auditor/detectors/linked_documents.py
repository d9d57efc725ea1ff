"""Which text files of a release are read for links: cards, READMEs and documentation."""

from __future__ import annotations

import re

from auditor.sources.interface import Artifact, Inventory

LINKING_NAME = re.compile(r"^(readme|model[_-]?card|data[_-]?card|datasheet|dataset[_-]?card)",
                          re.IGNORECASE)
DOC_FOLDER = re.compile(r"(^|/)docs?(/|$)", re.IGNORECASE)
DOC_SUFFIXES = frozenset({".md", ".markdown", ".rst", ".txt", ""})


def linking_documents(inventory: Inventory) -> list[Artifact]:
    """Cards, READMEs and Markdown in docs/ folders: the documents whose links are evidence.

    Licence files are left out on purpose: their URLs point to policies, not to components.
    """
    return [
        artifact for artifact in inventory.files()
        if artifact.suffix in DOC_SUFFIXES
        and (LINKING_NAME.match(artifact.name) or (DOC_FOLDER.search(artifact.folder) and artifact.suffix))
    ]
