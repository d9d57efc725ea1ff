"""Classifies Python files and notebooks into code components by static analysis.

Nothing from the release is ever imported or run: each file is parsed with `ast`, reduced to a set
of *events* (`call:torch.optim.AdamW`, `def:generate`, `base:nn.Module`, `loop-train:...`), and the
rules below score the events per component. Rules are data so that new signals are one line each.
"""

from __future__ import annotations

import posixpath
import re
import weakref
from collections import defaultdict
from dataclasses import dataclass
from functools import cache, cached_property
from typing import TYPE_CHECKING

from auditor.description.interface import ReleaseDescription
from auditor.detectors.interface import Detection, Detector, DetectorSettings, Evidence
from auditor.detectors.python_events import source_events
from auditor.sources.interface import Artifact, Inventory

if TYPE_CHECKING:
    from auditor.detectors.python_batch import PythonBatch

STRONG, MEDIUM, WEAK = 4, 2, 1
"""A strong signal decides alone; medium ones need corroboration; weak ones only add up (see `decide`)."""
THRESHOLD = 4
NAME_BONUS = 1
"""What a file name that agrees with a role is worth: a tie-breaker, never a signal by itself."""


@dataclass(frozen=True)
class Rule:
    role: str
    weight: int
    label: str
    match: str
    """Regex that must fully match one event."""
    also: str | None = None
    """Regex that must also match some event (both signals together make the rule)."""
    unless: str | None = None
    """Regex that, when it matches any event, cancels the rule."""

    @cached_property
    def patterns(self) -> tuple[_Pattern, _Pattern | None, _Pattern | None]:
        return (_Pattern(self.match), *(_Pattern(p) if p else None for p in (self.also, self.unless)))


EVENT_KINDS = ("import", "call", "kw", "str", "arg", "def", "param", "class", "base", "assign", "loop", "loop-train")


@dataclass(frozen=True)
class _Pattern:
    """A rule regex, tried only on events of the kinds its text names (`call:`, `(kw|param):`)."""

    source: str

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile(self.source)

    @cached_property
    def kinds(self) -> tuple[str, ...]:
        named = tuple(kind for kind in EVENT_KINDS if re.search(rf"(?<![\w-]){kind}(?![\w-])", self.source))
        return named or EVENT_KINDS


TRAIN, INFER, EVAL = "training-code", "inference-code", "evaluation-code"
PREP, ARCH, SUPPORT = "data-preprocessing-code", "model-architecture", "supporting-libraries"

_OPTIMIZERS = (r"AdamW|Adam|SGD|Adafactor|Adagrad|Adadelta|Adamax|RMSprop|Lion|LAMB|Lamb|AdamW8bit|"
               r"PagedAdamW\w*|FusedAdam|DeepSpeedCPUAdam|Muon|ZeroRedundancyOptimizer")
_OPTAX = r"adamw|adam|sgd|adafactor|lion|lamb|adagrad|rmsprop"
_TRAINERS = r"Trainer|SFTTrainer|Seq2SeqTrainer|DPOTrainer|RewardTrainer|PPOTrainer|ORPOTrainer|KTOTrainer|GRPOTrainer"
_HPARAMS = (r"lr|learning[_-]rate|batch[_-]size|\w*epochs|max[_-](steps|iters)|warmup[_-]\w+|weight[_-]decay|"
            r"gradient[_-]accumulation[_-]steps|grad[_-]clip")
_SAMPLING = r"top_p|top_k|temperature|do_sample|max_new_tokens|repetition_penalty|num_beams"
_METRICS = (r"accuracy_score|f1_score|precision_score|recall_score|roc_auc_score|matthews_corrcoef|"
            r"corpus_bleu|sentence_bleu|RougeScorer|compute_bleu|compute_rouge|exact_match\w*|pass_at_k|"
            r"estimate_pass_at_k|perplexity")
_METRIC_VARS = r"ppl|perplexity|acc|accuracy|bleu|rouge\w*|f1|exact_match|num_correct|total_correct"
_MODULE_BASES = (r"(torch\.)?nn\.Module|(flax\.)?linen\.Module|(.+\.)?\w*PreTrainedModel|(.+\.)?ModelMixin|"
                 r"((tf|tensorflow)\.)?keras\.(layers\.)?(Layer|Model)|layers\.Layer|"
                 r"(eqx|equinox|hk|haiku)\.Module|nn\.Layer")
# Validation/test loops: an iterable named like `val_loader`, `test_dataloader`, `eval_dataset`.
_EVAL_ITERABLE = r"\b(val|valid|validation|test|eval|dev)\w*(loader|dataset|data|ds|set|batches|examples|samples)\b"
_BACKWARD = r"call:.+\.backward"
# Calls that write a training-ready corpus: shards, packed token files, TFRecords.
_WRITES_SHARDS = (r"call:.+\.(to_parquet|to_json|save_to_disk|tofile|write_table)|"
                  r"call:(.+\.)?(ParquetWriter|\w*DatasetBuilder|add_array|write_datafile|TFRecordWriter|"
                  r"MMapIndexedDataset\w*|memmap)")

RULES: tuple[Rule, ...] = (
    Rule(TRAIN, STRONG, "training loop calling backward()/optimizer.step()", r"loop-train:.*"),
    Rule(TRAIN, STRONG, "backward pass", _BACKWARD),
    Rule(TRAIN, STRONG, "optimizer step", r"call:(.+\.)?\w*optim\w*\.(step|apply_gradients)|call:optax\.apply_updates"),
    # MLX: `loss_and_grad = nn.value_and_grad(model, loss_fn)`, then `optimizer.update(model, grads)`.
    Rule(TRAIN, STRONG, "MLX optimizer update", r"call:(.+\.)?\w*optim\w*\.update",
         also=r"call:(mx\.|nn\.|mlx\.core\.|mlx\.nn\.)?value_and_grad"),
    Rule(TRAIN, STRONG, "trainer construction", rf"call:(.+\.)?({_TRAINERS})"),
    Rule(TRAIN, STRONG, "trainer.train()/fit()", r"call:(.+\.)?\w*trainer\.(train|fit)"),
    Rule(TRAIN, STRONG, "Lightning training_step", r"def:training_step"),
    Rule(TRAIN, STRONG, "DeepSpeed engine", r"call:deepspeed\.initialize"),
    Rule(TRAIN, STRONG, "model.fit()", r"call:(.+\.)?model\.fit"),
    Rule(TRAIN, MEDIUM, "gradient computation",
         r"call:(jax\.|mx\.|nn\.|mlx\.core\.|mlx\.nn\.)?(value_and_grad|grad)|call:.+\.gradient"),
    Rule(TRAIN, MEDIUM, "optimizer construction", rf"call:(.+\.)?({_OPTIMIZERS})|call:optax\.({_OPTAX})"),
    Rule(TRAIN, MEDIUM, "gradient zeroing", r"call:.+\.zero_grad"),
    Rule(TRAIN, MEDIUM, "accelerate preparation", r"call:(.+\.)?accelerator\.prepare\w*"),
    Rule(TRAIN, WEAK, "loss function",
         r"call:(.+\.)?(\w+Loss|cross_entropy|nll_loss|mse_loss|binary_cross_entropy\w*|kl_div)"),
    Rule(TRAIN, WEAK, "loss variable", r"assign:loss"),
    Rule(TRAIN, WEAK, "training hyperparameters", rf"arg:--?({_HPARAMS})|assign:({_HPARAMS})"),
    Rule(TRAIN, WEAK, "learning-rate schedule", r"call:(.+\.)?(get_\w*schedule\w*|\w+LR)|def:get_lr"),
    Rule(TRAIN, WEAK, "gradient clipping", r"call:.+\.clip_grad_norm_?"),
    Rule(TRAIN, WEAK, "model.train() mode", r"call:(.+\.)?model\.train"),

    Rule(INFER, STRONG, "generate() call", r"call:(.+\.)?generate"),
    Rule(INFER, STRONG, "pipeline()", r"call:(transformers\.)?pipeline"),
    Rule(INFER, STRONG, "serving endpoint",
         r"call:(.+\.)?(FastAPI|Flask)|call:(gr|gradio)\.(Interface|Blocks|ChatInterface)|call:uvicorn\.run"),
    Rule(INFER, STRONG, "inference engine", r"call:(vllm\.)?(LLM|SamplingParams)|call:(.+\.)?InferenceSession"),
    Rule(INFER, MEDIUM, "inference entry point", r"def:(generate|predict|infer|inference|run_inference|chat)"),
    Rule(INFER, WEAK, "predict() call", r"call:.+\.predict"),  # also fastText filters, sklearn metrics
    # In a file that also trains, eval()+no_grad() is the validation step, not inference.
    Rule(INFER, MEDIUM, "eval() mode with gradients off", r"call:.+\.eval",
         also=r"call:torch\.(no_grad|inference_mode)", unless=_BACKWARD),
    Rule(INFER, WEAK, "pretrained model loading", r"call:.+\.from_pretrained"),
    Rule(INFER, WEAK, "sampling parameters", rf"(kw|param|assign):({_SAMPLING})|arg:--?({_SAMPLING})"),
    Rule(INFER, MEDIUM, "sampling from logits",
         r"call:(torch\.multinomial|(jax\.|mx\.|mlx\.core\.)?random\.categorical|tf\.random\.categorical|"
         r"(.+\.)?top_k_top_p_filtering)"),
    Rule(INFER, MEDIUM, "sampling function", r"def:\w*(sample|sampling)\w*"),
    # Stable Diffusion-style scripts: load a checkpoint's state dict, then call a sampler.
    Rule(INFER, MEDIUM, "checkpoint loaded into a model", r"call:(.+\.)?(load_state_dict|build_model)",
         also=r"call:(torch\.load|torch\.jit\.load|(.+\.)?load_file|(.+\.)?load_checkpoint|(.+\.)?load_model|"
              r"(.+\.)?load_state_dict_from_url)",
         unless=_BACKWARD),
    # CLIP's `clip.load`, DINOv2's hub entry points: the released weights fetched and made a model.
    Rule(INFER, MEDIUM, "released weights downloaded and loaded",
         r"call:(.+\.)?(load_state_dict_from_url|hf_hub_download)|call:torch\.jit\.load",
         also=r"call:(.+\.)?(load_state_dict|build_model|eval)|def:load\w*", unless=_BACKWARD),
    Rule(INFER, STRONG, "inference runner", r"(call|class|base):(.+\.)?\w*Inference(Runner|Engine|Server|Pipeline)\w*"),
    Rule(INFER, MEDIUM, "greedy or beam-search decoding",
         r"(class|def):\w*(greedy|Greedy|beam_search|BeamSearch)\w*|def:(transcribe|translate|caption)"),
    Rule(INFER, MEDIUM, "argmax over logits in a decoding function",
         r"call:(.+\.)?logits\.argmax|call:(jnp|np|torch|tf)\.argmax",
         also=r"def:\w*(generate|sample|decode|predict|infer|transcribe)\w*", unless=_BACKWARD),
    Rule(INFER, MEDIUM, "sampler call", r"call:\w*sampler\w*\.sample\w*|call:(.+\.)?decode_first_stage"),

    Rule(EVAL, STRONG, "lm-evaluation-harness", r"import:lm_eval(\..*)?|call:(.+\.)?simple_evaluate"),
    Rule(EVAL, STRONG, "evaluate.load() metric", r"call:evaluate\.load"),
    Rule(EVAL, STRONG, "validation/test loop without backward()", rf"loop:.*{_EVAL_ITERABLE}.*"),
    Rule(EVAL, MEDIUM, "metric computation", rf"call:(.+\.)?({_METRICS})"),
    Rule(EVAL, MEDIUM, "evaluation function",
         r"def:(evaluate|evaluation|run_eval\w*|eval_\w+|evaluate_\w+|compute_metrics|compute_perplexity)"),
    Rule(EVAL, MEDIUM, "evaluation library",
         r"import:(evaluate|sacrebleu|rouge_score|lighteval|bert_score|sklearn\.metrics|torchmetrics)(\..*)?"),
    Rule(EVAL, WEAK, "metric variable", rf"assign:({_METRIC_VARS})"),
    Rule(EVAL, WEAK, "eval() mode with gradients off", r"call:.+\.eval", also=r"call:torch\.(no_grad|inference_mode)"),
    Rule(EVAL, WEAK, "dataset loading", r"call:(.+\.)?load_dataset"),

    Rule(PREP, STRONG, "MinHash deduplication",
         r"call:(.+\.)?(MinHash|MinHashLSH|LeanMinHash)|import:datasketch(\..*)?"),
    Rule(PREP, STRONG, "language identification",
         r"call:(langid\.classify|langdetect\.detect\w*|(.+\.)?detect_langs)|import:(langid|langdetect|lingua)(\..*)?|"
         r"str:.*lid\.176\.(bin|ftz)"),
    Rule(PREP, STRONG, "seqio task with its preprocessors", r"call:(seqio\.)?(TaskRegistry\.add|Task)",
         also=r"kw:preprocessors"),
    Rule(PREP, STRONG, "data-curation framework", r"import:(datatrove|dolma|text_dedup|nemo_curator)(\..*)?"),
    Rule(PREP, MEDIUM, "deduplication", r"(def|call):(.+\.)?\w*dedup\w*"),
    Rule(PREP, MEDIUM, "fastText classifier (language/quality filter)", r"call:fasttext\.load_model"),
    Rule(PREP, MEDIUM, "datasets load/map/filter pipeline", r"call:(.+\.)?load_dataset", also=r"call:.+\.(map|filter)"),
    Rule(PREP, MEDIUM, "writes data shards", _WRITES_SHARDS),
    # Tokenise-and-pack: the corpus encoded into a training-ready file (TinyLlama, llm.c, BERT).
    Rule(PREP, MEDIUM, "corpus encoded into a packed dataset",
         r"call:(.+\.)?\w*(tok|enc|sp|bpe)\w*\.(encode\w*|tokenize|convert_tokens_to_ids)",
         also=_WRITES_SHARDS),
    Rule(PREP, WEAK, "data file names", r"str:.*\.(jsonl|parquet|arrow)(\.gz|\.zst)?"),
    Rule(PREP, WEAK, "document hashing", r"call:hashlib\.\w+|call:(xxhash|mmh3)\.\w+"),
    Rule(PREP, WEAK, "regex cleaning", r"call:re\.(sub|subn)"),
    Rule(PREP, WEAK, "quality/toxicity filter", r"def:\w*(filter|clean|quality|toxic|normali[sz]e)\w*"),
    Rule(PREP, WEAK, "corpus tokenisation",
         r"call:.+\.(encode_ordinary\w*|encode_batch|batch_encode\w*)|kw:(batched|num_proc)"),

    Rule(ARCH, STRONG, "neural-network module class", rf"base:({_MODULE_BASES})"),
    Rule(ARCH, MEDIUM, "Lightning module class", r"base:(.+\.)?LightningModule"),
    # TensorFlow 1 defines models as functions building a graph, not as classes.
    Rule(ARCH, MEDIUM, "TensorFlow 1 variable scopes", r"call:(tf\.)?(compat\.v1\.)?variable_scope"),
    Rule(ARCH, MEDIUM, "TensorFlow 1 layers and variables",
         r"call:tf\.(compat\.v1\.)?(layers\.(dense|conv\w+)|get_variable)",
         also=r"call:tf\.(matmul|einsum|nn\.softmax)"),
    Rule(ARCH, MEDIUM, "Module subclass", r"base:Module"),
    Rule(ARCH, MEDIUM, "model configuration class", r"base:(.+\.)?PretrainedConfig"),
    Rule(ARCH, WEAK, "layers (attention, MLP, embedding)",
         r"call:(.+\.)?(Linear|Embedding|LayerNorm|RMSNorm|MultiheadAttention|Conv1d|Conv2d|Dense|DenseGeneral|Embed|"
         r"scaled_dot_product_attention)"),
    Rule(ARCH, WEAK, "forward method", r"def:(forward|__call__)"),
    Rule(ARCH, WEAK, "attention/MLP block classes",
         r"class:\w*(Attention|MLP|Block|Embedding|Decoder|Encoder|Transformer)\w*"),

    Rule(SUPPORT, STRONG, "SentencePiece training", r"call:(.+\.)?SentencePieceTrainer\.(train|Train)"),
    Rule(SUPPORT, STRONG, "tokenizers trainer",
         r"call:(.+\.)?(BpeTrainer|WordPieceTrainer|UnigramTrainer|WordLevelTrainer)"),
    Rule(SUPPORT, STRONG, "tokenizer training",
         r"call:.+\.(train_new_from_iterator|train_from_iterator)|call:(.+\.)?\w*tok\w*\.train"),
    Rule(SUPPORT, STRONG, "Optuna study",
         r"call:optuna\.create_study|call:.+\.suggest_(float|int|categorical|uniform|loguniform|discrete_uniform)"),
    Rule(SUPPORT, STRONG, "Ray Tune search",
         r"call:(ray\.)?tune\.(run|Tuner|grid_search|choice|loguniform|uniform|randint)"),
    Rule(SUPPORT, STRONG, "hyperparameter_search()", r"call:.+\.hyperparameter_search"),
    Rule(SUPPORT, WEAK, "tokenizer/hyperparameter library import",
         r"import:(optuna|sentencepiece|tokenizers|hyperopt|ray\.tune)(\..*)?"),
)

# File-name stems that agree with a role; a tie-breaker only (see NAME_BONUS).
NAME_HINTS: dict[str, re.Pattern[str]] = {
    TRAIN: re.compile(r"train|finetun|fine_tun|pretrain|sft"),
    INFER: re.compile(r"generat|infer|predict|sampl|serv|chat|demo"),
    EVAL: re.compile(r"eval|bench|metric|score"),
    PREP: re.compile(r"prep|process|dedup|filter|clean|shard|tokeni[sz]e_|download|data"),
    ARCH: re.compile(r"model|arch|layer|attention|transformer|network"),
    SUPPORT: re.compile(r"tokeni[sz]er|sweep|hparam|tune|search"),
}

# Calls that make the loops around them training loops.


@dataclass(frozen=True)
class RoleMatch:
    """One role a file plays, with the signals that decided it (strongest first)."""

    role: str
    score: int
    line: int
    """Line of the strongest signal; in a notebook, the number of its cell."""
    signals: tuple[tuple[str, int], ...]
    name_hint: bool


_CLASSIFIED: weakref.WeakKeyDictionary[Artifact, tuple[RoleMatch, ...] | None] = weakref.WeakKeyDictionary()


def classify(artifact: Artifact) -> tuple[RoleMatch, ...] | None:
    """The roles of a `.py` or `.ipynb` artifact, sorted by role; None when it cannot be analysed.
    Computed once per audit (`python_batch.PythonBatch` fills it for the whole release, from the cache and in
    worker processes): the scripts detector asks again for every file a script launches."""
    if artifact not in _CLASSIFIED:
        text = artifact.text
        _CLASSIFIED[artifact] = None if text is None else classify_source(artifact.suffix, name_stem(artifact), text)
    return _CLASSIFIED[artifact]


def classify_source(suffix: str, stem: str, text: str) -> tuple[RoleMatch, ...] | None:
    """The roles of one file's text (a worker process's whole task): parsed once, scanned once."""
    events = source_events(suffix, text)
    return None if events is None else decide(events, stem)


def name_stem(artifact: Artifact) -> str:
    """The lower-case name without its suffix: what `decide` reads for a name hint."""
    return posixpath.splitext(artifact.name)[0].lower()


def is_classified(artifact: Artifact) -> bool:
    return artifact in _CLASSIFIED


def remember(artifact: Artifact, roles: tuple[RoleMatch, ...] | None) -> None:
    """Record roles computed elsewhere (from the cache, by a worker) for `classify` to return."""
    _CLASSIFIED[artifact] = roles


def decide(events: dict[str, int], stem: str) -> tuple[RoleMatch, ...]:
    """Applies RULES to a file's events (event -> first line) and its lower-case name stem.

    A role needs a strong signal, or signals reaching THRESHOLD that include two different medium
    ones, or one medium one and a file name that agrees: `train.py` building an optimizer is
    training code, `model.py` doing the same in a helper method is not, and `train.py` with nothing
    in it is nothing.
    """
    first_line: dict[str, int] = {}  # pattern source -> first line of an event it fully matches
    for event, line in events.items():
        for source in _patterns_matching(event):
            if line < first_line.get(source, line + 1):
                first_line[source] = line
    hits: dict[str, list[tuple[Rule, int]]] = defaultdict(list)
    for rule in RULES:
        line = first_line.get(rule.match)
        if line is None or (rule.also is not None and rule.also not in first_line):
            continue
        if rule.unless is not None and rule.unless in first_line:
            continue
        hits[rule.role].append((rule, line))
    matches = []
    for role, found in sorted(hits.items()):
        found.sort(key=lambda hit: (-hit[0].weight, hit[1], hit[0].label))
        hint = bool(NAME_HINTS[role].search(stem))
        score = sum(rule.weight for rule, _ in found) + (NAME_BONUS if hint else 0)
        mediums = sum(1 for rule, _ in found if rule.weight >= MEDIUM)
        if found[0][0].weight >= STRONG or (score >= THRESHOLD and (mediums >= 2 or (mediums and hint))):
            signals = tuple((rule.label, line) for rule, line in found)
            matches.append(RoleMatch(role, score, found[0][1], signals, hint))
    return tuple(matches)


_MATCHED: dict[str, tuple[str, ...]] = {}
MAX_REMEMBERED_EVENTS = 200_000
"""Events seen across files (`call:torch.nn.Linear` in hundreds of them) are matched once; the
memory stays bounded on a release of millions of distinct names."""


def _patterns_matching(event: str) -> tuple[str, ...]:
    """The sources of the rule patterns that fully match `event`, among those for its kind."""
    found = _MATCHED.get(event)
    if found is None:
        kind = event.split(":", 1)[0]
        found = tuple(p.source for p in _patterns_for(kind) if p.regex.fullmatch(event))
        if len(_MATCHED) >= MAX_REMEMBERED_EVENTS:
            _MATCHED.clear()
        _MATCHED[event] = found
    return found


@cache
def _patterns_for(kind: str) -> tuple[_Pattern, ...]:
    unique = {p.source: p for rule in RULES for p in rule.patterns if p is not None}
    return tuple(p for p in unique.values() if kind in p.kinds)


class PythonCodeDetector(Detector):
    name = "python-code"

    def __init__(self, settings: DetectorSettings | None = None) -> None:
        super().__init__(settings)
        self._batch: PythonBatch | None = None

    def prepare(self, inventory: Inventory) -> None:
        from auditor.detectors.python_batch import PythonBatch  # it imports this module

        self._batch = PythonBatch(_python_files(inventory), self.settings)

    def detect(self, inventory: Inventory, description: ReleaseDescription) -> Detection:
        if self._batch is None:
            self.prepare(inventory)
        batch, self._batch = self._batch, None
        assert batch is not None
        batch.finish()
        detection = Detection()
        for artifact in _python_files(inventory):
            for match in classify(artifact) or ():
                detection.evidence.append(_evidence(artifact, match, self.name))
        detection.evidence.sort(key=Evidence.sort_key)
        return detection


    def close(self) -> None:
        if self._batch is not None:
            self._batch.close()
            self._batch = None


def _python_files(inventory: Inventory) -> list[Artifact]:
    return [artifact for artifact in inventory.files() if artifact.suffix in (".py", ".ipynb")]


def _evidence(artifact: Artifact, match: RoleMatch, detector: str) -> Evidence:
    notebook = artifact.suffix == ".ipynb"
    where = "cell" if notebook else "line"
    found = ", ".join(f"{label} ({where} {line})" for label, line in match.signals)
    reason = f"static analysis found {found}" + ("; the file name agrees" if match.name_hint else "")
    details: tuple[tuple[str, str], ...] = (("score", str(match.score)),)
    if notebook:
        details += (("cell", str(match.line)),)
    return Evidence(component=match.role, detector=detector, reason=reason, path=artifact.path,
                    line=None if notebook else match.line, details=details)
