"""Horizontal bar charts as inline SVG: no script, no external file, every label escaped."""

from __future__ import annotations

import html

from auditor.escape import printable

BAR_HEIGHT = 22
LABEL_WIDTH = 240
BAR_WIDTH = 360
LABEL_CHARS = 34


def bar_chart(title: str, counts: tuple[tuple[str, int], ...]) -> str:
    if not counts:
        return ""
    largest = max(count for _, count in counts) or 1
    height = BAR_HEIGHT * len(counts) + 8
    width = LABEL_WIDTH + BAR_WIDTH + 60
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" aria-label="{_x(title)}"><title>{_x(title)}</title>']
    for row, (label, count) in enumerate(counts):
        y = 4 + row * BAR_HEIGHT
        shown = label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1] + "…"
        bar = max(1, round(BAR_WIDTH * count / largest))
        parts.append(f'<text x="{LABEL_WIDTH - 6}" y="{y + 15}" text-anchor="end" font-size="13">{_x(shown)}</text>'
                     f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{bar}" height="{BAR_HEIGHT - 6}" fill="#3b6ea8">'
                     f'<title>{_x(label)}: {count}</title></rect>'
                     f'<text x="{LABEL_WIDTH + bar + 6}" y="{y + 15}" font-size="13">{count}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _x(value: str) -> str:
    return html.escape(printable(value), quote=True)
