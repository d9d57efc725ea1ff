"""ScriptsDetector: launch scripts carry the roles of what they run; hyperparameter files are metadata."""

from __future__ import annotations

from pathlib import Path

from auditor.description import describe_release
from auditor.detectors.interface import Detection, Evidence
from auditor.detectors.scripts import ScriptsDetector, parse_launches
from auditor.sources.local import LocalFolderSource

TRAIN_PY = """\
import torch
model = build()
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)
for step, batch in enumerate(train_loader):
    loss = model(batch).loss
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()
"""

GENERATE_PY = "out = model.generate(ids, max_new_tokens=20)\nprint(out)\n"

RUN_SH = """\
#!/usr/bin/env bash
set -euo pipefail
# pretraining on 8 GPUs
torchrun --nproc_per_node=8 \\
    train.py --config configs/pretrain.yaml --lr 3e-4
python generate.py --prompt "hello"
"""

PRETRAIN_YAML = """\
model:
  n_layer: 12
optim:
  learning_rate: 3.0e-4
  weight_decay: 0.1
  warmup_steps: 2000
data:
  batch_size: 512
max_steps: 100000
"""


def detect(tmp_path: Path, files: dict[str, str]) -> Detection:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    inventory = LocalFolderSource(tmp_path).inventory()
    return ScriptsDetector().detect(inventory, describe_release(inventory))


def summary(evidence: list[Evidence]) -> list[tuple[str, str | None, int | None, str]]:
    return [(item.component, item.path, item.line, item.strength) for item in evidence]


def test_launch_script_carries_roles_of_launched_files(tmp_path: Path) -> None:
    detection = detect(tmp_path, {"scripts/run.sh": RUN_SH, "train.py": TRAIN_PY, "generate.py": GENERATE_PY,
                                  "configs/pretrain.yaml": PRETRAIN_YAML})
    assert summary(detection.evidence) == [
        ("inference-code", "scripts/run.sh", 6, "present"),
        ("model-metadata", "configs/pretrain.yaml", 3, "present"),
        ("training-code", "scripts/run.sh", 4, "present"),
    ]
    assert all(item.detector == "scripts" for item in detection.evidence)
    metadata = detection.evidence[1]
    assert metadata.reason.startswith("training configuration (batch size, duration, learning rate, optimizer, warmup)")
    assert ("referenced-by", "scripts/run.sh") in metadata.details
    assert detection.findings == []


def test_absent_target_is_partial_training(tmp_path: Path) -> None:
    script = "deepspeed --num_gpus 8 pretrain.py --deepspeed ds_config.json\naccelerate launch finetune.py\n" \
             "python evaluate_model.py\npython helpers.py\n"
    detection = detect(tmp_path, {"launch.sh": script})
    assert summary(detection.evidence) == [
        ("evaluation-code", "launch.sh", 3, "partial"),
        ("training-code", "launch.sh", 1, "partial"),
        ("training-code", "launch.sh", 2, "partial"),
    ]
    assert "not in the release" in detection.evidence[1].reason


def test_launched_file_without_roles_gives_nothing(tmp_path: Path) -> None:
    detection = detect(tmp_path, {"run.sh": "python train.py\n", "train.py": "print('coming soon')\n"})
    assert detection.evidence == []


def test_makefile_and_shebang_scripts(tmp_path: Path) -> None:
    makefile = "PYTHON ?= python3\n\ntrain:\n\t@$(PYTHON) src/train.py --epochs 3\n\neval:\n\tlm_eval --model hf\n"
    detection = detect(tmp_path, {"Makefile": makefile, "src/train.py": TRAIN_PY,
                                  "bin/sample": "#!/bin/sh\nexec python3 -u generate.py\n", "generate.py": GENERATE_PY,
                                  "notes": "python train.py is how we train\n"})
    assert summary(detection.evidence) == [
        ("evaluation-code", "Makefile", 7, "present"),
        ("inference-code", "bin/sample", 2, "present"),
        ("training-code", "Makefile", 4, "present"),
    ]


def test_python_module_launches(tmp_path: Path) -> None:
    script = "python -m torch.distributed.launch --nproc_per_node 4 sft.py\npython -m pkg.train\n" \
             "python -m lm_eval --tasks hellaswag\n"
    detection = detect(tmp_path, {"go.sh": script, "pkg/train.py": TRAIN_PY})
    assert summary(detection.evidence) == [
        ("evaluation-code", "go.sh", 3, "present"),
        ("training-code", "go.sh", 1, "partial"),
        ("training-code", "go.sh", 2, "present"),
    ]


def test_parse_launches_handles_quotes_chains_and_variables() -> None:
    text = 'cd "$ROOT" && CUDA_VISIBLE_DEVICES=0 python "$ROOT/src/train.py" config/small.py; echo "python x.py"\n' \
           "python broken.py 'unterminated\n"
    launches = parse_launches(text)
    assert [(launch.line, launch.target, launch.configs) for launch in launches] == [
        (1, "$ROOT/src/train.py", ("config/small.py",)),
        (2, "broken.py", ()),
    ]


def test_referenced_and_folder_configs(tmp_path: Path) -> None:
    files = {
        "run.sh": "python train.py --config_file=hparams.json\npython train.py recipes/base.toml\n",
        "train.py": TRAIN_PY,
        "hparams.json": '{"lr": 0.001, "train_batch_size": 32, "optimizer": {"type": "AdamW"}}',
        "recipes/base.toml": "[training]\nnum_epochs = 3\nlearning-rate = 1e-4\n",
        "config/train_gpt2.py": "batch_size = 12\nmax_iters = 600000\nlearning_rate = 6e-4\n",
        "configs/model.yaml": "n_layer: 12\nn_head: 12\n",
        "configs/only_lr.yaml": "lr: 0.1\n",
        "configs/config.json": '{"learning_rate": 1, "max_steps": 2}',
        "unreferenced.yaml": "learning_rate: 1\nmax_steps: 2\n",
    }
    detection = detect(tmp_path, files)
    metadata = [(item.path, item.line) for item in detection.evidence if item.component == "model-metadata"]
    assert metadata == [("config/train_gpt2.py", 1), ("hparams.json", None), ("recipes/base.toml", 2)]


def test_malformed_configs_are_findings(tmp_path: Path) -> None:
    files = {
        "configs/bad.yaml": "lr: [1, 2\n",
        "configs/tagged.yaml": "lr: !!python/object/apply:os.system ['echo hi']\n",
        "configs/bad.json": "{\"lr\": ",
        "configs/deep.json": '{"lr": ' + "[" * 100000 + "]" * 100000 + "}",
        "configs/unrelated.json": '{"colour": ',  # no training key in it: not read as a training config
        "configs/bad.toml": "lr = = 1\n",
        "configs/broken.py": "lr = (\n",
    }
    detection = detect(tmp_path, files)
    assert detection.evidence == []
    assert [(finding.path, finding.code) for finding in detection.findings] == [
        ("configs/bad.json", "OSAID-A012"), ("configs/bad.toml", "OSAID-A012"), ("configs/bad.yaml", "OSAID-A012"),
        ("configs/deep.json", "OSAID-A012"), ("configs/tagged.yaml", "OSAID-A012"),
    ]


def test_yaml_alias_bomb_is_bounded(tmp_path: Path) -> None:
    lines = ["a0: &a0 [lr, batch_size]"] + [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 30)]
    detection = detect(tmp_path, {"configs/bomb.yaml": "\n".join(lines) + "\n"})
    assert detection.evidence == []
    assert [(f.path, f.code) for f in detection.findings] == [("configs/bomb.yaml", "OSAID-A012")]
    assert "aliases are not accepted" in detection.findings[0].message
