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


def test_rows_are_kept_once_per_revision_and_errors_are_rows(tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite"
    with CensusStore(db) as store:
        first = store.record("/r", record("aaa"))
        store.record("/r", record("aaa", verdict="not-open-source-ai"))  # --refresh: replaces
        store.record("/r", record("", error="boom"))
        store.record("/r", record("bbb"))
        assert store.known_revisions("1.0", "osaid-1.0") == {"/r": {"aaa", "bbb"}}
        assert store.known_revisions("2.0", "osaid-1.0") == {}
        history = store.history("/r")
        assert [(a.revision, a.verdict, a.error) for a in history] == [
            ("aaa", "not-open-source-ai", None), (None, None, "boom"), ("bbb", "open-source-ai", None)]
        assert first not in [a.id for a in history]
        (latest,) = store.latest()
        assert latest.revision == "bbb" and latest.statuses[0] == ("model-parameters", "blocked")
        assert latest.licences == (("llama2", "restricted", ("field-of-use", "user-threshold")),)
    connection = sqlite3.connect(db)
    assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert connection.execute("PRAGMA user_version").fetchone() == (1,)
    # the replaced row's statuses and licences went with it
    assert connection.execute("SELECT count(*) FROM requirement_statuses").fetchone() == (4,)
    assert connection.execute("SELECT count(*) FROM licence_restrictions").fetchone() == (4,)


def test_another_file_or_schema_is_one_clear_error(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)")
    with pytest.raises(CensusStoreError, match="schema version 0"):
        CensusStore(other)
    (tmp_path / "text.sqlite").write_text("not a database " * 100)
    with pytest.raises(CensusStoreError, match="not a census database"):
        CensusStore(tmp_path / "text.sqlite")
    with pytest.raises(CensusStoreError, match="no such census database"):
        CensusStore(tmp_path / "absent.sqlite", create=False)
