"""The pure-Python git reader: objects as git reads them (loose, packed, deltas), and every place a
hostile repository could make it loop, block, read outside the release or accept a damaged file."""

from __future__ import annotations

import hashlib
import os
import struct
import subprocess
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import tree_digest

from auditor.sources import git_worktree
from auditor.sources.untrusted_git import GitError, GitRepository, RevisionError, find_git_dir

GIT_ENV = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(repo: Path, *args: str, text: bool = True) -> str | bytes:
    return subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                          check=True, capture_output=True, text=text, env=GIT_ENV).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    for step in range(4):  # successive versions of one file: `git gc` stores them as deltas
        (root / "data.txt").write_text("".join(f"line {n}\n" for n in range(2000 + step * 300)))
        (root / f"file{step}.md").write_text(f"# File {step}\n")
        git(root, "add", "-A")
        git(root, "commit", "-qm", f"step {step}")
    git(root, "tag", "-a", "v1", "-m", "release")
    return root


def opened(root: Path) -> GitRepository:
    real = os.path.realpath(root)
    return GitRepository(real, find_git_dir(real, bare=True))


def fake_id(text: str) -> bytes:
    return hashlib.sha1(text.encode()).digest()


def write_loose(root: Path, binsha: bytes, kind: str, content: bytes) -> None:
    """A loose object file at `binsha`, whatever its content hashes to (a lying object store)."""
    path = root / ".git" / "objects" / binsha.hex()[:2] / binsha.hex()[2:]
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(zlib.compress(b"%s %d\0" % (kind.encode(), len(content)) + content))


def write_pack(root: Path, binsha: bytes, entry: bytes) -> None:
    """A pack of one object, `entry` being its header and data, with a version 2 index."""
    pack = b"PACK" + struct.pack(">II", 2, 1) + entry
    pack += hashlib.sha1(pack).digest()
    fanout = b"".join(struct.pack(">I", int(n >= binsha[0])) for n in range(256))
    index = b"\377tOc" + struct.pack(">I", 2) + fanout + binsha + struct.pack(">II", 0, 12) + pack[-20:]
    index += hashlib.sha1(index).digest()
    folder = root / ".git" / "objects" / "pack"
    (folder / "pack-test.pack").write_bytes(pack)
    (folder / "pack-test.idx").write_bytes(index)


# ------------------------------------------------------------------------------------------- objects


@pytest.mark.parametrize("packed", [False, True])
def test_every_blob_reads_as_git_reads_it(repo: Path, packed: bool) -> None:
    if packed:
        git(repo, "gc", "-q", "--aggressive")
        assert "chain length = 1" in git(repo, "verify-pack", "-v", *map(str, repo.glob(".git/objects/pack/*.idx")))
    repository = opened(repo)
    for revision in ("HEAD", "HEAD~1", "HEAD~2", "HEAD~3"):
        commit = repository.resolve(revision)
        assert commit.hex() == git(repo, "rev-parse", revision).strip()
        for entry in repository.walk(repository.tree_of(commit)):
            content = git(repo, "cat-file", "blob", entry.binsha.hex(), text=False)
            assert b"".join(repository.chunks(entry.binsha, 1000)) == content
            assert repository.read(entry.binsha, 5000, 100) == content[5000:5100]
            assert repository.info(entry.binsha).size == len(content)


@pytest.mark.parametrize("entry", [
    bytes([0x65, 0x00]) + zlib.compress(b"12345"),  # an offset delta whose base is itself
    bytes([0x75]) + fake_id("self") + zlib.compress(b"12345"),  # a reference delta whose base is itself
], ids=["offset-delta", "reference-delta"])
def test_a_delta_chain_that_loops_is_damage_not_a_hang(repo: Path, entry: bytes) -> None:
    write_pack(repo, fake_id("self"), entry)
    repository = opened(repo)
    with pytest.raises(GitError, match="delta"):
        repository.info(fake_id("self"))


def test_a_tree_that_contains_itself_is_damage_not_a_loop(repo: Path, run_cli) -> None:
    tree = fake_id("tree")
    write_loose(repo, tree, "tree", b"40000 again\0" + tree)
    commit = fake_id("commit")
    write_loose(repo, commit, "commit", b"tree %s\n\nloop\n" % tree.hex().encode())
    (repo / ".git" / "HEAD").write_text(commit.hex() + "\n")
    result = run_cli(repo, "--rev", "HEAD")
    assert result.exit_code == 2 and "trees nested deeper than 4096" in result.stderr


def test_a_tree_bomb_is_bounded(repo: Path, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    blob = bytes.fromhex(git(repo, "rev-parse", "HEAD:file0.md").strip())
    inner, outer = fake_id("inner"), fake_id("outer")
    write_loose(repo, inner, "tree", b"".join(b"100644 f%d\0%s" % (n, blob) for n in range(100)))
    write_loose(repo, outer, "tree", b"".join(b"40000 d%d\0%s" % (n, inner) for n in range(100)))
    write_loose(repo, fake_id("commit"), "commit", b"tree %s\n\nbomb\n" % outer.hex().encode())
    (repo / ".git" / "HEAD").write_text(fake_id("commit").hex() + "\n")
    monkeypatch.setattr("auditor.sources.untrusted_git.trees.MAX_TREE_ENTRIES", 5000)
    result = run_cli(repo, "--rev", "HEAD")
    assert result.exit_code == 2 and "more than 5,000 entries" in result.stderr


def test_a_fifo_or_link_in_the_object_store_is_never_opened(repo: Path, tmp_path: Path) -> None:
    fifo_blob = bytes.fromhex(git(repo, "rev-parse", "HEAD:file0.md").strip())
    linked_blob = bytes.fromhex(git(repo, "rev-parse", "HEAD:file1.md").strip())
    for binsha in (fifo_blob, linked_blob):
        (repo / ".git" / "objects" / binsha.hex()[:2] / binsha.hex()[2:]).unlink()
    os.mkfifo(repo / ".git" / "objects" / fifo_blob.hex()[:2] / fifo_blob.hex()[2:])
    (tmp_path / "elsewhere").write_bytes(zlib.compress(b"blob 6\0secret"))
    os.symlink(tmp_path / "elsewhere", repo / ".git" / "objects" / linked_blob.hex()[:2] / linked_blob.hex()[2:])
    repository = opened(repo)
    outcome: dict[str, str] = {}

    def read() -> None:  # in a thread: opening the FIFO without O_NONBLOCK would block for ever
        for name, binsha in (("fifo", fifo_blob), ("link", linked_blob)):
            try:
                repository.info(binsha)
            except GitError as error:
                outcome[name] = type(error).__name__ + ": " + str(error)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(10)
    assert not reader.is_alive(), "opening an object blocked"
    assert "not a regular file" in outcome["fifo"] and outcome["link"].startswith("MissingObjectError")
    assert [f.code for f in repository.findings] == ["OSAID-A016"]


def test_an_oversized_delta_object_is_refused(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    git(repo, "gc", "-q", "--aggressive")
    monkeypatch.setattr("auditor.sources.untrusted_git.objects.MAX_DELTA_MEMORY", 1000)
    repository = opened(repo)
    errors = []
    for revision in ("HEAD~1", "HEAD~2", "HEAD~3"):
        blob = bytes.fromhex(git(repo, "rev-parse", f"{revision}:data.txt").strip())
        try:
            repository.read(blob, 0, 10)
        except GitError as error:
            errors.append(str(error))
    assert errors and all("too large to rebuild in bounded memory" in error for error in errors)


# ----------------------------------------------------------------------------------------- revisions


def test_an_ambiguous_abbreviation_is_refused(repo: Path, run_cli) -> None:
    folder = repo / ".git" / "objects" / "ab"
    folder.mkdir(exist_ok=True)
    for tail in ("cd" + "0" * 36, "cd" + "1" * 36):
        (folder / tail).write_bytes(b"")
    with pytest.raises(RevisionError, match="ambiguous"):
        opened(repo).resolve("abcd")
    result = run_cli(repo, "--rev", "abcd")
    assert result.exit_code == 2 and "revision 'abcd' is ambiguous" in result.stderr


def test_ref_names_never_leave_the_git_folder(repo: Path, tmp_path: Path) -> None:
    commit = git(repo, "rev-parse", "HEAD").strip()
    (tmp_path / "planted").write_text(commit + "\n")
    repository = opened(repo)
    for name in ("../../planted", "refs/../../../planted", str(tmp_path / "planted"), "tags/../../../../planted"):
        with pytest.raises(RevisionError, match="not found"):
            repository.resolve(name)
    os.symlink(tmp_path / "planted", repo / ".git" / "refs" / "tags" / "planted")
    with pytest.raises(RevisionError, match="not found"):
        repository.resolve("planted")
    assert [(f.path, f.code) for f in repository.findings] == [(".git/refs/tags/planted", "OSAID-A016")]


def test_symbolic_refs_are_followed_a_bounded_number_of_times(repo: Path) -> None:
    heads = repo / ".git" / "refs" / "heads"
    (heads / "a").write_text("ref: refs/heads/b\n")
    (heads / "b").write_text("ref: refs/heads/a\n")
    (heads / "alias").write_text("ref: refs/heads/main\n")
    repository = opened(repo)
    assert repository.resolve("alias").hex() == git(repo, "rev-parse", "main").strip()
    with pytest.raises(RevisionError, match="not found"):
        repository.resolve("a")


# ------------------------------------------------------------------------------------------- the index


def index_file(paths: list[str], version: int = 2, count: int | None = None) -> bytes:
    """A version 2 index of regular files, with its checksum."""
    data = b"DIRC" + struct.pack(">II", version, len(paths) if count is None else count)
    for path in paths:
        raw = path.encode()
        entry = struct.pack(">10I", 0, 0, 0, 0, 0, 0, 0o100644, 0, 0, 4) + fake_id(path)
        entry += struct.pack(">H", len(raw)) + raw
        data += entry + bytes(8 - len(entry) % 8)
    return data + hashlib.sha1(data).digest()


@pytest.mark.parametrize(("index", "reason"), [
    (index_file(["a"], count=2 ** 31), "claims 2,147,483,648 entries"),
    (index_file(["a"])[:-1] + b"\0", "checksum does not match"),
    (index_file(["a"], version=5), "index version 5 is not supported"),
    (index_file(["../outside/secret"]), "leaves the working tree"),
    (index_file([".git/config"]), "leaves the working tree"),
    (index_file(["a" * 100], count=2), "damaged"),
    (b"not an index at all", "not an index file"),
], ids=["absurd-count", "checksum", "version", "dot-dot", "dot-git", "truncated", "garbage"])
def test_a_damaged_or_hostile_index_is_a_finding(repo: Path, run_cli, index: bytes, reason: str) -> None:
    (repo / ".git" / "index").write_bytes(index)
    before = tree_digest(repo)
    result = run_cli(repo, "--format", "json", "--fail-on", "never")
    assert result.exit_code == 0 and "Traceback" not in result.stderr
    messages = [f["message"] for f in result.json()["findings"] if f["code"] == "OSAID-A013"]
    assert len(messages) == 1 and "index could not be read" in messages[0] and reason in messages[0], messages
    assert tree_digest(repo) == before


def test_an_index_over_the_size_limit_is_not_read(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("auditor.sources.untrusted_git.index_file.MAX_INDEX", 100)
    [finding] = git_worktree.uncommitted_findings(os.path.realpath(repo))
    assert "larger than 100 bytes" in finding.message


def test_files_beyond_a_linked_folder_are_not_looked_at(repo: Path, tmp_path: Path) -> None:
    (repo / "weights").mkdir()
    (repo / "weights" / "model.bin").write_bytes(b"weights")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "weights")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "model.bin").write_bytes(b"weights")  # the same content, outside the release
    (repo / "weights" / "model.bin").unlink()
    (repo / "weights").rmdir()
    os.symlink(outside, repo / "weights")
    warned = {f.path: f.message for f in git_worktree.uncommitted_findings(os.path.realpath(repo))}
    assert warned["weights/model.bin"].startswith("deleted")  # as git says: not looked for through a link
    assert warned["weights"].startswith("untracked")


# ------------------------------------------------------------------------------------ ignore patterns


def test_a_linked_gitignore_is_not_followed(repo: Path, tmp_path: Path) -> None:
    (tmp_path / "ignore-everything").write_text("*\n")
    os.symlink(tmp_path / "ignore-everything", repo / ".gitignore")
    (repo / "weights.bin").write_bytes(b"w")
    warned = {f.path: f.message for f in git_worktree.uncommitted_findings(os.path.realpath(repo))}
    assert warned["weights.bin"].startswith("untracked") and warned[".gitignore"].startswith("untracked")


@pytest.fixture
def deep_repo(repo: Path) -> Iterator[Path]:
    """`repo` with 400 nested folders: the pattern `**/a/**/a/**/b` takes minutes to match on them all."""
    deep = repo
    for _ in range(400):
        deep = deep / "a"
        deep.mkdir()
    (deep / "x").write_text("x")
    yield repo
    # shutil.rmtree recurses once per level: the session's clean-up must never meet this tree.
    subprocess.run(["rm", "-rf", str(repo / "a")], check=True)


def test_patterns_that_would_backtrack_are_not_applied(deep_repo: Path, run_cli) -> None:
    repo = deep_repo
    (repo / ".gitignore").write_text("**/a/**/a/**/b\n*.ckpt\n")
    (repo / "final.ckpt").write_text("c")
    result = run_cli(repo, "--format", "json", "--fail-on", "never")
    warned = [(f["path"], f["message"].split(":")[0]) for f in result.json()["findings"] if f["code"] == "OSAID-A013"]
    assert ("final.ckpt", "ignored by .gitignore") in warned and ("a", "untracked") in warned
    note = "1 of its patterns not applied (more than 2 wildcards, or beyond 2,000 patterns in all)"
    assert (".gitignore", note) in warned


def test_an_oversized_gitignore_is_not_applied(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (repo / ".gitignore").write_text("*.ckpt\n" + "# padding\n" * 20)
    (repo / "final.ckpt").write_text("c")
    monkeypatch.setattr("auditor.sources.untrusted_git.ignores.MAX_IGNORE_FILE", 100)
    warned = [(f.path, f.message) for f in git_worktree.uncommitted_findings(os.path.realpath(repo))]
    assert ("final.ckpt", "untracked: not in the committed release") in warned
    assert (".gitignore", "larger than 100 bytes: its patterns were not applied") in warned
