"""Formats render a report: one module per format, registered here by name and imported only when
asked for (a JSON report never pays for the terminal table's imports)."""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping

from auditor.formats.interface import ReportFormat

_MODULES: dict[str, tuple[str, str]] = {
    "text": ("text", "TextFormat"), "json": ("json", "JsonFormat"), "markdown": ("markdown", "MarkdownFormat"),
    "sarif": ("sarif", "SarifFormat"), "junit": ("junit", "JunitFormat"), "html": ("html", "HtmlFormat"),
    "mot": ("mot", "MotFormat"),
}


class _Formats(Mapping[str, type[ReportFormat]]):
    def __getitem__(self, name: str) -> type[ReportFormat]:
        module, cls = _MODULES[name]
        found: type[ReportFormat] = getattr(importlib.import_module(f"auditor.formats.{module}"), cls)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(_MODULES)

    def __len__(self) -> int:
        return len(_MODULES)


FORMATS: Mapping[str, type[ReportFormat]] = _Formats()

__all__ = ["FORMATS", "ReportFormat"]
