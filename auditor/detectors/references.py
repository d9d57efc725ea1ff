"""External references: code and weights published elsewhere, linked from documents or submodules.

A link is evidence only when its context (the line and its section title) says which component
it is for; such evidence is `referenced`, never `satisfied`: the auditor has not seen its content.
"""

from __future__ import annotations

import configparser
import re
from typing import ClassVar

from auditor.artifacts.markdown_document import MAX_LINKS, markdown_of
from auditor.detectors.interface import Detection, Detector, Evidence
from auditor.detectors.linked_documents import linking_documents
from auditor.findings import Finding
from auditor.sources.interface import Inventory

CODE_HOST = re.compile(r"^https?://(www\.)?(github\.com|gitlab\.com|codeberg\.org|bitbucket\.org)/[^/]+/[^/\s]+",
                       re.IGNORECASE)
HUB_MODEL = re.compile(r"^https?://(www\.)?huggingface\.co/(?!datasets/|spaces/|docs/|blog/|papers/)[^/]+/[^/\s]+",
                       re.IGNORECASE)

# Context words -> component, first match wins; the order puts specific words before general ones.
CODE_CONTEXT: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"pre-?process|data (processing|pipeline|cleaning)|dedup|filter|curation", re.I),
     "data-preprocessing-code"),
    (re.compile(r"tokeni[sz]er|library|toolkit|framework", re.I), "supporting-libraries"),
    (re.compile(r"eval(uation)?\b|harness|benchmark", re.I), "evaluation-code"),
    (re.compile(r"train(ing)?|pre-?train|fine-?tun", re.I), "training-code"),
    (re.compile(r"inference|generat|serv(e|ing)|run the model|demo", re.I), "inference-code"),
    (re.compile(r"architecture|modell?ing code", re.I), "model-architecture"),
)
WEIGHTS_CONTEXT = re.compile(r"weights|checkpoints?|parameters|download|model repo", re.IGNORECASE)


class ReferencesDetector(Detector):
    name: ClassVar[str] = "references"

    def detect(self, inventory: Inventory) -> Detection:
        detection = Detection()
        for artifact in linking_documents(inventory):
            document = markdown_of(artifact)
            if document is None:
                continue
            if document.unread_links:
                detection.findings.append(Finding(artifact.path, "OSAID-A015", (
                    f"{document.unread_links:,} links past the first {MAX_LINKS:,} were not read")))
            for link in document.links:
                component = _component_for(link.url, link.context)
                if component:
                    detection.evidence.append(Evidence(
                        component, self.name, f"linked: {link.url}", path=artifact.path,
                        line=link.line, url=link.url, strength="referenced"))
        gitmodules = inventory.get(".gitmodules")
        if gitmodules is not None:
            detection.extend(_submodules(gitmodules.text, gitmodules.path, inventory.submodules))
        return detection


def _component_for(url: str, context: str) -> str | None:
    if CODE_HOST.match(url):
        for pattern, component in CODE_CONTEXT:
            if pattern.search(context):
                return component
    elif HUB_MODEL.match(url) and WEIGHTS_CONTEXT.search(context):
        return "model-parameters"
    return None


def _submodules(text: str | None, path: str, pinned: dict[str, str]) -> Detection:
    detection = Detection()
    if text is None:
        return detection
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error as error:
        detection.findings.append(Finding(path, "OSAID-A012", f".gitmodules not parseable: {error.message}"))
        return detection
    for section in sorted(parser.sections()):
        sub_path = parser.get(section, "path", fallback="")
        url = parser.get(section, "url", fallback="")
        context = f"{sub_path} {url}"
        component = next((c for p, c in CODE_CONTEXT if p.search(context)), "supporting-libraries")
        commit = pinned.get(sub_path)
        detection.evidence.append(Evidence(
            component, ReferencesDetector.name,
            f"git submodule {sub_path} -> {url}" + (f" at commit {commit}" if commit else ""),
            path=path, url=url or None, strength="referenced",
            details=(("commit", commit),) if commit else ()))
    return detection
