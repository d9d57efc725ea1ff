"""The one error every artifact parser raises on bad input, so callers catch a single type."""

from __future__ import annotations


class MalformedHeaderError(ValueError):
    """A header is truncated, implausibly large or does not follow its format."""
