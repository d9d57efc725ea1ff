"""The Dask engine's shared pause: a 429 told to one worker makes the other wait too."""

from __future__ import annotations

import pytest
from fleet_repos import pause_the_fleet, time_a_turn

from auditor.fleet.dask_engine import DaskEngine


def test_a_429_on_one_worker_pauses_the_others() -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None,
                                  processes=True) as cluster:
        engine = DaskEngine(cluster.scheduler_address, 0)
        try:
            client = engine._client
            first, second = sorted(client.nthreads())
            client.submit(pause_the_fleet, 2.0, workers=[first], pure=False).result(timeout=60)
            waited = client.submit(time_a_turn, workers=[second], pure=False).result(timeout=60)
        finally:
            engine.close()
    assert 1.5 <= waited <= 2.5  # the second worker, never told 429 itself, kept the first one's pause
