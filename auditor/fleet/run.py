"""`audit fleet`: audit every target on an engine and keep each record as it arrives.

Resuming is the default: a target whose newest audit is a success at the same revision with the
same tool version and checklist is skipped. A target pinned to a full commit sha, or listed by the
Hub with its commit, is skipped before any request; any other is opened by its worker (one listing
request for a Hub repo), which skips it once it knows the revision. A target that went back to an
earlier revision is audited again: its history is a new row. Records are written by this process
only, each in its own transaction, so Ctrl-C loses only the audits still running.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from auditor.fleet.engine import Engine
from auditor.fleet.store import CensusStore
from auditor.fleet.targets import FleetTarget
from auditor.fleet.task import AuditTask

_FULL_SHA = re.compile(r"^[0-9a-f]{40}$")


@dataclass
class FleetTally:
    audited: int = 0
    skipped: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    interrupted: bool = False

    def line(self) -> str:
        done = self.audited + len(self.errors)
        rate = f" ({done / self.seconds:.1f} targets/s)" if self.seconds > 0 and done else ""
        return (f"audit fleet: {self.audited} audited, {self.skipped} already in the database, "
                f"{len(self.errors)} failed, in {self.seconds:.1f} s{rate}")


def run_fleet(targets: list[FleetTarget], store: CensusStore, engine: Engine, *, checklist_id: str,
              checklist: str, tool_version: str, refresh: bool = False, use_cache: bool = True,
              hub_endpoint: str | None = None, tell: Callable[[str], None] | None = None) -> FleetTally:
    tally = FleetTally()
    started = time.monotonic()
    current = {} if refresh else store.current_revisions(tool_version, checklist_id)
    by_key = {(t.location, t.rev): t for t in targets}

    def tasks() -> Iterator[AuditTask]:
        for target in targets:
            revision = current.get(str(target))
            if revision is not None and revision in (_pinned_sha(target), target.listed_revision):
                tally.skipped += 1
                continue
            yield AuditTask(target.location, target.rev, checklist, revision, use_cache,
                            hub_endpoint)

    try:
        for record in engine.run(tasks()):
            target = by_key[(record.location, record.rev)]
            if record.skipped:
                tally.skipped += 1
                continue
            store.record(str(target), record)
            if record.error is not None:
                tally.errors.append((str(target), record.error))
            else:
                tally.audited += 1
            if tell is not None:
                tell(f"{target}: {record.error or record.verdict}")
    except KeyboardInterrupt:  # every finished audit is committed; the engine stops the rest
        tally.interrupted = True
    finally:
        tally.seconds = time.monotonic() - started
    return tally


def _pinned_sha(target: FleetTarget) -> str | None:
    """The full commit sha a target names (hf://x/y@SHA, or --rev SHA), known without a request."""
    revision = target.rev or (target.location.rpartition("@")[2] if target.location.startswith("hf://") else None)
    return revision if revision and _FULL_SHA.match(revision) else None


def stderr_line(text: str) -> None:
    print(text, file=sys.stderr, flush=True)
