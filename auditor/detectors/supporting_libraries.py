"""Supporting libraries: dependency manifests, tokenizer files, and the library an architecture lives in.

Manifests are parsed as data (TOML, YAML, INI; `setup.py` with `ast` only) to list the packages a
release depends on. `config.json` naming an architecture (`LlamaForCausalLM`) points to the library
that implements it: model-architecture evidence of strength `referenced`.
"""

from __future__ import annotations

import ast
import configparser
import json
import posixpath
import re
import tomllib
from collections.abc import Callable, Iterable

import yaml

from auditor.description.interface import ReleaseDescription
from auditor.detectors.interface import Detection, Detector, Evidence
from auditor.escape import printable
from auditor.findings import Finding
from auditor.safe_yaml import load_yaml
from auditor.sources.interface import Artifact, Inventory

MAX_LISTED = 20
"""Dependency names shown in an evidence's details; the count says how many there were."""
NOT_LIBRARIES = frozenset({"python", "pip"})
REQUIREMENTS = re.compile(r"requirements[\w.-]*\.(txt|in)")
PACKAGE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
SETUP_CALLS = frozenset({"setup", "setuptools.setup", "distutils.core.setup"})
LFS_POINTER = b"version https://git-lfs.github.com/spec/v1"
TIKTOKEN_LINE = re.compile(r"[A-Za-z0-9+/=]+ \d+")
# Tokenizer files and what they are; vocab.json counts only next to merges.txt (a BPE pair).
TOKENIZER_FILES: dict[str, str] = {
    "tokenizer.json": "Hugging Face tokenizers file",
    "tokenizer_config.json": "tokenizer configuration",
    "tokenizer.model": "tokenizer model",
    "spiece.model": "tokenizer model",
    "sentencepiece.bpe.model": "tokenizer model",
}
# Libraries that implement the architectures config.json files name: marker key -> (name, url, licence).
LIBRARIES: tuple[tuple[str, str, str, str], ...] = (
    ("_diffusers_version", "diffusers", "https://github.com/huggingface/diffusers", "Apache-2.0"),
    ("", "transformers", "https://github.com/huggingface/transformers", "Apache-2.0"),
)


class _Malformed(Exception):
    pass


def normalise(name: str) -> str:
    """PEP 503 normal form: lower case, runs of `-_.` as one `-`."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _names(specs: Iterable[object]) -> list[str]:
    """Package names of PEP 508 / conda specs (`torch>=2`, `conda-forge::numpy=1.26`)."""
    names = []
    for spec in specs:
        if isinstance(spec, str):
            found = PACKAGE_NAME.match(spec.strip().rsplit("::", 1)[-1])
            if found:
                names.append(found.group())
    return names


def _requirements(text: str) -> list[str]:
    names = []
    for line in text.splitlines():
        line = re.sub(r"(^|\s)#.*", "", line).strip()
        egg = re.search(r"#egg=([A-Za-z0-9._-]+)", line)
        if egg:
            names.append(egg.group(1))
        elif line and not line.startswith("-") and "://" not in line.split("@")[0]:
            names.extend(_names([line]))
    return names


def _table(data: object, *keys: str) -> dict:
    """`data[k1][k2]...` when every step is a table, else an empty dict (input may be any shape)."""
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data if isinstance(data, dict) else {}


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []


def _pyproject(text: str) -> list[str]:
    data = tomllib.loads(text)
    project = _table(data, "project")
    names = _names(_list(project.get("dependencies")))
    for extra in _table(project, "optional-dependencies").values():
        names += _names(_list(extra))
    for group in _table(data, "dependency-groups").values():
        names += _names(_list(group))
    poetry = _table(data, "tool", "poetry")
    names += [*_table(poetry, "dependencies"), *_table(poetry, "dev-dependencies")]
    for group in _table(poetry, "group").values():
        names += list(_table(group, "dependencies"))
    return names


def _pipfile(text: str) -> list[str]:
    data = tomllib.loads(text)
    return [*_table(data, "packages"), *_table(data, "dev-packages")]


def _environment(text: str) -> list[str]:
    data = load_yaml(text)
    if not isinstance(data, dict):
        raise _Malformed("not a YAML mapping")
    names = []
    for item in _list(data.get("dependencies")):
        names += _names(_list(item.get("pip"))) if isinstance(item, dict) else _names([item])
    return names


def _setup_cfg(text: str) -> list[str]:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.read_string(text)
    blocks = [parser.get("options", "install_requires", fallback="")]
    if parser.has_section("options.extras_require"):
        blocks += [value for _, value in parser.items("options.extras_require")]
    return _names(line for block in blocks for line in block.splitlines())


def _setup_py(text: str) -> list[str]:
    """`install_requires` / `extras_require` of the `setup()` call: literals, or names bound to literals."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []  # code, not metadata: an unparseable setup.py just lists nothing
    bound = {target.id: node.value for node in tree.body if isinstance(node, ast.Assign)
             for target in node.targets if isinstance(target, ast.Name)}

    def literal_strings(node: ast.AST) -> list[str]:
        node = bound.get(node.id, node) if isinstance(node, ast.Name) else node
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            return [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
        return []

    names = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and _dotted(node.func) in SETUP_CALLS):
            continue
        for keyword in node.keywords:
            value = bound.get(keyword.value.id, keyword.value) if isinstance(keyword.value, ast.Name) else keyword.value
            if keyword.arg == "install_requires":
                names += _names(literal_strings(value))
            elif keyword.arg == "extras_require" and isinstance(value, ast.Dict):
                for extra in value.values:
                    names += _names(literal_strings(extra))
    return names


def _dotted(node: ast.AST) -> str:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):  # a loop, not recursion: chains can be deep
        parts.append(node.attr)
        node = node.value
    parts.append(node.id if isinstance(node, ast.Name) else "?")
    return ".".join(reversed(parts))


def _manifest_parser(artifact: Artifact) -> Callable[[str], list[str]] | None:
    name = artifact.name.lower()
    if REQUIREMENTS.fullmatch(name) or (posixpath.basename(artifact.folder) == "requirements"
                                        and artifact.suffix == ".txt"):
        return _requirements
    return {"pyproject.toml": _pyproject, "pipfile": _pipfile, "environment.yml": _environment,
            "environment.yaml": _environment, "setup.cfg": _setup_cfg, "setup.py": _setup_py}.get(name)


class SupportingLibrariesDetector(Detector):
    name = "supporting-libraries"

    def detect(self, inventory: Inventory, description: ReleaseDescription) -> Detection:
        detection = Detection()
        for artifact in inventory.files():
            parser = _manifest_parser(artifact)
            if _tokenizer_name(artifact.name) in TOKENIZER_FILES:
                self._tokenizer(artifact, detection)  # may be binary or large: judged from its head
            elif artifact.name == "vocab.json" and inventory.get(posixpath.join(artifact.folder, "merges.txt")):
                merges = printable(posixpath.join(artifact.folder, "merges.txt"))
                detection.evidence.append(Evidence(
                    "supporting-libraries", self.name, "tokenizer files: BPE vocabulary and merges",
                    path=artifact.path, details=(("merges", merges),)))
            elif parser is None and artifact.name != "config.json":
                continue  # the name decides: decoding every file would read each whole (on the Hub, by range)
            elif artifact.text is None:
                continue
            elif parser is not None:
                self._manifest(artifact, parser, detection)
            elif artifact.name == "config.json":
                self._model_config(inventory, artifact, detection)
        detection.evidence.sort(key=Evidence.sort_key)
        detection.findings.sort(key=Finding.sort_key)
        return detection

    def _manifest(self, artifact: Artifact, parser: Callable[[str], list[str]], detection: Detection) -> None:
        try:
            found = parser(artifact.text or "")
        except (ValueError, RecursionError, MemoryError, yaml.YAMLError, configparser.Error, _Malformed) as error:
            message = str(error).splitlines()[0] if str(error) else type(error).__name__
            detection.findings.append(Finding(printable(artifact.path), "OSAID-A012",
                                              f"dependency manifest cannot be parsed: {printable(message)}"))
            return
        names = sorted({normalise(name) for name in found} - NOT_LIBRARIES)
        if not names:
            return
        shown = ", ".join(names[:MAX_LISTED]) + (", ..." if len(names) > MAX_LISTED else "")
        detection.evidence.append(Evidence(
            "supporting-libraries", self.name,
            f"dependency manifest {printable(artifact.name)} lists {len(names)} package(s)", path=artifact.path,
            details=(("dependencies", shown), ("dependency-count", str(len(names))))))

    def _tokenizer(self, artifact: Artifact, detection: Detection) -> None:
        head = artifact.head
        kind = TOKENIZER_FILES[_tokenizer_name(artifact.name)]
        if head.startswith(LFS_POINTER):
            detection.evidence.append(Evidence("supporting-libraries", self.name,
                                               f"tokenizer files: {kind} (a Git LFS pointer)",
                                               path=artifact.path, strength="referenced"))
            return
        strength = "present"
        if artifact.suffix == ".model":
            kind, strength = _model_kind(artifact)
        elif artifact.text is not None:
            try:
                data = json.loads(artifact.text)
            except (ValueError, RecursionError):
                detection.findings.append(Finding(printable(artifact.path), "OSAID-A012",
                                                  f"{artifact.name} is not valid JSON"))
                return
            detail = _table(data, "model").get("type") or (data.get("tokenizer_class")
                                                             if isinstance(data, dict) else None)
            if isinstance(detail, str):
                kind += f" ({printable(detail[:80])})"
        detection.evidence.append(Evidence("supporting-libraries", self.name, f"tokenizer files: {kind}",
                                           path=artifact.path, strength=strength))

    def _model_config(self, inventory: Inventory, artifact: Artifact, detection: Detection) -> None:
        try:
            data = json.loads(artifact.text or "")
        except (ValueError, RecursionError) as error:
            detection.findings.append(Finding(printable(artifact.path), "OSAID-A012",
                                              f"config.json is not valid JSON: {printable(str(error))}"))
            return
        if not isinstance(data, dict):
            detection.findings.append(Finding(printable(artifact.path), "OSAID-A012",
                                              "config.json is not a JSON object"))
            return
        names = [printable(name[:100]) for name in _list(data.get("architectures")) if isinstance(name, str)][:10]
        model_type = data.get("model_type") if isinstance(data.get("model_type"), str) else None
        class_name = data.get("_class_name") if isinstance(data.get("_class_name"), str) else None
        named = ", ".join(names) or (printable(class_name[:100]) if class_name else None)
        if named is None and model_type is None:
            return
        what = f"names {named}" if named else f"declares model_type {printable(model_type[:100])}"
        details = (("architectures", named),) if named else (("model_type", printable(model_type[:100])),)
        custom = sorted({value.split("--")[-1].rsplit(".", 1)[0] + ".py"
                         for value in _table(data, "auto_map").values() if isinstance(value, str)})
        if custom:
            # trust_remote_code: the architecture is the release's own code, not the library's.
            complete = all(inventory.get(posixpath.join(artifact.folder, module)) for module in custom)
            where = "in the release" if complete else "not all in the release"
            detection.evidence.append(Evidence(
                "model-architecture", self.name,
                f"config.json {what}, implemented by custom code {', '.join(map(printable, custom))} ({where})",
                path=artifact.path, strength="referenced" if complete else "partial",
                details=details + (("custom-code", ", ".join(map(printable, custom))),)))
            return
        _, library, url, licence = next(lib for lib in LIBRARIES if not lib[0] or lib[0] in data)
        detection.evidence.append(Evidence(
            "model-architecture", self.name, f"config.json {what}, implemented in the {library} library ({licence})",
            path=artifact.path, url=url, strength="referenced", details=details))


def _model_kind(artifact: Artifact) -> tuple[str, str]:
    """What a `.model` tokenizer file holds: a SentencePiece protobuf, tiktoken ranks, or neither."""
    head = artifact.head
    # ModelProto starts with field 1 (`pieces`, length-delimited: tag 0x0a), a varint length, and
    # the first piece, whose own field 1 (the piece string) is again tag 0x0a.
    if head[:1] == b"\x0a":
        index = 1
        while index < len(head) and head[index] & 0x80:
            index += 1
        if index + 1 < len(head) and head[index + 1] == 0x0A:
            return "SentencePiece model (protobuf)", "present"
    lines = head.decode("ascii", errors="replace").splitlines()[:5]
    if lines and all(TIKTOKEN_LINE.fullmatch(line) for line in lines):
        return "tiktoken BPE ranks", "present"
    return f"{printable(artifact.name)} is neither a SentencePiece protobuf nor tiktoken ranks", "partial"


_VERSION_SUFFIX = re.compile(r"\.v\d+$")


def _tokenizer_name(name: str) -> str:
    """`tokenizer.model.v3` (Mistral's versioned tokenizers) is a `tokenizer.model`."""
    return _VERSION_SUFFIX.sub("", name)
