"""The format stage's interface: a `ReportFormat` renders a report to text."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from auditor.report import Report


class ReportFormat(ABC):
    name: ClassVar[str]

    def __init__(self, fail_on: str = "missing", verbose: bool = False) -> None:
        # The gate level: formats that show pass/fail per requirement (JUnit) follow the CLI's --fail-on.
        self.fail_on = fail_on
        self.verbose = verbose
        """Every piece of evidence under a requirement, not the first few (`-v`)."""

    @abstractmethod
    def render(self, report: Report, *, color: bool = False, width: int = 80) -> str:
        """The whole document; the same report always gives the same text."""
