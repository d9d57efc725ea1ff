"""Sentences carry their lines and their role: only clauses can restrict."""

from __future__ import annotations

from auditor.licenses.sentences import split_sentences


def roles(text: str) -> list[tuple[int, str, str]]:
    return [(s.line_start, s.role, s.text) for s in split_sentences(text)]


def test_headings_definitions_and_clauses_are_told_apart() -> None:
    text = """3. Restrictions
You will not use the Model for weapons.

"Derivatives" means any work based on the Model, including output patterns.

- a. License. Company grants you a licence to use the Model.
"""
    found = roles(text)
    assert found[0][:2] == (1, "heading")
    assert found[1] == (2, "clause", "You will not use the Model for weapons.")
    assert found[2][:2] == (4, "definition")
    assert found[3][1:] == ("heading", "- a. License.")
    assert found[4][1:] == ("clause", "Company grants you a licence to use the Model.")


def test_a_list_item_keeps_its_lead_in_until_the_list_ends() -> None:
    text = """You agree not to use the Model:

1. Violate the law
2. Generate malware

Please report misuse to us.
"""
    sentences = split_sentences(text)
    items = [s for s in sentences if s.text.startswith(("1.", "2."))]
    assert [(s.line_start, s.lead_in) for s in items] == [(3, "You agree not to use the Model:"),
                                                          (4, "You agree not to use the Model:")]
    assert sentences[-1].lead_in is None  # a plain paragraph ends the list


def test_inline_items_continue_the_sentence_that_began_them() -> None:
    [head, first, second] = split_sentences("You may not use it (a) in weapons, (b) for spam.")
    assert head.text == "You may not use it"
    assert (first.lead_in, second.lead_in) == ("You may not use it", "You may not use it")
    assert first.text == "(a) in weapons,"


def test_items_of_a_definition_are_part_of_the_definition() -> None:
    sentences = split_sentences('"Derivative" means (i) a modified model; (ii) a model trained on outputs.')
    assert {s.role for s in sentences} == {"definition"}


def test_chinese_full_stops_end_sentences() -> None:
    text = "您不得将本模型用于军事目的。您应遵守法律。\n"
    assert [s.text for s in split_sentences(text)] == ["您不得将本模型用于军事目的。", "您应遵守法律。"]


def test_wrapped_sentence_cites_every_line_it_spans() -> None:
    text = "Preamble.\n\nYou must not use the Model\nto build other models.\n"
    clause = split_sentences(text)[-1]
    assert (clause.line_start, clause.line_end) == (3, 4)
