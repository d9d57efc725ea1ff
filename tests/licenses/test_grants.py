"""An unrecognised text that restricts nothing still says why it is not open."""

from __future__ import annotations

from auditor.licenses.analysis import analyse_license_text
from auditor.licenses.grants import NO_GRANT, NOT_READ, UNREVIEWED_GRANT, grant_reasons, unread_reasons


def test_a_text_that_grants_only_use_names_the_freedoms_it_withholds() -> None:
    text = "Weights terms\n\nYou may use the weights on your own computer.\nAll other rights reserved.\n"
    [reason] = grant_reasons(text)
    assert reason.code == NO_GRANT
    assert reason.text == "no grant of the freedoms to modify and share found"
    assert (reason.line_start, reason.line_end) == (1, 4)


def test_a_text_granting_all_three_freedoms_cites_where() -> None:
    text = ("Terms\n\nWe grant you the right to use the model.\n"
            "You may modify it and distribute copies.\n")
    [reason] = grant_reasons(text)
    assert reason.code == UNREVIEWED_GRANT
    assert "use (line 3), modify (line 4) and share (line 4)" in reason.text
    assert (reason.line_start, reason.line_end) == (3, 4)


def test_an_unknown_text_never_comes_without_a_reason() -> None:
    analysis = analyse_license_text("Acme model notice\n\nThese weights belong to Acme.\n")
    assert analysis.license_class == "unknown"
    assert [r.code for r in analysis.reasons] == [NO_GRANT]


def test_a_known_licence_needs_no_reason() -> None:
    analysis = analyse_license_text("SPDX-License-Identifier: MIT\n")
    assert analysis.reasons == ()


def test_sentences_in_a_script_not_read_are_named() -> None:
    text = ("Model terms\n\nYou may use, modify and distribute the model.\n\n"
            "本モデルを軍事目的で使用してはならない。\n")
    reasons = analyse_license_text(text).reasons
    unread = [r for r in reasons if r.code == NOT_READ]
    assert [(r.line_start, r.line_end) for r in unread] == [(5, 5)]
    assert unread[0].text.startswith("1 sentence in a language")


def test_chinese_is_read() -> None:
    assert unread_reasons("您不得将本模型用于军事目的。\n") == ()
