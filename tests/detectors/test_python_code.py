"""PythonCodeDetector: static roles of Python files and notebooks (nothing is imported or run)."""

from __future__ import annotations

import json
from pathlib import Path

from auditor.description import describe_release
from auditor.detectors.interface import Evidence
from auditor.detectors.python_code import PythonCodeDetector
from auditor.sources.local import LocalFolderSource

TRAIN_PY = """\
import math
import torch
from model import GPTConfig, GPT

learning_rate = 6e-4
max_iters = 600000
batch_size = 12
eval_iters = 200

def get_batch(split):
    return x, y

@torch.no_grad()
def estimate_loss():
    out = {}
    model.eval()
    for split in ['train', 'val']:
        losses = torch.zeros(eval_iters)
        for k in range(eval_iters):
            X, Y = get_batch(split)
            logits, loss = model(X, Y)
            losses[k] = loss.item()
        out[split] = losses.mean()
    model.train()
    return out

model = GPT(GPTConfig())
optimizer = model.configure_optimizers(0.1, learning_rate, (0.9, 0.95), 'cuda')
X, Y = get_batch('train')
while True:
    for micro_step in range(4):
        logits, loss = model(X, Y)
        scaler.scale(loss).backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    scaler.step(optimizer)
    optimizer.zero_grad(set_to_none=True)
"""

GENERATE_PY = """\
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

tokenizer = AutoTokenizer.from_pretrained("org/model")
model = AutoModelForCausalLM.from_pretrained("org/model")
model.eval()
with torch.no_grad():
    ids = tokenizer("Hello", return_tensors="pt").input_ids
    out = model.generate(ids, max_new_tokens=50, temperature=0.8, top_p=0.95, do_sample=True)
print(tokenizer.decode(out[0]))
"""

MODEL_PY = """\
import math
import torch
import torch.nn as nn
from torch.nn import functional as F

class CausalSelfAttention(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.c_attn = nn.Linear(config.n_embd, 3 * config.n_embd)
        self.c_proj = nn.Linear(config.n_embd, config.n_embd)

    def forward(self, x):
        q, k, v = self.c_attn(x).split(self.n_embd, dim=2)
        return self.c_proj(F.scaled_dot_product_attention(q, k, v, is_causal=True))

class MLP(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.c_fc = nn.Linear(config.n_embd, 4 * config.n_embd)

    def forward(self, x):
        return self.c_fc(x)

class GPT(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.wte = nn.Embedding(config.vocab_size, config.n_embd)
        self.ln_f = nn.LayerNorm(config.n_embd)

    def forward(self, idx, targets=None):
        logits = self.lm_head(self.ln_f(self.wte(idx)))
        loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))
        return logits, loss

    def configure_optimizers(self, weight_decay, learning_rate, betas, device_type):
        return torch.optim.AdamW(self.parameters(), lr=learning_rate, betas=betas)
"""

PREPROCESS_PY = """\
import hashlib
import json
import re
import langid
from datasketch import MinHash, MinHashLSH

def clean(text):
    return re.sub(r"\\s+", " ", text).strip()

def dedup(docs, threshold=0.8):
    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    kept = []
    for i, doc in enumerate(docs):
        m = MinHash(num_perm=128)
        for word in doc.split():
            m.update(word.encode())
        if not lsh.query(m):
            lsh.insert(str(i), m)
            kept.append(doc)
    return kept

def main():
    docs = [clean(json.loads(line)["text"]) for line in open("raw.jsonl")]
    docs = [d for d in docs if langid.classify(d)[0] == "en"]
    with open("clean.jsonl", "w") as out:
        for doc in dedup(docs):
            out.write(json.dumps({"text": doc, "sha": hashlib.sha256(doc.encode()).hexdigest()}) + "\\n")
"""

TOKENIZER_TRAIN_PY = """\
import sentencepiece as spm

spm.SentencePieceTrainer.train(input="corpus.txt", model_prefix="tok", vocab_size=32000,
                               model_type="bpe", character_coverage=0.9995)
"""

EVAL_PY = """\
import evaluate
import torch
from datasets import load_dataset

rouge = evaluate.load("rouge")

def evaluate_model(model, test_loader):
    model.eval()
    predictions, references = [], []
    with torch.no_grad():
        for batch in test_loader:
            predictions += model(batch["input"])
            references += batch["target"]
    return rouge.compute(predictions=predictions, references=references)
"""

README_PY = """\
# This project trains a GPT model.
# Run train.py to start training; loss should go down.
# See the README for details.
"""

PRINT_ONLY_TRAIN_PY = """\
loss = None
print("training is not released yet")
"""


def detect(tmp_path: Path, files: dict[str, str]) -> list[Evidence]:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    inventory = LocalFolderSource(tmp_path).inventory()
    return PythonCodeDetector().detect(inventory, describe_release(inventory)).evidence


def roles(evidence: list[Evidence], path: str) -> set[str]:
    return {item.component for item in evidence if item.path == path}


def test_nanogpt_train_script_is_training_code_only(tmp_path: Path) -> None:
    evidence = detect(tmp_path, {"train.py": TRAIN_PY})
    assert roles(evidence, "train.py") == {"training-code"}
    [item] = evidence
    assert item.detector == "python-code" and item.strength == "present"
    assert item.line == 30  # the `while True:` loop that calls backward()
    assert "training loop" in item.reason and "backward pass" in item.reason
    assert "file name agrees" in item.reason


def test_generate_script_is_inference_code(tmp_path: Path) -> None:
    evidence = detect(tmp_path, {"generate.py": GENERATE_PY})
    assert roles(evidence, "generate.py") == {"inference-code"}
    assert evidence[0].line == 9 and "generate() call" in evidence[0].reason


def test_model_file_is_architecture_and_not_training(tmp_path: Path) -> None:
    evidence = detect(tmp_path, {"model.py": MODEL_PY})
    assert roles(evidence, "model.py") == {"model-architecture"}
    assert evidence[0].line == 6 and "neural-network module class" in evidence[0].reason


def test_preprocessing_script(tmp_path: Path) -> None:
    evidence = detect(tmp_path, {"data/preprocess.py": PREPROCESS_PY})
    assert roles(evidence, "data/preprocess.py") == {"data-preprocessing-code"}
    reason = evidence[0].reason
    assert "MinHash deduplication" in reason and "language identification" in reason


def test_tokenizer_training_is_supporting_library(tmp_path: Path) -> None:
    evidence = detect(tmp_path, {"train_tokenizer.py": TOKENIZER_TRAIN_PY})
    assert roles(evidence, "train_tokenizer.py") == {"supporting-libraries"}


def test_eval_script(tmp_path: Path) -> None:
    evidence = detect(tmp_path, {"eval.py": EVAL_PY})
    assert roles(evidence, "eval.py") == {"evaluation-code"}
    assert "validation/test loop without backward()" in evidence[0].reason


def test_hyperparameter_search(tmp_path: Path) -> None:
    text = "import optuna\n\ndef objective(trial):\n    return trial.suggest_float('lr', 1e-5, 1e-3)\n\n" \
           "study = optuna.create_study()\nstudy.optimize(objective, n_trials=20)\n"
    assert roles(detect(tmp_path, {"sweep.py": text}), "sweep.py") == {"supporting-libraries"}


def test_file_with_several_roles(tmp_path: Path) -> None:
    text = "import torch.nn as nn\nclass Net(nn.Module):\n    def forward(self, x):\n        return x\n" \
           "for batch in train_loader:\n    loss = crit(net(batch))\n    loss.backward()\n    opt.step()\n"
    assert roles(detect(tmp_path, {"main.py": text}), "main.py") == {"model-architecture", "training-code"}


def test_weak_hints_are_not_enough(tmp_path: Path) -> None:
    evidence = detect(tmp_path, {"README_notes.py": README_PY, "train.py": PRINT_ONLY_TRAIN_PY,
                                 "util.py": "loss = compute()\nlr = 3e-4\nbatch_size = 8\n"})
    assert evidence == []


def test_name_is_only_a_tie_breaker(tmp_path: Path) -> None:
    # A medium signal (optimizer construction) plus two weak ones: enough in train.py, not in utils.py.
    text = "import torch\nlr = 3e-4\nopt = torch.optim.AdamW(params, lr=lr)\nloss = f(x)\n"
    evidence = detect(tmp_path, {"train.py": text, "utils.py": text})
    assert roles(evidence, "train.py") == {"training-code"}
    assert roles(evidence, "utils.py") == set()


def test_unparseable_files_are_skipped(tmp_path: Path) -> None:
    files = {
        "broken.py": "def train(:\n    loss.backward()\n",
        "deep_parens.py": "(" * 100000,
        "deep_unary.py": "-" * 100000 + "1",
        "deep_sum.py": "x" + "+x" * 100000,
        "latin1.py": "# caf\xe9\nmodel.generate(x)\n",
        "train.py": TRAIN_PY,
    }
    evidence = detect(tmp_path, files)
    assert {item.path for item in evidence} == {"latin1.py", "train.py"}


def test_binary_and_large_files_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "blob.py").write_bytes(b"loss.backward()\x00\x01")
    (tmp_path / "huge.py").write_text("loss.backward()\n" + "#" * (3 * 1024 * 1024), encoding="utf-8")
    # Small enough to be read as text, too large to be worth parsing (generated code).
    (tmp_path / "generated.py").write_text("loss.backward()\n" * 70_000, encoding="utf-8")
    inventory = LocalFolderSource(tmp_path).inventory()
    assert PythonCodeDetector().detect(inventory, describe_release(inventory)).evidence == []


def test_notebook_code_cells(tmp_path: Path) -> None:
    notebook = {"cells": [
        {"cell_type": "markdown", "source": ["# Train\n", "loss.backward() in markdown does not count\n"]},
        {"cell_type": "code", "source": ["!pip install torch\n", "%matplotlib inline\n", "import torch\n"]},
        {"cell_type": "code", "source": "out = model.generate(ids, max_new_tokens=20)\n"},
        {"cell_type": "code", "source": "def broken(:\n"},
    ], "nbformat": 4}
    evidence = detect(tmp_path, {"demo.ipynb": json.dumps(notebook), "bad.ipynb": "{not json"})
    assert [(item.component, item.path, item.line) for item in evidence] == [("inference-code", "demo.ipynb", None)]
    assert ("cell", "3") in evidence[0].details and "cell 3" in evidence[0].reason


def test_output_is_sorted_and_deterministic(tmp_path: Path) -> None:
    files = {"train.py": TRAIN_PY, "model.py": MODEL_PY, "generate.py": GENERATE_PY, "eval.py": EVAL_PY}
    first = detect(tmp_path, files)
    assert first == sorted(first, key=Evidence.sort_key)
    assert first == detect(tmp_path, files)


def test_two_medium_signals_corroborate_without_a_name(tmp_path: Path) -> None:
    # Grok-style JAX sampling: no generate(), but a sampling function drawing from logits.
    run_py = "import jax\n\ndef sample_token(key, logits, temperature):\n" \
             "    return jax.random.categorical(key, logits[:, -1, :] / temperature)\n"
    fasttext_filter = "import fasttext\nmodel = fasttext.load_model('quality.bin')\n\n" \
                      "def predict(text):\n    return model.predict(text)[1][0]\n\n" \
                      "def quality_filter(docs):\n    return [d for d in docs if predict(d) > 0.5]\n"
    evidence = detect(tmp_path, {"run.py": run_py, "filters.py": fasttext_filter})
    assert roles(evidence, "run.py") == {"inference-code"}
    assert roles(evidence, "filters.py") == {"data-preprocessing-code"}


MLX_TRAIN = """import mlx.core as mx
import mlx.nn as nn
import mlx.optimizers as optim

def loss_fn(model, x, y):
    return nn.losses.cross_entropy(model(x), y).mean()

def main(model, batches):
    optimizer = optim.AdamW(learning_rate=3e-4)
    loss_and_grad = nn.value_and_grad(model, loss_fn)
    for x, y in batches:
        loss, grads = loss_and_grad(model, x, y)
        optimizer.update(model, grads)
        mx.eval(model.parameters(), optimizer.state)
"""
MLX_GENERATE = """import mlx.core as mx

def generate(model, prompt, temperature=0.8):
    y = prompt
    while True:
        logits = model(y[None])[:, -1, :]
        y = mx.random.categorical(logits * (1 / temperature))
        yield y
"""


def test_mlx_training_and_sampling_are_recognised(tmp_path: Path) -> None:
    evidence = detect(tmp_path, {"lm/trainer.py": MLX_TRAIN, "lm/run.py": MLX_GENERATE})
    assert roles(evidence, "lm/trainer.py") == {"training-code"}
    assert roles(evidence, "lm/run.py") == {"inference-code"}
    (training,) = [e for e in evidence if e.path == "lm/trainer.py"]
    assert "MLX optimizer update (line 13)" in training.reason
