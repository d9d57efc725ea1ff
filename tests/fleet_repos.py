"""Generated Hub repos for fleet tests and `bench/fleet_bench.py`: four kinds of release, in turn,
each a few small files and a weight shard of one header, so a fleet of hundreds stays in memory.

- open: Apache-2.0 code and weights, a data card, training code;
- restricted: the Llama-style fixture's licence and use policy (blocked);
- weights-only: a card and a shard, no licence file (missing);
- other: a `license: other` card with a non-commercial clause in its own words.
"""

from __future__ import annotations

from pathlib import Path

from hub_server import FakeFile, FakeRepo, safetensors_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
KINDS = ("open", "restricted", "weights-only", "other")


def _text(path: str) -> bytes:
    return (FIXTURES / path).read_bytes()


def generated_repo(index: int) -> FakeRepo:
    kind = KINDS[index % len(KINDS)]
    name = f"lab{index % 7}/model-{index:04d}"
    shard = safetensors_file({"w": ("BF16", [64, 64 + index % 5])})
    config = FakeFile(b'{"architectures": ["LlamaForCausalLM"], "model_type": "llama"}')
    card = b"# Model %d\n\n## Model Details\nA small model.\n" % index
    files: dict[str, FakeFile]
    if kind == "open":
        files = {"README.md": FakeFile(b"---\nlicense: apache-2.0\n---\n" + card +
                                       b"\n## Training Data\nPublic web text, filtered and deduplicated; the "
                                       b"filtering code is in train.py and the sources are listed in data.md.\n"),
                 "LICENSE": FakeFile(_text("licenses/apache-2.0.txt")),
                 "train.py": FakeFile(b"import torch\nfrom transformers import Trainer\n\ndef main():\n"
                                      b"    Trainer(model=None).train()\n"),
                 "config.json": config, "model.safetensors": shard}
    elif kind == "restricted":
        release = FIXTURES / "releases" / "llama-style"
        files = {"README.md": FakeFile(b"---\nlicense: llama2\n---\n" + card),
                 "LICENSE": FakeFile((release / "LICENSE").read_bytes()),
                 "USE_POLICY.md": FakeFile((release / "USE_POLICY.md").read_bytes()),
                 "config.json": config, "model.safetensors": shard}
    elif kind == "weights-only":
        files = {"README.md": FakeFile(card), "config.json": config, "model.safetensors": shard}
    else:
        files = {"README.md": FakeFile(b"---\nlicense: other\n---\n" + card + b"\n## License\nYou may use "
                                       b"these weights for research only; any commercial use is prohibited.\n"),
                 "config.json": config, "model.safetensors": shard}
    return FakeRepo(name, files, downloads=1_000_000 - index * 37)


def generated_repos(count: int) -> list[FakeRepo]:
    return [generated_repo(i) for i in range(count)]


def audit_or_die(task):  # noqa: ANN001, ANN201 - the local pool's task, for the test of a dying worker
    """A worker's task that kills its own process for a target named `die`, as a crash would."""
    import os

    from auditor.fleet.task import audit_one

    if task.location.endswith("/die"):
        os._exit(3)
    return audit_one(task)


def pause_the_fleet(seconds: float) -> float:
    """A Dask task: this worker is told 429 and pauses (every worker, through the scheduler)."""
    from auditor.fleet.dask_engine import _install_worker_pacer
    from auditor.sources.hub_pacing import rate_limited

    _install_worker_pacer(0)
    rate_limited(seconds)
    return seconds


def time_a_turn() -> float:
    """A Dask task: how long this worker waits before its next Hub request."""
    import time

    from auditor.fleet.dask_engine import _install_worker_pacer
    from auditor.sources.hub_pacing import pace

    _install_worker_pacer(0)
    started = time.monotonic()
    pace()
    return time.monotonic() - started
