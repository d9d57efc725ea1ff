"""Formats render a report: one module per format, registered here by name."""

from auditor.formats.html import HtmlFormat
from auditor.formats.interface import ReportFormat
from auditor.formats.json import JsonFormat
from auditor.formats.junit import JunitFormat
from auditor.formats.markdown import MarkdownFormat
from auditor.formats.mot import MotFormat
from auditor.formats.sarif import SarifFormat
from auditor.formats.text import TextFormat

FORMATS: dict[str, type[ReportFormat]] = {
    f.name: f for f in (TextFormat, JsonFormat, MarkdownFormat, SarifFormat, JunitFormat, HtmlFormat, MotFormat)}

__all__ = ["FORMATS", "ReportFormat"]
