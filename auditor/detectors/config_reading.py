"""What a configuration file holds, read once per content: whether it names training keys or an
open library's marks, and every key at any depth.

Searching hundreds of YAML files for the libraries' marks and parsing the marked ones is most of
the scripts detector's time on a large repository, so the reading is a per-file result kept in the
cache (`result_cache`), like a Python file's roles.
"""

from __future__ import annotations

import ast
import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from auditor.detectors.training_libraries import may_be_library_config
from auditor.escape import printable
from auditor.result_cache import ResultCache
from auditor.safe_yaml import load_yaml
from auditor.sources.interface import Artifact

CONFIG_SUFFIXES = frozenset({".yaml", ".yml", ".json", ".toml", ".py", ".gin"})
MAX_CONFIG_BYTES = 1024 * 1024
LIBRARY_CONFIG_SUFFIXES = frozenset({".yaml", ".yml", ".toml", ".gin"})
CONFIG_FOLDERS = frozenset({"config", "configs", "conf", "cfg", "hparams", "hyperparameters", "recipes"})
# Hugging Face metadata other detectors own: never training configurations.
NOT_CONFIGS = frozenset({"config.json", "generation_config.json", "tokenizer_config.json", "tokenizer.json",
                         "special_tokens_map.json", "preprocessor_config.json", "adapter_config.json"})
TRAINING_KEYS: dict[str, frozenset[str]] = {
    "learning rate": frozenset({"learning_rate", "lr", "base_lr", "max_lr", "min_lr", "peak_lr"}),
    "batch size": frozenset({"batch_size", "train_batch_size", "per_device_train_batch_size", "micro_batch_size",
                             "global_batch_size", "train_micro_batch_size_per_gpu", "gradient_accumulation_steps"}),
    "duration": frozenset({"epochs", "num_epochs", "num_train_epochs", "max_epochs", "max_steps", "max_iters",
                           "train_iters", "total_steps", "train_steps"}),
    "warmup": frozenset({"warmup", "warmup_steps", "warmup_iters", "warmup_ratio", "num_warmup_steps"}),
    "optimizer": frozenset({"optimizer", "optim", "weight_decay", "adam_beta1", "adam_beta2", "lr_scheduler_type"}),
}
ALL_TRAINING_KEYS = frozenset().union(*TRAINING_KEYS.values())
MIN_KEY_KINDS = 2
"""A training configuration names at least this many kinds of training keys (one `lr` alone is not one)."""
MAX_NODES = 100_000
"""Bound on the values visited in one config (YAML aliases can make a small file a huge tree)."""
_MAY_HOLD_TRAINING_KEYS = re.compile("|".join(sorted(ALL_TRAINING_KEYS, key=len, reverse=True)), re.IGNORECASE)


@dataclass(frozen=True)
class ConfigReading:
    library_marked: bool
    """Holds a mark of an open training library (`may_be_library_config`)."""
    training_marked: bool
    """Names a training key somewhere in its text."""
    keys: tuple[str, ...] = ()
    """Every key, sorted; read only from a marked file."""
    problem: str | None = None
    """Why a marked file could not be parsed."""


def read_config(suffix: str, text: str) -> ConfigReading:
    library_marked = may_be_library_config(text)
    training_marked = _MAY_HOLD_TRAINING_KEYS.search(text) is not None
    if not (library_marked or training_marked):
        return ConfigReading(library_marked, training_marked)
    try:
        return ConfigReading(library_marked, training_marked, tuple(sorted(_config_keys(suffix, text))))
    except _Malformed as error:
        return ConfigReading(library_marked, training_marked, problem=str(error))


class ConfigReader:
    """`read_config` for a release's files, through the cache, once per file per audit."""

    def __init__(self, cache_folder: Path | None) -> None:
        self._cache: ResultCache[ConfigReading] = ResultCache(cache_folder, "config-reading", ConfigReading)
        self._read: dict[str, ConfigReading] = {}

    def __call__(self, artifact: Artifact) -> ConfigReading:
        found = self._read.get(artifact.path)
        if found is None:
            text = artifact.text or ""
            found = self._read[artifact.path] = self._cache.computed(
                text, (artifact.suffix,), lambda: read_config(artifact.suffix, text))
        return found


def is_config_candidate(artifact: Artifact, referenced: bool, reading: ConfigReader) -> bool:
    """A file that may be a training configuration: named like one, in a config folder or launched
    with `--config` (`referenced`), or, elsewhere, in a library's format with the library's marks."""
    if artifact.suffix not in CONFIG_SUFFIXES or artifact.name in NOT_CONFIGS or artifact.size > MAX_CONFIG_BYTES:
        return False
    if referenced or CONFIG_FOLDERS & set(artifact.folder.lower().split("/")):
        return artifact.text is not None
    # Outside config folders only the formats libraries write their recipes in: reading every JSON
    # (vocabularies, on the Hub one request each) would cost more than it finds.
    if artifact.suffix not in LIBRARY_CONFIG_SUFFIXES or artifact.text is None:
        return False
    return reading(artifact).library_marked


class _Malformed(Exception):
    pass


def _config_keys(suffix: str, text: str) -> frozenset[str]:
    """Every key (normalised: lower case, `-` as `_`) at any depth of a config file."""
    if suffix == ".py":
        return _python_assignments(text)
    if suffix == ".gin":
        return frozenset()  # gin binds names to values in code-like text: read by its library's pattern
    try:
        if suffix == ".json":
            data = json.loads(text)
        elif suffix == ".toml":
            data = tomllib.loads(text)
        else:
            data = load_yaml(text)
    except (ValueError, RecursionError, MemoryError) as error:  # YamlError is a ValueError
        raise _Malformed(printable(str(error).splitlines()[0] if str(error) else type(error).__name__)) from None
    keys: set[str] = set()
    stack, visited = [data], 0
    while stack and visited < MAX_NODES:
        value = stack.pop()
        visited += 1
        if isinstance(value, dict):
            keys.update(key.lower().replace("-", "_") for key in value if isinstance(key, str))
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return frozenset(keys)


def _python_assignments(text: str) -> frozenset[str]:
    """Module-level names assigned in a Python config (nanoGPT style); unparseable files have none."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return frozenset()
    names = set()
    for statement in tree.body:
        targets = statement.targets if isinstance(statement, ast.Assign) else (
            [statement.target] if isinstance(statement, ast.AnnAssign) else [])
        names.update(target.id.lower() for target in targets if isinstance(target, ast.Name))
    return frozenset(names)


def first_key_line(text: str, keys: list[str]) -> int | None:
    """Line of the first training key, written as `key:`, `"key":` or `key =`."""
    alternatives = "|".join(re.escape(key).replace("_", "[_-]") for key in keys)
    found = re.search(rf"""(?im)^[ \t]*["']?({alternatives})["']?[ \t]*[:=]""", text)
    return text.count("\n", 0, found.start()) + 1 if found else None
