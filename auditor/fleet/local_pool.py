"""The default engine: worker processes on this machine (pebble's process pool).

pebble kills a worker whose task passes its time limit and replaces a worker that dies, failing
only that worker's task; the standard library's pool fails every task in flight instead. Each
worker is replaced after MAX_TASKS audits, so a long census keeps its memory flat. The workers
share one Hub request budget (`SharedPacer`).
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
from collections.abc import Callable, Iterable, Iterator

from pebble import ProcessExpired, ProcessPool

from auditor.fleet.engine import DEFAULT_TIMEOUT, IN_FLIGHT_PER_WORKER, Engine
from auditor.fleet.task import AuditRecord, AuditTask, audit_one, error_record
from auditor.sources.hub_pacing import SharedPacer, install_pacer

MAX_TASKS = 200


class LocalPool(Engine):
    def __init__(self, workers: int, hub_rate: float, timeout: float = DEFAULT_TIMEOUT,
                 audit: Callable[[AuditTask], AuditRecord] = audit_one) -> None:
        """`audit` is the task each worker runs (a module-level function: workers import it)."""
        self._audit = audit
        self._workers = workers
        self._timeout = timeout
        # fork is not asked for: "spawn" and "forkserver" share the pacer as well, and fork from a
        # process with threads (the Hub client's) is what Python 3.14 stops doing by default.
        context = multiprocessing.get_context("spawn")
        self._pool = ProcessPool(max_workers=workers, max_tasks=MAX_TASKS, initializer=install_pacer,
                                 initargs=(SharedPacer(hub_rate, context),), context=context)

    def run(self, tasks: Iterable[AuditTask]) -> Iterator[AuditRecord]:
        pending: dict[concurrent.futures.Future, AuditTask] = {}
        queue = iter(tasks)
        limit = self._workers * IN_FLIGHT_PER_WORKER
        while True:
            for task in queue:
                pending[self._pool.schedule(self._audit, args=(task,), timeout=self._timeout)] = task
                if len(pending) >= limit:
                    break
            if not pending:
                return
            done, _ = concurrent.futures.wait(pending, return_when=concurrent.futures.FIRST_COMPLETED)
            for future in done:
                yield self._record(future, pending.pop(future))

    def _record(self, future: concurrent.futures.Future, task: AuditTask) -> AuditRecord:
        try:
            return future.result()
        except TimeoutError:
            return error_record(task, f"timed out after {self._timeout:g} s (its worker was stopped)")
        except ProcessExpired as error:
            return error_record(task, f"its worker process died (exit code {error.exitcode})")
        except Exception as error:  # noqa: BLE001 - a result that cannot come back is that target's error
            return error_record(task, f"the worker's result was lost: {type(error).__name__}: {error}")

    def close(self) -> None:
        self._pool.stop()
        self._pool.join()
