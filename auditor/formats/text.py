"""Text: the terminal report. Verdict first, then the licences that block (each once), one section per
OSAID element, the licences, and what to do grouped by cause.

Lines are wrapped at spaces only (`text_layout`): a path with its line, a URL or a hash is never cut,
and long URLs are shortened (JSON and HTML keep them whole). Terms such as MOF or DI-1a are explained in
one line where they first appear (`glossary`). Colour only when asked (the CLI asks on a TTY). Every
string from the release is passed through `printable` and reaches rich as a `Text`, on a console that
parses no markup and no emoji codes and wraps nothing itself: `[link=...]` in a file name is shown, not
followed, and the only escape sequences in the output are the colours this module asks for.
"""

from __future__ import annotations

import io
from typing import ClassVar

from rich.console import Console
from rich.text import Text

from auditor.escape import printable
from auditor.findings import finding_code
from auditor.formats.blockers import Blocker, ClauseKind, clause_kinds, licence_blockers
from auditor.formats.glossary import Glossary
from auditor.formats.interface import ReportFormat
from auditor.formats.text_layout import clipped, line_ranges, shorten_urls, wrap
from auditor.formats.todo import todo_groups
from auditor.formats.wording import STATUS_STYLE, VERDICT_TEXT, evidence_lines, location
from auditor.gate import waiver_gate_note
from auditor.report import Report

QUOTE_LIMIT = 160
"""Characters of a clause quoted under Blockers; `-v` quotes every clause whole."""
_STATUS_WIDTH = 11


class _Page:
    """The report's lines, each with its style; wrapping and glossary lines happen as they are added."""

    def __init__(self, width: int, glossary: Glossary) -> None:
        self.width = width
        self.glossary = glossary
        self.lines: list[Text] = []

    def add(self, text: str, indent: int = 0, hanging: int | None = None, style: str = "") -> None:
        text = shorten_urls(text)
        hanging = indent if hanging is None else hanging
        self.lines += [Text(line, style=style) for line in wrap(text, self.width, indent, hanging)]
        self._explain(text, hanging + 2)

    def add_styled(self, *parts: tuple[str, str]) -> None:
        """A short line in several styles (a status and a name), never wrapped."""
        self.lines.append(Text.assemble(*parts))
        self._explain("".join(part for part, _ in parts), 2)

    def _explain(self, text: str, indent: int) -> None:
        for explanation in self.glossary.explain(text):
            self.lines += [Text(line, style="dim") for line in wrap(explanation, self.width, indent)]

    def title(self, text: str) -> None:
        self.lines += [Text(), Text(text, style="bold")]


class TextFormat(ReportFormat):
    name: ClassVar[str] = "text"

    def render(self, report: Report, *, color: bool = False, width: int = 80) -> str:
        page = _Page(width, Glossary(report))
        verdict_style = "bold green" if report.verdict in ("open-source-ai", "mof-class-i") else "bold red"
        page.add_styled(("Verdict: ", "bold"), (VERDICT_TEXT.get(report.verdict, report.verdict), verdict_style))
        page.add(f"Target: {printable(report.target.location)}  ·  checklist {report.checklist.id}")
        page.add(f"Open weights: {'yes' if report.open_weights else 'no'}  ·  MOF class reached: {report.mof_class}")
        page.add("  ·  ".join(f"{count} {status}" for status, count in report.summary.items()))
        waived = waiver_gate_note(report, self.fail_on)
        if waived:
            page.add(f"Note: {printable(waived)}.", style="bold yellow")
        blockers = licence_blockers(report)
        self._blockers(page, blockers)
        self._requirements(page, report, bool(blockers))
        self._licences(page, report, blockers)
        self._todo(page, report)
        artifact_findings = [f for f in report.findings if f.code.startswith("OSAID-A")]
        if artifact_findings:
            page.title(f"Artifact findings ({len(artifact_findings)})")
            for f in artifact_findings:
                page.add(f"{location(f.path, f.line)}: {f.code} {printable(f.message)}", indent=2, hanging=4)
        buffer = io.StringIO()
        console = Console(file=buffer, width=max(width, 1000), force_terminal=color, no_color=not color,
                          color_system="standard" if color else None, highlight=False, emoji=False,
                          markup=False)
        for line in page.lines:
            console.print(line, soft_wrap=True)
        return "".join(line.rstrip(" ") + "\n" for line in buffer.getvalue().splitlines())

    def _blockers(self, page: _Page, blockers: list[Blocker]) -> None:
        if not blockers:
            return
        blocked = {r for b in blockers for r in b.requirements}
        page.title(f"Blockers: {_count(len(blockers), 'licence')} "
                   f"restrict{'' if len(blockers) > 1 else 's'} the terms of {_count(len(blocked), 'requirement')}")
        for b in blockers:
            d = b.declaration
            page.add(f"{printable(d.name)}" + (f" ({printable(d.id)})" if d.id and d.id != d.name else "")
                     + f" [{d.license_class}] at {location(d.path, d.line)}", indent=2, hanging=4, style="bold")
            page.add(f"blocks: {', '.join(b.requirements)}", indent=4, hanging=6)
            shown: set[tuple[int, int, str]] = set()  # one clause may be of two kinds: quoted once
            for kind in b.kinds:
                count = len(kind.clauses)
                page.add(f"- {kind.kind} ({kind.code}), {_lines_phrase(kind)}"
                         + (f", {count} clauses" if count > 1 else "")
                         + f": {finding_code(kind.code).summary} It takes away the freedom to {kind.freedom} "
                           f"(OSD {kind.osd}).", indent=4, hanging=6)
                quoted = kind.clauses if self.verbose else kind.clauses[:1]
                for clause in quoted:
                    where = location(d.path, clause.line_start, clause.line_end)
                    if (clause.line_start, clause.line_end, clause.text) in shown:
                        page.add(f"{where} (quoted above)", indent=6)
                        continue
                    shown.add((clause.line_start, clause.line_end, clause.text))
                    text = printable(clause.text) if self.verbose else clipped(printable(clause.text), QUOTE_LIMIT)
                    page.add(f"{where} \u201c{text}\u201d", indent=6, hanging=8)
                if len(quoted) < count:
                    page.add(f"... and {count - len(quoted)} more {kind.kind} "
                             f"clause{'s' if count - len(quoted) > 1 else ''} (-v quotes every one)",
                             indent=6, style="dim")
            for reason in d.reasons:
                page.add(f"- {reason.code} at {location(d.path, reason.line_start, reason.line_end)}: "
                         f"{printable(reason.text)}", indent=4, hanging=6)

    def _requirements(self, page: _Page, report: Report, blockers_listed: bool) -> None:
        for group_id, group_title in report.checklist.groups:
            rows = [r for r in report.requirements if r.group == group_id]
            if not rows:
                continue
            page.title(printable(group_title))
            for r in rows:
                page.add_styled(("  ", ""), (f"{r.status:<{_STATUS_WIDTH - 2}}", STATUS_STYLE[r.status]),
                                (" " + r.id + ("" if r.required else " (optional)"), "bold"))
                for line in evidence_lines(r, self.verbose, blockers_listed=blockers_listed):
                    page.add(line, indent=_STATUS_WIDTH + 1, hanging=_STATUS_WIDTH + 3)

    def _licences(self, page: _Page, report: Report, blockers: list[Blocker]) -> None:
        if not report.licenses:
            return
        page.title("Licences")
        in_blockers = {id(b.declaration) for b in blockers}
        for d in report.licenses:
            page.add(f"{location(d.path, d.line)}  {printable(d.id or d.name)} [{d.license_class}]"
                     + ("  (see Blockers)" if id(d) in in_blockers else ""), indent=2, hanging=4)
            if id(d) not in in_blockers and d.restrictions:
                page.add("clauses: " + ", ".join(f"{k.kind} ({_lines_phrase(k)})" for k in clause_kinds(d)),
                         indent=4, hanging=6)
            for reason in () if id(d) in in_blockers else d.reasons:
                page.add(f"{location(d.path, reason.line_start, reason.line_end)} {reason.code}: "
                         f"{printable(reason.text)}", indent=4, hanging=6)

    def _todo(self, page: _Page, report: Report) -> None:
        groups = todo_groups(report)
        if not groups:
            return
        page.title("What to do")
        number = 0
        for group in groups:
            page.add(group.title, indent=2, style="bold")
            for item in group.items:
                number += 1
                page.add(f"{number}. {', '.join(item.requirements)} [{item.status}]: {item.action}",
                         indent=4, hanging=7)


def _lines_phrase(kind: ClauseKind) -> str:
    """`line 9`, `lines 3, 6, 8-21`: where a kind's clauses start."""
    lines = line_ranges(kind.lines)
    return f"line{'s' if ',' in lines or '-' in lines else ''} {lines}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
