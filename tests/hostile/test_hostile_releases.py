"""Hostile releases through the real command, one input per test.

Every test checks the same contract: the command ends with exit 0 (or exit 2 and one line on stderr
where the target itself is unusable), never with a traceback or an "internal error"; nothing from the
release runs (marker files stay absent); not one byte of the release changes (`tree_digest`); the audit
ends in bounded time; and the report names what was wrong with a finding code.
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import pickle
import resource
import stat
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hub_server import FakeFile, FakeRepo, HubServer
from support import ROOT, CliResult, tree_digest

from auditor.formats.markdown_escape import markdown_text
from auditor.sources import hub as hub_module
from auditor.sources import local as local_module

TIME_LIMIT = 30.0
MEMORY_LIMIT_KB = 300 * 1024
ALL_FORMATS = ("text", "markdown", "json", "sarif", "junit", "html", "mot")
APACHE = (ROOT / "fixtures" / "licenses" / "apache-2.0.txt").read_bytes()
SENTINEL = "SENTINEL-c0ffee-outside-the-release"


# --------------------------------------------------------------------------------------------------- helpers


class _RunsCommand:
    """Unpickling this runs a shell command that creates the marker file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def runs_command(marker: Path) -> bytes:
    return pickle.dumps(_RunsCommand(marker), protocol=4)


class Hostile:
    """A release folder, a marker its code would create, and a place outside it."""

    def __init__(self, tmp_path: Path) -> None:
        self.release = tmp_path / "release"
        self.outside = tmp_path / "outside"
        self.marker = tmp_path / "pwned"
        self.release.mkdir()
        self.outside.mkdir()
        # Code that would create the marker if anything imported or ran it.
        (self.release / "setup.py").write_text(f"import os\nos.system('touch {self.marker}')\n")

    def write(self, name: str | bytes, data: bytes | str = b"") -> Path:
        path = os.path.join(os.fsencode(self.release), os.fsencode(name))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data.encode() if isinstance(data, str) else data)
        return Path(os.fsdecode(path))


@pytest.fixture
def hostile(tmp_path: Path) -> Hostile:
    return Hostile(tmp_path)


def audit(run_cli, hostile: Hostile, *args: str, fmt: str = "json", exit_code: int | tuple[int, ...] = 0,
          digest: Callable[[Path], str] = tree_digest) -> CliResult:
    """Runs the command on the release and checks the common contract (`exit_code`: the one(s) allowed);
    the peak memory the command added is checked too (the digest is taken outside that window)."""
    before = digest(hostile.release)
    peak = peak_rss_kb()
    start = time.monotonic()
    result = run_cli(hostile.release, "--format", fmt, "--fail-on", "never", *args)
    elapsed = time.monotonic() - start
    assert peak_rss_kb() - peak < MEMORY_LIMIT_KB
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    assert result.exit_code in (exit_code if isinstance(exit_code, tuple) else (exit_code,)), result.stderr
    if result.exit_code == 2:
        assert result.stderr.count("\n") == 1, result.stderr
    assert elapsed < TIME_LIMIT
    assert not hostile.marker.exists(), "code from the release was executed"
    assert digest(hostile.release) == before, "the release was written to"
    return result


def streamed_digest(root: Path) -> str:
    """`tree_digest` for trees it cannot take: files read in chunks (a 500 MB sparse file would raise the
    peak memory being measured) and folders walked by descriptor without recursion (deeper than
    PATH_MAX and the recursion limit)."""
    digest = hashlib.sha256()
    stack = [(os.open(root, os.O_RDONLY | os.O_DIRECTORY), b"")]
    while stack:
        fd, rel = stack.pop()
        try:
            for name in sorted(os.listdir(fd)):
                info = os.stat(name, dir_fd=fd, follow_symlinks=False)
                digest.update(rel + os.fsencode(name) + str(info.st_mode).encode())
                if stat.S_ISDIR(info.st_mode):
                    child = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
                    stack.append((child, rel + os.fsencode(name) + b"/"))
                elif stat.S_ISLNK(info.st_mode):
                    digest.update(os.fsencode(os.readlink(name, dir_fd=fd)))
                elif stat.S_ISREG(info.st_mode):
                    file_fd = os.open(name, os.O_RDONLY, dir_fd=fd)
                    with os.fdopen(file_fd, "rb") as f:
                        while chunk := f.read(1 << 20):
                            digest.update(chunk)
        finally:
            os.close(fd)
    return digest.hexdigest()


def audit_in_subprocess(hostile: Hostile, limit: float) -> dict:
    """The installed command in a child process, killed after `limit` seconds (for inputs that could hang
    the test process itself); checks the common contract and returns the JSON report."""
    before = tree_digest(hostile.release)
    env = {**os.environ, "HF_HUB_DISABLE_TELEMETRY": "1", "HF_HUB_OFFLINE": "1", "NO_COLOR": "1"}
    command = [str(Path(sys.executable).parent / "audit"), str(hostile.release), "--format", "json",
               "--fail-on", "never"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=limit, env=env)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the audit did not finish within {limit:.0f} s")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert not hostile.marker.exists(), "code from the release was executed"
    assert tree_digest(hostile.release) == before, "the release was written to"
    return json.loads(done.stdout)


def findings(report: dict, code: str | None = None) -> dict[str, str]:
    """path -> message of the findings (with `code`, if given)."""
    return {f["path"]: f["message"] for f in report["findings"] if code is None or f["code"] == code}


def peak_rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


@pytest.fixture
def bytes_read(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """path -> bytes the local source handed out for it (peak memory alone would miss a read made after an
    earlier test raised the high-water mark)."""
    counts: dict[str, int] = {}
    source = local_module.LocalFolderSource
    read, stream = source.read, source.stream

    def counted_read(self, artifact, offset: int, length: int) -> bytes:
        data = read(self, artifact, offset, length)
        counts[artifact.path] = counts.get(artifact.path, 0) + len(data)
        return data

    def counted_stream(self, artifact, *args, **kwargs):
        for chunk in stream(self, artifact, *args, **kwargs):
            counts[artifact.path] = counts.get(artifact.path, 0) + len(chunk)
            yield chunk

    monkeypatch.setattr(source, "read", counted_read)
    monkeypatch.setattr(source, "stream", counted_stream)
    return counts


# ----------------------------------------------------------------------------------------- 1. symbolic links


OUTSIDE = "{outside}"
LINKS = {
    "loop-pair": ({"a": "b", "b": "a"}, "OSAID-A002", "loops"),
    "self-loop": ({"self": "self"}, "OSAID-A002", "loops"),
    "broken": ({"broken": "nowhere"}, "OSAID-A002", "broken"),
    "absolute-outside": ({"passwd": "/etc/passwd"}, "OSAID-A001", "outside the release"),
    "relative-outside": ({"deep/er/README.md": "../../../outside/secret.txt"}, "OSAID-A001", "outside the release"),
    "licence-outside": ({"LICENSE": "../outside/secret.txt"}, "OSAID-A001", "outside the release"),
    "absolute-into-outside": ({"NOTICE": OUTSIDE + "/secret.txt"}, "OSAID-A001", "outside the release"),
    "folder-outside": ({"docs": OUTSIDE + "/folder"}, "OSAID-A001", "outside the release"),
}


@pytest.mark.parametrize("case", LINKS)
def test_symbolic_link(hostile: Hostile, run_cli, case: str) -> None:
    links, code, reason = LINKS[case]
    (hostile.outside / "secret.txt").write_text(f"{SENTINEL}\nApache License Version 2.0\n")
    (hostile.outside / "folder").mkdir()
    (hostile.outside / "folder" / "README.md").write_text(f"---\nlicense: mit\n---\n# {SENTINEL}\n")
    for name, target in links.items():
        (hostile.release / name).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target.replace(OUTSIDE, str(hostile.outside)), hostile.release / name)
    as_json = audit(run_cli, hostile)
    report = as_json.json()
    found = findings(report, code)
    for name in links:
        assert name in found and reason in found[name], report["findings"]
    as_text = audit(run_cli, hostile, fmt="text")
    for output in (as_json.stdout, as_text.stdout):
        assert SENTINEL not in output and "root:x:0:0" not in output
    assert not any(d["path"] in links and d["id"] for d in report["licenses"])


@pytest.mark.parametrize("target", ["..", "."])
def test_folder_link_to_its_own_parent_is_not_walked(hostile: Hostile, run_cli, target: str) -> None:
    hostile.write("sub/notes.md", "# Notes\n")
    os.symlink(target, hostile.release / "sub" / "up")
    report = audit(run_cli, hostile).json()
    # Links to folders inside the release are not walked (their content is listed at its real place), so
    # the cycle costs nothing: no sub/up/sub/up/... paths anywhere.
    assert "sub/up/" not in json.dumps(report)


# ------------------------------------------------------------------------------------------------- 2. pickles


def _zip_with_pickle(payload: bytes) -> bytes:
    """A PyTorch zip checkpoint: the pickle is the member `archive/data.pkl`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("archive/data.pkl", payload)
        archive.writestr("archive/version", b"3\n")
    return buffer.getvalue()


@pytest.mark.parametrize("name", ["pytorch_model.bin", "model.pt", "optimizer.pt", "zipped/pytorch_model.bin"])
def test_pickle_that_runs_a_command_is_never_loaded(hostile: Hostile, run_cli, name: str) -> None:
    payload = runs_command(hostile.marker)
    hostile.write(name, _zip_with_pickle(payload) if name.startswith("zipped/") else payload)
    report = audit(run_cli, hostile).json()
    pickled = findings(report, "OSAID-A008")
    assert name in pickled and "never loaded" in pickled[name]
    expected = "pytorch-zip" if name.startswith("zipped/") else "pickle"
    assert pickled[name].startswith(expected)


# ------------------------------------------------------------------------------------------------ 3. safetensors


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("huge.safetensors", struct.pack("<Q", 2**60) + b'{"a": 1}', "exceeds the limit"),
    ("truncated.safetensors", struct.pack("<Q", 4096) + b'{"weight": {"dtype": "F3', "exceeds the file size"),
    ("notjson.safetensors", struct.pack("<Q", 16) + b"{this is not js}", "not valid JSON"),
    ("nested-array.safetensors", struct.pack("<Q", 200_000) + _nested(100_000), "does not start with '{'"),
    ("nested-object.safetensors", struct.pack("<Q", 200_008) + b'{"a": ' + _nested(100_000) + b"}  ",
     "not valid JSON"),
], ids=["2**60-bytes", "truncated", "not-json", "nested-array", "nested-in-object"])
def test_malformed_safetensors_header(hostile: Hostile, run_cli, name: str, content: bytes, reason: str) -> None:
    hostile.write(name, content)
    report = audit(run_cli, hostile).json()
    malformed = findings(report, "OSAID-A006")
    assert name in malformed and reason in malformed[name], malformed


# ------------------------------------------------------------------------------------------------------ 4. GGUF


def _gguf(tensors: int, metadata: int, rest: bytes = b"", size: int = 256) -> bytes:
    data = b"GGUF" + struct.pack("<IQQ", 3, tensors, metadata) + rest
    return data + bytes(max(size - len(data), 0))


@pytest.mark.parametrize(("content", "reason"), [
    (_gguf(2**63, 1), "implausible tensor count"),
    (_gguf(1, 2**40), "implausible metadata count"),
    (_gguf(0, 1, struct.pack("<Q", 2**62) + b"general.name"), "truncated inside the metadata"),
    (_gguf(0, 1, struct.pack("<Q", 12) + b"general.name" + struct.pack("<IQ", 8, 2**62) + b"x"),
     "truncated inside the metadata"),
], ids=["tensor-count-2**63", "metadata-count-2**40", "key-length-2**62", "value-length-2**62"])
def test_gguf_with_absurd_counts(hostile: Hostile, run_cli, content: bytes, reason: str) -> None:
    hostile.write("model.gguf", content)
    report = audit(run_cli, hostile).json()
    malformed = findings(report, "OSAID-A006")
    assert "model.gguf" in malformed and reason in malformed["model.gguf"], malformed


def test_gguf_string_length_beyond_a_large_file(hostile: Hostile, run_cli) -> None:
    path = hostile.write("model.gguf", _gguf(0, 1, struct.pack("<Q", 12) + b"general.name"
                                             + struct.pack("<IQ", 8, 2**62)))
    os.truncate(path, 8 * 1024 * 1024)  # a sparse 8 MiB file: a 2**62-byte string cannot be in it
    report = audit(run_cli, hostile).json()
    assert "model.gguf" in findings(report, "OSAID-A006")


# -------------------------------------------------------------------------------------------------- 5. zip bomb


def test_zip_bomb_checkpoint_is_never_decompressed(hostile: Hostile, run_cli, bytes_read: dict[str, int]) -> None:
    path = hostile.release / "pytorch_model.bin"
    zeros = bytes(1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("archive/data.pkl", "w", force_zip64=True) as member:
            for _ in range(1024):  # 1 GiB of zeros, about 4.5 MB on disk
                member.write(zeros)
    assert path.stat().st_size < 8 * 1024 * 1024
    report = audit(run_cli, hostile).json()
    pickled = findings(report, "OSAID-A008")
    assert pickled["pytorch_model.bin"].startswith("pytorch-zip")
    assert bytes_read.get("pytorch_model.bin", 0) <= 64 * 1024  # the local headers, not the 4.5 MB stream


# ---------------------------------------------------------------------------------------------- 6. YAML front matter


BILLION_LAUGHS = "---\nlicense: mit\n" + "\n".join(
    [f'l0: &l0 "{"lol" * 10}"'] + [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, 10)]
) + "\n---\n# Model Details\n\n## Uses\n\n## Limitations\n"


@pytest.mark.parametrize(("front_matter", "reason"), [
    (BILLION_LAUGHS, "aliases are not accepted"),
    ("---\nlicense: !!python/object/apply:os.system ['touch {marker}']\n---\n# Model Details\n",
     "could not determine a constructor"),
    ("---\nx: !!python/object/new:subprocess.Popen [['touch', '{marker}']]\n---\n# Model Details\n",
     "could not determine a constructor"),
    ("---\nx: !!python/name:os.system\n---\n# Model Details\n", "could not determine a constructor"),
], ids=["billion-laughs", "object-apply", "object-new", "python-name"])
def test_hostile_yaml_front_matter(hostile: Hostile, run_cli, front_matter: str, reason: str) -> None:
    hostile.write("README.md", front_matter.replace("{marker}", str(hostile.marker)))
    report = audit(run_cli, hostile).json()
    malformed = findings(report, "OSAID-A012")
    assert "README.md" in malformed and reason in malformed["README.md"], malformed


# ----------------------------------------------------------------------------------------------- 7. huge README


def test_huge_readme_is_not_read(hostile: Hostile, run_cli, bytes_read: dict[str, int]) -> None:
    path = hostile.write("README.md", "# Model Details\n")
    os.truncate(path, 500 * 1024 * 1024)  # sparse: 500 MB that take no disk
    report = audit(run_cli, hostile, digest=streamed_digest).json()
    assert "too large" in findings(report, "OSAID-A011")["README.md"]
    assert bytes_read.get("README.md", 0) <= 64 * 1024


# ------------------------------------------------------------------------------------------- 8. binary licence


@pytest.mark.parametrize("name", ["LICENSE", "LICENSE.md"])
def test_binary_licence_is_unknown(hostile: Hostile, run_cli, name: str) -> None:
    hostile.write(name, bytes(range(256)) * 16 + b"\x00\xff\xfe")
    report = audit(run_cli, hostile).json()
    assert name in findings(report, "OSAID-A007")
    declared = [d for d in report["licenses"] if d["path"] == name]
    assert declared and all(d["class"] == "unknown" and d["id"] is None for d in declared)


# ------------------------------------------------------------------------------------------------ 9. file names


HOSTILE_NAMES = {
    b"\xff\xfe": "\\xff\\xfe",
    b"\x1b[2J.md": "\\x1b[2J.md",
    b"\x1b]0;pwned title\x07.txt": "\\x1b]0;pwned title\\x07.txt",
    b"new\nline.md": "new\\x0aline.md",
    b"carriage\rreturn.md": "carriage\\x0dreturn.md",
    b"model\x1b[31m.safetensors": "model\\x1b[31m.safetensors",
    b"evil\x1b]0;x\x07.bin": "evil\\x1b]0;x\\x07.bin",
}


def _valid_safetensors() -> bytes:
    header = json.dumps({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}).encode()
    header += b" " * (-len(header) % 8)
    return struct.pack("<Q", len(header)) + header + bytes(8)


@pytest.mark.parametrize("raw", HOSTILE_NAMES, ids=[repr(raw)[2:-1] for raw in HOSTILE_NAMES])
def test_control_characters_in_names_are_escaped_everywhere(hostile: Hostile, run_cli, raw: bytes) -> None:
    content = b"# Notes\n"
    if raw.endswith(b".safetensors"):
        content = _valid_safetensors()
    elif raw.endswith(b".bin"):
        content = runs_command(hostile.marker)
    hostile.write(raw, content)
    shown = HOSTILE_NAMES[raw]
    report = audit(run_cli, hostile).json()
    assert shown in findings(report, "OSAID-A005")
    if raw.endswith(b".bin"):
        assert shown in findings(report, "OSAID-A008")
    if raw.endswith(b".safetensors"):
        assert any(e["path"] == shown for c in report["components"] for e in c["evidence"])
    raw_text = os.fsdecode(raw)
    for fmt in ALL_FORMATS:
        output = audit(run_cli, hostile, fmt=fmt).stdout
        assert "\x1b" not in output and "\x07" not in output and "\r" not in output, fmt
        assert raw_text not in output and "\ufffd" not in output and "\udcff" not in output, fmt
    assert markdown_text(shown) in audit(run_cli, hostile, fmt="markdown").stdout  # escaped for Markdown too


# ----------------------------------------------------------------------------------------- 10. unreadable paths


class _DenyingOs:
    """The `os` module as `auditor.sources.local` sees it, refusing to list or read chosen paths."""

    def __init__(self, folder: str, unopenable: str, unreadable: str) -> None:
        self._folder, self._unopenable, self._unreadable = folder, unopenable, unreadable
        self._denied_fds: set[int] = set()

    def __getattr__(self, name: str):
        return getattr(os, name)

    def scandir(self, path=".", *args, **kwargs):
        if os.fsdecode(path) == self._folder:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), path)
        return os.scandir(path, *args, **kwargs)

    def open(self, path, flags, *args, **kwargs):
        if os.fsdecode(path) == self._unopenable:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), path)
        fd = os.open(path, flags, *args, **kwargs)
        if os.fsdecode(path) == self._unreadable:
            self._denied_fds.add(fd)
        return fd

    def pread(self, fd: int, length: int, offset: int) -> bytes:
        if fd in self._denied_fds:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        return os.pread(fd, length, offset)

    def read(self, fd: int, length: int) -> bytes:
        if fd in self._denied_fds:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        return os.read(fd, length)

    def close(self, fd: int) -> None:
        self._denied_fds.discard(fd)
        os.close(fd)


def test_unreadable_files_and_folders(hostile: Hostile, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    hostile.write("LICENSE", APACHE)
    hostile.write("private/notes.md", "# Notes\n")
    hostile.write("train.py", "import torch\n")
    hostile.write("README.md", "---\nlicense: apache-2.0\n---\n# Model Details\n")
    hostile.write("config.json", '{"architectures": ["LlamaForCausalLM"], "model_type": "llama"}')
    real = os.path.realpath(hostile.release)
    denying = _DenyingOs(os.path.join(real, "private"), os.path.join(real, "train.py"),
                         os.path.join(real, "README.md"))
    monkeypatch.setattr(local_module, "os", denying)
    report = audit(run_cli, hostile).json()
    unreadable = findings(report, "OSAID-A004")
    assert "Permission denied" in unreadable["private"] and "not readable" in unreadable["private"]
    assert "Permission denied" in unreadable["train.py"]
    assert "Permission denied" in unreadable["README.md"]
    # The rest of the release is still audited.
    assert any(d["path"] == "LICENSE" and d["id"] == "Apache-2.0" for d in report["licenses"])
    assert "LlamaForCausalLM" in json.dumps(report)


# ---------------------------------------------------------------------------------------- 11. special files


def test_fifo_and_device_are_listed_never_opened(hostile: Hostile) -> None:
    root = hostile.release
    os.mkfifo(root / "model.safetensors")  # a reader that opened it would block until a writer came
    os.mkfifo(root / "README.md")
    special = {"model.safetensors", "README.md"}
    try:
        os.mknod(root / "pytorch_model.bin", stat.S_IFCHR | 0o600, os.makedev(1, 3))
        special.add("pytorch_model.bin")
    except (PermissionError, OSError):
        pass  # not permitted in this container: the FIFOs still cover "never opened"
    listed = findings(audit_in_subprocess(hostile, TIME_LIMIT), "OSAID-A003")
    assert special <= listed.keys(), listed
    assert all("never opened" in listed[name] for name in special)


# ----------------------------------------------------------------------------------------- 12. deep folders


DEPTH = 10_000


def _make_deep(root: Path, depth: int) -> None:
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for _ in range(depth):
            os.mkdir("d", dir_fd=fd)
            child = os.open("d", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = child
        os.close(os.open("bottom.md", os.O_CREAT | os.O_WRONLY, 0o644, dir_fd=fd))
    finally:
        os.close(fd)


@pytest.fixture
def deep_release(tmp_path: Path) -> Iterator[Hostile]:
    # 10,000 folders cost seconds to make and remove on a busy disk, a tenth of a second in memory.
    shm = Path("/dev/shm")
    base = Path(tempfile.mkdtemp(dir=shm)) if shm.is_dir() and os.access(shm, os.W_OK) else tmp_path / "deep"
    base.mkdir(exist_ok=True)
    hostile = Hostile(base)
    try:
        _make_deep(hostile.release, DEPTH)
        yield hostile
    finally:
        # shutil.rmtree recurses once per level and would hit the recursion limit; rm does not.
        subprocess.run(["rm", "-rf", str(base)], check=False)


def test_folders_deeper_than_path_max(deep_release: Hostile, run_cli) -> None:
    assert len("d/" * DEPTH) > os.pathconf("/", "PC_PATH_MAX")
    report = audit(run_cli, deep_release, digest=streamed_digest).json()
    too_long = {path: message for path, message in findings(report, "OSAID-A004").items() if path.startswith("d/")}
    assert len(too_long) == 1, too_long
    assert "too long" in next(iter(too_long.values())).lower()


# ------------------------------------------------------------------------------------------ 13. damaged git


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org",
                           "-c", "commit.gpgsign=false", *args], check=True, capture_output=True,
                          text=True).stdout.strip()


@pytest.fixture
def git_release(hostile: Hostile) -> Hostile:
    hostile.write("LICENSE", APACHE)
    hostile.write("README.md", "---\nlicense: apache-2.0\n---\n# Model Details\n")
    hostile.write("data/notes.md", "# Notes\n")
    _git(hostile.release, "init", "-q")
    _git(hostile.release, "add", "-A")
    _git(hostile.release, "commit", "-q", "-m", "release")
    return hostile


def _delete_object(repo: Path, sha: str) -> None:
    loose = repo / ".git" / "objects" / sha[:2] / sha[2:]
    loose.chmod(0o644)
    loose.unlink()


def test_git_blob_missing(git_release: Hostile, run_cli) -> None:
    repo = git_release.release
    _delete_object(repo, _git(repo, "rev-parse", "HEAD:LICENSE"))
    result = audit(run_cli, git_release, "--rev", "HEAD", exit_code=(0, 2))
    if result.exit_code == 2:
        assert "object store" in result.stderr
        return
    report = result.json()
    assert "missing from the object store" in findings(report, "OSAID-A004")["LICENSE"]
    assert "data/notes.md" not in findings(report)  # the rest was read


def test_git_tree_missing(git_release: Hostile, run_cli) -> None:
    repo = git_release.release
    _delete_object(repo, _git(repo, "rev-parse", "HEAD:data"))
    result = audit(run_cli, git_release, "--rev", "HEAD", exit_code=2)
    assert "object store is damaged" in result.stderr


def test_git_root_tree_missing(git_release: Hostile, run_cli) -> None:
    repo = git_release.release
    _delete_object(repo, _git(repo, "rev-parse", "HEAD^{tree}"))
    result = audit(run_cli, git_release, "--rev", "HEAD", exit_code=2)
    assert "object store is damaged" in result.stderr


# ---------------------------------------------------------------------------------------------- 14. the Hub


def _hub_repo() -> FakeRepo:
    return FakeRepo("org/model", {
        "README.md": FakeFile(b"---\nlicense: apache-2.0\n---\n# Model Details\n"),
        "LICENSE": FakeFile(APACHE),
        "config.json": FakeFile(b'{"architectures": ["LlamaForCausalLM"], "model_type": "llama"}'),
    })


@pytest.fixture
def fast_hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[HubServer]:
    monkeypatch.setattr(hub_module, "BACKOFF_SECONDS", 0.01)
    monkeypatch.setattr(hub_module, "TIMEOUT_SECONDS", 0.5)
    with HubServer([_hub_repo()], page_size=1) as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        yield hub


def hub_audit(run_cli, hub: HubServer, exit_code: int) -> CliResult:
    start = time.monotonic()
    result = run_cli("hf://org/model", "--format", "json", "--fail-on", "never")
    assert time.monotonic() - start < TIME_LIMIT
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    assert result.exit_code == exit_code, result.stderr
    if exit_code == 2:
        assert result.stderr.count("\n") == 1, result.stderr
    assert len(hub.requests) < 50, len(hub.requests)
    return result


def test_hub_info_slower_than_the_timeout(fast_hub: HubServer, run_cli) -> None:
    fast_hub.delay(r"^/api/models/org/model$", 3)
    result = hub_audit(run_cli, fast_hub, exit_code=2)
    assert "did not answer within" in result.stderr


def test_hub_file_slower_than_the_timeout(fast_hub: HubServer, run_cli) -> None:
    fast_hub.delay(r"/resolve/.*/LICENSE$", 3)
    report = hub_audit(run_cli, fast_hub, exit_code=0).json()
    assert "LICENSE" in findings(report, "OSAID-A004")
    assert "LlamaForCausalLM" in json.dumps(report)  # the other files were read


def test_hub_malformed_info(fast_hub: HubServer, run_cli) -> None:
    fast_hub.malformed_json(r"^/api/models/org/model$")
    result = hub_audit(run_cli, fast_hub, exit_code=2)
    assert "malformed answer" in result.stderr


def test_hub_malformed_refs(fast_hub: HubServer, run_cli) -> None:
    fast_hub.malformed_json(r"/refs$")
    report = hub_audit(run_cli, fast_hub, exit_code=0).json()
    assert "branches and tags not read" in findings(report, "OSAID-A014")[""]


def test_hub_endless_tree_pagination(fast_hub: HubServer, run_cli) -> None:
    fast_hub.endless_pagination(r"/tree/")
    report = hub_audit(run_cli, fast_hub, exit_code=0).json()
    assert "LlamaForCausalLM" in json.dumps(report)
    assert len(fast_hub.requests_to(r"/tree/")) < 50


def test_hub_everything_slow(fast_hub: HubServer, run_cli) -> None:
    fast_hub.delay(r".", 3)
    result = hub_audit(run_cli, fast_hub, exit_code=2)
    assert "did not answer within" in result.stderr


# ------------------------------------------------------------------------- 15. text that costs quadratic time
# A linear implementation audits each of these in about a second; the bound is ten times that. The three run
# at once, each in a child process killed at the bound, so that a regression costs ten seconds, not hours.

QUADRATIC_LIMIT = 10.0
QUADRATIC_INPUTS = {
    "digits": ("results.txt", "1" * 65536),  # documents._has_numbers searches the first 64 KiB
    "closing-hashes": ("README.md", "# a" + " #" * 100_000 + "b\n"),
    "sections-and-links": ("README.md", "".join(f"# h{i}\nhttps://example.org/{i}\n" for i in range(20_000))),
}


@pytest.fixture(scope="module")
def quadratic_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    runs = {}
    env = {**os.environ, "HF_HUB_DISABLE_TELEMETRY": "1", "HF_HUB_OFFLINE": "1", "NO_COLOR": "1"}
    for key, (name, text) in QUADRATIC_INPUTS.items():
        hostile = Hostile(tmp_path_factory.mktemp(key))
        hostile.write(name, text)
        before = tree_digest(hostile.release)
        process = subprocess.Popen([str(Path(sys.executable).parent / "audit"), str(hostile.release), "--format",
                                    "json", "--fail-on", "never"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True, env=env)
        runs[key] = (hostile, before, process, time.monotonic())
    yield runs
    for _, _, process, _ in runs.values():
        process.kill()
        process.communicate()


def finished_audit(runs: dict, key: str) -> dict:
    hostile, before, process, start = runs[key]
    try:
        stdout, stderr = process.communicate(timeout=max(start + QUADRATIC_LIMIT - time.monotonic(), 0.01))
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail(f"the audit did not finish within {QUADRATIC_LIMIT:.0f} s")
    assert process.returncode == 0 and "Traceback" not in stderr, stderr
    assert not hostile.marker.exists() and tree_digest(hostile.release) == before
    return json.loads(stdout)


def test_results_file_with_a_long_run_of_digits(quadratic_runs: dict) -> None:
    finished_audit(quadratic_runs, "digits")


def test_heading_with_a_long_run_of_closing_hashes(quadratic_runs: dict) -> None:
    finished_audit(quadratic_runs, "closing-hashes")


def test_card_with_many_sections_and_links(quadratic_runs: dict) -> None:
    finished_audit(quadratic_runs, "sections-and-links")
