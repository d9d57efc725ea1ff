"""External references: code and weights published elsewhere, linked from documents or submodules.

A link is evidence only when its context (the line and its section title) says which component
it is for; such evidence is `referenced`, never `satisfied`: the auditor has not seen its content.
"""

from __future__ import annotations

import configparser
import re
from typing import ClassVar
from urllib.parse import urlsplit

from auditor.artifacts.markdown_document import MAX_LINKS, Link, markdown_of
from auditor.detectors.admissible import MODEL_OWN_CODE
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
    # The code that built the corpus: not a data loader, nor a filter model (an NSFW detector).
    (re.compile(r"pre-?process\w* (the )?((pre-?)?training )?(data|corpus|text|code|scripts?|pipeline)|"
                r"data (pre-?processing|processing|preparation|cleaning|curation)|dedup\w*|"
                r"(data|corpus|quality) filter\w*|"
                r"filter\w* (the )?((pre-?)?training )?(data|corpus)|curat\w* (the )?(data|corpus)", re.I),
     "data-preprocessing-code"),
    (re.compile(r"tokeni[sz]er|library|toolkit|framework", re.I), "supporting-libraries"),
    (re.compile(r"eval(uation)?\b|harness|benchmark", re.I), "evaluation-code"),
    # The code that trained this model, not a framework offered for fine-tuning it.
    (re.compile(r"pre-?train|\btrained (with|using|by)\b|\btraining (code|scripts?|framework|recipes?|pipeline|"
                r"config\w*|setup)|^[^|]*\| *training *:", re.I), "training-code"),
    (re.compile(r"inference|generat|serv(e|ing)|run the model|demo", re.I), "inference-code"),
    (re.compile(r"architecture|modell?ing code", re.I), "model-architecture"),
)
USERS_OWN_TRAINING = re.compile(r"fine-?tun|finetun|\blora\b|\bsft\b|quanti[sz]|deploy|your own|eval\w*|benchmark",
                                re.I)
LIBRARY_EXAMPLES = re.compile(r"/(examples?|docs?|tutorials?|notebooks?|demos?)/", re.I)
"""A library's examples and guides show users how to use it; they are none of this model's code."""
NOT_CODE = re.compile(r"\.(png|jpe?g|gif|svg|webp|pdf|mp4)(\?|#|$)|[?&]raw=true", re.I)
WEIGHTS_CONTEXT = re.compile(r"weights|checkpoints?|parameters|download|model repo|权重|检查点|模型下载|下载",
                             re.IGNORECASE)
MODELS_SECTION = re.compile(r"\b(models?|checkpoints?|weights|downloads?|releases?|zoo|pre-?trained)\b", re.I)
WEIGHT_FILE = re.compile(r"\.(safetensors|gguf|ggml|pt|pth|bin|ckpt|h5|onnx|msgpack|tflite)(\?|#|$)", re.I)
ARCHIVE = re.compile(r"\.(zip|tar|tar\.gz|tgz|tar\.bz2|7z)(\?|#|$)", re.I)
HUB_LOADING = re.compile(r"\bAuto\w{0,60}\.from_pretrained\(\s*[\"']([A-Za-z0-9][\w.-]{0,95}/[\w.-]{1,95})[\"']")
HUB_ID_ASSIGNED = re.compile(r"\b\w{0,40}(model|path|name|id|dir)\w{0,40}\s*=\s*"
                             r"[\"']([A-Za-z0-9][\w.-]{0,95}/[\w.-]{1,95})[\"']", re.IGNORECASE)
"""`model_name = "org/name"` before a `from_pretrained(model_name)`."""
WEIGHT_URL_LITERAL = re.compile(r"[\"']https?://[^\s\"'<>]{1,500}\.(safetensors|pt|pth|ckpt|gguf|onnx)[\"']", re.I)
WEIGHT_FILE_SUFFIX = re.compile(r"\.(safetensors|pth|ckpt|gguf)\b")
STORAGE = re.compile(r"^(gs|s3)://|^https?://([\w-]+\.)*(storage\.googleapis\.com|s3[\w.-]*\.amazonaws\.com|"
                     r"blob\.core\.windows\.net|azureedge\.net|dl\.fbaipublicfiles\.com|r2\.dev)/|"
                     r"^https?://console\.cloud\.google\.com/storage/|^https?://(www\.)?modelscope\.cn/models/", re.I)
"""Object stores and model hubs other than Hugging Face: weights when the words around say so."""
MAX_DOWNLOADER_BYTES = 256 * 1024
"""Scripts that download weights are short; a larger file is not searched for weight URLs."""
PEER_TO_PEER = re.compile(r"^magnet:|\.torrent(\?|#|$)", re.I)


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
                component = _component_for(link)
                # How the model was built is stated by the release's own card, not by a guide in docs/.
                if component in MODEL_OWN_CODE and artifact.folder:
                    continue
                if component:
                    detection.evidence.append(Evidence(
                        component, self.name, f"linked: {link.url}", path=artifact.path,
                        line=link.line, url=link.url, strength="referenced"))
            detection.evidence += _loaded_from_the_hub(artifact.path, artifact.text or "")
        for artifact in inventory.files():
            if artifact.suffix in (".py", ".sh") and artifact.size <= MAX_DOWNLOADER_BYTES:
                detection.evidence += _weights_downloaded(artifact.path, artifact.name, artifact.text or "")
        gitmodules = inventory.get(".gitmodules")
        if gitmodules is not None:
            detection.extend(_submodules(gitmodules.text, gitmodules.path, inventory.submodules))
        return detection


def names_weights(link: Link) -> bool:
    """The link's words, its section or its place in a models table say it is the model's weights."""
    return bool(WEIGHTS_CONTEXT.search(link.context) or MODELS_SECTION.search(link.section))


def _component_for(link: Link) -> str | None:
    url, context = link.url, link.context
    path = _url_path(url)
    if WEIGHT_FILE.search(path) or (ARCHIVE.search(path) and names_weights(link)):
        return "model-parameters"
    if PEER_TO_PEER.search(url) or STORAGE.search(url):
        return "model-parameters" if names_weights(link) else None
    if CODE_HOST.match(url):
        if NOT_CODE.search(url) or LIBRARY_EXAMPLES.search(path):
            return None
        users_own = USERS_OWN_TRAINING.search(context) or USERS_OWN_TRAINING.search(url)
        for pattern, component in CODE_CONTEXT:
            if component in MODEL_OWN_CODE and users_own:
                continue
            if pattern.search(context):
                return component
    elif HUB_MODEL.match(url) and (link.in_table or names_weights(link)):
        return "model-parameters"
    return None


def _loaded_from_the_hub(path: str, text: str) -> list[Evidence]:
    """`AutoModel.from_pretrained("org/name")` in a document: the model's architecture is the code that
    transformers (or the Hub repository, with `trust_remote_code`) runs for that id."""
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
    match = WEIGHT_URL_LITERAL.search(text)
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


def _url_path(url: str) -> str:
    try:
        return urlsplit(url).path
    except ValueError:  # a malformed URL in an untrusted document
        return url


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
