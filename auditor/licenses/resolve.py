"""Which licence applies to a component, from where its evidence lies in the release.

For each place the component was found, in this order (the way the Model Openness Tool resolves
licences, but from evidence): the file's own declaration (an SPDX header, a document's front
matter); else a licence file above it whose name names the component's kind (LICENSE-MODEL,
LICENSE-CODE, ...), the nearest one; else the nearest licence file above it; else the model
card's `license:`. Several licences at the same level all apply, and the worst class decides.
"""

from __future__ import annotations

from dataclasses import dataclass

from auditor.licenses.interface import (
    FILE_SCOPED,
    LicenseClass,
    LicenseDeclaration,
    worst_class,
)


@dataclass(frozen=True)
class ResolvedLicense:
    license_class: LicenseClass
    declarations: tuple[LicenseDeclaration, ...]

    @property
    def label(self) -> str:
        names = sorted({d.id or d.name for d in self.declarations})
        return " + ".join(names) if names else "none found"


def _depth(declaration: LicenseDeclaration) -> int:
    return 0 if declaration.scope == "" else declaration.scope.count("/") + 1


def _nearest(declarations: list[LicenseDeclaration]) -> list[LicenseDeclaration]:
    deepest = max((_depth(d) for d in declarations), default=0)
    return [d for d in declarations if _depth(d) == deepest]


def licenses_for_path(component: str, path: str | None,
                      declarations: list[LicenseDeclaration]) -> list[LicenseDeclaration]:
    own = [d for d in declarations if d.origin in FILE_SCOPED and d.covers(path)]
    if own:
        return own
    files = [d for d in declarations if d.origin == "file" and d.covers(path)]
    named = [d for d in files if component in d.components]
    if named:
        return _nearest(named)
    general = [d for d in files if not d.components]
    if general:
        return _nearest(general)
    return [d for d in declarations if d.origin == "model-card"]


def resolve_component_license(component: str, paths: list[str | None],
                              declarations: list[LicenseDeclaration]) -> ResolvedLicense:
    """The licences governing `component` where it was found (`None`: not at a path, e.g. a link)."""
    chosen: dict[tuple[str, int | None, str | None], LicenseDeclaration] = {}
    for path in paths or [None]:
        for declaration in licenses_for_path(component, path, declarations):
            chosen[(declaration.path, declaration.line, declaration.id)] = declaration
    ordered = tuple(chosen[key] for key in sorted(chosen, key=lambda k: (k[0], k[1] or 0, k[2] or "")))
    return ResolvedLicense(worst_class([d.license_class for d in ordered]), ordered)
