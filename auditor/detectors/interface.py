"""The detector stage's interface: each `Detector` turns the inventory, and the release description
read from its documents, into `Evidence`.

One detector per component kind. Evidence says what was seen, where, and how strongly it supports
the component: `present` (the thing itself is in the release), `partial` (something is there but
incomplete or unverifiable), `referenced` (a link or pointer to it elsewhere).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Literal

from auditor.description.interface import ReleaseDescription
from auditor.findings import Finding
from auditor.sources.interface import Inventory

Strength = Literal["present", "partial", "referenced"]


@dataclass(frozen=True)
class Evidence:
    component: str
    detector: str
    reason: str
    path: str | None = None
    line: int | None = None
    url: str | None = None
    strength: Strength = "present"
    details: tuple[tuple[str, str], ...] = ()

    def sort_key(self) -> tuple[str, str, int, str, str]:
        return (self.component, self.path or "", self.line or 0, self.url or "", self.reason)


@dataclass
class Detection:
    """What one detector found: evidence for components, and findings about artifacts."""

    evidence: list[Evidence] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def extend(self, other: Detection) -> None:
        self.evidence.extend(other.evidence)
        self.findings.extend(other.findings)


@dataclass(frozen=True)
class DetectorSettings:
    """How detectors may run: where per-file results are cached (None: not at all), and how many
    worker processes may analyse files (1: in this process)."""

    cache_folder: Path | None = None
    jobs: int = 1


class Detector(ABC):
    name: ClassVar[str]

    def __init__(self, settings: DetectorSettings | None = None) -> None:
        self.settings = settings or DetectorSettings()

    def prepare(self, inventory: Inventory) -> None:  # noqa: B027 - most detectors have nothing to start
        """Start work that can go on while other detectors run (worker processes); `detect` collects it."""

    def close(self) -> None:  # noqa: B027
        """Stop what `prepare` started, if `detect` never came (the audit failed elsewhere)."""

    @abstractmethod
    def detect(self, inventory: Inventory, description: ReleaseDescription) -> Detection: ...
