"""Markdown from strings the release wrote: shown as the text they are, never as markup.

A file name, section title or licence clause may hold `<script>`, `[x](javascript:...)`, `*emphasis*`
or a `|` that would end a table cell. `markdown_text` makes such a string plain text for any
CommonMark or GitHub renderer: HTML's `& < >` become entities (so no raw HTML and no `<...>`
autolink) and every punctuation mark that could open a link, image, emphasis, code span, table cell,
heading, strikethrough or math is backslash-escaped. `markdown_url` makes a link only of an http(s)
URL; any other scheme (`javascript:`, `data:`, `vbscript:`, `magnet:`, ...) stays text.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote

from auditor.escape import printable

_MARKUP = re.compile(r"([\\`*_{}\[\]()#!|~$])")
WEB_SCHEMES = ("http://", "https://")
# Kept as they are in a link target; everything else (spaces, parentheses, brackets, `<`, `>`, quotes,
# backslashes, `|`, controls, non-ASCII) is percent-encoded, so the target cannot end the link early.
_URL_SAFE = "!#$%&*+,-./:;=?@_~"


def markdown_text(value: str) -> str:
    """`value` escaped for Markdown and the HTML it renders to (controls first, with `printable`)."""
    return _MARKUP.sub(r"\\\1", html.escape(printable(value), quote=False))


def is_web_url(url: str) -> bool:
    return url.lower().startswith(WEB_SCHEMES)


def markdown_url(url: str) -> str:
    """A URL from the release: a link when it is http(s), shown as its escaped text; else only the text."""
    if not is_web_url(url):
        return markdown_text(url)
    return f"[{markdown_text(url)}]({quote(url, safe=_URL_SAFE, errors='surrogateescape')})"
