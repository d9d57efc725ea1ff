"""The auditor's error hierarchy. Every error a user can cause maps to exit code 2 in one place (cli)."""

from __future__ import annotations


class AuditorError(Exception):
    """Base of every error the auditor reports to the user as one line."""

    exit_code = 2


class UsageError(AuditorError):
    """A bad command line (an option the parser refuses, or options that do not go together)."""


class BadTargetError(AuditorError):
    """The audit target does not exist, is not a folder, or cannot be read."""


class BadChecklistError(AuditorError):
    """A checklist file is missing, not YAML, or fails its schema."""


class SourceUnavailableError(AuditorError):
    """A source could not be reached (network, git object store, ...)."""


class BadReportError(AuditorError):
    """A report given as input (to diff, badge, ...) is not a report this tool wrote."""


class BadManifestError(AuditorError):
    """A release manifest (release.yaml or a MOT YAML) is not YAML or fails its schema."""


class BadProjectConfigError(AuditorError):
    """The release's `[tool.osaid-audit]` settings are not TOML or hold an unknown key or value."""
