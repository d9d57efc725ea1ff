"""Fleet audits: many releases audited by worker processes or a Dask cluster, kept in a database.

targets (a file, or a Hub listing) -> engine (local pool or Dask) running `task.audit_one` -> store
(SQLite, one writer) -> census report and history.
"""
