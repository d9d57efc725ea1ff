"""Configs of open training libraries, recognised by the keys only that library reads, are the
model's architecture and training recipe with the library as the code."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.description import describe_release
from auditor.detectors.scripts import ScriptsDetector
from auditor.sources.local import LocalFolderSource

# One small config per library, in each library's own keys (written here, not copied).
CONFIGS = {
    "gpt-neox": ("neox.yml", '{"num-layers": 6, "hidden-size": 512, "pos-emb": "rotary", "train-iters": 1000,\n'
                             ' "optimizer": {"type": "Adam", "params": {"lr": 0.001}}}\n'),
    "olmo": ("olmo.yaml", "model:\n  d_model: 512\n  n_layers: 6\n  block_type: sequential\n"
                          "optimizer:\n  learning_rate: 0.0004\nmax_duration: 1000\n"),
    "llm-foundry": ("mpt.yaml", "model:\n  name: mpt_causal_lm\n  d_model: 512\n  n_layers: 6\n"
                                "max_duration: 1000ba\nglobal_train_batch_size: 256\noptimizer:\n  lr: 0.0006\n"),
    "megatron-nemo": ("nemo.yaml", "trainer:\n  max_steps: 1000\nexp_manager:\n  name: run\n"
                                   "model:\n  num_layers: 6\n  optim:\n    lr: 0.0002\n"),
    "torchtitan": ("titan.toml", '[model]\nname = "llama3"\nflavor = "debugmodel"\n\n[training]\nsteps = 10\n\n'
                                 '[optimizer]\nname = "AdamW"\nlr = 0.0008\n'),
    "t5x": ("base.gin", "include 't5x/configs/runs/pretrain.gin'\nTRAIN_STEPS = 1000\n"),
    "mesh-tensorflow": ("mtf.gin", 'utils.run.model_type = "bitransformer"\nnum_layers = 12\n'),
    "litgpt": ("litgpt.yaml", "model_name: pythia-14m\nout_dir: out/run\ntrain:\n  micro_batch_size: 4\n"
                              "  max_steps: 100\noptimizer:\n  class_path: torch.optim.AdamW\n"),
    "nanotron": ("nanotron.yaml", "model:\n  model_config:\n    num_hidden_layers: 6\nparallelism:\n  dp: 8\n"
                                  "tokens:\n  train_steps: 1000\noptimizer:\n  learning_rate_scheduler:\n"
                                  "    learning_rate: 0.0003\n"),
    "cerebras-modelzoo": ("cs.yaml", "train_input:\n  batch_size: 64\nmodel:\n  num_hidden_layers: 6\n"
                                     "optimizer:\n  learning_rate: 0.0002\nrunconfig:\n  max_steps: 1000\n"),
}


@pytest.mark.parametrize("library", sorted(CONFIGS))
def test_a_library_config_is_architecture_and_training_code(tmp_path: Path, library: str) -> None:
    name, text = CONFIGS[library]
    (tmp_path / name).write_text(text)
    inventory = LocalFolderSource(tmp_path).inventory()
    evidence = ScriptsDetector().detect(inventory, describe_release(inventory)).evidence
    by_component = {e.component: e for e in evidence if e.path == name and e.strength == "referenced"}
    assert set(by_component) == {"model-architecture", "training-code"}
    assert all(dict(e.details)["library"] == library and e.url for e in by_component.values())


def test_an_ordinary_config_names_no_library(tmp_path: Path) -> None:
    (tmp_path / "settings.yaml").write_text("model:\n  hidden_size: 512\n  num_layers: 6\nlr: 0.001\n")
    inventory = LocalFolderSource(tmp_path).inventory()
    evidence = ScriptsDetector().detect(inventory, describe_release(inventory)).evidence
    assert not [e for e in evidence if e.strength == "referenced"]
