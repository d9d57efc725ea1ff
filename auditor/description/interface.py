"""What the release description holds: its documents, each link with the roles the words around it
give it, and the release's own files as the documents describe them."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from auditor.artifacts.markdown_document import Link, MarkdownDocument

FileRole = Literal["users-own", "model-own"]
"""`users-own`: offered to users (fine-tune on your own data, a demo); `model-own`: how this model
was built ("we pre-trained with ...")."""


@dataclass(frozen=True)
class DescribedLink:
    link: Link
    roles: tuple[str, ...]
    """The components this link is evidence for (`model-parameters`, `training-code`, `datasets`,
    `research-paper`, ...), most specific first; empty when its words say nothing."""


@dataclass(frozen=True)
class FileMention:
    """A file of the release named in a document, with the role the words around it give it."""

    path: str
    role: FileRole
    document: str
    line: int


@dataclass(frozen=True)
class DescribedDocument:
    path: str
    document: MarkdownDocument
    links: tuple[DescribedLink, ...]
    top_level: bool
    """At the top of the release (README, MODEL_CARD): it speaks for the model; a guide in docs/ does not."""
    links_are_evidence: bool
    """A card, README or docs page: its links say where components are (a report's citations do not)."""


@dataclass(frozen=True)
class ReleaseDescription:
    documents: tuple[DescribedDocument, ...] = ()
    mentions: tuple[FileMention, ...] = field(default=())

    def document(self, path: str) -> DescribedDocument | None:
        return self._by_path.get(path)

    @cached_property
    def _by_path(self) -> dict[str, DescribedDocument]:
        return {d.path: d for d in self.documents}

    def links_for(self, roles: frozenset[str]) -> list[tuple[DescribedDocument, DescribedLink, str]]:
        """(document, link, role) for every link whose first role among `roles` is that role."""
        found = []
        for described in self.documents:
            for link in described.links:
                role = next((r for r in link.roles if r in roles), None)
                if role is not None:
                    found.append((described, link, role))
        return found

    def role_of_file(self, path: str) -> FileMention | None:
        """How the documents describe a file, or the nearest folder holding it that they describe. A
        path described both ways keeps the model's own role: a reviewer trusts "we trained with" over
        a fine-tuning tutorial."""
        best: FileMention | None = None
        for mention in self.mentions:
            if path == mention.path or path.startswith(mention.path + "/"):
                if best is None or (len(mention.path), mention.role == "model-own") > (
                        len(best.path), best.role == "model-own"):
                    best = mention
        return best
