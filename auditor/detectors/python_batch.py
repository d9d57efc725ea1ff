"""A release's Python files classified as one batch: from the cache where their content was seen
before, the rest in worker processes when there are enough to pay for starting them.

Results are identical however they were computed: each file's roles depend on its content and name
alone, the batch keeps the release's file order, and the detector sorts its evidence.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
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


def classify_all(artifacts: list[Artifact], settings: DetectorSettings) -> None:
    """Classify every `.py`/`.ipynb` artifact once, so that `python_code.classify` only looks up."""
    cache = _cache(settings)
    pending: list[tuple[Artifact, str, str, str]] = []  # (artifact, key, stem, text)
    for artifact in artifacts:
        if python_code.is_classified(artifact):
            continue
        text = artifact.text
        if text is None:
            python_code.remember(artifact, None)
            continue
        stem = python_code.name_stem(artifact)
        key = cache.key(text, artifact.suffix, stem)
        found, roles = cache.get(key)
        if found:
            python_code.remember(artifact, roles)
        else:
            pending.append((artifact, key, stem, text))
    tasks = [(artifact.suffix, stem, text) for artifact, _, stem, text in pending]
    computed = _classify_many(tasks, settings.jobs)
    for (artifact, _, _, _), roles in zip(pending, computed, strict=True):
        python_code.remember(artifact, roles)
    cache.put_many([(key, roles) for (_, key, _, _), roles in zip(pending, computed, strict=True)])


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _classify_many(tasks: list[tuple[str, str, str]], jobs: int) -> list[Roles]:
    if jobs <= 1 or len(tasks) < PARALLEL_MIN_FILES:
        return [classify_source(*task) for task in tasks]
    # fork: the workers start with the rules already compiled. Not while another thread runs (the
    # progress display's): a lock it holds would stay held forever in the child.
    single_threaded = threading.active_count() == 1
    method = "fork" if single_threaded and "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(method)) as pool:
        return list(pool.map(_classify_task, tasks, chunksize=CHUNK_FILES))


def _classify_task(task: tuple[str, str, str]) -> Roles:
    return classify_source(*task)


def _cache(settings: DetectorSettings) -> ResultCache[Roles]:
    return ResultCache(settings.cache_folder, "python-roles", Roles)
