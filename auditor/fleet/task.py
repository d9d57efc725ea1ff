"""One audit of a fleet, as a task a worker runs: open the release, resolve its revision, skip it
when the database holds it already, else audit it and return what the database keeps.

The task runs in a worker process (the local pool's or a Dask worker's), so its argument and its
result are plain frozen dataclasses, and every failure comes back as the record's `error`, one
line: a release that breaks its audit never breaks the fleet.
"""

from __future__ import annotations

import dataclasses
import functools
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditor import __version__
from auditor.errors import AuditorError
from auditor.escape import printable

if TYPE_CHECKING:
    from auditor.evaluation.checklist import Checklist
    from auditor.report import Report


@dataclass(frozen=True)
class AuditTask:
    location: str
    rev: str | None
    checklist: str
    current_revision: str | None = None
    """The revision of the target's newest audit in the database (this tool, this checklist): skipped."""
    use_cache: bool = True
    """Per-file results cached in the worker's cache folder (OSAID_AUDIT_CACHE where the worker runs)."""
    hub_endpoint: str | None = None
    """The fleet's HF_ENDPOINT, so that a Dask worker elsewhere reads the same Hub (its token is its own)."""


@dataclass(frozen=True)
class LicenceRow:
    label: str
    license_class: str
    path: str | None
    restriction_kinds: tuple[str, ...]


@dataclass(frozen=True)
class AuditRecord:
    """What the database keeps of one audit (or of a failed one: `error` set, the rest empty)."""

    location: str
    rev: str | None
    revision: str | None
    tool_version: str
    checklist_id: str
    checklist_version: str | None
    verdict: str | None = None
    mof_class: str | None = None
    statuses: tuple[tuple[str, str], ...] = ()
    licences: tuple[LicenceRow, ...] = ()
    report_json: str | None = None
    error: str | None = None
    skipped: bool = False
    seconds: float = 0.0


def audit_one(task: AuditTask) -> AuditRecord:
    """Audit `task`'s release in this process; never raises for a release's fault."""
    started = time.monotonic()
    try:
        record = _audited(task)
    except AuditorError as error:
        record = error_record(task, printable(str(error)))
    except Exception as error:  # noqa: BLE001 - a release that breaks the auditor is a row, not a dead fleet
        record = error_record(task, f"internal error: {type(error).__name__}: {printable(str(error))}")
    return dataclasses.replace(record, seconds=round(time.monotonic() - started, 3))


def error_record(task: AuditTask, error: str) -> AuditRecord:
    return AuditRecord(task.location, task.rev, None, __version__, task.checklist, None, error=error)


def record_from_report(location: str, rev: str | None, revision: str, report: Report) -> AuditRecord:
    """The record of a finished audit (also what `audit TARGET --db DB` keeps)."""
    from auditor.formats.json import dump_json, report_dict

    document = report_dict(report)
    return AuditRecord(
        location, rev, revision, report.tool_version, report.checklist.id, report.checklist.version,
        verdict=report.verdict, mof_class=report.mof_class,
        statuses=tuple((r.id, r.status) for r in report.requirements),
        licences=tuple(_licence_row(d) for d in document["licenses"]),
        report_json=dump_json(document))


def _audited(task: AuditTask) -> AuditRecord:
    from auditor.audit import run_audit
    from auditor.detectors.interface import DetectorSettings
    from auditor.fleet.revision import release_revision
    from auditor.sources import open_source

    source = open_source(task.location, task.rev, hub_endpoint=task.hub_endpoint)
    inventory = source.inventory()
    revision = release_revision(inventory)
    cache = _cache_folder() if task.use_cache else None
    checklist = _checklist(task.checklist, cache)
    if revision == task.current_revision:
        return AuditRecord(task.location, task.rev, revision, __version__, checklist.id, checklist.version,
                           skipped=True)
    # An adopter's census: a release's own waivers do not excuse it.
    report = run_audit(source, checklist, inventory=inventory, release_waivers=False,
                       settings=DetectorSettings(cache, 1))
    return record_from_report(task.location, task.rev, revision, report)


@functools.lru_cache(maxsize=8)
def _checklist(name: str, cache_folder: Path | None) -> Checklist:
    from auditor.evaluation.checklist import load_checklist

    return load_checklist(name, cache_folder)


def _cache_folder() -> Path:
    from auditor.result_cache import default_cache_folder

    return default_cache_folder()


def _licence_row(declaration: dict[str, Any]) -> LicenceRow:
    kinds = tuple(dict.fromkeys(r["kind"] for r in declaration["restrictions"]))
    return LicenceRow(declaration["id"] or declaration["name"], declaration["class"], declaration["path"], kinds)
