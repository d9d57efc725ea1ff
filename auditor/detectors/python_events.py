"""The events of a Python file or notebook: what `python_code`'s rules read.

Each source is parsed once with `ast` (nothing is imported or run) and walked once, iteratively, into
events with the first line each occurs at: `import:torch`, `call:torch.optim.AdamW`, `kw:lr`,
`str:...`, `arg:--lr`, `def:generate`, `param:temperature`, `class:Block`, `base:nn.Module`,
`assign:loss`, `loop:...` and `loop-train:...` (a loop that calls backward or an optimiser step).
"""

from __future__ import annotations

import ast
import contextlib
import gc
import json
import re
from collections.abc import Iterator
from functools import cache

_LOOP_TRAINING_CALL = re.compile(r".+\.backward|(.+\.)?\w*optim\w*\.(step|apply_gradients)|optax\.apply_updates")
MAX_SOURCE_CHARS = 1024 * 1024
"""Longer sources are generated code, not the scripts roles are about, and cost seconds to parse."""
_MAX_STRING = 200
_MAX_DOTTED = 12


def _notebook_cells(text: str) -> list[tuple[int | None, str]]:
    """(cell number, source) of each code cell, IPython magics and shell escapes blanked."""
    try:
        notebook = json.loads(text)
    except (ValueError, RecursionError):
        return []
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    sources: list[tuple[int | None, str]] = []
    for number, cell in enumerate(cells if isinstance(cells, list) else [], start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(part for part in source if isinstance(part, str))
        if isinstance(source, str):
            lines = source.split("\n")
            blanked = ("" if line.lstrip().startswith(("%", "!")) else line for line in lines)
            sources.append((number, "\n".join(blanked)))
    return sources


def source_events(suffix: str, text: str) -> dict[str, int] | None:
    """Events of a `.py` file's or an `.ipynb` notebook's text (at the cell number in a notebook);
    None when nothing in it parses."""
    return _scan_all(_notebook_cells(text) if suffix == ".ipynb" else [(None, text)])


def _scan_all(sources: list[tuple[int | None, str]]) -> dict[str, int] | None:
    """Events of every parseable source at their line, or at the cell number when one is given."""
    events: dict[str, int] = {}
    parsed = False
    for number, source in sources:
        if len(source) > MAX_SOURCE_CHARS:
            continue
        try:
            with _collector_paused():
                tree = ast.parse(source)
                scanned = _Scanner(tree).events
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue  # one bad cell or file must not stop the audit
        parsed = True
        for event, line in scanned.items():
            position = line if number is None else number
            if event not in events or position < events[event]:
                events[event] = position
    return events if parsed else None


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """A syntax tree is tens of thousands of objects without cycles, freed by reference counting;
    the cycle collector would walk them again and again while they are built (a fifth of the time)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _dotted(node: ast.AST) -> str:
    """`torch.optim.AdamW`; parts that are not plain names (calls, subscripts) become `?`."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute) and len(parts) < _MAX_DOTTED:
        parts.append(node.attr)
        node = node.value
    parts.append(node.id if isinstance(node, ast.Name) else "?")
    return ".".join(reversed(parts))


def _names(node: ast.AST) -> str:
    """The identifiers in an expression, space-separated (a loop's iterable or condition)."""
    found: list[str] = []
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            found.append(child.id)
        elif isinstance(child, ast.Attribute):
            found.append(child.attr)
        if len(found) >= 10:
            break
    return " ".join(found)


_LOOPS = frozenset({ast.For, ast.AsyncFor, ast.While})
_DECLARATIONS = frozenset({ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
                           ast.Assign, ast.AnnAssign, ast.AugAssign})
# Nodes that hold no events: never pushed (a 1 MiB file has hundreds of thousands of them).
_LEAVES = (ast.Name, ast.Constant, ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop, ast.alias)
_LEAF_TYPES = frozenset(c for c in vars(ast).values() if isinstance(c, type) and issubclass(c, _LEAVES))
"""The concrete classes of `_LEAVES`: a set lookup by exact type instead of an isinstance per child."""
_NO_CHILDREN = frozenset({"ctx", "type_comment"})
"""Fields that never hold a node with events (positions are attributes, not fields)."""


@cache
def _child_fields(kind: type) -> tuple[str, ...]:
    """The fields of a node class that may hold child nodes (what `ast.iter_child_nodes` reads)."""
    return tuple(name for name in getattr(kind, "_fields", ()) if name not in _NO_CHILDREN)


class _Scanner:
    """One iterative pass over a tree (no recursion: deep trees must not exhaust the stack)."""

    def __init__(self, tree: ast.AST) -> None:
        self.events: dict[str, int] = {}
        loops: list[tuple[int, str]] = []  # (line, identifiers of the iterable or condition)
        training_loops: set[int] = set()
        # Each entry carries its enclosing loops as a cons list: (index into loops, outer chain).
        stack: list[tuple[ast.AST, tuple | None]] = [(tree, None)]
        while stack:
            node, chain = stack.pop()
            kind = type(node)
            if kind in _LOOPS:
                loops.append((node.lineno, _names(node.test if kind is ast.While else node.iter)))
                chain = (len(loops) - 1, chain)
            elif kind is ast.Call:
                name = _dotted(node.func)
                self._call(node, name, node.lineno)
                if _LOOP_TRAINING_CALL.fullmatch(name):
                    outer = chain
                    while outer is not None and outer[0] not in training_loops:
                        training_loops.add(outer[0])
                        outer = outer[1]
            elif kind in _DECLARATIONS:
                self._other(node, node.lineno)
            for name in _child_fields(kind):
                value = getattr(node, name, None)
                if type(value) is list:
                    stack.extend((item, chain) for item in value
                                 if isinstance(item, ast.AST) and type(item) not in _LEAF_TYPES)
                elif isinstance(value, ast.AST) and type(value) not in _LEAF_TYPES:
                    stack.append((value, chain))
        for index, (line, names) in enumerate(loops):
            self._add(f"{'loop-train' if index in training_loops else 'loop'}:{names}", line)

    def _add(self, event: str, line: int) -> None:
        if event not in self.events or line < self.events[event]:
            self.events[event] = line

    def _call(self, node: ast.Call, name: str, line: int) -> None:
        self._add(f"call:{name}", line)
        for keyword in node.keywords:
            if keyword.arg:
                self._add(f"kw:{keyword.arg}", line)
        values = [*node.args, *(keyword.value for keyword in node.keywords)]
        for value in values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str) and len(value.value) <= _MAX_STRING:
                self._add(f"str:{value.value}", line)
        if name.endswith("add_argument") and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                self._add(f"arg:{first.value[:_MAX_STRING]}", line)

    def _other(self, node: ast.AST, line: int) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                self._add(f"import:{alias.name}", line)
        elif isinstance(node, ast.ImportFrom) and node.module:
            self._add(f"import:{node.module}", line)
            for alias in node.names:
                self._add(f"import:{node.module}.{alias.name}", line)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self._add(f"def:{node.name}", line)
            for arg in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs):
                self._add(f"param:{arg.arg}", line)
            for decorator in node.decorator_list:
                if not isinstance(decorator, ast.Call):  # `@torch.no_grad` is a call in disguise
                    self._add(f"call:{_dotted(decorator)}", getattr(decorator, "lineno", line))
        elif isinstance(node, ast.ClassDef):
            self._add(f"class:{node.name}", line)
            for base in node.bases:
                self._add(f"base:{_dotted(base)}", line)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for element in target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]:
                    if isinstance(element, ast.Name):
                        self._add(f"assign:{element.id}", line)
                    elif isinstance(element, ast.Attribute):
                        self._add(f"assign:{element.attr}", line)
