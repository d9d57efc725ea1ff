"""The licences that block requirements, each once, with the requirements it blocks and its clauses
grouped by kind: what the human formats show instead of repeating a licence under every requirement."""

from __future__ import annotations

from dataclasses import dataclass

from auditor.licenses.interface import LicenseDeclaration, Restriction
from auditor.report import Report

TERMS_CODES = frozenset({"OSAID-R002", "OSAID-R007"})
"""Reasons that say a requirement is blocked by the terms it is under."""


@dataclass(frozen=True)
class ClauseKind:
    """Every clause of one kind in one licence (an acceptable-use policy has dozens of field-of-use ones)."""

    kind: str
    code: str
    freedom: str
    osd: int
    clauses: tuple[Restriction, ...]

    @property
    def lines(self) -> list[int]:
        return [c.line_start for c in self.clauses]


@dataclass(frozen=True)
class Blocker:
    """A restricting licence, the requirements it blocks, and its clauses by kind, in the order of the text."""

    declaration: LicenseDeclaration
    requirements: tuple[str, ...]
    kinds: tuple[ClauseKind, ...]


def licence_blockers(report: Report) -> list[Blocker]:
    """Each restricting licence that blocks at least one requirement, in the order of `report.licenses`."""
    blocked: dict[tuple[str, int | None, str], list[str]] = {}
    for r in report.requirements:
        if r.status != "blocked" or r.license is None or not any(x.code in TERMS_CODES for x in r.reasons):
            continue
        for d in r.license.declarations:
            if d.license_class == "restricted":
                blocked.setdefault(_key(d), []).append(r.id)
    blockers = []
    for d in report.licenses:
        requirements = blocked.pop(_key(d), None)  # popped: a declaration listed twice is one blocker
        if requirements:
            blockers.append(Blocker(d, tuple(requirements), clause_kinds(d)))
    return blockers


def clause_kinds(d: LicenseDeclaration) -> tuple[ClauseKind, ...]:
    by_kind: dict[str, list[Restriction]] = {}
    for c in d.restrictions:
        by_kind.setdefault(c.kind, []).append(c)
    return tuple(ClauseKind(kind, clauses[0].code, clauses[0].freedom, clauses[0].osd, tuple(clauses))
                 for kind, clauses in by_kind.items())


def _key(d: LicenseDeclaration) -> tuple[str, int | None, str]:
    return (d.path, d.line, d.id or d.name)
