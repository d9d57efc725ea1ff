"""What a licence text is and what it restricts: identification plus clause analysis.

A licence file is read as an SPDX expression: each reference licence found in it is a part, in
file order (the project's own licence first, then the licences of code it bundles), joined by
AND. Text around the parts (headings, copyright lines, lists of files) names nothing and changes
nothing, unless clause analysis finds a restriction in it. A part that is exactly a known open
licence has no restrictions to look for; one that is modified is read only where it differs, so
the open licence's own wording never raises a finding. A text close to a restricted licence is
read whole, so each restriction is cited at the file's own lines. A text that is no reference
licence is looked at for a short notice, an SPDX identifier or a known title, and read whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from auditor.licenses.interface import LicenseClass, LicenseReason, Restriction
from auditor.result_cache import ResultCache, active_cache_folder

if TYPE_CHECKING:
    from auditor.licenses.clause_model import ClauseModel

_SPDX_ID = r"\(*[A-Za-z0-9][A-Za-z0-9.\-]*(?::[A-Za-z0-9][A-Za-z0-9.\-]*)?\+?\)*"
SPDX_IDENTIFIER = re.compile(
    rf"SPDX-License-Identifier:[ \t]*({_SPDX_ID}(?:[ \t]+(?:AND|OR|WITH)[ \t]+{_SPDX_ID})*)")
"""Group 1 is the expression only: valid SPDX tokens, never the prose after them."""
OPEN_CLASSES = frozenset({"osi-approved", "open-data", "open-content"})
UNRECOGNISED = "unrecognised licence text"


@dataclass(frozen=True)
class LicensePart:
    """One licence found in a file, with the lines it stands on."""

    id: str | None
    name: str
    license_class: LicenseClass
    score: float | None
    """How much of the reference text is there, and how much of its lines it explains (the lower)."""
    line_start: int
    line_end: int


@dataclass(frozen=True)
class LicenseAnalysis:
    id: str | None
    name: str
    license_class: LicenseClass
    match: float | None
    restrictions: tuple[Restriction, ...]
    parts: tuple[LicensePart, ...] = ()
    pointer_files: tuple[str, ...] = ()
    """Files a pointer text ("the licenses found in LICENSE.APACHE or LICENSE.BSD") names."""
    pointer_operator: str | None = None
    reasons: tuple[LicenseReason, ...] = ()
    """For an unrecognised text no clause restricts: the freedoms it grants or does not."""


def analyse_license_text(text: str, name: str = "", model: ClauseModel | None = None) -> LicenseAnalysis:
    """The licence of a file's `text`; `name` (the file's name) tells an attribution file apart.
    `model` replaces the shipped clause model (the benchmark's leave-one-licence-out runs)."""
    folder = active_cache_folder()
    if folder is None or model is not None:
        return _analysis(text, name, model)
    cache = ResultCache(folder, "license-analysis", LicenseAnalysis)
    return cache.computed(text, (name,), lambda: _analysis(text, name, None))


def _analysis(text: str, name: str, model: ClauseModel | None) -> LicenseAnalysis:
    # Identification and clause analysis are imported only when a text is not in the cache: their
    # rules are most of a small audit's import time.
    from auditor.licenses.text_reading import read_license_text

    return read_license_text(text, name, model)
