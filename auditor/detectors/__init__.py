"""Detectors: one per component kind, each turning the inventory into evidence."""

from auditor.detectors.datasets import DatasetsDetector
from auditor.detectors.documents import DocumentsDetector
from auditor.detectors.interface import Detection, Detector, Evidence
from auditor.detectors.python_code import PythonCodeDetector
from auditor.detectors.references import ReferencesDetector
from auditor.detectors.revisions import RevisionsDetector
from auditor.detectors.scripts import ScriptsDetector
from auditor.detectors.supporting_libraries import SupportingLibrariesDetector
from auditor.detectors.weights import WeightsDetector

# Python code last but the scripts (which ask for the roles of the files they launch): its worker
# processes, started by `prepare`, analyse while the detectors before it run.
ALL_DETECTORS: tuple[type[Detector], ...] = (
    WeightsDetector, SupportingLibrariesDetector, DocumentsDetector, DatasetsDetector, ReferencesDetector,
    RevisionsDetector, PythonCodeDetector, ScriptsDetector,
)

__all__ = ["ALL_DETECTORS", "Detection", "Detector", "Evidence"]
