"""Finds every licence a release states: licence files, README terms sections, the model card's
`license:`, SPDX headers.

Which files are licence files, and what their names and folders scope them to, is in
`file_names`; a PDF licence is read as text by `auditor.artifacts.pdf_text`. A pointer file is
resolved to the files it names (`pointers`); an attribution notice (NOTICE) is kept as such and
never decides a component's licence. An SPDX header, or the `license:` front matter of a document
other than the model card (a data card), applies to its own file. The model card's `license:`
applies where no licence file does, and is checked against the top-level licence file (a conflict
is a finding); its "License"/"Terms of use" section is read as a statement of terms
(`card_sections`).
"""

from __future__ import annotations

import dataclasses
import posixpath
import re
from dataclasses import dataclass

from auditor.artifacts.markdown_document import markdown_of
from auditor.artifacts.pdf_text import MAX_PDF_BYTES, is_pdf, pdf_text
from auditor.findings import Finding
from auditor.licenses.analysis import SPDX_IDENTIFIER, LicenseAnalysis, analyse_license_text
from auditor.licenses.card_sections import terms_sections
from auditor.licenses.catalog import (
    canonical_id,
    expression_class,
    from_hub_id,
    license_class,
    license_name,
)
from auditor.licenses.file_names import (
    DOC_SUFFIXES,
    PARAMETER_COMPONENTS,
    PDF_SUFFIX,
    PDF_TERMS_NAME,
    TERMS_HINT,
    license_scope,
    name_scope,
    named_as_license,
    reuse_license_id,
)
from auditor.licenses.interface import LicenseDeclaration
from auditor.licenses.pointers import resolve_pointer
from auditor.sources.interface import Artifact, Inventory

AGREEMENT_TITLE = re.compile(r"licen[cs]e agreement|terms of use|acceptable use policy|"
                             r"^\W*licen[cs]e\W*$|public licen[cs]e", re.IGNORECASE)
SOURCE_SUFFIXES = frozenset({".py", ".sh", ".js", ".ts", ".c", ".h", ".cc", ".cpp", ".cu", ".rs",
                             ".go", ".java", ".md", ".yaml", ".yml", ".toml", ".cfg", ".ipynb"})
MODEL_CARD_NAME = re.compile(r"^(readme|model[_-]?card)(\.md)?$", re.IGNORECASE)
TRANSLATED_README = re.compile(r"^readme[._-](en|zh|cn|ja|jp|ko|kr|fr|de|es|ru|[a-z]{2}[-_][a-z]{2})\.md$",
                               re.IGNORECASE)
"""README_EN.md, README_zh-CN.md: the same terms in another language, read for their terms section."""


@dataclass(frozen=True)
class LicenseDiscovery:
    declarations: list[LicenseDeclaration]
    findings: list[Finding]


def discover_licenses(inventory: Inventory) -> LicenseDiscovery:
    found: list[LicenseDeclaration] = []
    findings: list[Finding] = []
    settled: set[str] = set()  # files an open pointer speaks for
    for artifact in inventory.files():
        if _is_license_file(artifact):
            declaration, unread, named = _from_file(artifact, inventory)
            found.append(declaration)
            settled.update(named)
            findings += [unread] if unread else []
        elif MODEL_CARD_NAME.match(artifact.name):
            if artifact.folder == "":
                declarations, problems = _from_model_card(artifact, inventory)
                found += declarations
                findings += problems
            else:
                found += _from_front_matter(artifact)
        elif artifact.suffix in (".md", ".markdown"):
            found += _from_front_matter(artifact)
        if MODEL_CARD_NAME.match(artifact.name) or TRANSLATED_README.match(artifact.name):
            document = markdown_of(artifact)
            found += terms_sections(artifact, document) if document is not None else []
        if artifact.suffix in SOURCE_SUFFIXES and artifact.size <= 1024 * 1024:
            found += _from_spdx_header(artifact)
    found = [d for d in found if d.origin != "file" or d.path not in settled]
    found.sort(key=lambda d: (d.path, d.line or 0, d.origin))
    return LicenseDiscovery(found, findings + _card_conflicts(found))


def _is_license_file(artifact: Artifact) -> bool:
    if named_as_license(artifact):
        return True
    if (artifact.suffix not in DOC_SUFFIXES or MODEL_CARD_NAME.match(artifact.name)
            or artifact.size > 512 * 1024):
        return artifact.suffix == PDF_SUFFIX and PDF_TERMS_NAME.search(artifact.name) is not None
    if artifact.folder.count("/") >= 1 and not TERMS_HINT.search(artifact.name):
        return False  # deep in the tree, only a file named like terms is read for a licence title
    text = artifact.text
    if not text:
        return False
    title = next((line for line in text.splitlines()[:5] if line.strip()), "")
    return AGREEMENT_TITLE.search(title.strip("# *")) is not None


def _license_text(artifact: Artifact) -> tuple[str | None, str | None]:
    """A licence file's text, a PDF's extracted, and why there is none."""
    if not is_pdf(artifact.head):
        text = artifact.text
        return text, None if text is not None else "unreadable or binary licence file"
    if artifact.size > MAX_PDF_BYTES:
        return None, f"PDF larger than {MAX_PDF_BYTES // (1024 * 1024)} MiB, not read"
    extracted = pdf_text(artifact.read(0, artifact.size))
    return extracted.text, extracted.problem


def _from_file(artifact: Artifact,
               inventory: Inventory) -> tuple[LicenseDeclaration, Finding | None, tuple[str, ...]]:
    """The file's declaration, a finding when a PDF could not be read, and the files an open pointer
    in it speaks for."""
    scope, components = license_scope(artifact), name_scope(artifact)
    text, problem = _license_text(artifact)
    if text is None:
        finding = Finding(artifact.path, "OSAID-A017", f"licence PDF not read: {problem}") \
            if is_pdf(artifact.head) else None
        return LicenseDeclaration(artifact.path, "file", None, problem or "unreadable licence file", "unknown",
                                  scope, components), finding, ()
    analysis = _named_by_folder(artifact, analyse_license_text(text, artifact.name))
    pointer = resolve_pointer(analysis, lambda name: _sibling_text(artifact, name, inventory))
    named: tuple[str, ...] = ()
    if pointer is not None:
        analysis = pointer.analysis
        named = tuple(posixpath.join(artifact.folder, n) for n in pointer.named) if pointer.is_open else ()
    return LicenseDeclaration(artifact.path, "file", analysis.id, analysis.name, analysis.license_class,
                              scope, components, line=1, restrictions=analysis.restrictions,
                              match=analysis.match, reasons=analysis.reasons), None, named


def _named_by_folder(artifact: Artifact, analysis: LicenseAnalysis) -> LicenseAnalysis:
    """`LICENSES/MIT.txt` (REUSE) is MIT by its name when its text names nothing and restricts nothing."""
    reuse_id = reuse_license_id(artifact)
    if reuse_id is None or analysis.id is not None or analysis.restrictions:
        return analysis
    return dataclasses.replace(analysis, id=reuse_id, name=f"{license_name(reuse_id)} (named by its file name)",
                               license_class=license_class(reuse_id))


def _sibling_text(artifact: Artifact, name: str, inventory: Inventory) -> str | None:
    sibling = inventory.get(posixpath.join(artifact.folder, name))
    if sibling is None:
        return None
    return _license_text(sibling)[0] or ""


def _from_model_card(artifact: Artifact,
                     inventory: Inventory) -> tuple[list[LicenseDeclaration], list[Finding]]:
    document = markdown_of(artifact)
    if document is None or "license" not in document.front_matter:
        return [], []
    value = document.front_matter["license"]
    line = document.front_matter_lines.get("license")
    hub_ids = value if isinstance(value, list) else [value]
    declarations, findings = [], []
    for hub_id in sorted({str(v) for v in hub_ids if isinstance(v, (str, int, float))}):
        license_id = from_hub_id(hub_id)
        if license_id is None:
            license_id, name, klass = _other_license(document.front_matter, artifact, inventory)
            if name is None:
                findings.append(Finding(artifact.path, "OSAID-L011",
                                        f"license: {hub_id} without license_name or a license_link to the terms",
                                        line=line))
            name = name or f"license: {hub_id}"
        else:
            name, klass = license_name(license_id), license_class(license_id)
        declarations.append(LicenseDeclaration(artifact.path, "model-card", license_id, name, klass,
                                               artifact.folder, line=line))
    return declarations, findings


def _card_conflicts(declarations: list[LicenseDeclaration]) -> list[Finding]:
    """The model card's `license:` disagreeing with the release's top-level licence file."""
    files = [d for d in declarations if d.origin == "file" and d.scope == "" and d.id]
    findings = []
    for card in (d for d in declarations if d.origin == "model-card" and d.id):
        for file in files:
            if file.id != card.id and (not file.components or set(file.components) & set(PARAMETER_COMPONENTS)) \
                    and file.license_class != card.license_class:
                findings.append(Finding(card.path, "OSAID-L010",
                                        f"model card says license {card.id} ({card.license_class}) but "
                                        f"{file.path} is {file.id} ({file.license_class})", line=card.line))
    return findings


def _from_front_matter(artifact: Artifact) -> list[LicenseDeclaration]:
    """A document's own `license:` (a data card, a dataset card in a subfolder) covers that document."""
    document = markdown_of(artifact)
    value = document.front_matter.get("license") if document is not None else None
    if not isinstance(value, str):
        return []
    license_id = from_hub_id(value)
    return [LicenseDeclaration(artifact.path, "front-matter", license_id or value,
                               license_name(license_id) if license_id else value, license_class(license_id),
                               artifact.path, line=document.front_matter_lines.get("license"))]


def _other_license(front_matter: dict, artifact: Artifact,
                   inventory: Inventory) -> tuple[str | None, str | None, str]:
    """`license: other` names its licence by `license_name` and `license_link` (maybe a file here)."""
    link = front_matter.get("license_link")
    if isinstance(link, str) and "://" not in link:
        target = posixpath.normpath(posixpath.join(artifact.folder, link))
        linked = inventory.get(target) if not target.startswith("..") else None
        if linked is not None:
            declaration = _from_file(linked, inventory)[0]
            return declaration.id, f"{declaration.name} (license_link: {link})", declaration.license_class
    name = front_matter.get("license_name")
    return None, str(name) if name else None, "unknown"


def _from_spdx_header(artifact: Artifact) -> list[LicenseDeclaration]:
    head = artifact.head[:2048].decode("utf-8", errors="replace")
    match = SPDX_IDENTIFIER.search(head)
    if match is None:
        return []
    expression, klass = expression_class(match.group(1))
    line = head.count("\n", 0, match.start()) + 1
    license_id = canonical_id(expression)
    return [LicenseDeclaration(artifact.path, "spdx-header", license_id or expression,
                               license_name(license_id) if license_id else expression, klass,
                               artifact.path, line=line)]
