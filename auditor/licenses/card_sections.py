"""The "License" or "Terms of use" section of a README or model card, read as a licence statement.

Some labs state a model's terms only there. A section titled License, Licence, Licensing,
Terms, Terms of use or Model license (any level; in Chinese 协议, 许可, 授权, ...) of the
README, of a translated README (README_EN.md, README_zh.md) or of a model card is analysed as a
licence text and cited at its heading; its clauses are cited at the card's own lines. A section
that names no licence and restricts nothing ("See LICENSE") adds nothing: the file it points to
is read as a licence file anyway. A section that speaks of the model or its weights narrows to
the parameters.
"""

from __future__ import annotations

import dataclasses
import re

from auditor.artifacts.markdown_document import MarkdownDocument, Section
from auditor.licenses.analysis import OPEN_CLASSES, analyse_license_text
from auditor.licenses.file_names import PARAMETER_COMPONENTS
from auditor.licenses.interface import LicenseDeclaration
from auditor.sources.interface import Artifact

TERMS_HEADING = re.compile(
    r"^(?:(?:the|our)\s+)?(?:(?:model|weights?|code|software)\s+)?"
    r"(?:licen[cs]es?|licen[cs]ing(?:\s+information)?|terms(?:\s+of\s+(?:use|service)|\s+and\s+conditions)?|"
    r"usage\s+terms|licen[cs]e\s+(?:and|&)\s+terms(?:\s+of\s+use)?|"
    r"(?:声明与|模型|开源|使用)?(?:协议|许可(?:证|协议)?|授权(?:协议)?))$", re.IGNORECASE)
MODEL_WORDS = re.compile(r"\b(models?|weights?|checkpoints?|parameters)\b|模型|权重|参数",
                         re.IGNORECASE)
MAX_SECTION_CHARS = 200_000
"""A terms section longer than this is read up to it: a licence is far shorter."""


def terms_sections(artifact: Artifact, document: MarkdownDocument) -> list[LicenseDeclaration]:
    declarations: list[LicenseDeclaration] = []
    covered_to = 0  # a terms section's body holds its subsections: a "### Terms" inside "## License" is read once
    for section in document.sections:
        if section.line_start <= covered_to or not TERMS_HEADING.match(heading_words(section.title)):
            continue
        covered_to = section.line_end
        declaration = _declaration(artifact, section)
        if declaration is not None:
            declarations.append(declaration)
    return declarations


def heading_words(title: str) -> str:
    """A heading without its numbering, emphasis, emoji and punctuation: "7. **License:**" is "License"."""
    words = re.sub(r"[^\w\s&]|_", " ", title[:200])
    return " ".join(re.sub(r"^[\s\d]+", "", words).split())


def _declaration(artifact: Artifact, section: Section) -> LicenseDeclaration | None:
    body = section.body[:MAX_SECTION_CHARS]
    analysis = analyse_license_text(body)
    if analysis.license_class not in OPEN_CLASSES and not analysis.restrictions \
            and analysis.license_class != "restricted":
        return None  # names no licence it can be held to, restricts nothing: a pointer or a remark
    # The body starts on the line after the heading, so its line n is the card's line_start + n.
    restrictions = tuple(dataclasses.replace(r, line_start=r.line_start + section.line_start,
                                             line_end=r.line_end + section.line_start)
                         for r in analysis.restrictions)
    components = PARAMETER_COMPONENTS if MODEL_WORDS.search(f"{section.title}\n{body}") else ()
    return LicenseDeclaration(artifact.path, "readme-section", analysis.id,
                              f"{analysis.name} (section \"{heading_words(section.title)}\")",
                              analysis.license_class, artifact.folder, components, line=section.line_start,
                              restrictions=restrictions, match=analysis.match)
