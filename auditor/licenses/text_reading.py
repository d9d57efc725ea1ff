"""Reading a licence text: identification against the reference texts, notices, and clause
analysis where the text is not exactly a known open licence (see `analysis` for how a file is read)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from auditor.licenses.analysis import OPEN_CLASSES, SPDX_IDENTIFIER, UNRECOGNISED, LicenseAnalysis, LicensePart
from auditor.licenses.catalog import (
    canonical_id,
    expression_class,
    identify_by_title,
    license_class,
    license_name,
)
from auditor.licenses.clause_model import ClauseModel
from auditor.licenses.clauses import find_restrictions
from auditor.licenses.grants import grant_reasons, unread_reasons
from auditor.licenses.interface import LicenseClass, Restriction, worst_class
from auditor.licenses.matcher import Identification, Segment, identify
from auditor.licenses.notices import NoticeMatch, find_notices, is_attribution_text


def read_license_text(text: str, name: str, model: ClauseModel | None) -> LicenseAnalysis:
    """What `analyse_license_text` computes when the cache does not hold it."""
    identification = identify(text)
    if identification.segments:
        analysis = _from_segments(text, identification, model)
    elif is_attribution_text(text, name):
        return LicenseAnalysis(None, "attribution notice (no licence)", "notice", None, ())
    else:
        analysis = _unmatched(text, identification.closest, model)
    if analysis.license_class == "osi-approved" or analysis.match == 1.0:
        return analysis  # a known licence's own words were never in question
    unread = unread_reasons(text)
    return dataclasses.replace(analysis, reasons=analysis.reasons + unread) if unread else analysis


def _from_segments(text: str, identification: Identification, model: ClauseModel | None) -> LicenseAnalysis:
    segments = identification.segments
    if all(s.reference.license_class in OPEN_CLASSES for s in segments):
        unexplained = set(identification.unexplained_lines)
        restrictions = find_restrictions(text, only_lines=unexplained, model=model) if unexplained else ()
    else:
        restrictions = find_restrictions(text, model=model)
    # A restriction between parts was added to the licence it follows (or, before the first part,
    # to the first): "Apache-2.0 plus a field-of-use clause" is a modified Apache-2.0.
    owners = [max((i for i, s in enumerate(segments) if s.line_start <= r.line_start), default=0)
              for r in restrictions]
    parts = [_part(s, [r for r, owner in zip(restrictions, owners, strict=True) if owner == i])
             for i, s in enumerate(segments)]
    found = {s.reference.id for s in segments}
    # A notice of a licence the file already holds (Apache's "how to apply" boilerplate) adds nothing.
    parts += [p for p in _leftover_notices(text, identification.unexplained_lines) if p.id not in found]
    parts.sort(key=lambda p: (p.line_start, p.line_end))
    ids = _conjunction(p.id for p in parts)
    named = [p for p in parts if p.id]
    klass = "restricted" if restrictions else worst_class([p.license_class for p in parts])
    scores = [p.score for p in parts if p.score is not None]
    return LicenseAnalysis(ids, " AND ".join(dict.fromkeys(p.name for p in named)) or UNRECOGNISED,
                           klass, min(scores) if scores else None, restrictions, tuple(parts))


def _conjunction(ids: Iterable[str | None]) -> str | None:
    """Distinct ids in order, joined by AND (an OR of a notice kept whole in parentheses)."""
    distinct = list(dict.fromkeys(i for i in ids if i))
    if len(distinct) == 1:
        return distinct[0]
    return " AND ".join(f"({i})" if " OR " in i else i for i in distinct) or None


def _part(segment: Segment, restrictions: list[Restriction]) -> LicensePart:
    reference = segment.reference
    modified = f"{reference.name}, modified: {segment.score:.0%} match"
    is_open = reference.license_class in OPEN_CLASSES
    # Restrictions in an open licence's part were added to it; a restricted licence has its own.
    name = reference.name if segment.exact and not (restrictions and is_open) else modified
    if restrictions:
        klass: LicenseClass = "restricted"
    elif segment.exact or not is_open:
        klass = reference.license_class
    else:
        klass = "unknown"  # an open licence with changes is no longer that licence
    return LicensePart(reference.id, name, klass, segment.score, segment.line_start, segment.line_end)


def _leftover_notices(text: str, unexplained: frozenset[int]) -> list[LicensePart]:
    """Standard notices outside every part: the licence of some other code the file speaks for.
    Only the unexplained lines are searched, in place, so the lines cited stay the file's own."""
    if not unexplained:
        return []
    leftover = "\n".join(line if number in unexplained else ""
                         for number, line in enumerate(text.split("\n"), start=1))
    return [_notice_part(n) for n in find_notices(leftover) if n.kind != "pointer" and n.expression]


def _notice_part(notice: NoticeMatch) -> LicensePart:
    expression, klass = expression_class(notice.expression)
    spdx_id = canonical_id(expression)
    return LicensePart(expression, license_name(spdx_id) if spdx_id else expression, klass, None,
                       notice.line_start, notice.line_end)


def _unmatched(text: str, closest: Segment | None, model: ClauseModel | None) -> LicenseAnalysis:
    identifier = SPDX_IDENTIFIER.search(text[:4096])
    if identifier is not None:
        expression, klass = expression_class(identifier.group(1))
        spdx_id = canonical_id(expression)
        return LicenseAnalysis(spdx_id or expression, license_name(spdx_id) if spdx_id else expression, klass, None, ())
    notices = find_notices(text)
    pointer = next((n for n in notices if n.kind == "pointer" and n.files), None)
    if pointer is not None:
        return LicenseAnalysis(None, f"points to {' and '.join(pointer.files)}", "unknown", None, (),
                               pointer_files=pointer.files, pointer_operator=pointer.operator)
    restrictions = find_restrictions(text, model=model)
    licensed = [_notice_part(n) for n in notices if n.kind != "pointer" and n.expression]
    if licensed:
        klass = "restricted" if restrictions else worst_class([p.license_class for p in licensed])
        names = " AND ".join(dict.fromkeys(p.name for p in licensed))
        return LicenseAnalysis(_conjunction(p.id for p in licensed), names, klass,
                               None, restrictions, tuple(licensed))
    titled = identify_by_title(text)
    if titled is not None:
        return LicenseAnalysis(titled, license_name(titled), license_class(titled), None, restrictions)
    near = f", closest: {closest.reference.name} ({closest.containment:.0%})" if closest is not None else ""
    if restrictions:
        return LicenseAnalysis(None, f"{UNRECOGNISED} with use restrictions{near}", "restricted", None, restrictions)
    return LicenseAnalysis(None, f"{UNRECOGNISED}{near}", "unknown", None, (), reasons=grant_reasons(text))
