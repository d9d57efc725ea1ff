"""Finds model parameters: final weights, intermediate checkpoints and optimizer state.

Formats are named from each file's first bytes (`auditor.artifacts.magic`) and headers are parsed
within fixed bounds. Nothing from the release is ever loaded, unpickled or imported: pickle-based
weights are reported (OSAID-A008), not opened.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

from auditor.artifacts.errors import MalformedHeaderError
from auditor.artifacts.gguf_header import parse_gguf_header
from auditor.artifacts.lfs_pointer import parse_lfs_pointer
from auditor.artifacts.magic import PICKLE_FORMATS, identify_weight_format
from auditor.artifacts.safetensors_header import parse_safetensors_header
from auditor.description.interface import ReleaseDescription
from auditor.detectors.interface import Detection, Detector, Evidence, Strength
from auditor.escape import printable
from auditor.findings import Finding
from auditor.sources.interface import Artifact, Inventory

Details = tuple[tuple[str, str], ...]
_Status = Literal["ok", "pointer", "malformed"]
"""What a sharded index needs to know of each weight file it may name."""

_DECLARED = {".safetensors": "safetensors", ".gguf": "gguf"}
"""Suffixes that promise a format: content that does not parse as it is a malformed weight file."""
_INDEX_SUFFIXES = (".safetensors.index.json", ".bin.index.json")
_POINTER_SUFFIXES = frozenset({".safetensors", ".gguf", ".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle", ".h5",
                               ".hdf5", ".keras", ".onnx", ".npy", ".npz", ".msgpack", ".tflite"})
"""LFS pointers count as weights only under these names; other detectors own other pointers."""
_TEXT_SUFFIXES = frozenset({".py", ".ipynb", ".md", ".markdown", ".rst", ".txt", ".yaml", ".yml", ".toml", ".cfg",
                            ".ini", ".sh", ".html", ".css", ".js", ".ts", ".c", ".h", ".cc", ".cpp", ".cu", ".go",
                            ".rs", ".java", ".csv", ".tsv", ".jsonl", ".json", ".xml", ".svg", ".lock"})
# At most 18 digits: a step always fits, and int() never meets a hostile 5,000-digit "number".
_STEP = r"(?:global[-_]?step|step|checkpoint|ckpt|iter(?:ation)?|epoch)[-_=]?(\d{1,18})"
_CHECKPOINT_FOLDER = re.compile(_STEP, re.IGNORECASE)
_STEP_IN_NAME = re.compile(r"(?:^|[-_.=])" + _STEP + r"(?=$|[-_.=])", re.IGNORECASE)
_OPTIMIZER = re.compile(r"^optim|optimizer|optim_states", re.IGNORECASE)
_TRAINING_STATE = re.compile(r"^(?:scheduler|rng_state|training_args)", re.IGNORECASE)
"""Trainer state saved next to the weights (Hugging Face Trainer): metadata, not parameters."""
_LABELS = {
    "pytorch-zip": "PyTorch zip checkpoint (holds a pickle; not loaded)",
    "pickle": "pickle, legacy PyTorch or plain (not loaded)",
    "onnx": "ONNX model",
    "hdf5": "HDF5 / Keras weights",
    "numpy": "NumPy array (.npy)",
    "numpy-zip": "NumPy archive (.npz)",
}
_SHOWN_LIMIT = 200
_ARRAY_OF_WEIGHTS = re.compile(r"weight|checkpoint|ckpt|param|model|state_dict|(^|[/_.-])(step|epoch)\d", re.I)
"""NumPy arrays are weights only when their path says so (JAX and TF exports save them so)."""


@dataclass(frozen=True)
class _Item:
    """Something that holds parameters: a weight file, a sharded index or a SavedModel."""

    artifact: Artifact
    reason: str
    strength: Strength = "present"
    details: Details = ()


@dataclass(frozen=True)
class _Checkpoint:
    step: int
    label: str
    """The checkpoint folder, or the folder and step for step-numbered file names."""


class WeightsDetector(Detector):
    name = "weights"

    def detect(self, inventory: Inventory, description: ReleaseDescription) -> Detection:
        detection = Detection()
        items: list[_Item] = []
        status: dict[str, _Status] = {}
        indexes: list[Artifact] = []
        for artifact in inventory.files():
            if artifact.name.endswith(_INDEX_SUFFIXES):
                indexes.append(artifact)
                continue
            state, item = _examine(artifact, detection.findings)
            if state:
                status[artifact.path] = state
            if item:
                items.append(item)
        items.extend(_saved_models(inventory))
        for index in indexes:
            item = _check_index(index, inventory, status, detection.findings)
            if item:
                items.append(item)
        detection.evidence.extend(self._sort_out(items))
        detection.evidence.sort(key=Evidence.sort_key)
        detection.findings.sort(key=Finding.sort_key)
        return detection

    def _sort_out(self, items: list[_Item]) -> Iterator[Evidence]:
        """Training state to metadata, checkpoints to intermediate, the rest to final parameters."""
        parameters: list[_Item] = []
        for item in items:
            if dict(item.details).get("format") in ("numpy", "numpy-zip") and not _ARRAY_OF_WEIGHTS.search(
                    item.artifact.path):
                continue  # mel filters, statistics, features: data arrays, not this model's parameters
            if _OPTIMIZER.search(item.artifact.name):
                yield self._evidence(item, "model-metadata", "optimizer state: ")
            elif _TRAINING_STATE.search(item.artifact.name):
                yield self._evidence(item, "model-metadata", "training state: ")
            else:
                parameters.append(item)
        checkpoints = _checkpoints(parameters)
        groups: dict[_Checkpoint, list[_Item]] = {}
        final: list[_Item] = []
        for item in parameters:
            if item.artifact.path in checkpoints:
                groups.setdefault(checkpoints[item.artifact.path], []).append(item)
            else:
                final.append(item)
        for item in final:
            yield self._evidence(item, "model-parameters")
        latest = max(groups, key=lambda c: (c.step, c.label), default=None)
        if latest is not None and not final:
            # Only checkpoints were released: the latest is the final model.
            for item in groups[latest]:
                yield self._evidence(item, "model-parameters", suffix=f" (latest checkpoint, step {latest.step}; "
                                     "no weights outside checkpoints)")
        # A lone checkpoint that stands in for the final model is not an intermediate stage.
        if final or len(groups) > 1:
            for checkpoint, members in groups.items():
                for item in members:
                    yield self._evidence(item, "model-parameters-intermediate", f"checkpoint step {checkpoint.step}: ",
                                         extra=(("checkpoint_step", str(checkpoint.step)),))

    def _evidence(self, item: _Item, component: str, prefix: str = "", suffix: str = "",
                  extra: Details = ()) -> Evidence:
        return Evidence(component=component, detector=self.name, reason=prefix + item.reason + suffix,
                        path=printable(item.artifact.path), url=item.artifact.url, strength=item.strength,
                        details=item.details + extra)


def _examine(artifact: Artifact, findings: list[Finding]) -> tuple[_Status | None, _Item | None]:
    """What one file holds: its status for index checks (None if no weights) and its item."""
    if artifact.suffix in _TEXT_SUFFIXES:
        return None, None  # source and documents: reading their first bytes would only cost time
    pointer = parse_lfs_pointer(artifact.head)
    if pointer is not None:
        if artifact.suffix not in _POINTER_SUFFIXES and not _is_variables_file(artifact.path):
            return None, None
        findings.append(_finding(artifact, "OSAID-A009", f"Git LFS pointer to {pointer.size:,} bytes "
                                 f"(sha256 {pointer.oid[:12]}...): content not in this folder"))
        return "pointer", _Item(artifact, f"Git LFS pointer to {pointer.size:,} bytes; content not in this folder",
                                "referenced", (("format", "lfs-pointer"), ("oid", pointer.oid),
                                               ("size", str(pointer.size))))
    if artifact.read_error:
        if artifact.suffix in _DECLARED:
            findings.append(_finding(artifact, "OSAID-A004", f"cannot read: {artifact.read_error}"))
        return None, None
    found = identify_weight_format(artifact.head, artifact.name)
    declared = _DECLARED.get(artifact.suffix)
    state: _Status = "ok"
    if declared and found != declared:
        if found is None:
            found = declared  # its parser says precisely what is wrong
        else:
            findings.append(_finding(artifact, "OSAID-A006", f"named {artifact.suffix} but the content is {found}"))
            state = "malformed"
    if found is None:
        return None, None
    try:
        reason, details = _describe(artifact, found)
    except MalformedHeaderError as error:
        code, message = ("OSAID-A004", f"cannot read: {artifact.read_error}") if artifact.read_error else (
            "OSAID-A006", f"malformed {found} header: {error}")
        findings.append(_finding(artifact, code, message))
        return "malformed", None
    if found in PICKLE_FORMATS:
        findings.append(_finding(artifact, "OSAID-A008", f"{found} weights can run code when loaded; "
                                 "never loaded by the auditor"))
    return state, _Item(artifact, reason, "present", details)


def _describe(artifact: Artifact, found: str) -> tuple[str, Details]:
    """A one-line reason and the details for a weight file; raises MalformedHeaderError."""
    if found == "safetensors":
        header = parse_safetensors_header(_reader(artifact), artifact.size)
        dtypes = "/".join(header.dtypes) or "no dtype"
        return (f"safetensors: {_count(header.tensor_count, 'tensor')}, {dtypes}, "
                f"{_count(header.parameter_count, 'parameter')}",
                (("format", found), ("tensor_count", str(header.tensor_count)), ("dtypes", ",".join(header.dtypes)),
                 ("parameter_count", str(header.parameter_count))))
    if found == "gguf":
        gguf = parse_gguf_header(_reader(artifact), artifact.size)
        licence = gguf.get("general.license") or gguf.get("general.license.name")
        reason = (f"GGUF v{gguf.version}: {_count(gguf.tensor_count, 'tensor')}, "
                  f"{_count(gguf.metadata_count, 'metadata key')}")
        if licence:
            reason += f", licence {_shown(licence)}"
        return reason, (("format", found), ("version", str(gguf.version)), ("tensor_count", str(gguf.tensor_count)),
                        ("metadata_count", str(gguf.metadata_count)),
                        *((key, _shown(value)) for key, value in gguf.metadata))
    return _LABELS[found], (("format", found),)


def _reader(artifact: Artifact) -> Callable[[int, int], bytes]:
    """Reads through the cached first 4 KiB when they suffice: one request fewer for remote files."""
    head = artifact.head

    def read(offset: int, length: int) -> bytes:
        if offset + length <= len(head):
            return head[offset:offset + length]
        return artifact.read(offset, length)

    return read


def _saved_models(inventory: Inventory) -> list[_Item]:
    """TensorFlow SavedModels: `saved_model.pb` next to a non-empty `variables/` folder."""
    variables: dict[str, int] = {}
    for artifact in inventory.files():
        if _is_variables_file(artifact.path):
            model_folder = posixpath.dirname(artifact.folder)
            variables[model_folder] = variables.get(model_folder, 0) + 1
    return [_Item(artifact, "TensorFlow SavedModel: saved_model.pb and "
                  f"{_count(variables[artifact.folder], 'variable file')}", details=(("format", "tf-savedmodel"),))
            for artifact in inventory.files()
            if artifact.name == "saved_model.pb" and artifact.folder in variables]


def _is_variables_file(path: str) -> bool:
    return posixpath.basename(posixpath.dirname(path)) == "variables" and posixpath.basename(path).startswith(
        "variables.")


def _check_index(index: Artifact, inventory: Inventory, status: dict[str, _Status],
                 findings: list[Finding]) -> _Item | None:
    """A sharded index: every shard it names must be in the same folder and hold weights."""
    shards = _index_shards(index, findings)
    if shards is None:
        return None
    missing: list[str] = []
    broken: list[str] = []
    pointers: list[str] = []
    for shard in shards:
        path = posixpath.normpath(posixpath.join(index.folder, shard))
        if inventory.get(path) is None:
            missing.append(shard)
            findings.append(_finding(index, "OSAID-A010", f"shard {_shown(shard)} is named in the index "
                                     "but is not in the release"))
        elif status.get(path) == "pointer":
            pointers.append(shard)
        elif status.get(path) != "ok":
            broken.append(shard)
    problems = [f"{len(missing)} missing"] if missing else []
    problems += [f"{len(broken)} malformed or not weights"] if broken else []
    problems += [_count(len(pointers), "Git LFS pointer")] if pointers else []
    if len(missing) == len(shards):
        return None  # an index without one of its shards holds no parameters (the files are elsewhere)
    strength: Strength = "present"
    if missing or broken or (pointers and len(pointers) < len(shards)):
        strength = "partial"
    elif pointers:
        strength = "referenced"
    summary = ", ".join(problems) if problems else "all present"
    return _Item(index, f"sharded index: {_count(len(shards), 'shard')}, {summary}", strength,
                 (("format", "sharded-index"), ("shards", str(len(shards))), ("missing", str(len(missing)))))


def _index_shards(index: Artifact, findings: list[Finding]) -> list[str] | None:
    """The sorted shard names of an index, or None (and a finding) when it cannot be used."""
    if index.text is None:
        reason = f"cannot read: {index.read_error}" if index.read_error else "index is too large or not text"
        findings.append(_finding(index, "OSAID-A004" if index.read_error else "OSAID-A012", reason))
        return None
    try:
        document = json.loads(index.text)
    except (ValueError, RecursionError) as error:
        findings.append(_finding(index, "OSAID-A012", f"index is not valid JSON: {str(error)[:_SHOWN_LIMIT]}"))
        return None
    weight_map = document.get("weight_map") if isinstance(document, dict) else None
    if not isinstance(weight_map, dict) or not weight_map or not all(isinstance(v, str) for v in weight_map.values()):
        findings.append(_finding(index, "OSAID-A012", "index has no weight_map of tensor names to shard files"))
        return None
    return sorted(set(weight_map.values()))


def _checkpoints(items: list[_Item]) -> dict[str, _Checkpoint]:
    """Paths of items that belong to an intermediate checkpoint, and the checkpoint each belongs to.

    A checkpoint is a folder named like `step-1000` or `checkpoint_500`, or, for files whose names
    carry a step (`model_step1000.safetensors`), a step shared by files of a folder that holds
    files of at least two different steps.
    """
    found: dict[str, _Checkpoint] = {}
    named: dict[str, dict[str, int]] = {}
    for item in items:
        path = item.artifact.path
        checkpoint = _checkpoint_folder(path)
        if checkpoint is not None:
            found[path] = checkpoint
        elif (step := step_in_name(item.artifact.name)) is not None:
            named.setdefault(item.artifact.folder, {})[path] = step
    for folder, steps in named.items():
        if len(set(steps.values())) > 1:
            found.update({path: _Checkpoint(step, f"{folder}@{step}") for path, step in steps.items()})
    return found


def _checkpoint_folder(path: str) -> _Checkpoint | None:
    """The deepest folder of `path` named like a checkpoint."""
    parts = path.split("/")[:-1]
    for depth in range(len(parts) - 1, -1, -1):
        match = _CHECKPOINT_FOLDER.fullmatch(parts[depth]) or _STEP_IN_NAME.search(parts[depth])
        if match:
            return _Checkpoint(int(match.group(1)), "/".join(parts[:depth + 1]))
    return None


def step_in_name(name: str) -> int | None:
    # The last step marker wins: Lightning names files `epoch=3-step=1000.ckpt`.
    steps = _STEP_IN_NAME.findall(name)
    return int(steps[-1]) if steps else None


def _finding(artifact: Artifact, code: str, message: str) -> Finding:
    return Finding(printable(artifact.path), code, message, url=artifact.url)


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" if number == 1 else f"{number:,} {noun}s"


def _shown(text: str) -> str:
    """Text from a release, escaped and cut short for a one-line report."""
    text = printable(text)
    return text if len(text) <= _SHOWN_LIMIT else text[:_SHOWN_LIMIT] + "..."
