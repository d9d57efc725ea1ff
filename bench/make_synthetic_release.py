#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Generate a large synthetic model release for benchmarking `audit`.

    python bench/make_synthetic_release.py /tmp/synth --files 100000 --python 10000 --weights-gb 10

Writes, under DIR (which must not exist or be empty):
- `README.md` (model card with Hub front matter), `LICENSE` (Apache-2.0), `config.json`,
  `requirements.txt`, `model.safetensors.index.json`;
- `--python` short Python files (training loops, inference scripts, nn.Module definitions, data
  processing, utilities, tests), in nested package folders;
- small text files (Markdown, JSON, YAML, JSONL, shell, plain text) up to `--files` files in all;
- sparse safetensors shards adding up to `--weights-gb` GB (10^9 bytes) of declared tensor data:
  each shard is a valid header followed by a hole (`truncate`), so it takes almost no disk space
  while its size and every tensor's `data_offsets` are what a real shard's would be.

Output is deterministic for a given set of arguments and `--seed`. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import random
import struct
import sys
import time
from pathlib import Path

GB = 10**9
HIDDEN = 4096
INTERMEDIATE = 11008
VOCAB = 32000
BF16 = 2  # bytes per element
MAX_SHARD = 5 * GB  # the Hub's default shard size limit in `save_pretrained`
FILES_PER_DIR = 100

APACHE_FALLBACK = """\
                                 Apache License
                           Version 2.0, January 2004
                        http://www.apache.org/licenses/

   Licensed under the Apache License, Version 2.0 (the "License");
   you may not use this file except in compliance with the License.
   You may obtain a copy of the License at

       http://www.apache.org/licenses/LICENSE-2.0
"""

# --------------------------------------------------------------------------------------------------
# Python file templates. Placeholders: {n} (unique number), {name}, {dim}, {lr}, {steps}, {layers}.

HEADER = "# SPDX-License-Identifier: Apache-2.0\n# Copyright 2024 Synthetic Lab\n"

PY_TEMPLATES: dict[str, str] = {
    "train": '''"""Training entry point variant {n}."""

import argparse

import torch
import torch.nn.functional as F

from .modules_{n} import {name}


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--lr", type=float, default={lr})
    p.add_argument("--max-steps", type=int, default={steps})
    p.add_argument("--batch-size", type=int, default=32)
    return p.parse_args()


def train(model, loader, args):
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.1)
    model.train()
    for step, (x, y) in enumerate(loader):
        logits = model(x)
        loss = F.cross_entropy(logits.view(-1, logits.size(-1)), y.view(-1))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        if step >= args.max_steps:
            break
    return model


if __name__ == "__main__":
    train({name}(dim={dim}, layers={layers}), [], parse_args())
''',
    "inference": '''"""Inference helper variant {n}."""

import torch
import torch.nn.functional as F


@torch.no_grad()
def generate(model, idx, max_new_tokens=64, temperature=0.8, top_p=0.9):
    model.eval()
    for _ in range(max_new_tokens):
        logits = model(idx[:, -{dim}:])[:, -1, :] / temperature
        probs = F.softmax(logits, dim=-1)
        sorted_probs, sorted_idx = torch.sort(probs, descending=True)
        mask = torch.cumsum(sorted_probs, dim=-1) - sorted_probs > top_p
        sorted_probs[mask] = 0.0
        next_tok = sorted_idx.gather(-1, torch.multinomial(sorted_probs, 1))
        idx = torch.cat([idx, next_tok], dim=1)
    return idx


def load_{name_lower}(path):
    from safetensors.torch import load_file

    return load_file(path)
''',
    "module": '''"""Model building blocks, variant {n}."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class {name}Attention(nn.Module):
    def __init__(self, dim={dim}, heads=8):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, 3 * dim, bias=False)
        self.out = nn.Linear(dim, dim, bias=False)

    def forward(self, x):
        b, t, c = x.shape
        q, k, v = self.qkv(x).chunk(3, dim=-1)
        q, k, v = (z.view(b, t, self.heads, -1).transpose(1, 2) for z in (q, k, v))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        return self.out(y.transpose(1, 2).reshape(b, t, c))


class {name}MLP(nn.Module):
    def __init__(self, dim={dim}):
        super().__init__()
        self.up = nn.Linear(dim, 4 * dim)
        self.down = nn.Linear(4 * dim, dim)

    def forward(self, x):
        return self.down(F.gelu(self.up(x)))


class {name}(nn.Module):
    def __init__(self, dim={dim}, layers={layers}):
        super().__init__()
        self.blocks = nn.ModuleList(
            nn.ModuleDict({{"attn": {name}Attention(dim), "mlp": {name}MLP(dim)}}) for _ in range(layers))
        self.scale = 1.0 / math.sqrt(dim)

    def forward(self, x):
        for block in self.blocks:
            x = x + block["attn"](x)
            x = x + block["mlp"](x)
        return x
''',
    "data": '''"""Corpus filtering and deduplication, variant {n}."""

import hashlib
import json
import sys


def keep(doc, min_words={layers}0):
    words = doc["text"].split()
    return len(words) >= min_words and sum(w.isalpha() for w in words) / len(words) > 0.7


def dedup(lines):
    seen = set()
    for line in lines:
        doc = json.loads(line)
        h = hashlib.sha256(doc["text"].encode()).hexdigest()
        if h in seen or not keep(doc):
            continue
        seen.add(h)
        yield doc


if __name__ == "__main__":
    for doc in dedup(sys.stdin):
        print(json.dumps(doc))
''',
    "util": '''"""Utilities, variant {n}."""

import logging
import os
import time

logger = logging.getLogger("{name_lower}")


def env_int(name, default={steps}):
    return int(os.environ.get(name, default))


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.elapsed = time.perf_counter() - self.start
        logger.debug("%s took %.3fs", "{name}", self.elapsed)
''',
    "test": '''"""Tests, variant {n}."""

import torch

from ..modules_{n} import {name}


def test_{name_lower}_shapes():
    model = {name}(dim={dim}, layers=1)
    x = torch.randn(2, 8, {dim})
    assert model(x).shape == x.shape


def test_{name_lower}_grad():
    model = {name}(dim={dim}, layers=1)
    model(torch.randn(1, 4, {dim})).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
''',
}
PY_MIX = [("module", 40), ("util", 20), ("train", 10), ("inference", 10), ("data", 10), ("test", 10)]
PY_DIRS = {"module": "src/models", "util": "src/utils", "train": "src/training", "inference": "src/inference",
           "data": "data_processing", "test": "tests"}
NAMES = ["Transformer", "Decoder", "Encoder", "Mixer", "Expert", "Router", "Block", "Layer", "Head", "Tower"]

TEXT_KINDS = [("md", "docs"), ("json", "configs"), ("yaml", "configs/experiments"), ("jsonl", "data/samples"),
              ("txt", "assets"), ("sh", "scripts")]


def text_file(kind: str, n: int, rng: random.Random) -> str:
    if kind == "md":
        return f"# Note {n}\n\nExperiment {n} used learning rate {rng.choice([1e-4, 3e-4, 6e-4])} and " \
               f"{rng.randint(1, 64)} GPUs.\n\n- result: {rng.random():.4f}\n"
    if kind == "json":
        return json.dumps({"run": n, "lr": rng.choice([1e-4, 3e-4]), "batch_size": rng.choice([32, 64, 128]),
                           "warmup": rng.randint(100, 2000)}, indent=2) + "\n"
    if kind == "yaml":
        return f"run: {n}\noptimizer: adamw\nlr: {rng.choice([1e-4, 3e-4])}\nmax_steps: {rng.randint(1000, 100000)}\n"
    if kind == "jsonl":
        return "".join(json.dumps({"id": f"{n}-{i}",
                                   "text": f"Sample document {n}.{i} about topic {rng.randint(0, 999)}."})
                       + "\n" for i in range(3))
    if kind == "sh":
        return f"#!/usr/bin/env bash\nset -euo pipefail\ntorchrun --nproc_per_node {rng.choice([1, 8])} " \
               f"src/training/train_{n % 97}.py --lr 3e-4\n"
    return f"token list {n}: " + " ".join(str(rng.randint(0, VOCAB)) for _ in range(16)) + "\n"


def nested_dir(root: Path, top: str, i: int) -> Path:
    """Spread files over top/gNNN/sNN/ with at most FILES_PER_DIR files per folder."""
    return root / top / f"g{i // (FILES_PER_DIR * 10):03d}" / f"s{(i // FILES_PER_DIR) % 10:02d}"


# --------------------------------------------------------------------------------------------------
# Sparse safetensors shards.

def nbytes(shape: list[int]) -> int:
    size = BF16
    for d in shape:
        size *= d
    return size


def plan_tensors(total_bytes: int) -> list[tuple[str, list[int]]]:
    """Llama-like tensor names and bf16 shapes whose sizes add up to total_bytes (rounded down)."""
    row = HIDDEN * BF16
    embed = ("model.embed_tokens.weight", [VOCAB, HIDDEN])
    tail = [("model.norm.weight", [HIDDEN]), ("lm_head.weight", [VOCAB, HIDDEN])]
    fixed = nbytes(embed[1]) + sum(nbytes(s) for _, s in tail)
    if total_bytes < fixed:  # too small for a whole model: one embedding-like tensor
        return [("model.embed_tokens.weight", [max(1, total_bytes // row), HIDDEN])]
    per_layer = [
        ("self_attn.q_proj.weight", [HIDDEN, HIDDEN]), ("self_attn.k_proj.weight", [HIDDEN, HIDDEN]),
        ("self_attn.v_proj.weight", [HIDDEN, HIDDEN]), ("self_attn.o_proj.weight", [HIDDEN, HIDDEN]),
        ("mlp.gate_proj.weight", [INTERMEDIATE, HIDDEN]), ("mlp.up_proj.weight", [INTERMEDIATE, HIDDEN]),
        ("mlp.down_proj.weight", [HIDDEN, INTERMEDIATE]),
        ("input_layernorm.weight", [HIDDEN]), ("post_attention_layernorm.weight", [HIDDEN]),
    ]
    layer_bytes = sum(nbytes(s) for _, s in per_layer)
    layers = (total_bytes - fixed) // layer_bytes
    tensors = [embed]
    for i in range(layers):
        tensors += [(f"model.layers.{i}.{name}", shape) for name, shape in per_layer]
    remaining = total_bytes - fixed - layers * layer_bytes
    if remaining >= row:  # top up so the declared size is what was asked, to within one row
        tensors.append((f"model.layers.{layers}.mlp.up_proj.weight", [remaining // row, HIDDEN]))
    return tensors + tail


def write_sparse_shard(path: Path, tensors: list[tuple[str, list[int]]]) -> int:
    """Write a safetensors header for bf16 tensors, then extend the file to its full size as a hole."""
    header: dict[str, object] = {"__metadata__": {"format": "pt"}}
    offset = 0
    for name, shape in tensors:
        size = nbytes(shape)
        header[name] = {"dtype": "BF16", "shape": shape, "data_offsets": [offset, offset + size]}
        offset += size
    raw = json.dumps(header, separators=(",", ":")).encode("utf-8")
    raw += b" " * (-len(raw) % 8)  # the reference writer pads the header to 8 bytes
    with path.open("wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        f.truncate(8 + len(raw) + offset)
    return offset


def write_weights(root: Path, weight_bytes: int) -> tuple[int, int]:
    if weight_bytes <= 0:
        return 0, 0
    tensors = plan_tensors(weight_bytes)
    shards: list[list[tuple[str, list[int]]]] = [[]]
    shard_bytes = 0
    for name, shape in tensors:
        size = nbytes(shape)
        if shards[-1] and shard_bytes + size > MAX_SHARD:
            shards.append([])
            shard_bytes = 0
        shards[-1].append((name, shape))
        shard_bytes += size
    weight_map: dict[str, str] = {}
    total = 0
    for i, shard in enumerate(shards, 1):
        fname = f"model-{i:05d}-of-{len(shards):05d}.safetensors"
        total += write_sparse_shard(root / fname, shard)
        weight_map.update({name: fname for name, _ in shard})
    index = {"metadata": {"total_size": total}, "weight_map": weight_map}
    (root / "model.safetensors.index.json").write_text(json.dumps(index, indent=2) + "\n")
    return len(shards), total


# --------------------------------------------------------------------------------------------------

def model_card(files: int, python: int, weight_bytes: int) -> str:
    return f"""---
license: apache-2.0
language:
- en
datasets:
- allenai/dolma
library_name: transformers
pipeline_tag: text-generation
model-index:
- name: synthetic-bench-model
  results:
  - task:
      type: text-generation
    dataset:
      type: wikitext
      name: WikiText-103
    metrics:
    - type: perplexity
      value: 9.9
---

# Synthetic benchmark model

A synthetic release generated by `bench/make_synthetic_release.py` ({files} files, {python} Python
files, {weight_bytes / GB:.1f} GB of sparse weights). It imitates the size and shape of a large release;
its content is meaningless.

## Model Details

Llama-style decoder, hidden size {HIDDEN}, vocabulary {VOCAB}; see `config.json`.

## Training Data

Trained on Dolma (https://huggingface.co/datasets/allenai/dolma).

## Training Procedure

See `src/training/`.
"""


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("dir", type=Path)
    p.add_argument("--files", type=int, default=100_000, help="total number of files (default 100000)")
    p.add_argument("--python", type=int, default=10_000, help="how many of them are .py (default 10000)")
    p.add_argument("--weights-gb", type=float, default=10.0, help="declared weight size in GB of 10^9 bytes")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)

    root: Path = args.dir
    if root.exists() and any(root.iterdir()):
        p.error(f"{root} exists and is not empty")
    root.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    t0 = time.perf_counter()

    weight_bytes = int(args.weights_gb * GB)
    n_shards, declared = write_weights(root, weight_bytes)

    license_src = Path(__file__).resolve().parent.parent / "fixtures/releases/open-release/LICENSE"
    (root / "LICENSE").write_text(license_src.read_text() if license_src.exists() else APACHE_FALLBACK)
    (root / "README.md").write_text(model_card(args.files, args.python, declared))
    (root / "config.json").write_text(json.dumps({
        "architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": HIDDEN,
        "intermediate_size": INTERMEDIATE, "vocab_size": VOCAB, "torch_dtype": "bfloat16"}, indent=2) + "\n")
    (root / "requirements.txt").write_text("torch>=2.1\ntransformers>=4.40\nsafetensors>=0.4\n")
    fixed = 4 + n_shards + (1 if n_shards else 0)

    python = min(args.python, max(0, args.files - fixed))
    kinds = [k for k, _ in PY_MIX]
    weights = [w for _, w in PY_MIX]
    counters = {k: 0 for k in kinds}
    made_dirs: set[Path] = set()
    for n in range(python):
        kind = rng.choices(kinds, weights)[0]
        i = counters[kind]
        counters[kind] += 1
        folder = nested_dir(root, PY_DIRS[kind], i)
        if folder not in made_dirs:
            folder.mkdir(parents=True, exist_ok=True)
            made_dirs.add(folder)
        name = NAMES[n % len(NAMES)] + str(n)
        body = PY_TEMPLATES[kind].format(
            n=n, name=name, name_lower=name.lower(), dim=rng.choice([256, 512, 768, 1024]),
            lr=rng.choice([1e-4, 3e-4, 6e-4]), steps=rng.randint(1000, 50000), layers=rng.randint(2, 48))
        prefix = f"{kind}_" if kind != "module" else "modules_"
        (folder / f"{prefix}{n}.py").write_text(HEADER + body if n % 3 else body)

    others = max(0, args.files - fixed - python)
    for n in range(others):
        ext, top = TEXT_KINDS[n % len(TEXT_KINDS)]
        folder = nested_dir(root, top, n // len(TEXT_KINDS))
        if folder not in made_dirs:
            folder.mkdir(parents=True, exist_ok=True)
            made_dirs.add(folder)
        (folder / f"file_{n}.{ext}").write_text(text_file(ext, n, rng))

    # Report what was made, and whether the shards really are sparse.
    apparent = allocated = 0
    for shard in root.glob("model-*.safetensors"):
        st = shard.stat()
        apparent += st.st_size
        allocated += st.st_blocks * 512
    total_files = fixed + python + others
    print(f"{root}: {total_files} files ({python} .py, {others} other text, {n_shards} shards), "
          f"weights {declared / GB:.2f} GB declared, shards {apparent / GB:.2f} GB apparent / "
          f"{allocated / 1e6:.1f} MB allocated, {time.perf_counter() - t0:.1f}s")
    if n_shards and allocated > apparent // 2:
        print("warning: the shards are not sparse on this filesystem", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
