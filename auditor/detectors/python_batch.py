"""A release's Python files classified as one batch: from the cache where their content was seen
before, the rest in worker processes when there are enough to pay for starting them.

Results are identical however they were computed: each file's roles depend on its content and name
alone, the batch keeps the release's file order, and the detector sorts its evidence.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor

from auditor.detectors import python_code
from auditor.detectors.interface import DetectorSettings
from auditor.detectors.python_code import RoleMatch, classify_source
from auditor.result_cache import ResultCache
from auditor.sources.interface import Artifact

PARALLEL_MIN_FILES = 64
"""Fewer files than this are analysed in this process: starting workers costs more than it saves."""
CHUNK_FILES = 16
"""Files sent to a worker at a time: few round trips, and the cores stay evenly loaded."""

Roles = tuple[RoleMatch, ...] | None


class PythonBatch:
    """A release's Python files, classified as one batch. Made before the other detectors run, so
    that worker processes analyse while they do; `finish` waits for the roles and records them."""

    def __init__(self, artifacts: list[Artifact], settings: DetectorSettings) -> None:
        self._cache = _cache(settings)
        self._pending: list[tuple[Artifact, str]] = []  # (artifact, cache key)
        tasks: list[tuple[str, str, str]] = []
        for artifact in artifacts:
            if python_code.is_classified(artifact):
                continue
            text = artifact.text
            if text is None:
                python_code.remember(artifact, None)
                continue
            stem = python_code.name_stem(artifact)
            key = self._cache.key(text, artifact.suffix, stem)
            found, roles = self._cache.get(key)
            if found:
                python_code.remember(artifact, roles)
            else:
                self._pending.append((artifact, key))
                tasks.append((artifact.suffix, stem, text))
        self._results, self._pool = _start(tasks, settings.jobs)

    def finish(self) -> None:
        """Wait for every file's roles, record them for `python_code.classify`, and cache them."""
        try:
            computed = list(self._results)
        finally:
            self.close()
        for (artifact, _), roles in zip(self._pending, computed, strict=True):
            python_code.remember(artifact, roles)
        self._cache.put_many([(key, roles) for (_, key), roles in zip(self._pending, computed, strict=True)])
        self._pending = []

    def close(self) -> None:
        """Stop the workers (an audit that failed elsewhere must not wait for them)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _start(tasks: list[tuple[str, str, str]], jobs: int) -> tuple[Iterator[Roles], ProcessPoolExecutor | None]:
    """The roles of `tasks` as they come: from worker processes already at work, or, for a few
    files or one job, computed in this process when asked for."""
    if jobs <= 1 or len(tasks) < PARALLEL_MIN_FILES:
        return (classify_source(*task) for task in tasks), None
    # fork: the workers start with the rules already compiled. Not while another thread runs (the
    # progress display's): a lock it holds would stay held forever in the child.
    single_threaded = threading.active_count() == 1
    method = "fork" if single_threaded and "fork" in multiprocessing.get_all_start_methods() else "spawn"
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(method))
    suffixes, stems, texts = zip(*tasks, strict=True)
    return pool.map(classify_source, suffixes, stems, texts, chunksize=CHUNK_FILES), pool


def _cache(settings: DetectorSettings) -> ResultCache[Roles]:
    return ResultCache(settings.cache_folder, "python-roles", Roles)
