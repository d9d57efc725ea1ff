"""`audit fleet` end to end, as a user runs it (a subprocess), on the fake Hub serving generated repos:
the local pool and a real two-worker Dask cluster give identical rows; a kill loses nothing and a
rerun resumes; a failing target is a row among good ones; a timed-out or dying worker is that
target's error; the census and the history read the database."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fleet_repos import KINDS, generated_repos
from hub_server import HubServer

from auditor.fleet.local_pool import LocalPool
from auditor.fleet.task import AuditTask

REPOS = 200
ROWS = "SELECT target, revision, tool_version, checklist_id, verdict, mof_class, report_json, error FROM audits " \
       "ORDER BY target"


@pytest.fixture(scope="module")
def hub():
    with HubServer(generated_repos(REPOS), token=None, page_size=100) as server:
        yield server


def environment(hub: HubServer, tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "HF_ENDPOINT": hub.url, "HF_HUB_DISABLE_TELEMETRY": "1", "HF_HOME": str(tmp_path / "hf"),
            "OSAID_AUDIT_NO_CACHE": "1", "NO_COLOR": "1"}


def fleet(hub: HubServer, tmp_path: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "auditor", "fleet", *args], env=environment(hub, tmp_path),
                          capture_output=True, text=True, timeout=timeout, check=False)


def rows(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as connection:
        return connection.execute(ROWS).fetchall()


def test_local_pool_and_dask_cluster_give_identical_rows(hub: HubServer, tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    local = fleet(hub, tmp_path, "--hub-top", str(REPOS), "--db", str(tmp_path / "local.sqlite"), "--workers", "2",
                  "--hub-rate", "0")
    assert local.returncode == 0, local.stderr
    assert f"{REPOS} audited, 0 already in the database, 0 failed" in local.stderr
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None,
                                  processes=True) as cluster:
        remote = fleet(hub, tmp_path, "--hub-top", str(REPOS), "--db", str(tmp_path / "dask.sqlite"),
                       "--dask", cluster.scheduler_address, "--hub-rate", "0")
    assert remote.returncode == 0, remote.stderr
    local_rows, dask_rows = rows(tmp_path / "local.sqlite"), rows(tmp_path / "dask.sqlite")
    assert len(local_rows) == REPOS and local_rows == dask_rows
    verdicts = {row[4] for row in local_rows}
    assert verdicts and None not in verdicts
    # the census counts every kind of generated release, with the Llama-style licence among its blockers
    census = json.loads(subprocess.run(
        [sys.executable, "-m", "auditor", "fleet", "report", str(tmp_path / "local.sqlite"), "--format", "json"],
        capture_output=True, text=True, check=True).stdout)
    assert census["targets"] == REPOS
    assert {"name": "llama-2-community", "targets": REPOS // len(KINDS)} in census["blockers"]["licences"]
    assert sum(v["targets"] for v in census["verdicts"]) == REPOS


def test_a_killed_census_resumes_with_nothing_lost_or_duplicated(hub: HubServer, tmp_path: Path) -> None:
    db = tmp_path / "census.sqlite"
    hub.delay(r"^/api/models/lab[0-6]/model-01", 0.3)  # a slow part of the Hub: the kill lands mid-census
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "auditor", "fleet", "--hub-top", "120", "--db", str(db), "--workers", "2",
             "--hub-rate", "0"], env=environment(hub, tmp_path), stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and (not db.exists() or _count(db) < 30):
            time.sleep(0.2)
        os.killpg(process.pid, signal.SIGKILL)  # the fleet and its workers, as a lost machine would
        process.wait(timeout=30)
        before = rows(db)
        assert 30 <= len(before) < 120
        resumed = fleet(hub, tmp_path, "--hub-top", "120", "--db", str(db), "--workers", "2", "--hub-rate", "0")
    finally:
        hub._delays.clear()
    assert resumed.returncode == 0, resumed.stderr
    assert f"{120 - len(before)} audited, {len(before)} already in the database, 0 failed" in resumed.stderr
    after = rows(db)
    assert len(after) == 120 and len({row[0] for row in after}) == 120
    assert set(before) <= set(after)


def test_ctrl_c_keeps_every_finished_audit(hub: HubServer, tmp_path: Path) -> None:
    db = tmp_path / "census.sqlite"
    hub.delay(r"^/api/models/lab[0-6]/model-00[2-9]", 0.3)
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "auditor", "fleet", "--hub-top", "100", "--db", str(db), "--workers", "2",
             "--hub-rate", "0"], env=environment(hub, tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and (not db.exists() or _count(db) < 10):
            time.sleep(0.2)
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches the whole foreground group
        _, stderr = process.communicate(timeout=60)
    finally:
        hub._delays.clear()
    assert process.returncode == 130 and "interrupted" in stderr and "Traceback" not in stderr
    kept = rows(db)
    assert 10 <= len(kept) < 100 and all(row[4] is not None for row in kept)


def test_failing_targets_are_rows_among_good_ones(hub: HubServer, tmp_path: Path) -> None:
    release = Path(__file__).resolve().parents[2] / "fixtures" / "releases" / "open-release"
    listed = tmp_path / "targets.txt"
    listed.write_text(f"hf://lab0/model-0000\nhf://nobody/absent\n{release}\nno-such-folder\nhf://lab1/model-0001\n"
                      "hf://lab0/model-0000\n")
    result = fleet(hub, tmp_path, str(listed), "--db", str(tmp_path / "c.sqlite"), "--workers", "2")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "3 audited, 0 already in the database, 2 failed" in result.stderr
    stored = {row[0]: row for row in rows(tmp_path / "c.sqlite")}
    assert len(stored) == 5
    assert "not found" in stored["hf://nobody/absent"][7]
    assert stored[str(tmp_path / "no-such-folder")][7].endswith("no such file or folder")
    assert stored[str(release)][2] and stored[str(release)][1].startswith("content:")


def test_a_timed_out_or_dying_worker_is_that_targets_error(hub: HubServer, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from fleet_repos import audit_or_die

    monkeypatch.setenv("HF_ENDPOINT", hub.url)
    hub.delay(r"^/api/models/lab2/model-0002", 20)
    tasks = [AuditTask(t, None, "osaid-1.0") for t in ("hf://lab0/model-0000", "hf://lab2/model-0002", "/die",
                                                        "hf://lab1/model-0001")]
    try:
        with LocalPool(2, 0, timeout=3, audit=audit_or_die) as pool:
            records = {r.location: r for r in pool.run(tasks)}
    finally:
        hub._delays.clear()
    assert records["hf://lab2/model-0002"].error == "timed out after 3 s (its worker was stopped)"
    assert records["/die"].error == "its worker process died (exit code 3)"
    assert records["hf://lab0/model-0000"].verdict and records["hf://lab1/model-0001"].verdict


def test_hub_search_git_revisions_and_pinned_commits(hub: HubServer, tmp_path: Path) -> None:
    searched = fleet(hub, tmp_path, "--hub-search", "model-001", "--db", str(tmp_path / "s.sqlite"),
                     "--workers", "1")
    assert searched.returncode == 0, searched.stderr
    assert {row[0] for row in rows(tmp_path / "s.sqlite")} == {f"hf://lab{i % 7}/model-{i:04d}" for i in range(10, 20)}
    hub.requests.clear()
    again = fleet(hub, tmp_path, "--hub-search", "model-001", "--db", str(tmp_path / "s.sqlite"), "--workers", "1")
    assert "0 audited, 10 already in the database" in again.stderr
    assert {r.path for r in hub.requests} == {"/api/models"}  # the listing's commits tell: no repo is asked again

    repository = tmp_path / "repo"
    repository.mkdir()
    release = Path(__file__).resolve().parents[2] / "fixtures" / "releases" / "open-release"
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-C", str(repository)]
    subprocess.run(["git", "init", "-q", "-b", "main", str(repository)], check=True)
    for path in release.rglob("*"):
        if path.is_file():
            target = repository / path.relative_to(release)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "release"], check=True)
    commit = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    pinned = generated_repos(REPOS)[3]
    listed = tmp_path / "targets.txt"
    listed.write_text(f"repo --rev main\nhf://{pinned.repo_id}@{pinned.commit_sha()}\n")
    db = tmp_path / "p.sqlite"
    assert fleet(hub, tmp_path, str(listed), "--db", str(db), "--workers", "1").returncode == 0
    stored = {row[0]: row for row in rows(db)}
    assert stored[f"{repository} --rev main"][1] == commit
    assert stored[f"hf://{pinned.repo_id}@{pinned.commit_sha()}"][1] == pinned.commit_sha()
    hub.requests.clear()
    again = fleet(hub, tmp_path, str(listed), "--db", str(db), "--workers", "1")
    assert "0 audited, 2 already in the database" in again.stderr
    assert not [r for r in hub.requests if pinned.repo_id in r.path]  # a pinned commit needs no request


def _count(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=5) as connection:
            return connection.execute("SELECT count(*) FROM audits").fetchone()[0]
    except sqlite3.OperationalError:  # the schema is not made yet
        return 0
