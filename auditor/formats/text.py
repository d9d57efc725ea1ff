"""Text: the terminal report. Verdict first, then one table per OSAID element, then what to do.

Fits 80 columns; colour only when asked (the CLI asks on a TTY). Every name from the release is
escaped before it reaches the terminal.
"""

from __future__ import annotations

import io
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
from auditor.report import Report


class TextFormat(ReportFormat):
    name: ClassVar[str] = "text"

    def render(self, report: Report, *, color: bool = False, width: int = 80) -> str:
        buffer = io.StringIO()
        console = Console(file=buffer, width=width, force_terminal=color, no_color=not color,
                          color_system="standard" if color else None, highlight=False, emoji=False)
        verdict_style = "bold green" if report.verdict in ("open-source-ai", "mof-class-i") else "bold red"
        console.print(Text.assemble(("Verdict: ", "bold"), (VERDICT_TEXT.get(report.verdict, report.verdict),
                                                             verdict_style)))
        console.print(f"Target: {printable(report.target.location)}  ·  checklist {report.checklist.id}")
        console.print(f"Open weights: {'yes' if report.open_weights else 'no'}  ·  "
                      f"MOF class reached: {report.mof_class}")
        console.print("  ·  ".join(f"{count} {status}" for status, count in report.summary.items()))
        for group_id, group_title in report.checklist.groups:
            rows = [r for r in report.requirements if r.group == group_id]
            if not rows:
                continue
            table = Table(title=group_title, title_justify="left", title_style="bold", box=box.SIMPLE_HEAD,
                          expand=True, show_edge=False, pad_edge=False)
            table.add_column("Requirement", no_wrap=True, min_width=14, max_width=26)
            table.add_column("Status", no_wrap=True, width=10)
            table.add_column("Evidence and reasons", ratio=1, overflow="fold")
            for r in rows:
                name = r.id + ("" if r.required else " (optional)")
                table.add_row(name, Text(r.status, style=STATUS_STYLE[r.status]), "\n".join(evidence_lines(r)))
            console.print()
            console.print(table)
        if report.licenses:
            console.print()
            console.print(Text("Licences", style="bold"))
            rows = _grid()
            for d in report.licenses:
                rows.add_row(f"{location(d.path, d.line)}", Text(f"{d.id or d.name} [{d.license_class}]"))
                for c in d.restrictions:
                    rows.add_row("", Text(f"{location(d.path, c.line_start, c.line_end)} {c.code} {c.kind}: "
                                          f"\"{c.text}\""))
            console.print(rows)
        todo = todo_items(report)
        if todo:
            console.print()
            console.print(Text("What to do", style="bold"))
            steps = _grid()
            for number, (requirement, action) in enumerate(todo, start=1):
                steps.add_row(f"{number}.", Text(f"{requirement}: {action}"))
            console.print(steps)
        artifact_findings = [f for f in report.findings if f.code.startswith("OSAID-A")]
        if artifact_findings:
            console.print()
            console.print(Text(f"Artifact findings ({len(artifact_findings)})", style="bold"))
            rows = _grid()
            for f in artifact_findings:
                rows.add_row(location(f.path, f.line), Text(f"{f.code} {printable(f.message)}"))
            console.print(rows)
        # Rich pads table cells to the full width; trailing blanks only get in the way of diffs.
        return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


def _grid() -> Table:
    """Two columns with a hanging indent: wrapped text stays under its own column."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=False, max_width=34, overflow="fold")
    grid.add_column(ratio=1, overflow="fold")
    return grid
