"""What a licence text is and what it restricts: identification plus clause analysis.

A text that is exactly a known open licence has no restrictions to look for. A text close to one
but modified is read only where it differs (the added lines), so the open licence's own wording
never raises a finding. Anything else is read whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from auditor.licenses.catalog import (
    canonical_id,
    expression_class,
    identify_by_title,
    license_class,
    license_name,
)
from auditor.licenses.clauses import find_restrictions
from auditor.licenses.interface import LicenseClass, Restriction
from auditor.licenses.matcher import added_lines, best_match

SPDX_IDENTIFIER = re.compile(r"SPDX-License-Identifier:\s*([^\r\n*#]+?)\s*(?:\*/|-->|#|$)", re.MULTILINE)
OPEN_CLASSES = frozenset({"osi-approved", "open-data", "open-content"})


@dataclass(frozen=True)
class LicenseAnalysis:
    id: str | None
    name: str
    license_class: LicenseClass
    match: float | None
    restrictions: tuple[Restriction, ...]


def analyse_license_text(text: str) -> LicenseAnalysis:
    match = best_match(text)
    identifier = SPDX_IDENTIFIER.search(text[:4096])
    if identifier is not None and not identifier.group(1).strip():
        identifier = None  # "SPDX-License-Identifier:" with nothing after it names no licence
    if match is None and identifier is not None:
        expression, klass = expression_class(identifier.group(1))
        spdx_id = canonical_id(expression)
        return LicenseAnalysis(spdx_id or expression, license_name(spdx_id) if spdx_id else expression,
                               klass, None, ())
    if match is None:
        restrictions = find_restrictions(text)
        titled = identify_by_title(text)
        if titled is not None:
            return LicenseAnalysis(titled, license_name(titled), license_class(titled), None, restrictions)
        if restrictions:
            return LicenseAnalysis(None, "unrecognised licence with use restrictions", "restricted", None,
                                   restrictions)
        return LicenseAnalysis(None, "unrecognised licence text", "unknown", None, ())
    reference = match.reference
    score = round(match.score, 3)
    modified = f"{reference.name}, modified: {score:.0%} match"
    if reference.license_class in OPEN_CLASSES:
        added = added_lines(text, reference) if score < 1 else set()
        restrictions = find_restrictions(text, only_lines=added) if added else ()
        if restrictions:
            return LicenseAnalysis(reference.id, modified, "restricted", score, restrictions)
        if match.exact:
            return LicenseAnalysis(reference.id, reference.name, reference.license_class, score, ())
        return LicenseAnalysis(reference.id, modified, "unknown", score, ())
    restrictions = find_restrictions(text)
    klass = "restricted" if restrictions else reference.license_class
    return LicenseAnalysis(reference.id, reference.name if match.exact else modified, klass, score, restrictions)
