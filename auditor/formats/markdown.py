"""Markdown: the missing-components report a lab can act on, with a to-do list."""

from __future__ import annotations

from typing import ClassVar

from auditor.escape import printable
from auditor.formats.interface import ReportFormat
from auditor.formats.wording import VERDICT_TEXT, evidence_lines, location, todo_items
from auditor.report import Report


def _cell(text: str) -> str:
    return printable(text).replace("|", "\\|")


class MarkdownFormat(ReportFormat):
    name: ClassVar[str] = "markdown"

    def render(self, report: Report, *, color: bool = False, width: int = 80) -> str:
        out = [f"# OSAID audit: {_cell(report.target.location)}", "",
               f"**Verdict: {VERDICT_TEXT.get(report.verdict, report.verdict)}** "
               f"(checklist `{report.checklist.id}`; open weights: {'yes' if report.open_weights else 'no'}; "
               f"MOF class reached: {report.mof_class})", "",
               " · ".join(f"{count} {status}" for status, count in report.summary.items()), ""]
        todo = todo_items(report)
        if todo:
            out += ["## To do", ""]
            out += [f"- [ ] **{requirement}** {_cell(action)}" for requirement, action in todo]
            out.append("")
        for group_id, group_title in report.checklist.groups:
            rows = [r for r in report.requirements if r.group == group_id]
            if not rows:
                continue
            out += [f"## {group_title}", "", "| Requirement | Status | Evidence and reasons |", "|---|---|---|"]
            for r in rows:
                details = "<br>".join(_cell(line) for line in evidence_lines(r))
                out.append(f"| {r.id}{'' if r.required else ' (optional)'} | **{r.status}** | {details} |")
            out.append("")
        data_items = [i for r in report.requirements for i in r.items]
        if data_items:
            out += ["## Data information items", "", "| Item | Status | Where |", "|---|---|---|"]
            for item in data_items:
                where = location(item.path, item.line) if item.path else ""
                if item.section:
                    where += f" ({_cell(item.section)})"
                if item.url:
                    where += f" {item.url}"
                out.append(f"| {item.id} {_cell(item.title)} | {item.status} | {where.strip() or '—'} |")
            out.append("")
        if report.licenses:
            out += ["## Licences", "", "| File | Licence | Class |", "|---|---|---|"]
            out += [f"| {_cell(location(d.path, d.line))} | {_cell(d.id or d.name)} | {d.license_class} |"
                    for d in report.licenses]
            out.append("")
            for d in report.licenses:
                for c in d.restrictions:
                    out.append(f"- `{_cell(location(d.path, c.line_start, c.line_end))}` {c.code} "
                               f"**{c.kind}** (freedom to {c.freedom}, OSD {c.osd}): \"{_cell(c.text)}\"")
            out.append("")
        if report.findings:
            out += ["## Findings", ""]
            out += [f"- `{_cell(location(f.path, f.line))}` {f.code} ({f.level}): {_cell(f.message)}"
                    for f in report.findings]
            out.append("")
        return "\n".join(out).rstrip("\n") + "\n"
