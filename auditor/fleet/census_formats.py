"""The census as JSON, CSV and Markdown (`audit fleet report DB --format ...`); HTML is `census_html`.

Every string came from a release or from the database, so each format escapes it: JSON by its
encoder, Markdown with `markdown_text`, and CSV cells that a spreadsheet would run as a formula
(`=`, `+`, `-`, `@`, a tab or carriage return first) are quoted with a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from auditor.escape import printable
from auditor.fleet.census import Census, CensusRow
from auditor.formats.json import dump_json
from auditor.formats.markdown_escape import markdown_text

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def census_dict(census: Census) -> dict[str, Any]:
    def pairs(counts: tuple[tuple[str, int], ...]) -> list[dict[str, Any]]:
        return [{"name": name, "targets": count} for name, count in counts]

    return {
        "targets": census.targets,
        "verdicts": pairs(census.verdicts), "mof_classes": pairs(census.mof_classes),
        "blockers": {"licences": pairs(census.blocking_licences), "clause_kinds": pairs(census.clause_kinds),
                     "missing": pairs(census.missing), "blocked": pairs(census.blocked)},
        "rows": [{"audit_id": r.audit_id, "target": printable(r.target), "revision": r.revision,
                  "verdict": r.verdict, "mof_class": r.mof_class,
                  "failing": [{"requirement": req, "status": status} for req, status in r.failing],
                  "restricted_licences": [printable(label) for label in r.restricted_licences],
                  "restriction_kinds": list(r.restriction_kinds), "error": r.error} for r in census.rows],
    }


def census_json(census: Census) -> str:
    return dump_json(census_dict(census))


def census_csv(census: Census) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["target", "revision", "verdict", "mof_class", "blocked", "missing", "partial",
                     "restricted_licences", "restriction_kinds", "error"])
    for r in census.rows:
        writer.writerow([_cell(v) for v in (
            r.target, r.revision or "", r.verdict, r.mof_class or "", _failing(r, "blocked"), _failing(r, "missing"),
            _failing(r, "partial"), " ".join(r.restricted_licences), " ".join(r.restriction_kinds), r.error or "")])
    return out.getvalue()


def census_markdown(census: Census) -> str:
    lines = ["# Census", "", f"{census.targets} targets.", ""]
    for title, counts in count_tables(census):
        if counts:
            lines += [f"## {title}", "", "| | targets |", "|---|---:|"]
            lines += [f"| {markdown_text(name)} | {count} |" for name, count in counts]
            lines.append("")
    lines += ["## Targets", "", "| target | verdict | MOF class | blocked | missing | restricted licences |",
              "|---|---|---|---|---|---|"]
    for r in census.rows:
        lines.append(f"| {markdown_text(r.target)} | {markdown_text(r.error and 'error: ' + r.error or r.verdict)} "
                     f"| {markdown_text(r.mof_class or '')} | {markdown_text(_failing(r, 'blocked'))} "
                     f"| {markdown_text(_failing(r, 'missing'))} | {markdown_text(' '.join(r.restricted_licences))} |")
    return "\n".join(lines) + "\n"


def count_tables(census: Census) -> list[tuple[str, tuple[tuple[str, int], ...]]]:
    """The census's counts, titled, in the order every format shows them."""
    return [("Verdicts", census.verdicts), ("MOF classes", census.mof_classes),
            ("Restricted licences", census.blocking_licences), ("Restriction kinds", census.clause_kinds),
            ("Missing requirements", census.missing), ("Blocked requirements", census.blocked)]


def _failing(row: CensusRow, status: str) -> str:
    return " ".join(req for req, s in row.failing if s == status)


def _cell(value: str) -> str:
    value = printable(value)
    return "'" + value if value.startswith(_FORMULA_START) else value
