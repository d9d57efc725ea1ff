"""How a fleet's audits run: an engine takes tasks and yields their records as they finish.

An engine never raises for one task: a worker that dies or a task past its time limit comes back as
an error record for that target, and the other tasks go on. `LocalPool` (worker processes on this
machine) is the default; `DaskEngine` runs each audit as a task on a Dask distributed cluster.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator

from auditor.fleet.task import AuditRecord, AuditTask

DEFAULT_TIMEOUT = 600.0
"""Seconds one audit may take: a Hub audit ends within 300 s by its own deadlines."""
IN_FLIGHT_PER_WORKER = 4
"""Tasks handed out ahead per worker: enough to keep workers busy, few enough that a census of a
million targets holds a few dozen futures, not a million."""


class Engine(ABC):
    @abstractmethod
    def run(self, tasks: Iterable[AuditTask]) -> Iterator[AuditRecord]:
        """Each task's record, in the order they finish."""

    @abstractmethod
    def close(self) -> None:
        """Stop the workers (those of a cluster the engine did not start are left running)."""

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
