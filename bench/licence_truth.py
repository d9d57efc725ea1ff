"""Ground truth for the real-world licence benchmark: what a package declares as its licence.

A wheel's METADATA gives, in order of trust: `License-Expression` (PEP 639, an SPDX expression),
the `License ::` trove classifiers (mapped to SPDX ids by bench/classifier-spdx.tsv; some, such as
"BSD License", name a family and map to several candidate ids), and the free-text `License:`
field when it is a plain SPDX expression. An npm package's truth is package.json's `license` (or
the legacy `licenses` list). What none of them settles is `unknown`: such files stay in the corpus
but out of the accuracy figures.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from email.parser import HeaderParser
from pathlib import Path
from typing import Any

from spdx_expressions import is_open_id, is_spdx_id, parse

CLASSIFIER_MAP = Path(__file__).resolve().parent / "classifier-spdx.tsv"


@dataclass(frozen=True)
class Truth:
    """The declared licence: alternative SPDX expressions (one unless a classifier is ambiguous)."""

    declared: tuple[str, ...]
    source: str | None

    @property
    def known(self) -> bool:
        return bool(self.declared)

    @property
    def open(self) -> bool:
        """Every id of every alternative is OSI-approved or FSF-libre."""
        return self.known and all(is_open_id(i) for d in self.declared for i in parse(d).ids())


UNKNOWN = Truth((), None)


def load_classifier_map(path: Path = CLASSIFIER_MAP) -> dict[str, tuple[str, ...]]:
    """`classifier<TAB>id[|id...]` lines; `#` starts a comment line."""
    mapping: dict[str, tuple[str, ...]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        classifier, ids = line.split("\t")
        mapping[classifier.strip()] = tuple(i.strip() for i in ids.split("|"))
    return mapping


def spdx_expression(text: str | None) -> str | None:
    """The normalised expression when text is an SPDX expression of listed ids only, else None."""
    if not text or "\n" in text.strip():
        return None
    try:
        expression = parse(text)
    except ValueError:
        return None
    return str(expression) if all(is_spdx_id(i) for i in expression.ids()) else None


def pypi_truth(metadata: str, classifiers: dict[str, tuple[str, ...]]) -> Truth:
    headers = HeaderParser().parsestr(metadata, headersonly=True)
    expression = spdx_expression(headers.get("License-Expression"))
    if expression is not None:
        return Truth((expression,), "License-Expression")
    candidates = [classifiers[c.strip()] for c in headers.get_all("Classifier") or [] if c.strip() in classifiers]
    if candidates:
        # Several licence classifiers say neither AND nor OR; AND is written, and the comparison
        # rule looks only at which ids a file holds, so the choice does not change a result.
        return Truth(tuple(dict.fromkeys(" AND ".join(sorted(set(ids))) for ids in itertools.product(*candidates))),
                     "classifiers")
    expression = spdx_expression(headers.get("License"))
    if expression is not None:
        return Truth((expression,), "License")
    return UNKNOWN


def npm_truth(package: dict[str, Any]) -> Truth:
    declared = package.get("license")
    if isinstance(declared, dict):
        declared = declared.get("type")
    if declared is None and isinstance(package.get("licenses"), list):
        types = [entry.get("type") for entry in package["licenses"] if isinstance(entry, dict)]
        declared = " OR ".join(t for t in types if isinstance(t, str)) or None
    expression = spdx_expression(declared) if isinstance(declared, str) else None
    return Truth((expression,), "package.json license") if expression is not None else UNKNOWN


@dataclass(frozen=True)
class WheelMetadata:
    version: str
    license_files: tuple[str, ...]  # the `License-File:` paths, relative to .dist-info (or its licenses/)
    truth: Truth


def read_metadata(metadata: str, classifiers: dict[str, tuple[str, ...]]) -> WheelMetadata:
    headers = HeaderParser().parsestr(metadata, headersonly=True)
    return WheelMetadata((headers.get("Version") or "0").strip(),
                         tuple(v.strip() for v in headers.get_all("License-File") or []),
                         pypi_truth(metadata, classifiers))
