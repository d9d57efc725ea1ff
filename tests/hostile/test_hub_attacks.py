"""A hostile Hub, through the real huggingface_hub client against the fake Hub: one test per attack.

Every test checks the same contract: no traceback; the audit ends within the request deadline (lowered by
OSAID_AUDIT_HUB_TIMEOUT) plus slack; the bytes served, as the fake Hub counts them, stay within the budgets;
and the attacked part is named, by a finding when it is a part (refs, a dataset, a file) or by one line and
exit 2 when it is the listing itself.
"""

from __future__ import annotations

import json
import re
import struct
import time
from collections.abc import Iterator

import pytest
from hub_server import FakeFile, FakeRepo, HubServer, safetensors_file
from support import ROOT, CliResult

from auditor.artifacts.safetensors_header import MAX_HEADER_LENGTH
from auditor.audit import run_audit
from auditor.evaluation.checklist import DEFAULT_CHECKLIST, load_checklist
from auditor.sources import hub as hub_module
from auditor.sources.local import LocalFolderSource

DEADLINE = 3.0
SLACK = 2.5
"""Start-up and the parts not attacked; less than a deadline, so an audit that waits out two fails."""
GB10 = 10 * 1024**3
CARD = b"---\nlicense: apache-2.0\ndatasets: [wikitext]\n---\n# Model Details\n\n## Training Data\nWikitext.\n"


def model_repo(extra: dict[str, FakeFile] | None = None) -> FakeRepo:
    files = {
        "README.md": FakeFile(CARD),
        "LICENSE": FakeFile((ROOT / "fixtures" / "licenses" / "apache-2.0.txt").read_bytes()),
        "config.json": FakeFile(b'{"architectures": ["LlamaForCausalLM"], "model_type": "llama"}'),
        "model.safetensors": safetensors_file({"w": ("BF16", [4096, 4096])}),
    }
    return FakeRepo("org/model", {**files, **(extra or {})}, revisions={"step1": {}})


WIKITEXT = FakeRepo("wikitext", {"README.md": FakeFile(b"---\nlicense: cc-by-sa-3.0\n---\n# Wikitext\n")},
                    repo_type="dataset")


@pytest.fixture(scope="module", autouse=True)
def licence_index_built() -> None:
    """The first audit of a session builds the licence index, which takes a second or two: here, not in
    an audit whose time is measured."""
    release = LocalFolderSource(str(ROOT / "fixtures" / "releases" / "open-release"))
    run_audit(release, load_checklist(DEFAULT_CHECKLIST))


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[HubServer]:
    monkeypatch.setattr(hub_module, "BACKOFF_SECONDS", 0.01)
    monkeypatch.setenv(hub_module.TIMEOUT_ENV, str(DEADLINE))
    with HubServer([model_repo(), WIKITEXT]) as server:
        monkeypatch.setenv("HF_ENDPOINT", server.url)
        yield server


def audit(run_cli, hub: HubServer, exit_code: int, max_bytes: int = 1024 * 1024) -> CliResult:
    start = time.monotonic()
    result = run_cli("hf://org/model", "--format", "json", "--fail-on", "never")
    elapsed = time.monotonic() - start
    assert elapsed < DEADLINE + SLACK, f"the audit took {elapsed:.1f} s"
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    assert result.exit_code == exit_code, result.stderr
    if exit_code == 2:
        assert result.stderr.count("\n") == 1, result.stderr
    assert len(hub.requests) <= hub_module.MAX_REQUESTS
    served = sum(r.bytes_sent for r in hub.requests)
    assert served <= max_bytes, f"{served:,} bytes served"
    return result


def findings(result: CliResult, code: str) -> dict[str, str]:
    return {f["path"]: f["message"] for f in result.json()["findings"] if f["code"] == code}


# Each part of an audit, where the attack lands, and how the report must name it: (finding code, path)
# for a part, None for the listing (one line, exit 2).
PARTS: dict[str, tuple[str, tuple[str, str] | None]] = {
    "listing": (r"^/api/models/org/model$", None),
    "refs": (r"^/api/models/org/model/refs$", ("OSAID-A014", "")),
    "dataset": (r"^/api/datasets/wikitext$", ("OSAID-A014", "README.md")),
    "card": (r"/resolve/[^/]+/README\.md$", ("OSAID-A004", "README.md")),
    "licence": (r"/resolve/[^/]+/LICENSE$", ("OSAID-A004", "LICENSE")),
    "shard": (r"/resolve/[^/]+/model\.safetensors$", ("OSAID-A004", "model.safetensors")),
}
API_PARTS = ("listing", "refs", "dataset")


def attacked(run_cli, hub: HubServer, part: str, reason: str) -> CliResult:
    """Audits with the attack set up on `part` and checks that the report names that part, its message
    matching the regular expression `reason`."""
    expected = PARTS[part][1]
    result = audit(run_cli, hub, exit_code=2 if expected is None else 0)
    if expected is None:
        assert re.search(reason, result.stderr), result.stderr
        return result
    code, path = expected
    named = findings(result, code)
    assert path in named and re.search(reason, named[path]), named
    assert "LlamaForCausalLM" in result.stdout  # the parts not attacked were read
    return result


@pytest.mark.parametrize("part", PARTS)
def test_a_byte_a_second_ends_at_the_deadline(hub: HubServer, run_cli, part: str) -> None:
    hub.drip(PARTS[part][0], interval=1.0)
    attacked(run_cli, hub, part, f"within {DEADLINE:g} s")


@pytest.mark.parametrize("part", ["listing", "licence", "shard"])
def test_a_body_dripped_after_prompt_headers_ends_at_the_deadline(hub: HubServer, run_cli, part: str) -> None:
    hub.drip(PARTS[part][0], interval=1.0, after_headers=True)
    attacked(run_cli, hub, part, f"within {DEADLINE:g} s")


@pytest.mark.parametrize("part", PARTS)
def test_truncated_body(hub: HubServer, run_cli, part: str) -> None:
    hub.truncate(PARTS[part][0], fraction=0.5)
    attacked(run_cli, hub, part, "RemoteProtocolError: peer closed connection without sending complete message body")


@pytest.mark.parametrize("part", PARTS)
def test_connection_reset(hub: HubServer, run_cli, part: str) -> None:
    hub.reset(PARTS[part][0])
    attacked(run_cli, hub, part, "(ReadError|RemoteProtocolError): ")  # as the RST arrives


@pytest.mark.parametrize("part", API_PARTS)
def test_compressed_answer_is_refused(hub: HubServer, run_cli, part: str) -> None:
    hub.compress(PARTS[part][0])
    attacked(run_cli, hub, part, "gzip-compressed")


@pytest.mark.parametrize("part", API_PARTS)
def test_wrong_content_type(hub: HubServer, run_cli, part: str) -> None:
    hub.answer(PARTS[part][0], b"<html><body>Log in to continue</body></html>", "text/html")
    attacked(run_cli, hub, part, "malformed answer")


@pytest.mark.parametrize("part", API_PARTS)
def test_non_utf8_answer(hub: HubServer, run_cli, part: str) -> None:
    hub.answer(PARTS[part][0], b'{"id": "org/\xff\xfe", "branches": [], "tags": []}')
    attacked(run_cli, hub, part, "malformed answer")


@pytest.mark.parametrize(("body", "reason"), [
    ({"id": "org/model", "sha": "a" * 40, "siblings": [{"size": 3}]}, "malformed answer .*KeyError: 'rfilename'"),
    ({"id": "org/model", "sha": "a" * 40, "siblings": [{"rfilename": "x.bin", "size": "big"}]},
     "the size of x.bin is not a byte count"),
    ({"id": "org/model", "sha": ["a"], "siblings": []}, "the commit is not a string"),
    ({"id": "org/model", "sha": "a" * 40, "siblings": [{"rfilename": 7}]}, "a file without a name"),
    ([1, 2, 3], "malformed answer"),
], ids=["no-name", "size-not-a-number", "sha-not-a-string", "name-not-a-string", "not-an-object"])
def test_listing_with_missing_or_wrong_fields(hub: HubServer, run_cli, body: object, reason: str) -> None:
    hub.answer(PARTS["listing"][0], json.dumps(body).encode())
    attacked(run_cli, hub, "listing", reason)


def test_refs_without_names(hub: HubServer, run_cli) -> None:
    hub.answer(PARTS["refs"][0], json.dumps({"branches": [{"name": None, "ref": "r", "targetCommit": "c"}],
                                             "converts": [], "tags": []}).encode())
    attacked(run_cli, hub, "refs", "a branch or tag without a name")


def test_non_utf8_card(hub: HubServer, run_cli) -> None:
    hub.add_repo(model_repo({"README.md": FakeFile(CARD.replace(b"# Model", b"# Mod\xe8le \xff\xfe"))}))
    report = audit(run_cli, hub, exit_code=0).json()
    assert {(d["path"], d["id"]) for d in report["licenses"]} >= {
        ("README.md", "Apache-2.0"), ("hf-datasets/wikitext/README.md", "CC-BY-SA-3.0")}


def test_listing_larger_than_the_answer_limit(hub: HubServer, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hub_module, "ANSWER_LIMIT", 64 * 1024)
    hub.add_repo(model_repo({f"src/part_{i:05d}.py": FakeFile(b"x = 1\n") for i in range(2_000)}))
    result = audit(run_cli, hub, exit_code=2, max_bytes=1024 * 1024)
    assert "larger than 65,536 bytes" in result.stderr


# ------------------------------------------------------------------------------------------------ budgets


def shards_with_header(length: int, count: int = 20) -> dict[str, FakeFile]:
    """`count` 10 GB shards whose headers claim `length` bytes (zeros: never stored, never valid)."""
    prefix = struct.pack("<Q", length)
    return {f"model-{i:05d}-of-{count:05d}.safetensors": FakeFile(prefix, size=GB10, lfs=True)
            for i in range(1, count + 1)}


@pytest.mark.parametrize("length", [10_000_000, MAX_HEADER_LENGTH], ids=["10MB-headers", "maximal-headers"])
def test_weight_headers_stop_at_the_ranged_budget(hub: HubServer, run_cli, length: int) -> None:
    hub.add_repo(model_repo(shards_with_header(length)))
    result = audit(run_cli, hub, exit_code=0, max_bytes=hub_module.RANGED_BUDGET + hub_module.WHOLE_FILE_BUDGET)
    served = hub.bytes_served("-of-00020.safetensors")
    assert served <= hub_module.RANGED_BUDGET
    unread = {p for p, m in findings(result, "OSAID-A004").items() if "budget spent" in m and "MiB by range" in m}
    malformed = set(findings(result, "OSAID-A006"))
    shards = set(shards_with_header(length))
    assert unread and unread | malformed == shards and not unread & malformed
    if length > hub_module.RANGED_BUDGET:
        assert unread == shards and served <= 20 * 4096  # their first bytes only


def test_whole_files_stop_at_the_whole_file_budget(hub: HubServer, run_cli) -> None:
    text = b"# Notes\n" + b"The training run, step by step.\n" * (400 * 1024 // 32)
    hub.add_repo(model_repo({f"docs/notes_{i:02d}.md": FakeFile(text) for i in range(40)}))
    result = audit(run_cli, hub, exit_code=0, max_bytes=hub_module.WHOLE_FILE_BUDGET + 1024 * 1024)
    assert hub.bytes_served(".md") <= hub_module.WHOLE_FILE_BUDGET
    unread = [p for p, m in findings(result, "OSAID-A004").items() if "MiB of whole files" in m]
    assert 0 < len(unread) < 40 and all(p.startswith("docs/notes_") for p in unread)  # a total, not a per-file cap


def test_ranged_reads_stop_at_their_share_of_the_request_budget(hub: HubServer, run_cli,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hub_module, "MAX_REQUESTS", 100)
    share = hub_module._ranged_share()
    hub.add_repo(model_repo({f"data/part-{i:03d}.parquet": FakeFile(b"PAR1", size=1 << 20) for i in range(40)}))
    result = audit(run_cli, hub, exit_code=0)
    assert len(hub.requests_to(r"\.(parquet|safetensors)$")) == share < 41
    unread = [p for p, m in findings(result, "OSAID-A004").items() if f"{share} of them by range" in m]
    assert len(unread) == 41 - share and all(p.endswith((".parquet", ".safetensors")) for p in unread)
    assert "LlamaForCausalLM" in result.stdout  # the whole files came first all the same


# ----------------------------------------------------------------------------------------------- settings


@pytest.mark.parametrize("value", ["abc", "0", "-1", "nan", "inf"])
def test_a_bad_deadline_setting_is_one_line(hub: HubServer, run_cli, monkeypatch: pytest.MonkeyPatch,
                                            value: str) -> None:
    monkeypatch.setenv(hub_module.TIMEOUT_ENV, value)
    result = audit(run_cli, hub, exit_code=2)
    assert hub_module.TIMEOUT_ENV in result.stderr and not hub.requests


def test_many_slow_answers_stop_at_the_audit_time_budget(hub: HubServer, run_cli) -> None:
    """Each dripping shard ends at its own deadline; all of them together still end at the audit's."""
    hub.add_repo(model_repo({f"model-{i:05d}-of-00030.safetensors": FakeFile(b"\0" * 64, size=GB10, lfs=True)
                             for i in range(1, 31)}))
    hub.drip(r"-of-00030\.safetensors$", interval=1.0)
    start = time.monotonic()
    result = run_cli("hf://org/model", "--format", "json", "--fail-on", "never")
    elapsed = time.monotonic() - start
    budget = DEADLINE * hub_module.AUDIT_DEADLINES
    assert result.exit_code == 0 and "Traceback" not in result.stderr, result.stderr
    assert elapsed < budget + DEADLINE + SLACK, f"the audit took {elapsed:.1f} s"
    unread = [p for p, m in findings(result, "OSAID-A004").items() if "time budget spent" in m]
    assert unread and all(p.endswith(".safetensors") for p in unread), unread  # weights only: documents came first
    assert "LlamaForCausalLM" in result.stdout  # what came before the slow shards was read
