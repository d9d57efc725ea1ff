"""Markdown: the missing-components report a lab can act on, with a to-do list.

Every string that is not the tool's own goes through `markdown_text` (or `markdown_url`), and none
starts a line or sits in a code span (where no escape works): a file name can neither open a
heading or quote nor render as HTML, a link or an image.
"""

from __future__ import annotations

from typing import ClassVar

from auditor.formats.blockers import Blocker, licence_blockers
from auditor.formats.interface import ReportFormat
from auditor.formats.markdown_escape import markdown_text, markdown_url
from auditor.formats.todo import todo_groups
from auditor.formats.wording import VERDICT_TEXT, evidence_lines, location
from auditor.gate import waiver_gate_note
from auditor.report import Report


class MarkdownFormat(ReportFormat):
    name: ClassVar[str] = "markdown"

    def render(self, report: Report, *, color: bool = False, width: int = 80) -> str:
        out = [f"# OSAID audit: {markdown_text(report.target.location)}", "",
               f"**Verdict: {VERDICT_TEXT.get(report.verdict, report.verdict)}** "
               f"(checklist `{report.checklist.id}`; open weights: {'yes' if report.open_weights else 'no'}; "
               f"MOF class reached: {report.mof_class})", "",
               " · ".join(f"{count} {status}" for status, count in report.summary.items()), ""]
        waived = waiver_gate_note(report, self.fail_on)
        if waived:
            out += [f"**Note: {markdown_text(waived)}.**", ""]
        groups = todo_groups(report)
        if groups:
            out += ["## To do", ""]
            for group in groups:
                out += [f"### {group.title}", ""]
                out += [f"- [ ] **{', '.join(t.requirements)}** [{t.status}] {markdown_text(t.action)}"
                        for t in group.items]
                out.append("")
        blockers = licence_blockers(report)
        out += _blockers(blockers)
        for group_id, group_title in report.checklist.groups:
            rows = [r for r in report.requirements if r.group == group_id]
            if not rows:
                continue
            out += [f"## {markdown_text(group_title)}", "", "| Requirement | Status | Evidence and reasons |",
                    "|---|---|---|"]
            for r in rows:
                details = "<br>".join(markdown_text(line) for line in evidence_lines(r, self.verbose,
                                                                                       bool(blockers)))
                out.append(f"| {r.id}{'' if r.required else ' (optional)'} | **{r.status}** | {details} |")
            out.append("")
        data_items = [i for r in report.requirements for i in r.items]
        if data_items:
            out += ["## Data information items", "", "| Item | Status | Where |", "|---|---|---|"]
            for item in data_items:
                where = markdown_text(location(item.path, item.line)) if item.path else ""
                if item.section:
                    where += f" ({markdown_text(item.section)})"
                if item.url:
                    where += f" {markdown_url(item.url)}"
                out.append(f"| {item.id} {markdown_text(item.title)} | {item.status} | {where.strip() or '—'} |")
            out.append("")
        if report.licenses:
            out += ["## Licences", "", "| File | Licence | Class |", "|---|---|---|"]
            out += [f"| {markdown_text(location(d.path, d.line))} | {markdown_text(d.id or d.name)} | "
                    f"{d.license_class} |" for d in report.licenses]
            out.append("")
            for d in report.licenses:
                if any(b.declaration is d for b in blockers):
                    continue
                for c in d.restrictions:
                    where = markdown_text(location(d.path, c.line_start, c.line_end))
                    out.append(f"- {c.code} **{c.kind}** at {where} (freedom to {c.freedom}, OSD {c.osd}): "
                               f"\"{markdown_text(c.text)}\"")
                for reason in d.reasons:
                    where = markdown_text(location(d.path, reason.line_start, reason.line_end))
                    out.append(f"- {reason.code} at {where}: {markdown_text(reason.text)}")
            out.append("")
        if report.findings:
            out += ["## Findings", ""]
            out += [f"- {f.code} ({f.level}) at {markdown_text(location(f.path, f.line))}: {markdown_text(f.message)}"
                    for f in report.findings]
            out.append("")
        return "\n".join(out).rstrip("\n") + "\n"


def _blockers(blockers: list[Blocker]) -> list[str]:
    """Each restricting licence once, with what it blocks and every clause under it."""
    if not blockers:
        return []
    out = ["## Blockers", ""]
    for b in blockers:
        d = b.declaration
        out += [f"### {markdown_text(d.name)} at {markdown_text(location(d.path, d.line))}", "",
                f"Blocks: {', '.join(b.requirements)}.", ""]
        for kind in b.kinds:
            out.append(f"- {kind.code} **{kind.kind}** (takes away the freedom to {kind.freedom}, OSD {kind.osd}):")
            out += [f"  - {markdown_text(location(d.path, c.line_start, c.line_end))}: \"{markdown_text(c.text)}\""
                    for c in kind.clauses]
        out += [f"- {r.code} at {markdown_text(location(d.path, r.line_start, r.line_end))}: {markdown_text(r.text)}"
                for r in d.reasons]
        out.append("")
    return out
