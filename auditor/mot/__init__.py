"""The Model Openness Tool (MOT): its release YAML, its component names, and its classification.

`read_mot_release` reads a MOT YAML; `classify` computes the MOF class and per-class progress exactly
as MOT does (see `auditor.mot.evaluator`); `auditor.formats.mot` writes a MOT YAML from an audit.
"""

from auditor.mot.evaluator import MotClassification, classify, is_open_license
from auditor.mot.names import MOT_COMPONENTS, component_for_mot_name, mot_name_for_component
from auditor.mot.release import MotComponent, MotLicense, MotRelease, read_mot_release

__all__ = ["MOT_COMPONENTS", "MotClassification", "MotComponent", "MotLicense", "MotRelease", "classify",
           "component_for_mot_name", "is_open_license", "mot_name_for_component", "read_mot_release"]
