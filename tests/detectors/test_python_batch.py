"""Cached, parallel and serial audits give the same report, byte for byte; a second audit analyses
only what changed; `--no-cache` neither reads nor writes the cache."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from auditor.detectors import python_batch
from auditor.result_cache import DATABASE

TRAINER = """import torch
from model import Net

def train(steps={steps}):
    net = Net()
    optimizer = torch.optim.AdamW(net.parameters(), lr=3e-4)
    for step in range(steps):
        loss = net(torch.ones(4)).sum()
        loss.backward()
        optimizer.step()
"""
MODULE = """import torch.nn as nn

class Block{n}(nn.Module):
    def forward(self, x):
        return x * {n}
"""
HELPER = "def helper_{n}(values):\n    return sorted(values)[:{n}]\n"


def make_release(root: Path, files: int = 90) -> Path:
    root.mkdir()
    (root / "README.md").write_text("# Wren\n\nA small model.\n")
    for n in range(files):
        template = (TRAINER, MODULE, HELPER)[n % 3]
        path = root / f"pkg{n % 4}" / f"part_{n}.py"
        path.parent.mkdir(exist_ok=True)
        path.write_text(template.format(n=n, steps=n + 1))
    return root


def json_report(run_cli, release: Path, *args: str) -> str:
    result = run_cli(release, "--format", "json", "--fail-on", "never", *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_serial_parallel_and_cached_reports_are_identical(tmp_path: Path, run_cli, cached: Path) -> None:
    release = make_release(tmp_path / "release")
    assert len(list(release.rglob("*.py"))) >= python_batch.PARALLEL_MIN_FILES  # enough for worker processes
    serial = json_report(run_cli, release, "--no-cache", "--jobs", "1")
    assert not cached.exists()  # --no-cache wrote nothing
    parallel = json_report(run_cli, release, "--jobs", "2")
    with sqlite3.connect(cached / DATABASE) as database:
        rows = database.execute("SELECT count(*) FROM results WHERE analysis = 'python-roles'").fetchone()
    assert rows == (90,)
    from_cache = json_report(run_cli, release, "--jobs", "2")
    assert serial == parallel == from_cache
    assert '"training-code"' in serial and "part_0.py" in serial  # the files were really judged


def test_a_second_audit_analyses_only_the_changed_file(tmp_path: Path, run_cli, cached: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    release = make_release(tmp_path / "release", files=12)
    json_report(run_cli, release, "--jobs", "1")
    analysed: list[str] = []
    real = python_batch.classify_source
    monkeypatch.setattr(python_batch, "classify_source",
                        lambda suffix, stem, text: analysed.append(stem) or real(suffix, stem, text))
    (release / "pkg1" / "part_1.py").write_text(MODULE.format(n=1001))
    json_report(run_cli, release, "--jobs", "1")
    assert analysed == ["part_1"]


def test_a_corrupt_cache_entry_is_recomputed_not_trusted(tmp_path: Path, run_cli, cached: Path) -> None:
    release = make_release(tmp_path / "release", files=6)
    first = json_report(run_cli, release, "--jobs", "1")
    forged = '{"key": "forged", "result": [["training-code", 9, 1, [], true]]}'
    with sqlite3.connect(cached / DATABASE) as database:
        database.execute("UPDATE results SET value = ? WHERE analysis = 'python-roles'", (forged,))
        database.execute("DELETE FROM results WHERE analysis = 'report'")  # else the whole report answers
    assert json_report(run_cli, release, "--jobs", "1") == first
    with sqlite3.connect(cached / DATABASE) as database:
        values = [v for (v,) in database.execute("SELECT value FROM results WHERE analysis = 'python-roles'")]
    assert len(values) == 6 and forged not in values


def test_workers_are_spawned_not_forked_while_another_thread_runs(tmp_path: Path) -> None:
    import threading

    from auditor.detectors import python_code
    from auditor.detectors.interface import DetectorSettings
    from auditor.sources.local import LocalFolderSource

    release = make_release(tmp_path / "release", files=python_batch.PARALLEL_MIN_FILES + 6)

    def roles(jobs: int) -> list:
        files = [a for a in LocalFolderSource(release).inventory().files() if a.suffix == ".py"]
        python_batch.PythonBatch(files, DetectorSettings(None, jobs)).finish()
        return [python_code.classify(artifact) for artifact in files]

    serial = roles(1)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert threading.active_count() > 1 and roles(2) == serial
    finally:
        stop.set()
        other.join()
    assert sum(1 for found in serial if found and found[0].role == "training-code") == 24
