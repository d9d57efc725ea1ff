"""The cache of per-file results: found only when it is what this code wrote for this content."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from auditor.detectors.python_code import RoleMatch
from auditor.detectors.scripts import Launch
from auditor.licenses.analysis import LicenseAnalysis, analyse_license_text
from auditor.result_cache import ResultCache
from auditor.result_codec import decode, encode

Roles = tuple[RoleMatch, ...] | None
MATCHES = (RoleMatch("training-code", 6, 12, (("backward pass", 12), ("optimizer construction", 9)), True),)


def roles_cache(folder: Path | None) -> ResultCache[Roles]:
    return ResultCache(folder, "python-roles", Roles)


def entry_path(folder: Path, key: str) -> Path:
    (found,) = [p for p in folder.rglob("*.json") if p.stem == key[2:]]
    return found


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
    b"", b"\x00\xff not json", b"[1, 2, 3]", b'{"key": "another key", "result": null}',
    b'{"result": null}', b"{" * 100_000,
])
def test_a_corrupt_or_foreign_entry_is_ignored_and_rewritten(tmp_path: Path, damage: bytes) -> None:
    cache = roles_cache(tmp_path)
    key = cache.key("x = 1\n", ".py", "x")
    cache.put(key, MATCHES)
    path = entry_path(tmp_path, key)
    path.write_bytes(damage)
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
    entry_path(tmp_path, key).write_text(json.dumps({"key": key, "result": result}))
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
    assert not [p for p in tmp_path.rglob("*") if p.name.startswith(".entry-")]  # no temporary left behind


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
        encode(_Other(name="x").__dict__)
    with pytest.raises(ValueError):
        decode(_Other, ["x", "y"])
    with pytest.raises(ValueError):
        decode(_Other, [3])
