"""The census of a fleet database: counts by verdict and MOF class, the commonest blockers, and one
row per target (its newest audit)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from auditor.fleet.store import CensusStore, StoredAudit

ERROR_VERDICT = "error"
TOP_BLOCKERS = 15


@dataclass(frozen=True)
class CensusRow:
    audit_id: int
    target: str
    revision: str | None
    verdict: str
    mof_class: str | None
    failing: tuple[tuple[str, str], ...]
    """(requirement, status) for each requirement blocked, missing or partial."""
    restricted_licences: tuple[str, ...]
    restriction_kinds: tuple[str, ...]
    error: str | None


@dataclass(frozen=True)
class Census:
    targets: int
    verdicts: tuple[tuple[str, int], ...]
    mof_classes: tuple[tuple[str, int], ...]
    blocking_licences: tuple[tuple[str, int], ...]
    """Restricted licences by the number of targets that carry them."""
    clause_kinds: tuple[tuple[str, int], ...]
    missing: tuple[tuple[str, int], ...]
    """Requirements by the number of targets missing them."""
    blocked: tuple[tuple[str, int], ...]
    rows: tuple[CensusRow, ...]


def census(store: CensusStore) -> Census:
    rows = tuple(_row(audit) for audit in store.latest())
    audited = [r for r in rows if r.error is None]

    def counted(values: list[str]) -> tuple[tuple[str, int], ...]:
        return tuple(sorted(Counter(values).items(), key=lambda item: (-item[1], item[0])))

    return Census(
        targets=len(rows),
        verdicts=counted([r.verdict for r in rows]),
        mof_classes=counted([r.mof_class or "none" for r in audited]),
        blocking_licences=counted([label for r in audited for label in r.restricted_licences])[:TOP_BLOCKERS],
        clause_kinds=counted([kind for r in audited for kind in r.restriction_kinds])[:TOP_BLOCKERS],
        missing=counted([req for r in audited for req, status in r.failing if status == "missing"])[:TOP_BLOCKERS],
        blocked=counted([req for r in audited for req, status in r.failing if status == "blocked"])[:TOP_BLOCKERS],
        rows=rows,
    )


def _row(audit: StoredAudit) -> CensusRow:
    restricted = [(label, kinds) for label, klass, kinds in audit.licences if klass == "restricted"]
    return CensusRow(
        audit.id, audit.target, audit.revision, audit.verdict or ERROR_VERDICT, audit.mof_class,
        tuple((req, status) for req, status in audit.statuses if status in ("blocked", "missing", "partial")),
        tuple(dict.fromkeys(label for label, _ in restricted)),
        tuple(sorted({kind for _, kinds in restricted for kind in kinds})),
        audit.error)
