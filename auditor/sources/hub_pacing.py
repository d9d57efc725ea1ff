"""A Hub request budget shared by every worker of a fleet audit, and a pause they all keep on a 429.

A single audit needs none (`pace` does nothing until a pacer is installed). A fleet installs one in
each worker: `SharedPacer` lives in shared memory for the local pool's processes (and serves the
threads of one Dask worker, whose pause `fleet.dask_engine` shares through the cluster). Every Hub
request of the worker first waits for its turn; a 429 answer makes every worker wait out the pause
the Hub asked for (its Retry-After, or the back-off), not only the one that was told.
"""

from __future__ import annotations

import multiprocessing
import time
from typing import Protocol

MAX_PAUSE_SECONDS = 300.0
"""The longest pause a Retry-After may impose: a hostile server cannot park the fleet for a day."""


class RequestPacer(Protocol):
    def wait_turn(self) -> None:
        """Block until this worker may send its next Hub request."""

    def pause(self, seconds: float) -> None:
        """Every worker waits `seconds` before its next request (the Hub answered 429)."""


_INSTALLED: RequestPacer | None = None


def install_pacer(pacer: RequestPacer | None) -> None:
    global _INSTALLED
    _INSTALLED = pacer


def pace() -> None:
    if _INSTALLED is not None:
        _INSTALLED.wait_turn()


def rate_limited(seconds: float) -> None:
    if _INSTALLED is not None:
        _INSTALLED.pause(min(max(seconds, 0.0), MAX_PAUSE_SECONDS))


class SharedPacer:
    """At most `rate` requests per second across the processes that share it (0: no limit), and
    one pause for all. The state is two shared doubles on `time.monotonic()`, which every process of
    a machine reads alike."""

    def __init__(self, rate: float, context: multiprocessing.context.BaseContext | None = None) -> None:
        context = context or multiprocessing.get_context()
        self._interval = 1.0 / rate if rate > 0 else 0.0
        self._next = context.Value("d", 0.0)
        self._paused_until = context.Value("d", 0.0)

    def wait_turn(self) -> None:
        with self._next.get_lock():
            now = time.monotonic()
            turn = max(now, self._next.value, self._paused_until.value)
            self._next.value = turn + self._interval
        if turn > now:
            time.sleep(turn - now)

    def pause(self, seconds: float) -> None:
        with self._next.get_lock():
            self._paused_until.value = max(self._paused_until.value, time.monotonic() + seconds)
