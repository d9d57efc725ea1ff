"""The census as one HTML page: counts with inline SVG charts, the commonest blockers, and a table of
targets that sorts by any column when its header is clicked.

The page loads nothing: its style and its one script are inline, and its Content-Security-Policy
allows only that script (by its hash), so nothing a release wrote can run. Each target links to its
JSON report (written beside the page, when there is one) and a Hub target to its page on the Hub.
"""

from __future__ import annotations

import base64
import hashlib
import html
from urllib.parse import quote

from auditor import __version__
from auditor.errors import BadTargetError
from auditor.escape import printable
from auditor.fleet.census import Census, CensusRow
from auditor.fleet.census_formats import count_tables
from auditor.fleet.svg_charts import bar_chart
from auditor.sources.hub_target import is_hub_target, parse_hub_target

CSS = """
body { margin: 0 auto; max-width: 1200px; padding: 24px; color: #1b1f24;
  font: 15px/1.45 system-ui, "Segoe UI", Roboto, Arial, "DejaVu Sans", sans-serif; }
h2 { border-bottom: 2px solid #d0d7de; padding-bottom: 4px; margin-top: 2rem; }
.counts { display: flex; flex-wrap: wrap; gap: 24px; }
.counts section { flex: 1 1 520px; }
table { width: 100%; border-collapse: collapse; font-size: 0.9rem; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid #d0d7de;
  overflow-wrap: anywhere; }
thead th { background: #f6f8fa; cursor: pointer; user-select: none; white-space: nowrap; }
thead th[aria-sort="ascending"]::after { content: " \\25b2"; }
thead th[aria-sort="descending"]::after { content: " \\25bc"; }
td.num { text-align: right; }
.error { color: #c62828; }
@media print { thead th { cursor: auto; } a { color: inherit; text-decoration: none; } }
"""
SORT_SCRIPT = """
for (const table of document.querySelectorAll("table.sortable")) {
  const headers = Array.from(table.tHead.rows[0].cells);
  headers.forEach((header, column) => header.addEventListener("click", () => {
    const ascending = header.getAttribute("aria-sort") !== "ascending";
    headers.forEach(h => h.removeAttribute("aria-sort"));
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    const body = table.tBodies[0];
    const key = row => row.cells[column].dataset.sort ?? row.cells[column].textContent;
    const rows = Array.from(body.rows).sort((a, b) => {
      const x = key(a), y = key(b), nx = Number(x), ny = Number(y);
      const order = x !== "" && y !== "" && !isNaN(nx) && !isNaN(ny) ? nx - ny : x.localeCompare(y);
      return ascending ? order : -order;
    });
    body.append(...rows);
  }));
}
"""
_SCRIPT_HASH = base64.b64encode(hashlib.sha256(SORT_SCRIPT.encode()).digest()).decode()
CSP = f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-{_SCRIPT_HASH}'"


def census_html(census: Census, report_links: dict[int, str] | None = None,
                hub: str = "https://huggingface.co") -> str:
    """The page; `report_links` maps an audit id to the relative path of its JSON report, and Hub
    targets link to their page on `hub` (the endpoint they were audited on)."""
    links = report_links or {}
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f'<meta name="generator" content="osaid-audit {_e(__version__)}">',
           "<title>Open Source AI census</title>", f"<style>{CSS}</style>", "</head>", "<body>",
           "<h1>Open Source AI census</h1>",
           f'<p><strong id="target-count">{census.targets}</strong> targets, each at its newest audit.</p>',
           '<div class="counts">']
    for title, counts in count_tables(census):
        if counts:
            out += [f'<section><h2>{_e(title)}</h2>', bar_chart(title, counts),
                    _count_table(title, counts), "</section>"]
    out += ["</div>", "<h2>Targets</h2>", '<table class="sortable" id="targets">', "<thead><tr>",
            *(f'<th scope="col">{h}</th>' for h in ("Target", "Verdict", "MOF class", "Blocked", "Missing",
                                                    "Partial", "Restricted licences", "Report")),
            "</tr></thead>", "<tbody>"]
    hub_page = hub.rstrip("/") + "/" if hub.lower().startswith(("https://", "http://")) else None
    out += [_target_row(row, links.get(row.audit_id), hub_page) for row in census.rows]
    out += ["</tbody></table>", f"<footer><p>osaid-audit {_e(__version__)}</p></footer>",
            f"<script>{SORT_SCRIPT}</script>", "</body></html>"]
    return "\n".join(out) + "\n"


def _count_table(title: str, counts: tuple[tuple[str, int], ...]) -> str:
    rows = "".join(f'<tr><td>{_e(name)}</td><td class="num">{count}</td></tr>' for name, count in counts)
    return (f'<table class="sortable counts-table" data-title="{_e(title)}"><thead><tr><th scope="col">'
            f'{_e(title.split()[-1].capitalize())}</th><th scope="col">Targets</th></tr></thead>'
            f"<tbody>{rows}</tbody></table>")


def _target_row(row: CensusRow, report: str | None, hub_page: str | None) -> str:
    verdict = f'<span class="error">error: {_e(row.error)}</span>' if row.error else _e(row.verdict)
    cells = [_target_cell(row.target, hub_page), verdict, _e(row.mof_class or ""),
             *(_requirements(row, status) for status in ("blocked", "missing", "partial")),
             _e(" ".join(row.restricted_licences)),
             f'<a href="{_e(quote(report))}">JSON</a>' if report else ""]
    counts = [str(sum(1 for _, s in row.failing if s == status)) for status in ("blocked", "missing", "partial")]
    sort_keys = [None, None, None, *counts, None, None]
    return "<tr>" + "".join(f'<td data-sort="{key}">{cell}</td>' if key is not None else f"<td>{cell}</td>"
                            for cell, key in zip(cells, sort_keys, strict=True)) + "</tr>"


def _requirements(row: CensusRow, status: str) -> str:
    return "<br>".join(_e(req) for req, s in row.failing if s == status)


def _target_cell(target: str, hub_page: str | None) -> str:
    if hub_page is not None and is_hub_target(target):
        try:
            hub = parse_hub_target(target)
        except BadTargetError:  # a row another program wrote: shown, never linked
            return f"<code>{_e(target)}</code>"
        page = hub_page + hub.url_prefix + quote(hub.repo_id, safe="/")
        return f'<a href="{_e(page)}" rel="noopener noreferrer nofollow">{_e(target)}</a>'
    return f"<code>{_e(target)}</code>"


def _e(value: object) -> str:
    return html.escape(printable(str(value)), quote=True)
