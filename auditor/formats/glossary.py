"""Jargon explained where it first appears: each term of `data/glossary.yaml` gets one line under the
first line of a report that uses it, and never again in that report."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from auditor.escape import printable
from auditor.report import Report
from auditor.resources import package_data
from auditor.safe_yaml import load_yaml


@dataclass(frozen=True)
class Term:
    term: str
    pattern: re.Pattern[str]
    explanation: str
    lists_items: bool = False
    """The explanation is followed by the title of each checklist item the line names (DI-1a: ...)."""


@cache
def glossary_terms() -> tuple[Term, ...]:
    raw = load_yaml(package_data("glossary.yaml").read_text(encoding="utf-8"))
    return tuple(Term(entry["term"], re.compile(entry["pattern"]), entry["explanation"].strip(),
                      bool(entry.get("lists_items", False))) for entry in raw)


class Glossary:
    """Tracks what one report has explained so far; `explain(line)` gives the lines to add under it."""

    def __init__(self, report: Report) -> None:
        self._item_titles = {item.id: item.title for r in report.requirements for item in r.items}
        self._explained: set[str] = set()

    def explain(self, text: str) -> list[str]:
        out = []
        for term in glossary_terms():
            if term.lists_items:
                named = [m.group() for m in term.pattern.finditer(text)]
                new = [i for i in dict.fromkeys(named) if i not in self._explained and i in self._item_titles]
                if new:
                    self._explained.update(new)
                    out.append(term.explanation + " " + "; ".join(
                        f"{i} {printable(self._item_titles[i])}" for i in new) + ".")
            elif term.term not in self._explained and term.pattern.search(text):
                self._explained.add(term.term)
                out.append(term.explanation)
        return out
