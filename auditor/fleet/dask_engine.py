"""Audits as tasks on a Dask distributed cluster (`audit fleet --dask tcp://scheduler:8786`).

Dask, not Ray: an audit is a plain Python function over a small argument, which is what Dask's
futures do with nothing more than `pip install dask[distributed]` on each machine; the scheduler
and workers are two commands, and the client is a library, not a runtime. The workers need
osaid-audit installed (`pip install osaid-audit[fleet]`).

Each audit runs in a worker thread with its time limit kept by the client side of the task (a
thread cannot be killed; the audit's own bounds end it). A worker that dies has its task retried
by the scheduler, and after Dask's allowed failures the task is that target's error. The Hub budget
is split evenly between the workers' processes, and a 429 pauses all of them through the
scheduler's metadata.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator

from auditor.errors import UsageError
from auditor.escape import printable
from auditor.fleet.engine import DEFAULT_TIMEOUT, IN_FLIGHT_PER_WORKER, Engine
from auditor.fleet.task import AuditRecord, AuditTask, audit_one, error_record
from auditor.sources.hub_pacing import SharedPacer, install_pacer

PAUSE_KEY = "osaid-audit-hub-pause-until"
PAUSE_POLL_SECONDS = 1.0
"""How often a worker reads the cluster's pause: a scheduler round trip per second, not per request."""
CONNECT_SECONDS = 10


class DaskEngine(Engine):
    def __init__(self, address: str, hub_rate: float, timeout: float = DEFAULT_TIMEOUT) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise UsageError("--dask needs the fleet extra: pip install 'osaid-audit[fleet]'") from None
        try:
            self._client = Client(address, timeout=CONNECT_SECONDS)
        except (OSError, TimeoutError) as error:
            raise UsageError(f"cannot reach the Dask scheduler at {printable(address)} within {CONNECT_SECONDS} s "
                             f"({error})") from None
        except (ValueError, TypeError) as error:  # the address itself: no port, an unknown scheme, ...
            raise UsageError(f"--dask {printable(address)!r}: not a scheduler address such as tcp://HOST:8786 "
                             f"({printable(str(error))})") from None
        self._client.set_metadata(PAUSE_KEY, 0.0)
        self._timeout = timeout
        self._threads = max(1, sum(self._client.nthreads().values()))
        self._share = hub_rate / max(1, len(self._client.nthreads())) if hub_rate > 0 else 0.0

    def run(self, tasks: Iterable[AuditTask]) -> Iterator[AuditRecord]:
        from distributed import as_completed

        queue = iter(tasks)
        pending: dict[object, AuditTask] = {}
        completed = as_completed()
        for task in queue:
            self._submit(task, pending, completed)
            if len(pending) >= self._threads * IN_FLIGHT_PER_WORKER:
                break
        for future in completed:
            task = pending.pop(future)
            yield self._record(future, task)
            next_task = next(queue, None)
            if next_task is not None:
                self._submit(next_task, pending, completed)

    def _submit(self, task: AuditTask, pending: dict[object, AuditTask], completed) -> None:  # noqa: ANN001
        future = self._client.submit(audit_in_worker, task, self._share, self._timeout, pure=False)
        pending[future] = task
        completed.add(future)

    def _record(self, future, task: AuditTask) -> AuditRecord:  # noqa: ANN001 - a distributed.Future
        from distributed.client import FutureCancelledError
        from distributed.scheduler import KilledWorker

        try:
            return future.result()
        except KilledWorker:
            return error_record(task, "its Dask worker died (every worker that ran it)")
        except FutureCancelledError:
            return error_record(task, "its Dask task was cancelled")
        except Exception as error:  # noqa: BLE001 - a task's failure is that target's error
            return error_record(task, f"its Dask task failed: {type(error).__name__}: {printable(str(error))}")
        finally:
            future.release()

    def close(self) -> None:
        self._client.close()


def audit_in_worker(task: AuditTask, hub_rate: float, timeout: float) -> AuditRecord:
    """The Dask task: the audit in a thread of its own, given up after `timeout` seconds."""
    _install_worker_pacer(hub_rate)
    result: list[AuditRecord] = []
    thread = threading.Thread(target=lambda: result.append(audit_one(task)), daemon=True)
    thread.start()
    thread.join(timeout)
    if not result:
        return error_record(task, f"timed out after {timeout:g} s")
    return result[0]


_PACER_LOCK = threading.Lock()
_WORKER_PACER: _ClusterPacer | None = None


def _install_worker_pacer(hub_rate: float) -> None:
    global _WORKER_PACER
    with _PACER_LOCK:
        if _WORKER_PACER is None:
            _WORKER_PACER = _ClusterPacer(hub_rate)
            install_pacer(_WORKER_PACER)


class _ClusterPacer:
    """This worker's share of the Hub budget, and the cluster-wide pause (wall-clock time: the
    machines' monotonic clocks differ)."""

    def __init__(self, hub_rate: float) -> None:
        self._local = SharedPacer(hub_rate)
        self._pause_until = 0.0
        self._read_at = 0.0

    def wait_turn(self) -> None:
        now = time.time()
        if now - self._read_at >= PAUSE_POLL_SECONDS:
            self._read_at = now
            self._pause_until = max(self._pause_until, _cluster_pause())
        if self._pause_until > now:
            time.sleep(self._pause_until - now)
        self._local.wait_turn()

    def pause(self, seconds: float) -> None:
        self._pause_until = max(self._pause_until, time.time() + seconds)
        self._local.pause(seconds)
        try:
            from distributed import get_client

            get_client().set_metadata(PAUSE_KEY, self._pause_until)
        except (ValueError, OSError, TimeoutError):
            pass  # outside a worker, or the scheduler is gone: this worker's own pause still holds


def _cluster_pause() -> float:
    try:
        from distributed import get_client

        return float(get_client().get_metadata(PAUSE_KEY, 0.0))
    except (ValueError, OSError, TimeoutError, TypeError):
        return 0.0
