"""The table that ends a run over several targets: one row per target, its verdict, MOF class, counts
and gate (or the error that stopped its audit), so that a screen shows how a set of releases stands."""

from __future__ import annotations

from dataclasses import dataclass

from auditor.escape import printable
from auditor.formats.markdown_escape import markdown_text
from auditor.formats.text_layout import wrap
from auditor.report import STATUSES, Report


@dataclass(frozen=True)
class TargetOutcome:
    """One target of a run: its report and failing requirements, or the error that stopped it."""

    target: str
    report: Report | None
    failing: tuple[str, ...] = ()
    fail_on: str | None = None
    error: str | None = None

    @property
    def gate(self) -> str:
        if self.error is not None:
            return "error: " + printable(self.error)
        return f"failed ({len(self.failing)})" if self.failing else "passed"


_COUNTS = "/".join(s[0].upper() for s in STATUSES)
"""S/R/P/M/B: requirements satisfied, referenced, partial, missing, blocked."""


def _cells(outcome: TargetOutcome) -> tuple[str, str, str, str, str]:
    r = outcome.report
    if r is None:
        return (printable(outcome.target), "", "", "", outcome.gate)
    return (printable(r.target.location), r.verdict, r.mof_class, "/".join(str(r.summary[s]) for s in STATUSES),
            outcome.gate)


def _gate_levels(outcomes: list[TargetOutcome]) -> str:
    """The --fail-on levels the gates used (a release's own settings may choose its own)."""
    return " / ".join(sorted({o.fail_on for o in outcomes if o.fail_on})) or "none applied"


def summary_table_text(outcomes: list[TargetOutcome]) -> str:
    """Columns padded to their widest cell; a long target widens its column, it is never cut."""
    header = ("Target", "Verdict", "MOF", _COUNTS, "Gate")
    rows = [header, *(_cells(o) for o in outcomes)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = wrap(f"Summary of {len(outcomes)} targets (gate: --fail-on {_gate_levels(outcomes)}; {_COUNTS}: "
                 f"requirements {', '.join(STATUSES)})", 80)
    lines += ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    return "\n".join(lines) + "\n"


def summary_table_markdown(outcomes: list[TargetOutcome]) -> str:
    header = ("Target", "Verdict", "MOF class", f"{_COUNTS} requirements", "Gate")
    lines = [f"## Summary of {len(outcomes)} targets (gate: --fail-on {_gate_levels(outcomes)}; {_COUNTS}: "
             f"{', '.join(STATUSES)})", "",
             "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(markdown_text(cell) for cell in _cells(o)) + " |" for o in outcomes]
    return "\n".join(lines) + "\n"
