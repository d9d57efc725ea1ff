-- The census database of `audit fleet` (SQLite), schema version 1 (PRAGMA user_version).
-- One row in `audits` per state of a target that was audited; a failed audit is a row too, with
-- `error` set. A target's current state is its newest row (highest id). A rerun skips a target
-- whose newest row is a success at the same revision, tool version and checklist; `--refresh`
-- replaces that newest row. A target that goes back to an earlier revision gets a new row, so
-- its history keeps every change.

CREATE TABLE IF NOT EXISTS audits (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: a report link stays its own
    target            TEXT NOT NULL,  -- a folder's absolute path, hf://OWNER/NAME[@REV], or PATH --rev REV
    revision          TEXT,           -- the Hub or git commit, or content:<sha256> for a folder; NULL if not reached
    tool_version      TEXT NOT NULL,  -- osaid-audit's version
    checklist_id      TEXT NOT NULL,
    checklist_version TEXT,
    verdict           TEXT,           -- open-source-ai, not-open-source-ai, ...; NULL on error
    mof_class         TEXT,
    report_json       TEXT,           -- the full JSON report (audit --format json), NULL on error
    error             TEXT,           -- one line when the audit failed (or its worker died, or it timed out)
    seconds           REAL,           -- how long the audit took in its worker
    ran_at            TEXT NOT NULL   -- when it finished, UTC, ISO 8601
);
CREATE INDEX IF NOT EXISTS audits_by_target ON audits (target, id);

CREATE TABLE IF NOT EXISTS requirement_statuses (
    audit_id    INTEGER NOT NULL REFERENCES audits (id) ON DELETE CASCADE,
    requirement TEXT NOT NULL,        -- a checklist requirement id (data-information, model-parameters, ...)
    status      TEXT NOT NULL,        -- satisfied, referenced, partial, missing, blocked
    PRIMARY KEY (audit_id, requirement)
);

CREATE TABLE IF NOT EXISTS licences (
    audit_id INTEGER NOT NULL REFERENCES audits (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,        -- order in the report
    label    TEXT NOT NULL,           -- SPDX id or expression, else the licence's name
    class    TEXT NOT NULL,           -- osi-approved, open-data, open-content, restricted, unknown, notice
    path     TEXT,                    -- the file (or card) that declares it
    PRIMARY KEY (audit_id, position)
);

CREATE TABLE IF NOT EXISTS licence_restrictions (
    audit_id INTEGER NOT NULL,
    position INTEGER NOT NULL,
    kind     TEXT NOT NULL,           -- a restriction kind (user-threshold, field-of-use, ...)
    PRIMARY KEY (audit_id, position, kind),
    FOREIGN KEY (audit_id, position) REFERENCES licences (audit_id, position) ON DELETE CASCADE
);
