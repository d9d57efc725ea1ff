"""Which licence applies to a component, from where its evidence lies in the release.

For each place the component was found, in this order (the way the Model Openness Tool resolves
licences, but from evidence): the file's own declaration (an SPDX header, a document's front
matter); else a licence file above it whose name names the component's kind (LICENSE-MODEL,
LICENSE-CODE, ...), the nearest one; else the nearest licence file above it (one in the folder
itself before those of its `LICENSES/` folder); else the model card's `license:`. Several licences
at the same level all apply, and the worst class decides. A README's "License"/"Terms of use"
section applies on top of whatever else does (a card's prose never hides a licence file), and an
attribution notice (NOTICE) never decides.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
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


@dataclass(frozen=True)
class LicenseIndex:
    """Declarations by where they apply, so finding the licences of a path costs its depth, not the
    number of declarations (a release with 10,000 SPDX headers has 10,000 of them)."""

    own: dict[str, list[LicenseDeclaration]]
    files_by_scope: dict[str, list[LicenseDeclaration]]
    sections_by_scope: dict[str, list[LicenseDeclaration]]
    cards: list[LicenseDeclaration]

    @classmethod
    def of(cls, declarations: list[LicenseDeclaration]) -> LicenseIndex:
        own: dict[str, list[LicenseDeclaration]] = defaultdict(list)
        files: dict[str, list[LicenseDeclaration]] = defaultdict(list)
        sections: dict[str, list[LicenseDeclaration]] = defaultdict(list)
        cards = []
        for d in declarations:
            if d.license_class == "notice":
                continue
            if d.origin in FILE_SCOPED:
                own[d.scope].append(d)
            elif d.origin == "file":
                files[d.scope].append(d)
            elif d.origin == "readme-section":
                sections[d.scope].append(d)
            else:
                cards.append(d)
        return cls(dict(own), dict(files), dict(sections), cards)


_last: tuple[list[LicenseDeclaration], int, LicenseIndex] | None = None


def _index(declarations: list[LicenseDeclaration]) -> LicenseIndex:
    """The index of the declarations list passed last: an audit resolves many paths against one."""
    global _last
    if _last is None or _last[0] is not declarations or _last[1] != len(declarations):
        _last = (declarations, len(declarations), LicenseIndex.of(declarations))
    return _last[2]


def _scopes_above(path: str | None) -> list[str]:
    """The folders whose licence files cover `path`, nearest first ('' is the release root)."""
    if path is None:
        return [""]
    scopes, folder = [], path
    while folder:
        folder = posixpath.dirname(folder)
        scopes.append(folder)
    return scopes


def licenses_for_path(component: str, path: str | None,
                      declarations: list[LicenseDeclaration]) -> list[LicenseDeclaration]:
    index = _index(declarations)
    if path is not None and path in index.own:
        return index.own[path]
    scopes = _scopes_above(path)
    sections = [d for scope in scopes for d in index.sections_by_scope.get(scope, [])
                if not d.components or component in d.components]
    return _from_files(component, scopes, index) + sections


def _from_files(component: str, scopes: list[str], index: LicenseIndex) -> list[LicenseDeclaration]:
    general: list[LicenseDeclaration] = []
    for scope in scopes:
        here = index.files_by_scope.get(scope, [])
        named = [d for d in here if component in d.components]
        if named:
            return named
        if not general:
            general = [d for d in here if not d.components]
            # A licence file in the folder itself speaks before those in its LICENSES/ folder.
            general = [d for d in general if posixpath.dirname(d.path) == scope] or general
    return general or index.cards


def resolve_component_license(component: str, paths: list[str | None],
                              declarations: list[LicenseDeclaration]) -> ResolvedLicense:
    """The licences governing `component` where it was found (`None`: not at a path, e.g. a link)."""
    chosen: dict[tuple[str, int | None, str | None], LicenseDeclaration] = {}
    for path in paths or [None]:
        for declaration in licenses_for_path(component, path, declarations):
            chosen[(declaration.path, declaration.line, declaration.id)] = declaration
    ordered = tuple(chosen[key] for key in sorted(chosen, key=lambda k: (k[0], k[1] or 0, k[2] or "")))
    return ResolvedLicense(worst_class([d.license_class for d in ordered]), ordered)
