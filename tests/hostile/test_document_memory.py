"""Link-heavy documents through the installed command, in a child process under an address-space ceiling.

A link keeps its URL, its line and a bounded context, and a document keeps at most MAX_LINKS of them, so
the memory an audit takes follows what is kept, never the number of links times the length of their line
(the unbounded version needed tens of GB for the single-line README below). The links that are kept are
still evidence.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from support import tree_digest

from auditor.artifacts.markdown_document import MAX_LINKS
from auditor.sources.interface import TEXT_LIMIT

ADDRESS_SPACE = 1 << 30
"""The child's whole address space (interpreter and libraries included): it needs about 300 MB."""
TIME_LIMIT = 60.0
SIZE = TEXT_LIMIT - 1024
"""Just under the size above which a document is not read at all."""
TRAINER = "https://github.com/org/trainer"


def _single_line() -> tuple[str, int]:
    """A README whose one line of 2 MB holds tens of thousands of links; and how many."""
    parts, length = [f"Training code: {TRAINER}"], 0
    while length < SIZE - 64:
        parts.append(f"https://example.org/page/{len(parts)}")
        length += len(parts[-1]) + 1
    return f"# Model Details\n{' '.join(parts)}\n", len(parts)


def _short_lines() -> tuple[str, int]:
    """A README of 100,000 short lines, each with a link, the training code's among the first ones."""
    lines = [f"https://e.org/{i}\n" for i in range(100_000)]
    lines[5_000] = f"Training: {TRAINER}\n"
    text = "".join(lines)
    assert len(text) <= SIZE
    return text, len(lines)


def _limit_address_space() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def _audit(release: Path) -> dict:
    env = {**os.environ, "HF_HUB_DISABLE_TELEMETRY": "1", "HF_HUB_OFFLINE": "1", "NO_COLOR": "1"}
    command = [str(Path(sys.executable).parent / "audit"), str(release), "--format", "json", "--fail-on", "never"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIME_LIMIT, env=env,
                              preexec_fn=_limit_address_space)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the audit did not finish within {TIME_LIMIT:.0f} s")
    assert done.returncode == 0 and "Traceback" not in done.stderr and "internal error" not in done.stderr, \
        done.stderr[-2000:]
    return json.loads(done.stdout)


@pytest.mark.parametrize("shape", [_single_line, _short_lines], ids=["one-2MB-line", "100k-short-lines"])
def test_link_heavy_readme_stays_within_memory(tmp_path: Path, shape) -> None:
    text, links = shape()
    (tmp_path / "README.md").write_text(text)
    before = tree_digest(tmp_path)
    report = _audit(tmp_path)
    assert tree_digest(tmp_path) == before
    training = next(r for r in report["requirements"] if r["id"] == "training-code")
    assert training["status"] == "referenced"
    assert [e["url"] for e in training["evidence"]] == [TRAINER]
    unread = [f for f in report["findings"] if f["code"] == "OSAID-A015"]
    assert [(f["path"], f["message"]) for f in unread] == [
        ("README.md", f"{links - MAX_LINKS:,} links past the first {MAX_LINKS:,} were not read")]
