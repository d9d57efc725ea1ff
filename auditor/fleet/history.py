"""`audit history DB TARGET`: each audit of one target, oldest first, with what changed from the one
before (the comparison `audit diff` makes of two reports)."""

from __future__ import annotations

import json
from typing import Any

from auditor.errors import AuditorError, BadReportError
from auditor.escape import printable
from auditor.fleet.store import CensusStore, StoredAudit
from auditor.formats.json import dump_json
from auditor.report_diff import diff_reports, render_diff


class UnknownTargetError(AuditorError):
    """The database holds no audit of the target asked for."""


def target_history(store: CensusStore, target: str) -> list[tuple[StoredAudit, str | None]]:
    """Each audit of `target` with what changed since the previous successful one (None: the first,
    or a failed audit)."""
    audits = store.history(target)
    if not audits:
        known = store.targets()
        near = [t for t in known if target in t][:3]
        hint = f"; did you mean {', '.join(printable(t) for t in near)}?" if near else \
            f" (it holds {len(known)} target{'s' if len(known) != 1 else ''}: 'audit fleet report DB' lists them)"
        raise UnknownTargetError(f"no audit of {printable(target)} in the database{hint}")
    out: list[tuple[StoredAudit, str | None]] = []
    previous: dict[str, Any] | None = None
    for audit in audits:
        report = _report(store, audit)
        change = None
        if report is not None and previous is not None:
            try:
                change = render_diff(diff_reports(previous, report))
            except BadReportError as error:  # another checklist or schema: not comparable
                change = f"not compared: {printable(str(error))}\n"
            except (KeyError, TypeError):  # a row another program wrote
                change = "not compared: a stored report is not of this tool's shape\n"
        if report is not None:
            previous = report
        out.append((audit, change))
    return out


def history_text(history: list[tuple[StoredAudit, str | None]]) -> str:
    lines: list[str] = []
    for audit, change in history:
        revision = (audit.revision or "-")[:19]
        head = f"{audit.ran_at}  {revision}  osaid-audit {audit.tool_version}  {audit.checklist_id}"
        if audit.error is not None:
            lines += [head, f"  error: {printable(audit.error)}"]
        else:
            lines += [head, f"  {audit.verdict}, MOF class {audit.mof_class}"]
            lines += [f"  {requirement}: {status}" for requirement, status in audit.statuses]
        if change is not None:
            lines += ["  changes since the audit before:"] + ["    " + line for line in change.splitlines()]
        lines.append("")
    return "\n".join(printable(line) for line in lines)


def history_json(history: list[tuple[StoredAudit, str | None]]) -> str:
    return dump_json({"audits": [{
        "id": a.id, "target": printable(a.target), "revision": a.revision, "tool_version": a.tool_version,
        "checklist": a.checklist_id, "ran_at": a.ran_at, "verdict": a.verdict, "mof_class": a.mof_class,
        "error": a.error, "statuses": [{"requirement": r, "status": s} for r, s in a.statuses],
        "changes": change,
    } for a, change in history]})


def _report(store: CensusStore, audit: StoredAudit) -> dict[str, Any] | None:
    raw = store.report_json(audit.id)
    if raw is None:
        return None
    try:
        report = json.loads(raw)
    except json.JSONDecodeError:
        return None
    return report if isinstance(report, dict) and "requirements" in report else None
