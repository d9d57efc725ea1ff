"""The cache of per-file results: found only when it is what this code wrote for this content."""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from auditor.detectors.python_code import RoleMatch
from auditor.detectors.scripts import Launch
from auditor.licenses.analysis import LicenseAnalysis, analyse_license_text
from auditor.result_cache import DATABASE, ResultCache, flush_results
from auditor.result_codec import decode, encode

Roles = tuple[RoleMatch, ...] | None
MATCHES = (RoleMatch("training-code", 6, 12, (("backward pass", 12), ("optimizer construction", 9)), True),)


def roles_cache(folder: Path | None) -> ResultCache[Roles]:
    return ResultCache(folder, "python-roles", Roles)


def overwrite_entry(folder: Path, key: str, value: str) -> None:
    """Damage an entry the way another program, or a bad disk, would."""
    flush_results()
    with sqlite3.connect(folder / DATABASE) as database:
        changed = database.execute("UPDATE results SET value = ? WHERE key = ?", (value, key)).rowcount
    assert changed == 1


def test_a_result_comes_back_for_the_same_content_only(tmp_path: Path) -> None:
    cache = roles_cache(tmp_path)
    key = cache.key("import torch\n", ".py", "train")
    assert cache.get(key) == (False, None)
    cache.put(key, MATCHES)
    assert cache.get(key) == (True, MATCHES)
    assert cache.get(cache.key("import torch\n", ".py", "model")) == (False, None)  # another name stem
    assert cache.get(cache.key("import torch \n", ".py", "train")) == (False, None)  # another content
    cache.put(key, None)  # "could not be analysed" is a result too
    assert cache.get(key) == (True, None)


@pytest.mark.parametrize("damage", [
    "", "\x00\xff not json", "[1, 2, 3]", '{"key": "another key", "result": null}',
    '{"result": null}', "{" * 100_000, "[" * 2_000_000,
])
def test_a_corrupt_or_foreign_entry_is_ignored_and_rewritten(tmp_path: Path, damage: str) -> None:
    cache = roles_cache(tmp_path)
    key = cache.key("x = 1\n", ".py", "x")
    cache.put(key, MATCHES)
    overwrite_entry(tmp_path, key, damage)
    assert cache.get(key) == (False, None)
    cache.put(key, MATCHES)
    assert cache.get(key) == (True, MATCHES)


@pytest.mark.parametrize("result", [
    [["training-code", "6", 12, [], True]],          # a number as text
    [["training-code", 6, 12, [], 1]],               # 1 is not a boolean
    [["training-code", 6, 12, [["label"]], True]],   # a signal without its line
    [["training-code", 6, 12, [], True, "extra"]],   # a field too many
    {"role": "training-code"},
])
def test_an_entry_of_the_right_key_but_the_wrong_shape_is_not_a_result(tmp_path: Path, result: object) -> None:
    cache = roles_cache(tmp_path)
    key = cache.key("x = 1\n", ".py", "x")
    cache.put(key, MATCHES)
    overwrite_entry(tmp_path, key, json.dumps({"key": key, "result": result}))
    assert cache.get(key) == (False, None)


def test_no_folder_means_no_cache(tmp_path: Path) -> None:
    cache = roles_cache(None)
    key = cache.key("x = 1\n", ".py", "x")
    cache.put(key, MATCHES)
    assert cache.get(key) == (False, None)


def test_a_cache_that_cannot_be_written_is_passed_over(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would be")
    cache = roles_cache(blocked)
    key = cache.key("x = 1\n", ".py", "x")
    cache.put(key, MATCHES)  # no error
    assert cache.get(key) == (False, None)


def test_concurrent_writers_never_leave_half_an_entry(tmp_path: Path) -> None:
    cache = roles_cache(tmp_path)
    key = cache.key("x = 1\n", ".py", "x")
    seen: list[tuple[bool, Roles]] = []

    def write() -> None:
        for _ in range(200):
            cache.put(key, MATCHES)

    def read() -> None:
        for _ in range(400):
            seen.append(cache.get(key))

    threads = [threading.Thread(target=write) for _ in range(3)] + [threading.Thread(target=read) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {found for found, _ in seen} <= {True, False}
    assert all(result == MATCHES for found, result in seen if found)


def test_a_file_that_is_not_a_database_is_replaced(tmp_path: Path) -> None:
    (tmp_path / DATABASE).write_bytes(b"not a database at all, " * 1000)
    cache = roles_cache(tmp_path)
    key = cache.key("x = 1\n", ".py", "x")
    assert cache.get(key) == (False, None)
    cache.put(key, MATCHES)
    assert cache.get(key) == (True, MATCHES)
    flush_results()
    with sqlite3.connect(tmp_path / DATABASE) as database:
        assert database.execute("SELECT count(*) FROM results").fetchone() == (1,)


def test_the_cache_never_follows_a_link(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.sqlite3"
    folder = tmp_path / "cache"
    folder.mkdir()
    (folder / DATABASE).symlink_to(elsewhere)
    cache = roles_cache(folder)
    key = cache.key("x = 1\n", ".py", "x")
    cache.put(key, MATCHES)
    assert cache.get(key) == (False, None)
    assert not elsewhere.exists()


def test_other_processes_see_what_one_wrote(tmp_path: Path) -> None:
    import subprocess
    import sys

    cache = roles_cache(tmp_path)
    key = cache.key("x = 1\n", ".py", "x")
    writer = ("import sys; from pathlib import Path; from auditor.result_cache import ResultCache; "
              "from auditor.detectors.python_code import RoleMatch; "
              "c = ResultCache(Path(sys.argv[1]), 'python-roles', tuple[RoleMatch, ...] | None); "
              "[c.put(sys.argv[2], (RoleMatch('training-code', 6, 12, (('backward pass', 12),), True),)) "
              "for _ in range(50)]")
    writers = [subprocess.Popen([sys.executable, "-c", writer, str(tmp_path), key]) for _ in range(3)]
    assert all(w.wait(timeout=60) == 0 for w in writers)
    found, roles = cache.get(key)
    assert found and roles is not None and roles[0].signals == (("backward pass", 12),)


def test_a_licence_analysis_survives_the_round_trip() -> None:
    text = (Path(__file__).parent.parent / "fixtures" / "licenses" / "apache-2.0.txt").read_text()
    analysis = analyse_license_text(text + "\nYou may not use the Software for military purposes.\n", "LICENSE")
    assert analysis.restrictions  # something nested to carry
    assert decode(LicenseAnalysis, json.loads(json.dumps(encode(analysis)))) == analysis


@pytest.mark.parametrize("launches", [[], [Launch(3, "python", "train.py", True, ("a.yaml",))] * 3])
def test_a_list_of_any_length_survives_the_round_trip(launches: list[Launch]) -> None:
    assert decode(list[Launch], json.loads(json.dumps(encode(launches)))) == launches


@dataclass(frozen=True)
class _Other:
    name: str


def test_the_codec_refuses_what_it_cannot_name() -> None:
    with pytest.raises(TypeError):
        encode({1: "x"})  # a mapping round-trips only with string keys, as JSON's objects have
    with pytest.raises(TypeError):
        encode({"x"})
    assert decode(dict[str, float], encode({"a": 1.5})) == {"a": 1.5}
    with pytest.raises(ValueError):
        decode(dict[str, float], {"a": "1.5"})
    with pytest.raises(ValueError):
        decode(_Other, ["x", "y"])
    with pytest.raises(ValueError):
        decode(_Other, [3])


def test_an_entry_past_its_cache_limit_is_neither_written_nor_read(tmp_path: Path) -> None:
    small = ResultCache(tmp_path, "sized", str, max_entry_bytes=200)
    small.put(small.key("a"), "x" * 100)
    small.put(small.key("b"), "x" * 300)
    flush_results()
    assert small.get(small.key("a")) == (True, "x" * 100)
    assert small.get(small.key("b")) == (False, None)
    large = ResultCache(tmp_path, "sized", str, max_entry_bytes=1000)
    large.put(large.key("b"), "x" * 300)
    flush_results()
    assert large.get(large.key("b")) == (True, "x" * 300) and small.get(small.key("b")) == (False, None)
