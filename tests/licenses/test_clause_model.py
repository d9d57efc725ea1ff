"""The clause model: features seen the same way in English and Chinese, weights that round-trip."""

from __future__ import annotations

from auditor.licenses.clause_model import ClauseModel, KindWeights, sentence_features, shipped_model


def concepts(text: str) -> set[str]:
    return {f for f in sentence_features(text) if f.startswith("k:")}


def test_a_chinese_ban_is_seen_through_the_concepts_english_taught() -> None:
    english = concepts("You must not use the model for military purposes.")
    chinese = concepts("您不得将本模型用于军事目的。")
    assert {"k:not", "k:use", "k:military"} <= english & chinese


def test_grant_attributes_are_no_prohibition() -> None:
    # "不可转让" (non-transferable) holds "不可" (may not): it is masked before "not" is looked for.
    assert "k:not" not in concepts("许可方授予您非排他性、不可转让的许可。")
    assert "k:not" in concepts("您不可将本模型用于军事目的。")


def test_a_list_item_is_seen_with_its_lead_in() -> None:
    plain = sentence_features("Generate malware")
    item = sentence_features("Generate malware", lead_in="You agree not to use the Model to:")
    assert "item" in item and "lk:not" in item and "l:1:agree" in item
    assert "item" not in plain and plain < item


def test_a_model_scores_by_its_weights_and_round_trips_through_json() -> None:
    model = ClauseModel({"naming": KindWeights(-1.0, 0.0, {"1:prefix": 2.5})})
    assert model.kinds_of(sentence_features("Names must start with the prefix Zeta.")) == ("naming",)
    assert model.kinds_of(sentence_features("Name it as you like.")) == ()
    again = ClauseModel.from_json(model.to_json())
    assert again == model
    assert again.to_json() == model.to_json()


def test_the_shipped_model_knows_every_kind() -> None:
    assert set(shipped_model().kinds) == {
        "user-threshold", "revenue-threshold", "field-of-use", "no-improving-other-models", "non-commercial",
        "permission-required", "remote-restriction", "downstream-restrictions", "naming"}
