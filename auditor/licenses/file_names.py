"""Which files of a release are licence files by their name or folder, and what the name scopes them to.

A licence file applies to its folder and below; a file in a licences folder (`LICENSES/`,
`licenses/`, `model_licenses/`) applies to the folder that holds that folder. A name can narrow the
licence to a kind of component: LICENSE-MODEL, MODEL_LICENSE, WEIGHT_DIFF_LICENSE and
LICENSE-<model name> (LICENSE-SVD, LLAMA2_LICENSE) to the parameters, LICENSE-CODE to code,
LICENSE-DATA to data, LICENSE-DOCS to documents. In the REUSE layout a licences folder names each
file by its SPDX id (`LICENSES/MIT.txt`).
"""

from __future__ import annotations

import posixpath
import re

from auditor.components import COMPONENTS
from auditor.licenses.catalog import canonical_id
from auditor.sources.interface import Artifact

LICENSE_NAME = re.compile(
    r"^(licen[cs]es?|unlicen[cs]e|copying|notice|use[_-]?policy|acceptable[_-]?use[_-]?policy|"
    r"responsible[_-]?use|terms[_-]?of[_-]?use)([_.-][\w.-]*)?$"
    r"|^[\w.-]+?[_-]licen[cs]es?([_.-][\w.-]*)?$"
    r"|licen[cs]e[_ -]?agreement", re.IGNORECASE)
BUNDLED_NAME = re.compile(r"^(third|3rd)[_ -]?party|^vendor|^bundled|^dependenc", re.IGNORECASE)
"""`THIRD_PARTY_LICENSES` and its kin list the licences of code a release bundles, not its own terms."""
LICENSE_FOLDER = re.compile(r"^(model[_-]?)?licen[cs]es?$", re.IGNORECASE)
MODEL_LICENSE_FOLDER = re.compile(r"^model[_-]?licen[cs]es?$", re.IGNORECASE)
NOT_LICENSE_SUFFIXES = frozenset({".py", ".sh", ".js", ".ts", ".c", ".h", ".cc", ".cpp", ".cu", ".rs", ".go",
                                  ".java", ".yaml", ".yml", ".toml", ".cfg", ".ipynb", ".json", ".html", ".css",
                                  ".png", ".jpg", ".svg"})
"""Code and data named like a licence (`license.py`, `licenses/__init__.py`) is not a licence file."""
DOC_SUFFIXES = frozenset({"", ".md", ".txt", ".rst", ".markdown"})
PDF_SUFFIX = ".pdf"
TERMS_HINT = re.compile(r"licen[cs]|terms|agreement|policy|eula|legal", re.IGNORECASE)
PDF_TERMS_NAME = re.compile(r"licen[cs]|terms[_ -]?of[_ -]?use|agreement|eula|acceptable[_ -]?use", re.IGNORECASE)
"""A PDF has no title to read before its text is extracted, so only one named as terms is read."""

PARAMETER_COMPONENTS = ("model-metadata", "model-parameters", "model-parameters-intermediate")
# Words in a licence file's name that narrow it to components; checked in this order.
NAME_SCOPES: tuple[tuple[frozenset[str], tuple[str, ...]], ...] = (
    # "X License Agreement" files come with weights: Llama, Gemma and their kin name the model.
    (frozenset({"model", "models", "weight", "weights", "param", "params", "parameters", "checkpoint",
                "checkpoints", "agreement"}), PARAMETER_COMPONENTS),
    (frozenset({"code", "software", "source"}),
     tuple(sorted(c.id for c in COMPONENTS.values() if c.content == "code"))),
    (frozenset({"data", "dataset", "datasets"}), ("datasets", "evaluation-data")),
    (frozenset({"doc", "docs", "documentation", "content"}),
     tuple(sorted(c.id for c in COMPONENTS.values() if c.content == "document"))),
)
_LICENSE_AND_WORD = re.compile(r"^licen[cs]es?[_.-]+(?P<after>.+)$|^(?P<before>.+?)[_-]?licen[cs]es?$",
                               re.IGNORECASE)
_LICENSE_WORD = re.compile(
    r"^(apache|mit|bsd|[al]?gpl|gnu|mpl|mozilla|epl|eclipse|cddl|isc|psf|python|zlib|boost|bsl|unlicense|cc|"
    r"creative|wtfpl|artistic|ofl|eupl|openssl|ssleay|x11|zpl|public|pd|0bsd|hpnd|ncsa|unicode|curl|libpng|"
    r"openrail|rail|odc|odbl|pddl|cdla|ms|lesser)", re.IGNORECASE)
_NOT_A_NAME = re.compile(
    r"^(third|3rd|vendor|bundled|dependenc|notice|header|summary|full|short|original|upstream|other|extra|"
    r"addendum|exception|libs?$|deps$|combined|all$|old$|new$|template|v?\d|en$|zh|cn$|ja$|jp$|ko$|kr$|de$|"
    r"fr$|es$|it$|ru$|pt$|chinese|english|translat)", re.IGNORECASE)
_DOC_EXTENSION = re.compile(r"\.(txt|md|rst|markdown|pdf)$", re.IGNORECASE)


def in_license_folder(artifact: Artifact) -> bool:
    return LICENSE_FOLDER.match(posixpath.basename(artifact.folder)) is not None


def named_as_license(artifact: Artifact) -> bool:
    """A licence file by its name or its folder alone, before its text is read."""
    if artifact.suffix in NOT_LICENSE_SUFFIXES:
        return False
    if in_license_folder(artifact):
        return artifact.suffix in DOC_SUFFIXES or artifact.suffix == PDF_SUFFIX \
            or LICENSE_NAME.match(artifact.name) is not None or canonical_id(_base(artifact.name)) is not None
    return LICENSE_NAME.match(artifact.name) is not None and not BUNDLED_NAME.match(artifact.name)


def license_scope(artifact: Artifact) -> str:
    """The folder a licence file speaks for: its own, or the parent of a licences folder."""
    return posixpath.dirname(artifact.folder) if in_license_folder(artifact) else artifact.folder


def name_scope(artifact: Artifact) -> tuple[str, ...]:
    """The components a licence file's name (or its `model_licenses/` folder) narrows it to; () for all."""
    in_folder = in_license_folder(artifact)
    if in_folder and MODEL_LICENSE_FOLDER.match(posixpath.basename(artifact.folder)):
        return PARAMETER_COMPONENTS
    base = _base(artifact.name)
    words = set(re.findall(r"[a-z]+", re.sub(r"licen[cs]es?", " ", base, flags=re.IGNORECASE).lower()))
    for kind_words, components in NAME_SCOPES:
        if words & kind_words:
            return components
    named = _LICENSE_AND_WORD.match(base)
    if named is None or in_folder:
        return ()  # in a licences folder, LICENSE-numpy is a bundled library's licence, not a model's
    word = (named.group("after") or named.group("before")).strip("._- ")
    # LICENSE-SVD, LLAMA2_LICENSE: a word that names no licence and no kind of file names the model.
    if re.search(r"[a-z]", word, re.IGNORECASE) and not _LICENSE_WORD.match(word) \
            and not _NOT_A_NAME.match(word) and canonical_id(word) is None:
        return PARAMETER_COMPONENTS
    return ()


def reuse_license_id(artifact: Artifact) -> str | None:
    """The SPDX id a REUSE licences folder gives a file by its name (`LICENSES/MIT.txt`)."""
    return canonical_id(_base(artifact.name)) if in_license_folder(artifact) else None


def _base(name: str) -> str:
    return _DOC_EXTENSION.sub("", name)
