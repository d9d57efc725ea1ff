"""Findings: problems the audit reports, each with a stable code explained in `data/findings.yaml`.

The YAML file is the single source of truth for every code's name, level and explanation; `audit
explain CODE` and the formats read it from here, so the text is never written twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

from auditor.resources import package_data
from auditor.safe_yaml import load_yaml

Level = Literal["error", "warning", "note"]


@dataclass(frozen=True)
class FindingCode:
    code: str
    name: str
    level: Level
    summary: str
    explanation: str


@dataclass(frozen=True, order=True)
class Finding:
    """One thing the audit wants a reader to see, at a place in the release when it has one."""

    path: str
    code: str
    message: str
    line: int | None = None
    line_end: int | None = None
    url: str | None = None
    waiver: str | None = None
    """Why this finding is accepted for now (a waiver's reason, approver and expiry), if it is."""

    @property
    def level(self) -> Level:
        return finding_code(self.code).level

    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.path, self.line or 0, self.code, self.message)


@cache
def finding_codes() -> dict[str, FindingCode]:
    raw = load_yaml(package_data("findings.yaml").read_text(encoding="utf-8"))
    return {
        code: FindingCode(code=code, name=entry["name"], level=entry["level"],
                          summary=entry["summary"], explanation=entry["explanation"].strip())
        for code, entry in raw.items()
    }


def finding_code(code: str) -> FindingCode:
    try:
        return finding_codes()[code]
    except KeyError:
        raise KeyError(f"unknown finding code {code!r}: add it to data/findings.yaml") from None
