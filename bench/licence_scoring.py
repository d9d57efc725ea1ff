"""How a tool's reading of one licence file is scored against its package's declared licence.

The rule (also in bench/README.md, "Licence identification on real licence files"): a file is
*identified as declared* when the tool names at least one licence and, for one of the declared
alternatives,
- every id it names is one the declaration names (a file may hold one licence of a dual-licensed
  package, such as LICENSE.APACHE of `Apache-2.0 OR BSD-3-Clause`, or all of them), or
- it names an AND of licences whose first is one the declaration names (the project's own
  licence followed by the licences of bundled code, which package metadata often leaves out).
Ids are compared after normalisation (SPDX spelling, case, deprecated `GPL-2.0` and `X+` forms),
and the Python licence family is one id: the full Python licence with its history (Python-2.0,
Python-2.0.1) holds the PSF License Agreement (PSF-2.0), and packages declare either for the same
text. AND/OR and their order do not matter. *Exact* is the stricter count: the detected expression is
one of the declared ones. A NOTICE/AUTHORS file is attribution, not a licence: it is also correct
when the tool claims no licence for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from spdx_expressions import parse

AUDIT_NOT_OPEN_CLASSES = frozenset({"unknown", "restricted"})
AUDIT_LICENCE_CLASSES = frozenset({"osi-approved", "open-data", "open-content", "restricted", "unknown"})
SAME_LICENCE = {"Python-2.0": "PSF-2.0", "Python-2.0.1": "PSF-2.0"}
SCANCODE_OPEN_CATEGORIES = frozenset({"Permissive", "Copyleft", "Copyleft Limited", "Public Domain"})
SCANCODE_RESTRICTIVE_CATEGORIES = frozenset({"Proprietary Free", "Commercial", "Free Restricted", "Source-available"})


@dataclass(frozen=True)
class Reading:
    """What one tool shows its user for one file."""

    expression: str | None  # the licence expression it identifies; None when it names none
    claims_licence: bool  # it presents the file as a licence (known or not)
    not_open: bool  # it shows a licence that is not open: unknown, unrecognised or restricted
    restrictive: bool  # it reports a restriction (a clause, or a licence of a restrictive kind)
    detail: str  # what it said, for the list of misses


@dataclass(frozen=True)
class Score:
    identified: bool
    exact: bool
    not_open: bool
    restrictive: bool


def _ids(expression: str) -> tuple[tuple[str, ...], str | None] | None:
    try:
        parsed = parse(expression)
    except ValueError:
        return None
    return parsed.ids(), parsed.operator


def identified_as_declared(detected: str | None, declared: tuple[str, ...]) -> bool:
    found = _ids(detected) if detected else None
    if not found:
        return False
    ids, operator = found
    ids = tuple(SAME_LICENCE.get(i, i) for i in ids)
    for alternative in declared:
        wanted = {SAME_LICENCE.get(i, i) for i in parse(alternative).ids()}
        if set(ids) <= wanted or (operator == "AND" and ids[0] in wanted):
            return True
    return False


def exact_match(detected: str | None, declared: tuple[str, ...]) -> bool:
    if not detected or _ids(detected) is None:
        return False
    return any(parse(detected) == parse(alternative) for alternative in declared)


def score(reading: Reading, declared: tuple[str, ...], role: str) -> Score:
    identified = identified_as_declared(reading.expression, declared)
    if role == "notice":
        identified = identified or not reading.claims_licence
        not_open = reading.claims_licence and reading.not_open
    else:
        not_open = reading.not_open or reading.expression is None
    return Score(identified, exact_match(reading.expression, declared), not_open, reading.restrictive)


def audit_reading(entry: dict) -> Reading:
    """One file of `audit license --format json`: an `unknown` near-match ("X, modified") names no licence."""
    klass = entry.get("class")
    license_id = entry.get("id") if klass != "unknown" else None
    restrictions = entry.get("restrictions") or []
    match = entry.get("match")
    detail = f"{entry.get('id') or '-'} [{klass}{f', {match:.1%}' if isinstance(match, float) else ''}]"
    if restrictions:
        detail += " restrictions: " + ",".join(sorted({r.get("kind", "?") for r in restrictions}))
    return Reading(license_id or None, klass in AUDIT_LICENCE_CLASSES, klass in AUDIT_NOT_OPEN_CLASSES,
                   bool(restrictions), detail)


def scancode_reading(entry: dict, categories: dict[str, str]) -> Reading:
    """One file of ScanCode's JSON; categories maps each normalised SPDX key to ScanCode's category.

    ScanCode has no clause analysis: a licence of a restrictive category is what it reports as a
    restriction, and one of neither an open nor a restrictive category (an unknown reference, an
    unstated licence) is shown as not open.
    """
    expression = entry.get("detected_license_expression_spdx") or None
    found = _ids(expression) if expression else None
    kinds = [categories.get(i.split(" WITH ")[0], "") for i in found[0]] if found else []
    not_open = expression is None or any(k not in SCANCODE_OPEN_CATEGORIES for k in kinds)
    return Reading(expression, expression is not None, not_open,
                   any(k in SCANCODE_RESTRICTIVE_CATEGORIES for k in kinds), expression or "-")
