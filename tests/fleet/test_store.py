"""The census database: its schema version, one row per audit, replacement at the same revision."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from auditor.fleet.store import CensusStore, CensusStoreError
from auditor.fleet.task import AuditRecord, LicenceRow


def record(revision: str, verdict: str = "open-source-ai", error: str | None = None) -> AuditRecord:
    if error is not None:
        return AuditRecord("/r", None, None, "1.0", "osaid-1.0", None, error=error)
    return AuditRecord("/r", None, revision, "1.0", "osaid-1.0", "1.0", verdict=verdict, mof_class="I",
                       statuses=(("model-parameters", "blocked"), ("training-code", "missing")),
                       licences=(LicenceRow("llama2", "restricted", "LICENSE", ("field-of-use", "user-threshold")),),
                       report_json='{"requirements": []}')


def test_each_state_is_a_row_and_the_same_state_again_replaces_it(tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite"
    with CensusStore(db) as store:
        first = store.record("/r", record("aaa"))
        store.record("/r", record("aaa", verdict="not-open-source-ai"))  # --refresh: replaces the newest
        store.record("/r", record("", error="boom"))
        assert store.current_revisions("1.0", "osaid-1.0") == {}  # its newest audit failed: tried again
        store.record("/r", record("bbb"))
        assert store.current_revisions("1.0", "osaid-1.0") == {"/r": "bbb"}
        assert store.current_revisions("2.0", "osaid-1.0") == {}
        store.record("/r", record("aaa"))  # back to an earlier state: a new row, the history kept
        history = store.history("/r")
        assert [(a.revision, a.verdict, a.error) for a in history] == [
            ("aaa", "not-open-source-ai", None), (None, None, "boom"), ("bbb", "open-source-ai", None),
            ("aaa", "open-source-ai", None)]
        assert first not in [a.id for a in history]
        assert store.current_revisions("1.0", "osaid-1.0") == {"/r": "aaa"}
        (latest,) = store.latest()
        assert latest.revision == "aaa" and latest.statuses[0] == ("model-parameters", "blocked")
        assert latest.licences == (("llama2", "restricted", ("field-of-use", "user-threshold")),)
    connection = sqlite3.connect(db)
    assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert connection.execute("PRAGMA user_version").fetchone() == (1,)
    # the replaced row's statuses and licences went with it
    assert connection.execute("SELECT count(*) FROM requirement_statuses").fetchone() == (6,)
    assert connection.execute("SELECT count(*) FROM licence_restrictions").fetchone() == (6,)


def test_another_file_or_schema_is_one_clear_error(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)")
    with pytest.raises(CensusStoreError, match="not a census database"):
        CensusStore(other)
    newer = tmp_path / "newer.sqlite"
    sqlite3.connect(newer).execute("PRAGMA user_version = 2")
    with pytest.raises(CensusStoreError, match="census schema version 2"):
        CensusStore(newer)
    (tmp_path / "text.sqlite").write_text("not a database " * 100)
    with pytest.raises(CensusStoreError, match="not a census database"):
        CensusStore(tmp_path / "text.sqlite")
    with pytest.raises(CensusStoreError, match="no such census database"):
        CensusStore(tmp_path / "absent.sqlite", create=False)
