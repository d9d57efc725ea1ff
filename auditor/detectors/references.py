"""External references: code and weights published elsewhere, linked from documents or submodules.

What each link is for is decided by the release description (`auditor.description.link_roles`);
this detector turns those links, download scripts and submodules into `referenced` evidence: the
auditor has not seen their content.
"""

from __future__ import annotations

import configparser
import re
from typing import ClassVar

from auditor.artifacts.markdown_document import MAX_LINKS
from auditor.description.interface import ReleaseDescription
from auditor.description.link_roles import CODE_CONTEXT
from auditor.detectors.interface import Detection, Detector, Evidence
from auditor.findings import Finding
from auditor.sources.interface import Inventory

LINKED_COMPONENTS = frozenset({"model-parameters", "training-code", "data-preprocessing-code",
                               "supporting-libraries", "evaluation-code", "inference-code",
                               "model-architecture"})
"""The components a link is evidence for here; datasets and papers are the datasets and documents
detectors' own."""
HUB_LOADING = re.compile(r"\bAuto\w{0,60}\.from_pretrained\(\s*[\"']([A-Za-z0-9][\w.-]{0,95}/[\w.-]{1,95})[\"']")
HUB_ID_ASSIGNED = re.compile(r"\b\w{0,40}(model|path|name|id|dir)\w{0,40}\s*=\s*"
                             r"[\"']([A-Za-z0-9][\w.-]{0,95}/[\w.-]{1,95})[\"']", re.IGNORECASE)
"""`model_name = "org/name"` before a `from_pretrained(model_name)`."""
WEIGHT_URL_LITERAL = re.compile(r"[\"']https?://[^\s\"'<>]{1,500}\.(safetensors|pt|pth|ckpt|gguf|onnx)[\"']", re.I)
WEIGHT_FILE_SUFFIX = re.compile(r"\.(safetensors|pth|ckpt|gguf)\b")
MAX_DOWNLOADER_BYTES = 256 * 1024
"""Scripts that download weights are short; a larger file is not searched for weight URLs."""


class ReferencesDetector(Detector):
    name: ClassVar[str] = "references"

    def detect(self, inventory: Inventory, description: ReleaseDescription) -> Detection:
        detection = Detection()
        for described in description.documents:
            if not described.links_are_evidence:
                continue
            if described.document.unread_links:
                detection.findings.append(Finding(described.path, "OSAID-A015", (
                    f"{described.document.unread_links:,} links past the first {MAX_LINKS:,} were not read")))
            artifact = inventory.get(described.path)
            detection.evidence += _loaded_from_the_hub(described.path, artifact.text if artifact else None)
        for described, link, component in description.links_for(LINKED_COMPONENTS):
            detection.evidence.append(Evidence(
                component, self.name, f"linked: {link.link.url}", path=described.path,
                line=link.link.line, url=link.link.url, strength="referenced"))
        for artifact in inventory.files():
            if artifact.suffix in (".py", ".sh") and artifact.size <= MAX_DOWNLOADER_BYTES:
                detection.evidence += _weights_downloaded(artifact.path, artifact.name, artifact.text or "")
        gitmodules = inventory.get(".gitmodules")
        if gitmodules is not None:
            detection.extend(_submodules(gitmodules.text, gitmodules.path, inventory.submodules))
        return detection


def _loaded_from_the_hub(path: str, text: str | None) -> list[Evidence]:
    """`AutoModel.from_pretrained("org/name")` in a document: the model's architecture is the code that
    transformers (or the Hub repository, with `trust_remote_code`) runs for that id."""
    if text is None:
        return []
    match = HUB_LOADING.search(text) or (HUB_ID_ASSIGNED.search(text) if ".from_pretrained(" in text else None)
    if match is None:
        return []
    repo = match.group(match.lastindex or 1)
    return [Evidence("model-architecture", ReferencesDetector.name,
                     f"the document loads {repo} with from_pretrained: its architecture is the code "
                     "transformers or that Hub repository provides", path=path,
                     line=text.count("\n", 0, match.start()) + 1, url=f"https://huggingface.co/{repo}",
                     strength="referenced")]


def _weights_downloaded(path: str, name: str, text: str) -> list[Evidence]:
    """Code that downloads the weights: a weight file's URL in a string, or a download script naming
    weight files (Llama's `download.sh`, GPT-2's `download_model.py`)."""
    match = WEIGHT_URL_LITERAL.search(text) if "://" in text else None  # the substring test is 100x faster
    if match is not None:
        url: str | None = match.group(0).strip("\"'")
        shown = url
    else:
        match = WEIGHT_FILE_SUFFIX.search(text) if "download" in name.lower() else None
        if match is None:
            return []
        url = None
        shown = text[max(match.start() - 80, 0):match.end()].split()[-1]  # the file name, as written
    return [Evidence("model-parameters", ReferencesDetector.name, f"downloads the weights: {shown}", path=path,
                     line=text.count("\n", 0, match.start()) + 1, url=url, strength="referenced")]


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
