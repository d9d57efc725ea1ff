"""The release description: the release's documents read once, before any detector runs.

Detectors read files one by one; what the documents *say* (this link is the weights, that script
fine-tunes on your own data, the model was trained with this framework) is decided here, once, so
that no detector re-reads prose and every detector sees the same reading.
"""

from auditor.description.describe import describe_release
from auditor.description.interface import DescribedDocument, DescribedLink, FileMention, ReleaseDescription

__all__ = ["DescribedDocument", "DescribedLink", "FileMention", "ReleaseDescription", "describe_release"]
