"""The licence stage's interface: licence declarations found in a release, and what one restricts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

LicenseClass = Literal["osi-approved", "open-data", "open-content", "restricted", "unknown", "notice"]
"""`notice`: an attribution file (NOTICE, AUTHORS), which credits but grants nothing."""
Origin = Literal["file", "model-card", "spdx-header", "front-matter", "readme-section"]
"""`readme-section`: the "License"/"Terms of use" section of a README or model card."""
FILE_SCOPED: frozenset[str] = frozenset({"spdx-header", "front-matter"})
"""Origins that speak for their own file only."""

CLASS_ORDER: tuple[LicenseClass, ...] = ("restricted", "unknown", "open-content", "open-data", "osi-approved")
"""Worst first: when several licences apply to one thing, the worst decides. `notice` is absent:
an attribution file is no licence, so it never decides."""


@dataclass(frozen=True)
class Restriction:
    """A clause that takes away one of the four freedoms, cited by line."""

    kind: str
    code: str
    line_start: int
    line_end: int
    text: str
    freedom: str
    osd: int


@dataclass(frozen=True)
class LicenseReason:
    """Why a text that is no known licence is not open when no clause says so, cited by line."""

    code: str
    text: str
    line_start: int
    line_end: int


@dataclass(frozen=True)
class LicenseDeclaration:
    """A licence stated somewhere in the release, and what it applies to.

    `scope` is the folder it covers ('' for the whole release), or the file itself for an SPDX
    header or a document's own `license:` front matter. `components` narrows it to some component
    ids (a LICENSE-MODEL file); empty means all.
    """

    path: str
    origin: Origin
    id: str | None
    name: str
    license_class: LicenseClass
    scope: str
    components: tuple[str, ...] = ()
    line: int | None = None
    restrictions: tuple[Restriction, ...] = ()
    match: float | None = None
    """How close the text is to the identified licence's reference text (0 to 1), when compared."""
    reasons: tuple[LicenseReason, ...] = ()

    def covers(self, path: str | None) -> bool:
        if path is None:
            return self.scope == ""
        if self.origin in FILE_SCOPED:
            return path == self.scope
        return self.scope == "" or path == self.scope or path.startswith(self.scope + "/")


def worst_class(classes: list[LicenseClass]) -> LicenseClass:
    ranked = [c for c in classes if c in CLASS_ORDER]
    return min(ranked, key=CLASS_ORDER.index) if ranked else "unknown"
