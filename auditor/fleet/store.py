"""The census database: SQLite in WAL mode, written by one process (the fleet's, never a worker).

The schema is `data/census-schema.sql` (its version is `PRAGMA user_version`). Each record is
committed on its own as it arrives, so an interrupted census keeps every audit that finished.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from auditor.errors import AuditorError
from auditor.escape import printable
from auditor.fleet.task import AuditRecord
from auditor.resources import package_data

SCHEMA_VERSION = 1
BUSY_SECONDS = 30.0
"""How long a write waits for another process holding the database (a report being read)."""


class CensusStoreError(AuditorError):
    """The database cannot be opened, or was written by another schema version."""


@dataclass(frozen=True)
class StoredAudit:
    """One row of `audits`, with its statuses and licences."""

    id: int
    target: str
    revision: str | None
    tool_version: str
    checklist_id: str
    verdict: str | None
    mof_class: str | None
    error: str | None
    ran_at: str
    statuses: tuple[tuple[str, str], ...]
    licences: tuple[tuple[str, str, tuple[str, ...]], ...]
    """(label, class, restriction kinds) per licence."""


@contextlib.contextmanager
def census_store(path: Path, *, create: bool = True) -> Iterator[CensusStore]:
    """The store, open for the block; a database that breaks on the way (a table dropped, a disk
    full) is one line, not a traceback."""
    try:
        with CensusStore(path, create=create) as store:
            yield store
    except sqlite3.Error as error:
        raise CensusStoreError(f"{printable(str(path))}: the census database cannot be used ({error})") from None


class CensusStore:
    def __init__(self, path: Path, *, create: bool = True) -> None:
        shown = printable(str(path))
        if path.is_dir():
            raise CensusStoreError(f"{shown}: is a folder, not a census database")
        if not create and not path.is_file():
            raise CensusStoreError(f"{shown}: no such census database")
        try:
            self._db = sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None)
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            tables = self._db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        except sqlite3.DatabaseError as error:
            raise CensusStoreError(f"{shown}: not a census database ({error})") from None
        if version == 0 and tables:
            self._db.close()
            raise CensusStoreError(f"{shown}: not a census database (an SQLite file with other tables)")
        if version not in (0, SCHEMA_VERSION):
            self._db.close()
            raise CensusStoreError(f"{shown}: census schema version {version}; this audit writes version "
                                   f"{SCHEMA_VERSION} (use a new --db file)")
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA foreign_keys = ON")
        if version == 0:
            self._db.executescript(package_data("census-schema.sql").read_text(encoding="utf-8")
                                   + f"\nPRAGMA user_version = {SCHEMA_VERSION};")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> CensusStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def current_revisions(self, tool_version: str, checklist_id: str) -> dict[str, str]:
        """Target -> its revision, for each target whose newest audit is a success with this tool
        version and checklist (the targets a rerun skips at that revision)."""
        return dict(self._db.execute(
            "SELECT a.target, a.revision FROM audits a JOIN (SELECT target, max(id) AS id FROM audits GROUP BY target) "
            "newest ON a.id = newest.id WHERE a.error IS NULL AND a.tool_version = ? AND a.checklist_id = ?",
            (tool_version, checklist_id)))

    def record(self, target: str, record: AuditRecord, ran_at: dt.datetime | None = None) -> int:
        """Keep `record` in one transaction. A success at the revision, tool version and checklist
        of the target's newest row replaces that row (the same state audited again); anything
        else is a new row."""
        when = (ran_at or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            if record.error is None:
                db.execute("DELETE FROM audits WHERE id = (SELECT max(id) FROM audits WHERE target = ?) "
                           "AND revision = ? AND tool_version = ? AND checklist_id = ? AND error IS NULL",
                           (target, record.revision, record.tool_version, record.checklist_id))
            cursor = db.execute(
                "INSERT INTO audits (target, revision, tool_version, checklist_id, checklist_version, verdict, "
                "mof_class, report_json, error, seconds, ran_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (target, record.revision, record.tool_version, record.checklist_id, record.checklist_version,
                 record.verdict, record.mof_class, record.report_json, record.error, record.seconds, when))
            audit_id = int(cursor.lastrowid or 0)
            db.executemany("INSERT INTO requirement_statuses VALUES (?, ?, ?)",
                           [(audit_id, requirement, status) for requirement, status in record.statuses])
            db.executemany("INSERT INTO licences VALUES (?, ?, ?, ?, ?)",
                           [(audit_id, i, lic.label, lic.license_class, lic.path)
                            for i, lic in enumerate(record.licences)])
            db.executemany("INSERT INTO licence_restrictions VALUES (?, ?, ?)",
                           [(audit_id, i, kind) for i, lic in enumerate(record.licences)
                            for kind in lic.restriction_kinds])
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return audit_id

    def latest(self) -> list[StoredAudit]:
        """Each target's newest audit, by target."""
        rows = self._db.execute(
            "SELECT a.* FROM audits a JOIN (SELECT target, max(id) AS id FROM audits GROUP BY target) newest "
            "ON a.id = newest.id ORDER BY a.target").fetchall()
        return list(self._stored(rows))

    def history(self, target: str) -> list[StoredAudit]:
        """Every audit of `target`, oldest first."""
        rows = self._db.execute("SELECT * FROM audits WHERE target = ? ORDER BY id", (target,)).fetchall()
        return list(self._stored(rows))

    def report_json(self, audit_id: int) -> str | None:
        row = self._db.execute("SELECT report_json FROM audits WHERE id = ?", (audit_id,)).fetchone()
        return row[0] if row else None

    def targets(self) -> list[str]:
        return [t for (t,) in self._db.execute("SELECT DISTINCT target FROM audits ORDER BY target")]

    def _stored(self, rows: list[tuple]) -> Iterator[StoredAudit]:
        for (audit_id, target, revision, tool_version, checklist_id, _version, verdict, mof_class, _report, error,
             _seconds, ran_at) in rows:
            statuses = tuple(self._db.execute(
                "SELECT requirement, status FROM requirement_statuses WHERE audit_id = ? ORDER BY rowid",
                (audit_id,)))
            licences = tuple(
                (label, klass, tuple(k for (k,) in self._db.execute(
                    "SELECT kind FROM licence_restrictions WHERE audit_id = ? AND position = ? ORDER BY kind",
                    (audit_id, position))))
                for position, label, klass in self._db.execute(
                    "SELECT position, label, class FROM licences WHERE audit_id = ? ORDER BY position", (audit_id,)))
            yield StoredAudit(audit_id, target, revision, tool_version, checklist_id, verdict, mof_class, error,
                              ran_at, statuses, licences)
