"""Shell scripts, Makefiles and the training configurations they use.

A script that launches a Python file carries the roles `python_code.classify` gives that file; a
launch whose target is not in the release is partial evidence, its role guessed from the launcher
(torchrun, deepspeed, accelerate launch: training) or the file name. Hyperparameter files (under a
config folder, or passed with `--config`) are training configuration: `model-metadata`.
Scripts are read as text and tokenised with `shlex`; nothing is ever run.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field

from auditor.description.interface import ReleaseDescription
from auditor.detectors.config_reading import (
    ALL_TRAINING_KEYS,
    CONFIG_SUFFIXES,
    MIN_KEY_KINDS,
    TRAINING_KEYS,
    ConfigReader,
    ConfigReading,
    first_key_line,
    is_config_candidate,
)
from auditor.detectors.interface import Detection, Detector, DetectorSettings, Evidence
from auditor.detectors.python_code import RoleMatch, classify
from auditor.detectors.training_libraries import TrainingLibrary, library_of
from auditor.escape import printable
from auditor.findings import Finding
from auditor.result_cache import ResultCache
from auditor.sources.interface import Artifact, Inventory

SCRIPT_SUFFIXES = frozenset({".sh", ".bash", ".zsh", ".slurm", ".sbatch"})
MAKEFILE_NAMES = frozenset({"makefile", "gnumakefile"})
SHEBANG = re.compile(r"#!\s*\S*(/|env\s+)(ba|z|da|k)?sh\b")
PYTHON = re.compile(r"(?i)(.*/)?python[\d.]*|\$[({]?python\w*[)}]?")
TRAINING_LAUNCHERS = frozenset({"torchrun", "deepspeed"})
LAUNCHER_MODULES = frozenset({"torch.distributed.launch", "torch.distributed.run", "accelerate.commands.launch"})
# Commands (or `python -m` modules) that are a role by themselves.
COMMAND_ROLES: dict[str, str] = {
    "lm_eval": "evaluation-code", "lm-eval": "evaluation-code", "lighteval": "evaluation-code",
    "spm_train": "supporting-libraries",
}
# Role of a launched file that is absent, from its name; first match wins.
LAUNCH_NAME_ROLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("training-code", re.compile(r"train|finetun|sft")),
    ("evaluation-code", re.compile(r"eval|bench")),
    ("inference-code", re.compile(r"generat|infer|predict|sampl|serv|chat")),
    ("data-preprocessing-code", re.compile(r"prep|process|dedup|filter|clean|shard")),
)
CONFIG_OPTION = re.compile(r"--([\w-]*config[\w-]*|deepspeed)")


@dataclass(frozen=True)
class Launch:
    line: int
    command: str
    target: str | None
    """Path of the launched Python file as written in the script."""
    training_launcher: bool
    configs: tuple[str, ...] = ()


@dataclass(frozen=True)
class _State:
    """What one `detect` run gathers: files by name, configs referenced by scripts, launched files' roles."""

    by_name: dict[str, list[Artifact]] = field(default_factory=dict)
    referenced: dict[str, set[str]] = field(default_factory=dict)
    roles: dict[str, tuple[RoleMatch, ...]] = field(default_factory=dict)


class ScriptsDetector(Detector):
    name = "scripts"

    def detect(self, inventory: Inventory, description: ReleaseDescription) -> Detection:
        detection = Detection()
        state = _State()
        launches_of = _launch_cache(self.settings)
        for artifact in inventory.files():
            state.by_name.setdefault(artifact.name, []).append(artifact)
        for script in inventory.files():
            if _is_script(script):
                for launch in launches_of(script.text or "", _is_makefile(script)):
                    detection.evidence.extend(self._launch_evidence(inventory, state, script, launch))
        reading = ConfigReader(self.settings.cache_folder)
        for artifact in inventory.files():
            if is_config_candidate(artifact, artifact.path in state.referenced, reading):
                self._config(artifact, reading(artifact), state, detection)
        detection.evidence.sort(key=Evidence.sort_key)
        detection.findings.sort(key=Finding.sort_key)
        return detection

    def _launch_evidence(self, inventory: Inventory, state: _State, script: Artifact,
                         launch: Launch) -> list[Evidence]:
        for config in launch.configs:
            found = _resolve(inventory, state, script, config)
            if found is not None:
                state.referenced.setdefault(found.path, set()).add(script.path)
        if launch.command in COMMAND_ROLES:
            return [Evidence(COMMAND_ROLES[launch.command], self.name, f"runs {launch.command}",
                             path=script.path, line=launch.line)]
        if launch.target is None:
            return []
        shown = printable(launch.target)
        target = _resolve(inventory, state, script, launch.target)
        if target is None:
            role = "training-code" if launch.training_launcher else _role_from_name(launch.target)
            if role is None:
                return []
            return [Evidence(role, self.name, f"launches {shown}, which is not in the release",
                             path=script.path, line=launch.line, strength="partial",
                             details=(("target", shown),))]
        if target.path not in state.roles:  # several scripts often launch the same file
            state.roles[target.path] = classify(target) or ()
        return [Evidence(match.role, self.name, f"launches {printable(target.path)}, classified as {match.role}",
                         path=script.path, line=launch.line, details=(("target", printable(target.path)),))
                for match in state.roles[target.path]]

    def _config(self, artifact: Artifact, reading: ConfigReading, state: _State, detection: Detection) -> None:
        if not (reading.training_marked or reading.library_marked):
            return  # parsing thousands of unrelated configs would cost more than the whole audit
        if reading.problem is not None:
            detection.findings.append(Finding(printable(artifact.path), "OSAID-A012",
                                              f"training configuration cannot be parsed: {reading.problem}"))
            return
        keys = frozenset(reading.keys)
        text = artifact.text or ""
        kinds = sorted(kind for kind, names in TRAINING_KEYS.items() if keys & names)
        library = library_of(keys, text)
        if library is not None:
            detection.evidence += _library_evidence(artifact, library, self.name, trains=bool(kinds) or not keys)
        if len(kinds) < MIN_KEY_KINDS:
            return
        matched = sorted(keys & ALL_TRAINING_KEYS)
        details: tuple[tuple[str, str], ...] = (("keys", ", ".join(matched)),)
        if artifact.path in state.referenced:
            details += (("referenced-by", ", ".join(sorted(map(printable, state.referenced[artifact.path])))),)
        detection.evidence.append(Evidence(
            "model-metadata", self.name, f"training configuration ({', '.join(kinds)}): {', '.join(matched)}",
            path=artifact.path, line=first_key_line(text, matched), details=details))


def _library_evidence(artifact: Artifact, library: TrainingLibrary, detector: str, trains: bool) -> list[Evidence]:
    """A config of an open training library: the model's architecture in that library and, when it
    also sets how to train, the training code too, both published as the library."""
    components = ("model-architecture", "training-code") if trains else ("model-architecture",)
    return [Evidence(component, detector, f"{library.name} configuration: the model is defined and trained by the "
                     f"open library {library.name}" if component == "training-code" else
                     f"{library.name} configuration: an architecture the open library {library.name} implements",
                     path=artifact.path, url=library.url, strength="referenced", details=(("library", library.name),))
            for component in components]


def _launch_cache(settings: DetectorSettings) -> Callable[[str, bool], list[Launch]]:
    """`parse_launches`, through the cache of per-file results: splitting every line of a large
    repository's shell scripts into commands is most of this detector's time."""
    cache: ResultCache[list[Launch]] = ResultCache(settings.cache_folder, "script-launches", list[Launch])
    return lambda text, makefile: cache.computed(text, ("makefile" if makefile else "script",),
                                                 lambda: parse_launches(text, makefile=makefile))




def parse_launches(text: str, makefile: bool = False) -> list[Launch]:
    """Every command in a script that runs a Python file, a launcher, or a known tool."""
    launches = []
    for line_number, line in _logical_lines(text, makefile):
        for command in _commands(line):
            launch = _launch(command, line_number)
            if launch is not None:
                launches.append(launch)
    return launches


def _logical_lines(text: str, makefile: bool) -> list[tuple[int, str]]:
    """Lines with backslash continuations joined, each with the number of its first line."""
    lines: list[tuple[int, str]] = []
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        if not pending:
            start = number
        if makefile and raw.startswith("\t"):
            raw = raw.lstrip("\t").lstrip("@-+")  # recipe prefixes: silent, ignore errors
        if raw.endswith("\\"):
            pending.append(raw[:-1])
            continue
        pending.append(raw)
        lines.append((start, " ".join(pending)))
        pending = []
    if pending:
        lines.append((start, " ".join(pending)))
    return lines


def _commands(line: str) -> list[list[str]]:
    """The simple commands of a line, split at `;`, `&&`, `||`, `|` and `&`."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    try:
        tokens = list(lexer)
    except ValueError:  # unbalanced quotes: fall back to plain words
        tokens = line.split("#", 1)[0].split()
    commands: list[list[str]] = [[]]
    for token in tokens:
        if token and set(token) <= set(";&|"):
            commands.append([])
        else:
            commands[-1].append(token)
    return [command for command in commands if command]


def _launch(tokens: list[str], line: int) -> Launch | None:
    for index, token in enumerate(tokens):
        program = posixpath.basename(token)
        rest = tokens[index + 1:]
        if program in COMMAND_ROLES:
            return Launch(line, program, None, False, _config_refs(rest))
        launcher = program in TRAINING_LAUNCHERS or (program == "accelerate" and rest[:1] == ["launch"])
        if PYTHON.fullmatch(token) and "-m" in rest[:3]:
            module = rest[rest.index("-m") + 1] if rest.index("-m") + 1 < len(rest) else ""
            if module in COMMAND_ROLES:
                return Launch(line, module, None, False, _config_refs(rest))
            if module in LAUNCHER_MODULES:
                launcher = True
            elif module:
                return Launch(line, "python", module.replace(".", "/") + ".py", False, _config_refs(rest))
        if launcher or PYTHON.fullmatch(token):
            target = next((word for word in rest if word.endswith(".py")), None)
            return Launch(line, program, target, launcher, _config_refs(rest, target))
    return None


def _config_refs(words: list[str], target: str | None = None) -> tuple[str, ...]:
    """Config files a command names: `--config X`, `--config=X`, or a positional config file."""
    refs: list[str] = []
    after_target = target is None
    for index, word in enumerate(words):
        option, _, value = word.partition("=")
        if CONFIG_OPTION.fullmatch(option):
            value = value or (words[index + 1] if index + 1 < len(words) else "")
            if posixpath.splitext(value)[1].lower() in CONFIG_SUFFIXES:
                refs.append(value)
        elif after_target and not word.startswith("-") and posixpath.splitext(word)[1].lower() in CONFIG_SUFFIXES:
            refs.append(word)
        after_target = after_target or word == target
    return tuple(dict.fromkeys(refs))


def _resolve(inventory: Inventory, state: _State, script: Artifact, written: str) -> Artifact | None:
    """The artifact a path in a script means: beside the script, from the root, or a unique name."""
    parts = written.split("/")
    # `$ROOT/src/train.py` -> `src/train.py`: variables are unknown, what follows them is kept.
    path = "/".join(parts[max((i + 1 for i, part in enumerate(parts) if "$" in part), default=0):])
    for base in (script.folder, ""):
        candidate = posixpath.normpath(posixpath.join(base, path))
        found = inventory.get(candidate)
        if found is not None:
            return found
    same_name = state.by_name.get(posixpath.basename(path), [])
    return same_name[0] if len(same_name) == 1 else None


def _role_from_name(written: str) -> str | None:
    stem = posixpath.splitext(posixpath.basename(written))[0].lower()
    return next((role for role, pattern in LAUNCH_NAME_ROLES if pattern.search(stem)), None)


def _is_makefile(artifact: Artifact) -> bool:
    return artifact.name.lower() in MAKEFILE_NAMES or artifact.suffix == ".mk"


def _is_script(artifact: Artifact) -> bool:
    named = artifact.suffix in SCRIPT_SUFFIXES or _is_makefile(artifact)
    if not named and artifact.suffix != "":
        return False  # the name decides: decoding every file would read each whole (on the Hub, by range)
    if artifact.text is None:
        return False
    return named or SHEBANG.match(artifact.text) is not None
