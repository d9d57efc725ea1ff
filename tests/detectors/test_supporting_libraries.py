"""SupportingLibrariesDetector: dependency manifests, tokenizer files, and config.json architectures."""

from __future__ import annotations

import json
from pathlib import Path

from auditor.description import describe_release
from auditor.detectors.interface import Detection, Evidence
from auditor.detectors.supporting_libraries import SupportingLibrariesDetector
from auditor.sources.local import LocalFolderSource

REQUIREMENTS = """\
# core
torch>=2.1
transformers==4.44.0  # pinned
Datasets[streaming]
numpy; python_version >= "3.10"
-r requirements-dev.txt
--extra-index-url https://download.pytorch.org/whl/cu121
-e git+https://github.com/org/flash-attn.git#egg=flash_attn
sentencepiece \\
    --hash=sha256:0123
"""

PYPROJECT = """\
[project]
name = "olmo"
dependencies = ["torch>=2.1", "tokenizers", "omegaconf"]
[project.optional-dependencies]
dev = ["pytest", "ruff"]
[tool.poetry.dependencies]
python = "^3.10"
wandb = "*"
"""

ENVIRONMENT = """\
name: train
channels: [conda-forge, pytorch]
dependencies:
  - python=3.10
  - pytorch::pytorch>=2.1
  - cudatoolkit=11.8
  - pip
  - pip:
      - accelerate==0.30
      - deepspeed
"""

SETUP_PY = """\
from setuptools import setup, find_packages
REQUIRED = ["torch", "einops>=0.7"]
setup(
    name="mamba",
    packages=find_packages(),
    install_requires=REQUIRED,
    extras_require={"dev": ["pytest"], "triton": ["triton==2.1"]},
)
"""

SETUP_CFG = "[metadata]\nname = x\n[options]\ninstall_requires =\n    jax>=0.4\n    flax\n" \
            "[options.extras_require]\ntest = pytest\n"

SENTENCEPIECE_HEAD = b"\x0a\x09\x0a\x05<unk>\x15\x00\x00\x00\x00\x18\x02" + b"\x0a\x07\x0a\x03<s>" * 4


def detect(tmp_path: Path, files: dict[str, str | bytes]) -> Detection:
    for name, content in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    inventory = LocalFolderSource(tmp_path).inventory()
    return SupportingLibrariesDetector().detect(inventory, describe_release(inventory))


def details(evidence: Evidence) -> dict[str, str]:
    return dict(evidence.details)


def test_dependency_manifests(tmp_path: Path) -> None:
    detection = detect(tmp_path, {"requirements.txt": REQUIREMENTS, "pyproject.toml": PYPROJECT,
                                  "environment.yml": ENVIRONMENT, "setup.py": SETUP_PY, "setup.cfg": SETUP_CFG,
                                  "Pipfile": '[packages]\nrequests = "*"\n[dev-packages]\nblack = "*"\n'})
    assert detection.findings == []
    by_path = {item.path: item for item in detection.evidence}
    assert sorted(by_path) == ["Pipfile", "environment.yml", "pyproject.toml", "requirements.txt",
                               "setup.cfg", "setup.py"]
    assert all(item.component == "supporting-libraries" and item.strength == "present"
               for item in detection.evidence)
    assert details(by_path["requirements.txt"])["dependencies"] == \
        "datasets, flash-attn, numpy, sentencepiece, torch, transformers"
    assert details(by_path["pyproject.toml"])["dependencies"] == "omegaconf, pytest, ruff, tokenizers, torch, wandb"
    assert details(by_path["environment.yml"])["dependencies"] == "accelerate, cudatoolkit, deepspeed, pytorch"
    assert details(by_path["setup.py"])["dependencies"] == "einops, pytest, torch, triton"
    assert details(by_path["setup.cfg"])["dependencies"] == "flax, jax, pytest"
    assert details(by_path["Pipfile"])["dependencies"] == "black, requests"
    assert by_path["requirements.txt"].reason == "dependency manifest requirements.txt lists 6 package(s)"


def test_long_dependency_lists_are_truncated(tmp_path: Path) -> None:
    names = [f"pkg{i:02d}" for i in range(30)]
    detection = detect(tmp_path, {"requirements/base.txt": "\n".join(reversed(names)) + "\n"})
    [evidence] = detection.evidence
    assert details(evidence)["dependency-count"] == "30"
    assert details(evidence)["dependencies"] == ", ".join(names[:20]) + ", ..."


def test_malformed_manifests_are_findings(tmp_path: Path) -> None:
    detection = detect(tmp_path, {
        "environment.yml": "dependencies: [torch\n",
        "environment.yaml": "- just a list\n",
        "pyproject.toml": "[project\n",
        "setup.cfg": "install_requires = x\n",
        "setup.py": "setup(install_requires=[\n",
        "Pipfile": "[packages]\nfoo = {{\n",
    })
    assert detection.evidence == []
    assert sorted(finding.path for finding in detection.findings) == [
        "Pipfile", "environment.yaml", "environment.yml", "pyproject.toml", "setup.cfg"]
    assert {finding.code for finding in detection.findings} == {"OSAID-A012"}


def test_setup_py_is_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    setup_py = f"open({str(marker)!r}, 'w').write('x')\n" \
               "from setuptools import setup\nsetup(install_requires=['torch'])\n"
    detection = detect(tmp_path, {"setup.py": setup_py})
    assert not marker.exists()
    assert details(detection.evidence[0])["dependencies"] == "torch"


def test_tokenizer_files(tmp_path: Path) -> None:
    tokenizer_json = json.dumps({"version": "1.0", "model": {"type": "BPE", "vocab": {}, "merges": []}})
    files: dict[str, str | bytes] = {
        "tokenizer.json": tokenizer_json,
        "tokenizer_config.json": json.dumps({"tokenizer_class": "LlamaTokenizer"}),
        "tokenizer.model": SENTENCEPIECE_HEAD,
        "llama3/tokenizer.model": "IQ== 0\nIg== 1\nIw== 2\n",
        "gpt2/vocab.json": "{}", "gpt2/merges.txt": "#version: 0.2\nĠ t\n",
        "lonely/vocab.json": "{}",
        "t5/spiece.model": b"version https://git-lfs.github.com/spec/v1\noid sha256:" + b"0" * 64 + b"\nsize 791656\n",
        "odd/tokenizer.model": b"\x00\x01garbage",
    }
    detection = detect(tmp_path, files)
    found = {item.path: (item.strength, item.reason) for item in detection.evidence}
    assert found == {
        "gpt2/vocab.json": ("present", "tokenizer files: BPE vocabulary and merges"),
        "llama3/tokenizer.model": ("present", "tokenizer files: tiktoken BPE ranks"),
        "odd/tokenizer.model": (
            "partial", "tokenizer files: tokenizer.model is neither a SentencePiece protobuf nor tiktoken ranks"),
        "t5/spiece.model": ("referenced", "tokenizer files: tokenizer model (a Git LFS pointer)"),
        "tokenizer.json": ("present", "tokenizer files: Hugging Face tokenizers file (BPE)"),
        "tokenizer.model": ("present", "tokenizer files: SentencePiece model (protobuf)"),
        "tokenizer_config.json": ("present", "tokenizer files: tokenizer configuration (LlamaTokenizer)"),
    }
    assert all(item.component == "supporting-libraries" for item in detection.evidence)


def test_config_json_architecture(tmp_path: Path) -> None:
    detection = detect(tmp_path, {
        "config.json": json.dumps({"architectures": ["LlamaForCausalLM"], "model_type": "llama"}),
        "t5/config.json": json.dumps({"model_type": "t5", "d_model": 512}),
        "unet/config.json": json.dumps({"_class_name": "UNet2DConditionModel", "_diffusers_version": "0.27.0"}),
        "custom/config.json": json.dumps({"architectures": ["MPTForCausalLM"],
                                          "auto_map": {"AutoModelForCausalLM": "modeling_mpt.MPTForCausalLM"}}),
        "custom/modeling_mpt.py": "class MPTForCausalLM: pass\n",
        "remote/config.json": json.dumps({"architectures": ["X"], "auto_map": {"AutoModel": "org/repo--modeling_x.X"}}),
        "train/config.json": json.dumps({"lr": 0.1}),
    })
    assert detection.findings == []
    found = {item.path: item for item in detection.evidence}
    assert sorted(found) == ["config.json", "custom/config.json", "remote/config.json", "t5/config.json",
                             "unet/config.json"]
    llama = found["config.json"]
    assert (llama.component, llama.strength, llama.url) == (
        "model-architecture", "referenced", "https://github.com/huggingface/transformers")
    assert llama.reason == "config.json names LlamaForCausalLM, implemented in the transformers library (Apache-2.0)"
    assert found["t5/config.json"].reason == \
        "config.json declares model_type t5, implemented in the transformers library (Apache-2.0)"
    assert found["unet/config.json"].url == "https://github.com/huggingface/diffusers"
    assert found["custom/config.json"].url is None and found["custom/config.json"].strength == "referenced"
    assert "modeling_mpt.py (in the release)" in found["custom/config.json"].reason
    assert found["remote/config.json"].strength == "partial"


def test_malformed_config_json(tmp_path: Path) -> None:
    detection = detect(tmp_path, {"config.json": "{\"architectures\": [", "a/config.json": "[1, 2]",
                                  "b/config.json": "[" * 100000,
                                  "c/config.json": json.dumps({"architectures": ["Evil\x1b[31mModel"]})})
    assert sorted((finding.path, finding.code) for finding in detection.findings) == [
        ("a/config.json", "OSAID-A012"), ("b/config.json", "OSAID-A012"), ("config.json", "OSAID-A012")]
    [evidence] = detection.evidence
    assert "\x1b" not in evidence.reason and "Evil\\x1b[31mModel" in evidence.reason


def test_output_is_sorted(tmp_path: Path) -> None:
    detection = detect(tmp_path, {"z/requirements.txt": "torch\n", "a/requirements.txt": "numpy\n",
                                  "config.json": json.dumps({"model_type": "gpt2"}), "tokenizer.json": "{}"})
    assert detection.evidence == sorted(detection.evidence, key=Evidence.sort_key)


def test_malformed_tokenizer_json(tmp_path: Path) -> None:
    detection = detect(tmp_path, {"tokenizer.json": "{\"model\": ", "tokenizer_config.json": "[]"})
    assert [(finding.path, finding.code) for finding in detection.findings] == [("tokenizer.json", "OSAID-A012")]
    assert [item.path for item in detection.evidence] == ["tokenizer_config.json"]
