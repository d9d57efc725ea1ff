"""What a reviewer accepts as evidence, applied to every detector's evidence after they ran.

Detectors read files one by one; a reviewer reads the release. Some files are never evidence for a
component whatever they contain: tests (a unit test calling `.backward()` trains nothing), issue
and pull-request templates, CI settings, changelogs, codes of conduct. And code offered to users
for fine-tuning (`finetune/`, `ptuning/`, `lora_*.py`, `examples/sft/`) is not the code that trained
the model, so it is not the model's training or data pre-processing code. What the documents say a
file is for outranks its name: "fine-tune on your own data with `train.py`" sets `train.py` aside,
"we pre-trained the model with `finetune_lm.py`" keeps it.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict

from auditor.description.interface import ReleaseDescription
from auditor.description.link_roles import MODEL_OWN_CODE
from auditor.detectors.interface import Evidence
from auditor.findings import Finding

NEVER_EVIDENCE = re.compile(
    r"(^|/)(tests?|testing|unit_?tests|\.github|\.gitlab|\.circleci)/"
    r"|(^|/)(test_[^/]*\.py|[^/]*_test\.py|conftest\.py)$"
    r"|(^|/)(changelog|changes|history|news|code_of_conduct|contributing|security|pull_request_template)"
    r"(\.[a-z]+)?$", re.IGNORECASE)
FINE_TUNING = re.compile(
    r"(^|[/_.-])(fine[-_]?tun\w*|finetun\w*|p[-_]?tuning(v2)?|ptuning(v2)?|q?lora|sft|peft)([/_.-]|$)",
    re.IGNORECASE)


def admissible_evidence(evidence: list[Evidence],
                        description: ReleaseDescription) -> tuple[list[Evidence], list[Finding]]:
    """The evidence a reviewer accepts, and a note per folder of fine-tuning code set aside."""
    kept: list[Evidence] = []
    fine_tuning: dict[str, set[str]] = defaultdict(set)
    described_as: dict[str, str] = {}
    for e in evidence:
        if e.path is not None and NEVER_EVIDENCE.search(e.path):
            continue
        if e.component in MODEL_OWN_CODE and e.path is not None and e.url is None:
            mention = description.role_of_file(e.path)
            if mention is not None and mention.role == "users-own":
                fine_tuning[mention.path].add(e.path)
                described_as[mention.path] = f" ({mention.document} line {mention.line} offers it to users)"
                continue
            if mention is None and (FINE_TUNING.search(e.path)
                                    or FINE_TUNING.search(dict(e.details).get("target", ""))):
                fine_tuning[_fine_tuning_place(e.path)].add(e.path)
                continue
        kept.append(e)
    notes = [Finding(place, "OSAID-A018", f"{len(paths)} file{'s' if len(paths) > 1 else ''} of fine-tuning "
                     "code offered to users, not counted as the model's own training or data code"
                     + described_as.get(place, ""))
             for place, paths in sorted(fine_tuning.items())]
    return kept, notes


def _fine_tuning_place(path: str) -> str:
    """The folder whose name says fine-tuning (`finetune/`), else the file itself (`lora_train.py`)."""
    folder = posixpath.dirname(path)
    while folder and not FINE_TUNING.search(posixpath.basename(folder)):
        folder = posixpath.dirname(folder)
    return folder + "/" if folder else path
