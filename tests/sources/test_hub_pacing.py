"""The Hub budget a fleet's workers share: a rate across processes, and one pause for all on a 429."""

from __future__ import annotations

import multiprocessing
import time

import pytest
from hub_server import FakeFile, FakeRepo, HubServer

from auditor.sources import hub as hub_module
from auditor.sources.hub_pacing import SharedPacer, install_pacer


def _take_turns(pacer: SharedPacer, turns: int) -> None:
    for _ in range(turns):
        pacer.wait_turn()


def test_the_rate_holds_across_processes_and_a_pause_holds_for_all() -> None:
    context = multiprocessing.get_context("spawn")
    pacer = SharedPacer(20, context)
    started = time.monotonic()
    workers = [context.Process(target=_take_turns, args=(pacer, 5)) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    assert all(w.exitcode == 0 for w in workers)
    assert time.monotonic() - started >= 9 / 20  # ten turns at 20 a second, whoever takes them
    pacer.pause(0.3)
    waited = time.monotonic()
    _take_turns(pacer, 1)
    assert time.monotonic() - waited >= 0.25
    unlimited = SharedPacer(0)
    quick = time.monotonic()
    _take_turns(unlimited, 100)
    assert time.monotonic() - quick < 0.5


class RecordingPacer:
    def __init__(self) -> None:
        self.turns = 0
        self.pauses: list[float] = []

    def wait_turn(self) -> None:
        self.turns += 1

    def pause(self, seconds: float) -> None:
        self.pauses.append(seconds)


def test_every_hub_request_waits_its_turn_and_a_429_pauses_the_fleet(run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hub_module, "BACKOFF_SECONDS", 0.01)
    pacer = RecordingPacer()
    install_pacer(pacer)
    try:
        repo = FakeRepo("org/model", {"README.md": FakeFile(b"---\nlicense: mit\n---\n# M\n")})
        with HubServer([repo]) as hub:
            monkeypatch.setenv("HF_ENDPOINT", hub.url)
            hub.fail(r"^/api/models/org/model", [429])
            result = run_cli("hf://org/model", "-q")
            requests = len(hub.requests)
    finally:
        install_pacer(None)
    assert result.exit_code in (0, 1), result.stderr
    assert pacer.pauses == [0.01]
    assert pacer.turns == requests  # the refused request and every one after it
