"""A pointer file ("... under either of the licenses found in LICENSE.APACHE or LICENSE.BSD") resolved
to the licences of the files it names, in its own folder only.

The named files are read through a callable, so a release inventory and a folder on disk resolve
the same way. Either alternative of an OR is the user's choice, so the best class decides; an AND
binds them all, so the worst does. The expression cites the pointer file: line numbers of the
named files' clauses belong to those files, so the pointer carries no restriction of its own (each
named file, declared on its own, cites its clauses where it says them).
"""

from __future__ import annotations

import dataclasses
import posixpath
from collections.abc import Callable
from dataclasses import dataclass

from auditor.licenses.analysis import OPEN_CLASSES, LicenseAnalysis, analyse_license_text
from auditor.licenses.interface import CLASS_ORDER, LicenseClass, worst_class


@dataclass(frozen=True)
class PointerResolution:
    analysis: LicenseAnalysis
    """The pointer's licence: the expression of the files it names, or unknown when one is absent."""
    named: tuple[str, ...]
    """The names it points to that were read."""

    @property
    def is_open(self) -> bool:
        return self.analysis.license_class in OPEN_CLASSES


def resolve_pointer(analysis: LicenseAnalysis, read: Callable[[str], str | None]) -> PointerResolution | None:
    """The pointer `analysis` resolved by `read(name)` (the named file's text, None when absent);
    None when the analysis points to no file."""
    names = analysis.pointer_files
    if not names:
        return None
    texts = {name: read(name) if _in_same_folder(name) else None for name in names}
    absent = [name for name in names if texts[name] is None]
    if absent:
        which = "which is" if len(absent) == 1 else "which are"
        return PointerResolution(dataclasses.replace(
            analysis, id=None, name=f"points to {' and '.join(absent)}, {which} absent", license_class="unknown",
            match=None, restrictions=()), ())
    operator = analysis.pointer_operator or "AND"
    parts = [analyse_license_text(texts[name] or "", name) for name in names]
    classes = [_decisive_class(part) for part in parts]
    klass = max(classes, key=CLASS_ORDER.index) if operator == "OR" else worst_class(classes)
    ids = [part.id for part in parts if part.id is not None and _decisive_class(part) != "unknown"]
    expression = f" {operator} ".join(map(_grouped, ids)) if len(ids) == len(parts) and klass != "unknown" else None
    name = f" {operator.lower()} ".join(f"{n} ({part.name})" for n, part in zip(names, parts, strict=True))
    return PointerResolution(dataclasses.replace(
        analysis, id=expression, name=name, license_class=klass, match=None, restrictions=()), tuple(names))


def _decisive_class(part: LicenseAnalysis) -> LicenseClass:
    """A named file that is an attribution notice, not a licence, settles nothing."""
    return part.license_class if part.license_class in CLASS_ORDER else "unknown"


def _in_same_folder(name: str) -> bool:
    return bool(name) and name == posixpath.basename(name) and name not in (".", "..") and "\\" not in name


def _grouped(expression: str) -> str:
    return f"({expression})" if " " in expression else expression
