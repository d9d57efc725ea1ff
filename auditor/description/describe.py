"""The description stage: documents in, a release description out."""

from __future__ import annotations

import posixpath

from auditor.artifacts.markdown_document import markdown_of
from auditor.description.documents import is_document, links_are_evidence
from auditor.description.file_mentions import file_mentions
from auditor.description.interface import DescribedDocument, DescribedLink, FileMention, ReleaseDescription
from auditor.description.link_roles import link_roles
from auditor.sources.interface import Inventory


def describe_release(inventory: Inventory) -> ReleaseDescription:
    """Read every document of the release once: its structure, what each link is for, and which of
    the release's files it describes as the model's own or as offered to users."""
    documents: list[DescribedDocument] = []
    mentions: list[FileMention] = []
    exists = _paths_and_folders(inventory)
    for artifact in inventory.files():
        linking = links_are_evidence(artifact)
        if not (linking or is_document(artifact)):
            continue
        document = markdown_of(artifact)
        if document is None:
            continue
        top_level = artifact.folder == ""
        links = tuple(DescribedLink(link, link_roles(link, speaks_for_model=top_level, links_are_evidence=linking))
                      for link in document.links)
        documents.append(DescribedDocument(artifact.path, document, links, top_level, linking))
        if linking:
            mentions += file_mentions(artifact.path, document, artifact.text or "", speaks_for_model=top_level,
                                      exists=exists)
    return ReleaseDescription(tuple(documents), tuple(mentions))


def _paths_and_folders(inventory: Inventory) -> set[str]:
    found: set[str] = set()
    for artifact in inventory.files():
        found.add(artifact.path)
        folder = posixpath.dirname(artifact.path)
        while folder and folder not in found:
            found.add(folder)
            folder = posixpath.dirname(folder)
    return found
