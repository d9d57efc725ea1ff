"""An SVG badge for a README, from a JSON report: "OSAID | open source AI · MOF I".

Flat style like shields.io: a grey label and a coloured message, both measured from their text
with fixed approximate Verdana 11px widths, so the same report always gives the same bytes.
"""

from __future__ import annotations

import hashlib
import math
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from auditor.errors import BadReportError
from auditor.escape import printable

LABEL = "OSAID"
LABEL_COLOR = "#555"
GREEN = "#2e8540"
AMBER = "#dfb317"
RED = "#e05d44"
REQUIRED_KEYS = ("schema_version", "verdict", "open_weights", "mof_class")

# Approximate advance widths of Verdana at 11px; anything else counts as DEFAULT_WIDTH.
_WIDTHS: dict[str, float] = {
    **dict.fromkeys("ijl", 3.1), **dict.fromkeys("ft", 3.9), **dict.fromkeys(" .,:;'|!\u00b7", 3.9),
    **dict.fromkeys("Ir", 4.7),
    **dict.fromkeys("abcdeghknopqsuvxyz", 6.6), **dict.fromkeys("mw", 10.0),
    **dict.fromkeys("0123456789", 7.0), **dict.fromkeys("ABCDEFGHJKLNOPQRSTUVXYZ", 7.5), **dict.fromkeys("MW", 9.6),
    "-": 4.6,
}
DEFAULT_WIDTH = 7.0
PADDING = 6


def text_width(text: str) -> int:
    """The approximate width of `text` in pixels, rounded up."""
    return math.ceil(sum(_WIDTHS.get(char, DEFAULT_WIDTH) for char in text))


def badge_message(report: dict[str, Any]) -> tuple[str, str]:
    """(message, colour) for a validated report dict."""
    if report["verdict"] == "open-source-ai":
        message, color = "open source AI", GREEN
    elif report["open_weights"]:
        message, color = "open weights", AMBER
    else:
        message, color = "not open", RED
    if report["mof_class"] != "none":
        message += f" \u00b7 MOF {printable(report['mof_class'])}"
    return message, color


def _validate(report: object) -> dict[str, Any]:
    if not isinstance(report, dict):
        raise BadReportError(f"not a report: expected a JSON object, got {type(report).__name__}")
    missing = [key for key in REQUIRED_KEYS if key not in report]
    if missing:
        raise BadReportError(f"not a report: missing {', '.join(missing)}")
    for key, kind in (("schema_version", str), ("verdict", str), ("open_weights", bool), ("mof_class", str)):
        if not isinstance(report[key], kind):
            raise BadReportError(f"not a report: {key} must be a {'boolean' if kind is bool else 'string'}")
    return report


def render_badge(report: dict) -> str:
    """The SVG badge for a report as written by `audit --format json`."""
    message, color = badge_message(_validate(report))
    label_width = text_width(LABEL) + 2 * PADDING
    message_width = text_width(message) + 2 * PADDING
    width = label_width + message_width
    title = f"{LABEL}: {message}"
    label_x = label_width / 2
    message_x = label_width + message_width / 2
    text_color = "#333" if color == AMBER else "#fff"
    shadow = "#ccc" if color == AMBER else "#010101"
    # ids unique per message, so that badges inlined in one page do not share a clip path
    uid = hashlib.sha256(message.encode()).hexdigest()[:8]

    def texts(x: float, text: str, fill: str, shade: str) -> str:
        return (f'<text x="{x:g}" y="15" fill="{shade}" fill-opacity=".3" aria-hidden="true">{escape(text)}</text>'
                f'<text x="{x:g}" y="14" fill="{fill}">{escape(text)}</text>')

    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" role="img" '
        f"aria-label={quoteattr(title)}>"
        f"<title>{escape(title)}</title>"
        f'<linearGradient id="s-{uid}" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/>'
        '<stop offset="1" stop-opacity=".1"/></linearGradient>'
        f'<clipPath id="r-{uid}"><rect width="{width}" height="20" rx="3" fill="#fff"/></clipPath>'
        f'<g clip-path="url(#r-{uid})">'
        f'<rect width="{label_width}" height="20" fill="{LABEL_COLOR}"/>'
        f'<rect x="{label_width}" width="{message_width}" height="20" fill="{color}"/>'
        f'<rect width="{width}" height="20" fill="url(#s-{uid})"/></g>'
        '<g text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">'
        f"{texts(label_x, LABEL, '#fff', '#010101')}{texts(message_x, message, text_color, shadow)}"
        "</g></svg>\n"
    )
