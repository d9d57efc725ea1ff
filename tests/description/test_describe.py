"""The description stage reads each document once and says what its links and named files are."""

from __future__ import annotations

from pathlib import Path

from auditor.description import describe_release
from auditor.sources.local import LocalFolderSource


def describe(tmp_path: Path, files: dict[str, str]):
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return describe_release(LocalFolderSource(tmp_path).inventory())


def test_links_carry_the_roles_their_words_give_them(tmp_path: Path) -> None:
    description = describe(tmp_path, {"README.md": (
        "# Tern\n\n## Downloads\n\n| Model | Link |\n|---|---|\n"
        "| Tern 1B | [Hub](https://huggingface.co/lab/tern-1b) |\n\n"
        "## Training\n\nWe pre-trained with [our code](https://github.com/lab/tern-train).\n\n"
        "Trained on [the corpus](https://huggingface.co/datasets/lab/corpus), described in "
        "[our paper](https://arxiv.org/abs/2401.00001).\n")})
    (readme,) = description.documents
    roles = {link.link.url: link.roles for link in readme.links}
    assert roles == {
        "https://huggingface.co/lab/tern-1b": ("model-parameters",),
        "https://github.com/lab/tern-train": ("training-code",),
        "https://huggingface.co/datasets/lab/corpus": ("datasets",),
        "https://arxiv.org/abs/2401.00001": ("research-paper",),
    }
    assert readme.top_level and readme.links_are_evidence


def test_a_guide_below_the_top_does_not_state_how_the_model_was_built(tmp_path: Path) -> None:
    link = "We pre-trained with [the trainer](https://github.com/lab/trainer).\n"
    description = describe(tmp_path, {"README.md": "# Tern\n\n" + link, "docs/guide.md": "# Guide\n\n" + link})
    by_path = {d.path: [r for link in d.links for r in link.roles] for d in description.documents}
    assert by_path == {"README.md": ["training-code"], "docs/guide.md": []}


def test_a_reports_citations_are_not_links_to_components(tmp_path: Path) -> None:
    description = describe(tmp_path, {"technical_report.md": (
        "# Report\n\nThe weights: https://huggingface.co/lab/tern-1b . See https://arxiv.org/abs/2401.00001\n")})
    (report,) = description.documents
    assert not report.links_are_evidence
    assert [link.roles for link in report.links] == [(), ("research-paper",)]


def test_files_offered_to_users_and_files_that_built_the_model(tmp_path: Path) -> None:
    description = describe(tmp_path, {
        "README.md": ("# Tern\n\nWe pre-trained Tern with `torchrun --nproc_per_node 8 pretrain.py`.\n\n"
                      "## Adapting Tern\n\nTo adapt it to your own data, see [the recipes](recipes/).\n"),
        "pretrain.py": "", "recipes/train.py": "", "recipes/chat/README.md": (
            "# Fine-tuning Tern for chat\n\n## Launch\n\nTo run:\n\n```\npython train_chat.py\n```\n"),
        "recipes/chat/train_chat.py": ""})
    mentions = {(m.path, m.role, m.document, m.line) for m in description.mentions}
    assert mentions == {("pretrain.py", "model-own", "README.md", 3),
                        ("recipes", "users-own", "README.md", 7),
                        ("recipes/chat/train_chat.py", "users-own", "recipes/chat/README.md", 8)}
    assert description.role_of_file("recipes/train.py").path == "recipes"
    assert description.role_of_file("recipes/chat/train_chat.py").document == "recipes/chat/README.md"
    assert description.role_of_file("other.py") is None


def test_the_release_card_speaking_of_fine_tuning_tells_how_the_model_was_made(tmp_path: Path) -> None:
    # A model made by fine-tuning a base: its own card's "fine-tune" is its training, not an offer.
    description = describe(tmp_path, {"README.md": "# Wren\n\nTo fine-tune the base model, run `python train.py`.\n",
                                      "train.py": ""})
    assert description.mentions == ()


def test_names_that_are_not_release_files_or_leave_it_are_ignored(tmp_path: Path) -> None:
    description = describe(tmp_path, {"README.md": (
        "# Tern\n\nFine-tune on your own data: [a](../outside.py), [b](missing.py), [c](https://x.org/a.py), "
        "`python /etc/passwd.py`\n")})
    assert description.mentions == ()
