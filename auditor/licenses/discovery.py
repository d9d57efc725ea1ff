"""Finds every licence a release states: licence files, the model card's `license:`, SPDX headers.

A licence file applies to its folder and below; its name can narrow it to a kind of component
(LICENSE-MODEL, LICENSE-CODE, LICENSE-DATA, LICENSE-DOCS, "... License Agreement"). An SPDX
header, or the `license:` front matter of a document other than the model card (a data card),
applies to its own file. The model card's `license:` applies where no licence file does, and is
checked against the top-level licence file (a conflict is a finding).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from auditor.artifacts.markdown_document import markdown_of
from auditor.components import COMPONENTS
from auditor.findings import Finding
from auditor.licenses.analysis import SPDX_IDENTIFIER, analyse_license_text
from auditor.licenses.catalog import (
    canonical_id,
    expression_class,
    from_hub_id,
    license_class,
    license_name,
)
from auditor.licenses.interface import LicenseDeclaration
from auditor.sources.interface import Artifact, Inventory

LICENSE_FILE = re.compile(
    r"^(licen[cs]e|copying|notice|use[_-]?policy|acceptable[_-]?use[_-]?policy|responsible[_-]?use|"
    r"terms[_-]?of[_-]?use|model[_-]?licen[cs]e|code[_-]?licen[cs]e|data[_-]?licen[cs]e)"
    r"([_.-][\w.-]*)?$|licen[cs]e[_ -]?agreement", re.IGNORECASE)
NOTICE_FILE = re.compile(r"^notice", re.IGNORECASE)
AGREEMENT_TITLE = re.compile(r"licen[cs]e agreement|terms of use|acceptable use policy|"
                             r"^\W*licen[cs]e\W*$|public licen[cs]e", re.IGNORECASE)
DOC_SUFFIXES = frozenset({"", ".md", ".txt", ".rst", ".markdown"})
TERMS_HINT = re.compile(r"licen[cs]|terms|agreement|policy|eula|legal", re.IGNORECASE)
SOURCE_SUFFIXES = frozenset({".py", ".sh", ".js", ".ts", ".c", ".h", ".cc", ".cpp", ".cu", ".rs",
                             ".go", ".java", ".md", ".yaml", ".yml", ".toml", ".cfg", ".ipynb"})

PARAMETER_COMPONENTS = ("model-metadata", "model-parameters", "model-parameters-intermediate")
# Words in a licence file's name that narrow it to components; checked in this order.
NAME_SCOPES: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    # "X License Agreement" files come with weights: Llama, Gemma and their kin name the model.
    (re.compile(r"model|weights?|param|agreement", re.I), PARAMETER_COMPONENTS),
    (re.compile(r"code|software|source", re.I),
     tuple(sorted(c.id for c in COMPONENTS.values() if c.content == "code"))),
    (re.compile(r"data", re.I), ("datasets", "evaluation-data")),
    (re.compile(r"docs?|documentation|content", re.I),
     tuple(sorted(c.id for c in COMPONENTS.values() if c.content == "document"))),
)
MODEL_CARD_NAME = re.compile(r"^(readme|model[_-]?card)(\.md)?$", re.IGNORECASE)


@dataclass(frozen=True)
class LicenseDiscovery:
    declarations: list[LicenseDeclaration]
    findings: list[Finding]


def discover_licenses(inventory: Inventory) -> LicenseDiscovery:
    found: list[LicenseDeclaration] = []
    findings: list[Finding] = []
    for artifact in inventory.files():
        if _is_license_file(artifact):
            declaration = _from_file(artifact)
            # A NOTICE is an attribution notice unless it names or restricts terms itself.
            if not NOTICE_FILE.match(artifact.name) or declaration.id or declaration.restrictions:
                found.append(declaration)
        elif MODEL_CARD_NAME.match(artifact.name) and artifact.folder == "":
            declarations, problems = _from_model_card(artifact, inventory)
            found += declarations
            findings += problems
        elif artifact.suffix in (".md", ".markdown"):
            found += _from_front_matter(artifact)
        if artifact.suffix in SOURCE_SUFFIXES and artifact.size <= 1024 * 1024:
            found += _from_spdx_header(artifact)
    found.sort(key=lambda d: (d.path, d.line or 0, d.origin))
    return LicenseDiscovery(found, findings + _card_conflicts(found))


def _is_license_file(artifact: Artifact) -> bool:
    if LICENSE_FILE.match(artifact.name):
        return True
    if (artifact.suffix not in DOC_SUFFIXES or MODEL_CARD_NAME.match(artifact.name)
            or artifact.size > 512 * 1024):
        return False
    if artifact.folder.count("/") >= 1 and not TERMS_HINT.search(artifact.name):
        return False  # deep in the tree, only a file named like terms is read for a licence title
    text = artifact.text
    if not text:
        return False
    title = next((line for line in text.splitlines()[:5] if line.strip()), "")
    return AGREEMENT_TITLE.search(title.strip("# *")) is not None


def _name_scope(name: str) -> tuple[str, ...]:
    stem = re.sub(r"^(licen[cs]e|copying)", "", name, flags=re.IGNORECASE)
    stem = re.sub(r"licen[cs]e", "", stem, flags=re.IGNORECASE)
    for pattern, components in NAME_SCOPES:
        if pattern.search(stem):
            return components
    return ()


def _from_file(artifact: Artifact) -> LicenseDeclaration:
    text = artifact.text
    if text is None:
        return LicenseDeclaration(artifact.path, "file", None, "unreadable or binary licence file",
                                  "unknown", artifact.folder, _name_scope(artifact.name))
    analysis = analyse_license_text(text)
    return LicenseDeclaration(artifact.path, "file", analysis.id, analysis.name, analysis.license_class,
                              artifact.folder, _name_scope(artifact.name), line=1,
                              restrictions=analysis.restrictions, match=analysis.match)


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
            declaration = _from_file(linked)
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
