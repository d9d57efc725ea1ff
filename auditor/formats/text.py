"""Text: the terminal report. Verdict first, then one table per OSAID element, then what to do.

Fits 80 columns; colour only when asked (the CLI asks on a TTY). Every string from the release is
passed through `printable` and reaches rich as a `Text`, on a console that parses no markup and no
emoji codes: `[link=...]` in a file name is shown, not followed, and the only escape sequences in the
output are the colours this module asks for.
"""

from __future__ import annotations

import io
import re
from typing import ClassVar

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from auditor.escape import printable
from auditor.formats.interface import ReportFormat
from auditor.formats.wording import (
    STATUS_STYLE,
    VERDICT_TEXT,
    evidence_lines,
    location,
    todo_items,
)
from auditor.gate import waiver_gate_note
from auditor.report import Report

_SGR = re.compile(r"\x1b\[[0-9;]*m")
_TRAILING_BLANKS = re.compile(rf"(?:[ ]|{_SGR.pattern})+$")

class TextFormat(ReportFormat):
    name: ClassVar[str] = "text"

    def render(self, report: Report, *, color: bool = False, width: int = 80) -> str:
        buffer = io.StringIO()
        console = Console(file=buffer, width=width, force_terminal=color, no_color=not color,
                          color_system="standard" if color else None, highlight=False, emoji=False,
                          markup=False)
        verdict_style = "bold green" if report.verdict in ("open-source-ai", "mof-class-i") else "bold red"
        console.print(Text.assemble(("Verdict: ", "bold"), (VERDICT_TEXT.get(report.verdict, report.verdict),
                                                             verdict_style)))
        console.print(Text(f"Target: {printable(report.target.location)}  ·  checklist {report.checklist.id}"))
        console.print(Text(f"Open weights: {'yes' if report.open_weights else 'no'}  ·  "
                           f"MOF class reached: {report.mof_class}"))
        console.print(Text("  ·  ".join(f"{count} {status}" for status, count in report.summary.items())))
        waived = waiver_gate_note(report, self.fail_on)
        if waived:
            console.print(Text(f"Note: {printable(waived)}.", style="bold yellow"))
        for group_id, group_title in report.checklist.groups:
            rows = [r for r in report.requirements if r.group == group_id]
            if not rows:
                continue
            table = Table(title=Text(printable(group_title), style="bold"), title_justify="left",
                          box=box.SIMPLE_HEAD, expand=True, show_edge=False, pad_edge=False)
            table.add_column("Requirement", no_wrap=True, min_width=14, max_width=26)
            table.add_column("Status", no_wrap=True, width=10)
            table.add_column("Evidence and reasons", ratio=1, overflow="fold")
            for r in rows:
                name = r.id + ("" if r.required else " (optional)")
                table.add_row(Text(name), Text(r.status, style=STATUS_STYLE[r.status]),
                              Text("\n".join(evidence_lines(r, self.verbose))))
            console.print()
            console.print(table)
        if report.licenses:
            console.print()
            console.print(Text("Licences", style="bold"))
            rows = _grid()
            for d in report.licenses:
                rows.add_row(Text(location(d.path, d.line)),
                             Text(f"{printable(d.id or d.name)} [{d.license_class}]"))
                for c in d.restrictions:
                    rows.add_row(Text(), Text(f"{location(d.path, c.line_start, c.line_end)} {c.code} {c.kind}: "
                                              f"\"{printable(c.text)}\""))
                for reason in d.reasons:
                    rows.add_row(Text(), Text(f"{location(d.path, reason.line_start, reason.line_end)} {reason.code}: "
                                              f"{printable(reason.text)}"))
            console.print(rows)
        todo = todo_items(report)
        if todo:
            console.print()
            console.print(Text("What to do", style="bold"))
            steps = _grid()
            for number, t in enumerate(todo, start=1):
                steps.add_row(Text(f"{number}."), Text(f"{t.requirement}: [{t.status}] {t.action}"))
            console.print(steps)
        artifact_findings = [f for f in report.findings if f.code.startswith("OSAID-A")]
        if artifact_findings:
            console.print()
            console.print(Text(f"Artifact findings ({len(artifact_findings)})", style="bold"))
            rows = _grid()
            for f in artifact_findings:
                rows.add_row(Text(location(f.path, f.line)), Text(f"{f.code} {printable(f.message)}"))
            console.print(rows)
        return "".join(_without_trailing_blanks(line) + "\n" for line in buffer.getvalue().splitlines())


def _without_trailing_blanks(line: str) -> str:
    """Rich pads table cells to the full width; trailing blanks only get in the way of diffs. Blanks inside
    a trailing colour go too (the colour codes stay), so that the lines are the same with colour or without."""
    return _TRAILING_BLANKS.sub(lambda blanks: "".join(_SGR.findall(blanks.group())), line)


def _grid() -> Table:
    """Two columns with a hanging indent: wrapped text stays under its own column."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=False, max_width=34, overflow="fold")
    grid.add_column(ratio=1, overflow="fold")
    return grid
