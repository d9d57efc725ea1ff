"""The release's own files as its documents describe them: "fine-tune on your own data with
`finetune/`", "we pre-trained the model with `python pretrain.py`".

What the documents say a script is for outranks what its name suggests: a reviewer reads the
README before judging `train.py`. Words addressed to users ("your own data", "you can fine-tune")
offer a file to them wherever they are written; fine-tuning alone does so only in a guide below the
release's top (`chat/README.md`, "Fine-tuning X for chat"): the release's own card that speaks of
fine-tuning may be telling how this model was made from its base. A line that speaks for both sides
says nothing about either file.
"""

from __future__ import annotations

import posixpath
import re

from auditor.artifacts.markdown_document import MarkdownDocument
from auditor.description.interface import FileMention, FileRole

RELATIVE_LINK = re.compile(r"\]\(\s*(?!\w+:|#|/)([^)\s#?]{1,300})")
COMMAND = re.compile(r"\b(?:python3?|bash|sh|torchrun|deepspeed|accelerate launch)\b[^\n`|]{0,120}?"
                     r"(?<![\w./-])((?:\./)?[\w.-][\w./-]{0,200}\.(?:py|sh))\b")
USERS_OWN = re.compile(r"\byour (own|data|dataset|task)|\bcustom (data|dataset)|\bdownstream tasks?\b|"
                       r"\byou can (fine-?tune|finetune|train|adapt)", re.IGNORECASE)
FINE_TUNING = re.compile(r"fine-?tun|finetun|\bq?lora\b|\bsft\b|\bp-?tuning|微调", re.IGNORECASE)
MODEL_OWN = re.compile(r"pre-?train|\bwe (trained|train)\b|\b(was|were) trained\b|reproduc\w+ (the |our )?"
                       r"(training|pre-?training|model)|train\w* (the model )?from scratch|预训练", re.IGNORECASE)
MAX_MENTIONS = 1_000
"""Mentions kept per document: a README names a few dozen files; the rest are not read."""
CONTEXT_CHARS = 200


def file_mentions(path: str, document: MarkdownDocument, text: str, *, speaks_for_model: bool,
                  exists: set[str]) -> list[FileMention]:
    """Files (or folders) of the release that the document at `path` names with a clear role.
    `exists` holds every file path and folder of the release; a name that is not one is ignored."""
    folder = posixpath.dirname(path)
    # A guide's title says what all of it is for: "Fine-tuning X for chat".
    title = next((s.title[:CONTEXT_CHARS] for s in document.sections if s.level == 1), "")
    found: list[FileMention] = []
    before = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if len(found) >= MAX_MENTIONS:
            break
        names = [m.group(1) for m in RELATIVE_LINK.finditer(line)] + [m.group(1) for m in COMMAND.finditer(line)]
        if names:
            section = document.section_at(number)
            role = _role(f"{title} | {section.title if section else ''} | {before} | {line[:CONTEXT_CHARS * 2]}",
                         speaks_for_model)
            if role is not None:
                for name in names:
                    target = _resolve(folder, name, exists)
                    if target is not None:
                        found.append(FileMention(target, role, path, number))
        stripped = line.strip()
        if stripped and not stripped.startswith(("```", "~~~")):
            before = stripped[-CONTEXT_CHARS:]
    return found


def _role(context: str, speaks_for_model: bool) -> FileRole | None:
    users = USERS_OWN.search(context) is not None or (
        not speaks_for_model and FINE_TUNING.search(context) is not None)
    model = speaks_for_model and MODEL_OWN.search(context) is not None
    if users == model:
        return None
    return "users-own" if users else "model-own"


def _resolve(folder: str, name: str, exists: set[str]) -> str | None:
    """The release path `name` points to, from a document in `folder` or from the release's top (a
    command is run from the top more often than not)."""
    name = name.rstrip("/")
    for base in dict.fromkeys((folder, "")):
        candidate = posixpath.normpath(posixpath.join(base, name))
        if candidate.startswith("..") or candidate == ".":
            continue
        if candidate in exists:
            return candidate
    return None
