"""What a link in a release's document is for, from its address and the words around it.

A link is evidence only when its context (its line, the line before, its section title, its place
in a table) says which component it is for; such evidence is `referenced`, never `satisfied`: the
auditor has not seen its content.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from auditor.artifacts.markdown_document import Link

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
MODEL_OWN_CODE = frozenset({"training-code", "data-preprocessing-code", "model-metadata"})
"""Components code offered to users is never: the code and settings that built this model."""
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
STORAGE = re.compile(r"^(gs|s3)://|^https?://([\w-]+\.)*(storage\.googleapis\.com|s3[\w.-]*\.amazonaws\.com|"
                     r"blob\.core\.windows\.net|azureedge\.net|dl\.fbaipublicfiles\.com|r2\.dev)/|"
                     r"^https?://console\.cloud\.google\.com/storage/|^https?://(www\.)?modelscope\.cn/models/", re.I)
"""Object stores and model hubs other than Hugging Face: weights when the words around say so."""
PEER_TO_PEER = re.compile(r"^magnet:|\.torrent(\?|#|$)", re.I)

DATASET_HOST = re.compile(
    r"huggingface\.co/datasets/|kaggle\.com/datasets|zenodo\.org/records?/|commoncrawl\.org|"
    r"data\.commoncrawl|archive\.org/details|figshare\.com|dataverse|storage\.googleapis\.com/.*data|"
    r"tensorflow\.org/datasets/catalog/|\.torrent$|^magnet:", re.IGNORECASE)
MEDIA_FILE = re.compile(r"\.(png|jpe?g|gif|svg|webp|mp4|mp3|wav)(\?|#|$)", re.IGNORECASE)
"""A picture kept in a dataset repository (a logo, a sample image) is not a dataset."""
EVALUATION_CONTEXT = re.compile(r"\b(eval\w*|benchmarks?|leaderboards?|test (sets?|splits?))\b", re.IGNORECASE)
PAPER_URL = re.compile(r"arxiv\.org/(abs|pdf)/|doi\.org/|openreview\.net/|aclanthology\.org/|"
                       r"proceedings\.(neurips|mlr)|papers\.nips\.cc", re.IGNORECASE)


def link_roles(link: Link, *, speaks_for_model: bool, links_are_evidence: bool) -> tuple[str, ...]:
    """The components `link` is evidence for. `speaks_for_model`: its document is the release's own
    card or README, not a guide in docs/ (only those state how the model was built);
    `links_are_evidence`: its document is a card, README or docs page (a paper is cited anywhere)."""
    roles: list[str] = []
    if links_are_evidence:
        component = _component(link)
        if component is not None and not (component in MODEL_OWN_CODE and not speaks_for_model):
            roles.append(component)
        dataset = _dataset(link)
        if dataset is not None:
            roles.append(dataset)
    if PAPER_URL.search(link.url):
        roles.append("research-paper")
    return tuple(roles)


def names_weights(link: Link) -> bool:
    """The link's words, its section or its place in a models table say it is the model's weights."""
    return bool(WEIGHTS_CONTEXT.search(link.context) or MODELS_SECTION.search(link.section))


def _component(link: Link) -> str | None:
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


def _dataset(link: Link) -> str | None:
    if (not DATASET_HOST.search(link.url) or MEDIA_FILE.search(link.url)
            or (PEER_TO_PEER.search(link.url) and names_weights(link))):
        return None
    # A benchmark's dataset is what the model was measured on, not what it learnt from.
    return "evaluation-data" if EVALUATION_CONTEXT.search(link.context) else "datasets"


def _url_path(url: str) -> str:
    try:
        return urlsplit(url).path
    except ValueError:  # a malformed URL in an untrusted document
        return url
