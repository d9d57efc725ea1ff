"""Configurations of open training libraries: a config that only gpt-neox (or OLMo, NeMo, ...) reads
defines the model and how it was trained, with that library as the code.

Pythia's `models/160M/pythia-160m.yml` is the whole recipe for gpt-neox (its submodule): the
architecture and the training run, in the library's own keys. Libraries and their keys are data
(`data/training_libraries.yaml`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from auditor.resources import package_data
from auditor.safe_yaml import load_yaml


@dataclass(frozen=True)
class TrainingLibrary:
    name: str
    url: str
    keys: frozenset[str]
    """Any one of these marks a config as the library's."""
    required: frozenset[str]
    text: re.Pattern[str] | None

    def reads(self, keys: frozenset[str], text: str) -> bool:
        if self.text is not None:
            return self.text.search(text) is not None
        return bool(keys & self.keys) and self.required <= keys


@cache
def training_libraries() -> tuple[TrainingLibrary, ...]:
    raw = load_yaml(package_data("training_libraries.yaml").read_text(encoding="utf-8"))
    return tuple(TrainingLibrary(name, entry["url"], frozenset(entry.get("keys") or ()),
                                 frozenset(entry.get("all") or ()),
                                 re.compile(entry["text"]) if entry.get("text") else None)
                 for name, entry in raw.items())


@cache
def _any_mark() -> re.Pattern[str]:
    """A cheap test on the raw text before a config is parsed: does it hold any library's mark?"""
    marks = sorted({key for library in training_libraries() for key in library.keys}, key=len, reverse=True)
    alternatives = [re.escape(key).replace("_", "[_-]") for key in marks]
    alternatives += [library.text.pattern.removeprefix("(?m)") for library in training_libraries() if library.text]
    return re.compile("(?m)" + "|".join(alternatives), re.IGNORECASE)


def may_be_library_config(text: str) -> bool:
    return _any_mark().search(text) is not None


def library_of(keys: frozenset[str], text: str) -> TrainingLibrary | None:
    """The open training library a config is written for, if its keys (or text) say so."""
    return next((library for library in training_libraries() if library.reads(keys, text)), None)
