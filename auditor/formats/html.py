"""HTML: one self-contained page a lab can mail around, print, or open offline.

Inline CSS only: no script, font, stylesheet or image is loaded from anywhere, and no URL from the
release becomes a link (URLs are shown as text). Every string is passed through `printable` and
then HTML-escaped. Status is always spelt out beside its colour. The same report gives the same
bytes: no timestamp, and every list is in the report's own order.
"""

from __future__ import annotations

import html
import re
from typing import ClassVar

from auditor.escape import printable
from auditor.formats.interface import ReportFormat
from auditor.formats.todo import todo_groups
from auditor.formats.wording import VERDICT_TEXT, evidence_lines, location
from auditor.gate import waiver_gate_note
from auditor.licenses.interface import LicenseDeclaration
from auditor.report import STATUSES, Report, RequirementResult

PASSING_VERDICTS = ("open-source-ai", "mof-class-i")
PARTIAL_VERDICTS = ("mof-class-ii", "mof-class-iii")

STATUS_MEANING = {
    "satisfied": "present in the release, under terms the checklist accepts",
    "referenced": "published elsewhere and linked; not verified",
    "partial": "present but incomplete, or under an unknown or unsuitable licence",
    "missing": "no evidence in the release",
    "blocked": "present, but under terms that restrict use, study, modification or sharing",
}
ITEM_STATUS_CLASS = {"covered": "satisfied", "referenced": "referenced", "not-found": "missing"}
LEVEL_CLASS = {"error": "missing", "warning": "partial", "note": "neutral"}
WAIVER_STATUS_CLASS = {"active": "satisfied", "expired": "missing", "unused": "partial"}

CSS = """
:root { --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --soft: #f6f8fa;
  --satisfied: #1a7f37; --referenced: #0a58ca; --partial: #f2a900; --missing: #c62828; --blocked: #7a0010;
  --neutral: #6e7781; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0 auto; max-width: 1120px; padding: 24px 28px 48px; color: var(--ink); background: #fff;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans",
  "DejaVu Sans", sans-serif; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", "DejaVu Sans Mono",
  monospace; font-size: 0.9em; overflow-wrap: anywhere; }
h1, h2, h3 { line-height: 1.2; }
h2 { font-size: 1.35rem; margin: 2.2rem 0 0.6rem; padding-bottom: 0.3rem; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.08rem; margin: 1.4rem 0 0.5rem; }
a { color: var(--referenced); }
header.report { border: 1px solid var(--line); border-left: 10px solid var(--verdict); border-radius: 6px;
  padding: 18px 22px; background: var(--soft); }
header.report.pass { --verdict: var(--satisfied); }
header.report.partial { --verdict: var(--partial); }
header.report.fail { --verdict: var(--missing); }
.kicker { margin: 0; font-size: 0.8rem; letter-spacing: 0.08em; text-transform: uppercase; color: var(--muted); }
h1.verdict { margin: 4px 0 12px; font-size: 2.4rem; font-weight: 800; color: var(--verdict); }
header.report.partial h1.verdict { color: #8a5a00; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 0 0 14px; }
dl.facts dt { font-weight: 600; color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
ul.summary, ul.toc { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 8px; }
ul.toc { margin-top: 14px; font-size: 0.9rem; }
ul.toc li + li::before { content: "\\00b7"; margin-right: 8px; color: var(--muted); }
.badge { display: inline-block; min-width: 5.6em; padding: 1px 8px; border-radius: 999px; border: 1px solid;
  font-size: 0.8rem; font-weight: 700; text-align: center; white-space: nowrap; color: #fff;
  -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.badge.satisfied { background: var(--satisfied); border-color: var(--satisfied); }
.badge.referenced { background: var(--referenced); border-color: var(--referenced); }
.badge.partial { background: var(--partial); border-color: #b07a00; color: #1b1f24; }
.badge.missing { background: var(--missing); border-color: var(--missing); }
.badge.blocked { background: var(--blocked); border-color: var(--blocked); }
.badge.neutral { background: #fff; border-color: var(--neutral); color: var(--ink); }
.badge.waived { background: #fff; border: 1px dashed var(--ink); color: var(--ink); }
ul.summary .badge { font-size: 0.9rem; padding: 3px 12px; }
.badge.zero { background: #fff; border-color: var(--line); color: var(--muted); }
table { width: 100%; border-collapse: collapse; margin: 0.4rem 0 1rem; font-size: 0.92rem; }
caption { text-align: left; font-weight: 700; font-size: 1.05rem; padding: 0.6rem 0 0.4rem; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
thead th { background: var(--soft); border-bottom: 2px solid var(--line); font-size: 0.85rem; }
tbody th { font-weight: 600; }
table.matrix { table-layout: fixed; }
th.req { width: 15.5em; }
th.status { width: 7.5em; }
table.matrix tbody th code, td.nowrap, th.nowrap { white-space: nowrap; }
th.where { width: 13em; }
th.lines { width: 10em; }
th.kind { width: 13em; }
tbody th.where, tbody th.lines { font-weight: 400; }
.nowrap { white-space: nowrap; }
.req-title, .small { display: block; color: var(--muted); font-weight: 400; font-size: 0.85rem; }
ul.lines { margin: 0; padding-left: 1.1em; }
ul.lines li { margin: 0 0 2px; overflow-wrap: anywhere; }
ul.lines li.reason { list-style: none; margin-left: -1.1em; color: #8c1d18; }
ul.lines li.reason::before { content: "! "; font-weight: 700; }
ul.lines li.licence { color: var(--muted); }
.waiver-note { margin-top: 4px; font-size: 0.85rem; }
dl.legend { display: grid; grid-template-columns: max-content 1fr; gap: 4px 12px; margin: 0 0 1rem;
  font-size: 0.88rem; }
dl.legend dd { margin: 0; color: var(--muted); }
.blocker { border: 1px solid var(--line); border-left: 6px solid var(--blocked); border-radius: 6px;
  padding: 4px 16px 8px; margin: 0 0 1rem; }
.blocker h3 { margin-top: 0.8rem; }
blockquote { margin: 0; padding-left: 10px; border-left: 3px solid var(--line); }
ol.todo li { margin: 0 0 8px; }
.muted { color: var(--muted); }
footer { margin-top: 3rem; padding-top: 0.8rem; border-top: 1px solid var(--line); color: var(--muted);
  font-size: 0.85rem; }
@media (max-width: 700px) { body { padding: 12px; } h1.verdict { font-size: 1.8rem; } }
@page { margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  ul.toc { display: none; }
  header.report { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  tr, .blocker, li { break-inside: avoid; }
  h2, h3, caption { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""


def _e(value: object) -> str:
    """A string from the report (and so maybe from the release), safe in text and attributes."""
    return html.escape(printable(str(value)), quote=True)


_URL = re.compile(r"https?://[A-Za-z0-9\-._~:/?#\[\]@!$&()*+,;=%]+")
"""An http(s) URL of the characters RFC 3986 allows (no quote, no backslash, no control character)."""


def _linked(value: object) -> str:
    """`_e`, with every http(s) URL in it a link (nothing else is: no `javascript:`, no `data:`),
    opened without handing the report page to the site."""
    text = printable(str(value))
    out, position = [], 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;:!?)]")
        out.append(html.escape(text[position:match.start()], quote=True))
        out.append(f'<a href="{html.escape(url, quote=True)}" rel="noopener noreferrer nofollow">'
                   f"{html.escape(url, quote=True)}</a>")
        position = match.start() + len(url)
    out.append(html.escape(text[position:], quote=True))
    return "".join(out)


def _badge(status: str, css_class: str | None = None) -> str:
    return f'<span class="badge {css_class or status}">{_e(status)}</span>'


def _where(path: str | None, line: int | None = None, line_end: int | None = None) -> str:
    """A place in the release, which may break after a slash when its column is narrow."""
    return f"<code>{_e(location(path, line, line_end)).replace('/', '/<wbr>')}</code>"


def _class(css_class: str) -> str:
    return f' class="{css_class}"' if css_class else ""


def _lines(start: int, end: int) -> str:
    return f"{start}" if start == end else f"{start}-{end}"


def _table(caption: str | None, headers: list[str], rows: list[list[str]], *, row_header: bool = True,
           classes: list[str] | None = None, table_class: str = "") -> list[str]:
    """A table with column headers (scope=col) and, by default, the first cell as a row header."""
    out = [f"<table{_class(table_class)}>"]
    if caption:
        out.append(f"<caption>{caption}</caption>")
    cols = classes or [""] * len(headers)
    heads = "".join(f'<th scope="col"{_class(c)}>{h}</th>' for h, c in zip(headers, cols, strict=True))
    out.append(f"<thead><tr>{heads}</tr></thead>")
    out.append("<tbody>")
    for row in rows:
        cells = []
        for index, (cell, c) in enumerate(zip(row, cols, strict=True)):
            attr = _class(c)
            if index == 0 and row_header:
                cells.append(f'<th scope="row"{attr}>{cell}</th>')
            else:
                cells.append(f"<td{attr}>{cell}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return out


class HtmlFormat(ReportFormat):
    name: ClassVar[str] = "html"

    def render(self, report: Report, *, color: bool = False, width: int = 80) -> str:
        verdict = VERDICT_TEXT.get(report.verdict, report.verdict)
        sections = [
            ("requirements", "Requirements", _requirements(report)),
            ("blockers", "Blockers", _blockers(report)),
            ("data-information-items", "Data information items", _data_items(report)),
            ("todo", "What to do", _todo(report)),
            ("waivers", "Waivers", _waivers(report)),
            ("licences", "Licences", _licences(report)),
            ("findings", "Findings", _findings(report)),
        ]
        shown = [(anchor, title, body) for anchor, title, body in sections if body]
        out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
               '<meta name="viewport" content="width=device-width, initial-scale=1">',
               '<meta name="color-scheme" content="light">',
               f'<meta name="generator" content="osaid-audit {_e(report.tool_version)}">',
               f"<title>OSAID audit: {_e(report.target.location)} \u2014 {_e(verdict)}</title>",
               f"<style>{CSS}</style>", "</head>", "<body>"]
        out += _header(report, verdict, [(anchor, title) for anchor, title, _ in shown],
                       waiver_gate_note(report, self.fail_on))
        out.append("<main>")
        for anchor, title, body in shown:
            out.append(f'<section id="{anchor}" aria-labelledby="{anchor}-title">')
            out.append(f'<h2 id="{anchor}-title">{_e(title)}</h2>')
            out += body
            out.append("</section>")
        out.append("</main>")
        out.append(f"<footer><p>Generated by osaid-audit {_e(report.tool_version)} with the checklist "
                   f"{_e(report.checklist.id)} ({_e(report.checklist.title)}, version "
                   f"{_e(report.checklist.version)}); report schema {_e(report.schema_version)}. "
                   "The statuses and their evidence come from reading the release itself; "
                   "nothing in it was executed.</p></footer>")
        out += ["</body>", "</html>"]
        return "\n".join(out) + "\n"


def _header(report: Report, verdict: str, toc: list[tuple[str, str]], waived: str | None) -> list[str]:
    tone = ("pass" if report.verdict in PASSING_VERDICTS
            else "partial" if report.verdict in PARTIAL_VERDICTS else "fail")
    target = report.target
    facts = [("Target", f"<code>{_e(target.location)}</code> <span class=\"muted\">({_e(target.kind)})</span>")]
    if target.revision:
        facts.append(("Revision", f"<code>{_e(target.revision)}</code>"))
    if target.commit:
        facts.append(("Commit", f"<code>{_e(target.commit)}</code>"))
    facts += [
        ("Checklist", f"<code>{_e(report.checklist.id)}</code> \u2014 {_e(report.checklist.title)} "
                      f"(version {_e(report.checklist.version)})"),
        ("Open weights", "yes" if report.open_weights else "no"),
        ("MOF class", _e(report.mof_class)),
    ]
    out = [f'<header class="report {tone}">', '<p class="kicker">OSAID audit report \u00b7 verdict</p>',
           f'<h1 class="verdict">{_e(verdict)}</h1>', '<dl class="facts">']
    out += [f"<dt>{name}</dt><dd>{value}</dd>" for name, value in facts]
    out.append("</dl>")
    out.append('<ul class="summary" aria-label="Requirements by status">')
    for status, count in report.summary.items():
        zero = " zero" if count == 0 else ""
        out.append(f'<li><span class="badge {status}{zero}">{count} {_e(status)}</span></li>')
    out.append("</ul>")
    if waived:
        out.append(f'<p class="waiver-note"><strong>Note:</strong> {_e(waived)}.</p>')
    out.append('<nav aria-label="Contents"><ul class="toc">')
    out += [f'<li><a href="#{anchor}">{_e(title)}</a></li>' for anchor, title in toc]
    out += ["</ul></nav>", "</header>"]
    return out


def _evidence_cell(r: RequirementResult) -> str:
    items = []
    for line in evidence_lines(r):
        if line.startswith("! "):
            items.append(f'<li class="reason">{_linked(line[2:])}</li>')
        elif line.startswith("licence: "):
            items.append(f'<li class="licence">{_linked(line)}</li>')
        else:
            items.append(f"<li>{_linked(line)}</li>")
    cell = f'<ul class="lines">{"".join(items)}</ul>' if items else '<span class="muted">no evidence</span>'
    if r.waiver:
        cell += f'<div class="waiver-note">{_badge("waived", "waived")} {_e(r.waiver)}</div>'
    return cell


def _requirements(report: Report) -> list[str]:
    out = ['<dl class="legend">']
    out += [f"<dt>{_badge(status)}</dt><dd>{_e(STATUS_MEANING[status])}</dd>" for status in STATUSES]
    out.append("</dl>")
    grouped = {group_id for group_id, _ in report.checklist.groups}
    groups = list(report.checklist.groups)
    ungrouped = [r for r in report.requirements if r.group not in grouped]
    if ungrouped:
        groups.append(("", "Other"))
    for group_id, group_title in groups:
        rows_of = [r for r in report.requirements if (r.group == group_id if group_id else r.group not in grouped)]
        if not rows_of:
            continue
        rows = []
        for r in rows_of:
            name = f"<code>{_e(r.id)}</code>"
            if not r.required:
                name += ' <span class="muted">(optional)</span>'
            name += f'<span class="req-title">{_e(r.title)}</span>'
            status = _badge(r.status) + (f" {_badge('waived', 'waived')}" if r.waiver else "")
            rows.append([name, status, _evidence_cell(r)])
        out += _table(_e(group_title), ["Requirement", "Status", "Evidence and reasons"], rows,
                      classes=["req", "status", ""], table_class="matrix")
    return out


def _restricted(r: RequirementResult) -> list[LicenseDeclaration]:
    if r.license is None:
        return []
    return [d for d in r.license.declarations if d.license_class == "restricted" or d.restrictions]


def _blockers(report: Report) -> list[str]:
    """Blocked requirements, those blocked by the same licences together, with every cited clause."""
    blocked = [r for r in report.requirements if r.status == "blocked"]
    if not blocked:
        return []
    groups: dict[tuple[tuple[str, int | None, str | None], ...], list[RequirementResult]] = {}
    for r in blocked:
        key = tuple((d.path, d.line, d.id) for d in _restricted(r))
        groups.setdefault(key, []).append(r)
    out = [f"<p>{len(blocked)} requirement{'s' if len(blocked) != 1 else ''} "
           "cannot pass while these terms apply: each clause below takes away one of the four freedoms "
           "(use, study, modify, share).</p>"]
    for requirements in groups.values():
        declarations = _restricted(requirements[0])
        ids = ", ".join(f"<code>{_e(r.id)}</code>" for r in requirements)
        out.append('<div class="blocker">')
        out.append(f"<h3>{_badge('blocked')} {ids}</h3>")
        if not declarations:
            reasons = [reason for r in requirements for reason in r.reasons]
            out.append('<ul class="lines">' + "".join(
                f'<li class="reason">{_e(reason.message)}</li>' for reason in reasons) + "</ul>")
        for d in declarations:
            title = _e(d.name) + (f" (<code>{_e(d.id)}</code>)" if d.id and d.id != d.name else "")
            out.append(f"<p>{_where(d.path, d.line)} {title} \u2014 class <strong>{_e(d.license_class)}</strong></p>")
            if not d.restrictions:
                out.append('<p class="muted">No restrictive clause was cited, but this is not a known open '
                           "licence.</p>")
                continue
            rows = [[_where(d.path, c.line_start, c.line_end),
                     f"<strong>{_e(c.kind)}</strong><span class=\"small\">{_e(c.code)}</span>",
                     f"<blockquote>\u201c{_e(c.text)}\u201d</blockquote>",
                     _e(c.freedom), _e(c.osd)] for c in d.restrictions]
            out += _table(None, ["Lines", "Kind", "Clause", "Freedom taken away", "OSD"], rows,
                          classes=["lines", "kind", "", "", ""])
        out.append("</div>")
    return out


def _data_items(report: Report) -> list[str]:
    rows = []
    for r in report.requirements:
        for item in r.items:
            where = []
            if item.path:
                where.append(_where(item.path, item.line))
            if item.section:
                where.append(f"section \u201c{_e(item.section)}\u201d")
            if item.url:
                where.append(f"<code>{_e(item.url)}</code>")
            rows.append([f'<code class="nowrap">{_e(item.id)}</code>', _e(item.title),
                         _badge(item.status, ITEM_STATUS_CLASS.get(item.status, "neutral")),
                         " ".join(where) or '<span class="muted">not found in any document</span>'])
    if not rows:
        return []
    return _table(None, ["Item", "What OSAID asks for", "Status", "Where covered"], rows,
                  classes=["", "", "status", ""])


def _todo(report: Report) -> list[str]:
    groups = todo_groups(report)
    if not groups:
        return ['<p>Nothing to do: every requirement is satisfied or referenced.</p>']
    out = []
    for group in groups:
        out += [f"<h3>{_e(group.title)}</h3>", '<ol class="todo">']
        for t in group.items:
            names = ", ".join(f"<code>{_e(name)}</code>" for name in t.requirements)
            out.append(f"<li>{names} {_badge(t.status)} {_e(t.action)}</li>")
        out.append("</ol>")
    return out


def _waivers(report: Report) -> list[str]:
    if not report.waivers:
        return []
    rows = [[f"<code>{_e(w.id)}</code>", _badge(w.status, WAIVER_STATUS_CLASS.get(w.status, "neutral")),
             _e(w.reason), _e(w.approved_by), _e(w.expires), _where(w.path, w.line)] for w in report.waivers]
    return _table(None, ["Waives", "Status", "Reason", "Approved by", "Expires", "Declared at"], rows,
                  classes=["", "status", "", "", "nowrap", "where"])


def _licences(report: Report) -> list[str]:
    if not report.licenses:
        return ["<p>No licence was found in the release.</p>"]
    rows = []
    for d in report.licenses:
        name = _e(d.name) + (f'<span class="small"><code>{_e(d.id)}</code></span>' if d.id and d.id != d.name else "")
        match = f"{d.match:.0%}" if d.match is not None else "\u2014"
        clauses = ", ".join(f'<span class="nowrap">{_e(c.kind)} ({_lines(c.line_start, c.line_end)})</span>'
                            for c in d.restrictions) or "\u2014"
        cls = {"osi-approved": "satisfied", "open-data": "satisfied", "open-content": "satisfied",
               "restricted": "blocked", "unknown": "partial"}.get(d.license_class, "neutral")
        rows.append([_where(d.path, d.line), name, _badge(d.license_class, cls), _e(d.origin), match, clauses])
    return _table(None, ["File", "Licence", "Class", "Found as", "Match", "Restrictive clauses (lines)"], rows,
                  classes=["where", "", "status", "nowrap", "", ""])


def _findings(report: Report) -> list[str]:
    if not report.findings:
        return ["<p>No findings.</p>"]
    rows = []
    for f in report.findings:
        message = _e(f.message)
        if f.waiver:
            message += f'<div class="waiver-note">{_badge("waived", "waived")} {_e(f.waiver)}</div>'
        rows.append([_where(f.path, f.line, f.line_end), f"<code>{_e(f.code)}</code>",
                     _badge(f.level, LEVEL_CLASS.get(f.level, "neutral")), message])
    return _table(None, ["Where", "Code", "Level", "Message"], rows, classes=["where", "nowrap", "status", ""])
