"""Normalisation by the SPDX License List Matching Guidelines, rule by rule."""

from __future__ import annotations

import pytest

from auditor.licenses.normalise import is_copyright_line, normalise, without_appendix


def words(text: str) -> str:
    return " ".join(normalise(text).words)


def test_case_whitespace_and_punctuation_do_not_matter() -> None:
    assert words('THE  Software,\n\tis "provided" -- AS-IS;') == words("the software is provided as is")


def test_quotes_and_dashes_of_every_kind_are_equivalent() -> None:
    assert words("“Software” — ‘as is’ – non-exclusive") == words('"Software" - \'as is\' - non exclusive')


@pytest.mark.parametrize("marker", ["1.", "2)", "(a)", "b.", "ii)", "(iv)", "*", "-", "•", "1.2", "3. (c)"])
def test_list_markers_at_a_line_start_are_dropped(marker: str) -> None:
    assert words(f"Preamble text.\n{marker} Redistributions must retain it.") == \
        words("Preamble text.\nRedistributions must retain it.")


def test_a_number_inside_a_sentence_is_kept() -> None:
    assert words("Preamble.\nsee section 4. of it") == "preamble see section 4 of it"


@pytest.mark.parametrize(("variant", "canonical"), [
    ("licence", "license"), ("Licences", "licenses"), ("sub-license", "sublicense"), ("sub license", "sublicense"),
    ("organisation", "organization"), ("authorised", "authorized"), ("per cent", "percent"),
    ("copyright owner", "copyright holder"), ("non-commercial", "noncommercial"), ("whilst", "while"),
    ("R&D", "r and d"),
])
def test_equivalent_words(variant: str, canonical: str) -> None:
    assert words(f"Preamble.\nthe {variant} here") == f"preamble the {canonical} here"


def test_copyright_symbols_are_the_word_copyright() -> None:
    assert words("Preamble.\nkeep the (c) and © marks") == "preamble keep the copyright and copyright marks"


def test_http_https_and_www_are_the_same_url() -> None:
    assert words("Preamble.\nsee https://www.example.org/licenses/") == words("Preamble.\nsee http://example.org/licenses")


@pytest.mark.parametrize("title", ["The MIT License (MIT)", "BSD 3-Clause License", "# ISC License",
                                   "Apache License\n   Version 2.0, January 2004\n   http://www.apache.org/licenses/"])
def test_a_title_the_text_may_omit_is_dropped(title: str) -> None:
    assert words(f"{title}\n\nPermission is hereby granted.") == "permission is hereby granted"


def test_a_title_is_only_a_title_before_the_body() -> None:
    assert (words("Permission is hereby granted.\nBSD 3-Clause License")
            == "permission is hereby granted bsd 3 clause license")


@pytest.mark.parametrize("line", [
    "Copyright (c) 2019 Jane Doe", "© 2020 ACME", "Copyright 2004-2024 The X Authors", "(C) Copyright IBM Corp. 2019",
    "  # Copyright Jane Doe <jane@example.org>", "Copyright (c) <year> <copyright holders>",
    "Portions Copyright 2001 Y",
    "COPYRIGHT (C) 1990 SOME UNIVERSITY", "Copyright: 2010, Jane Doe",
])
def test_lines_that_state_a_copyright(line: str) -> None:
    assert is_copyright_line(line)
    assert words(f"Preamble.\n{line}\nBody.") == "preamble body"


@pytest.mark.parametrize("line", [
    "COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM", "copyright notice and this permission notice appear in all copies",
    "Copyright law does not allow it", "copyright owner or entity authorized by", "Redistributions of the copyright",
])
def test_body_lines_that_speak_of_copyright_are_kept(line: str) -> None:
    assert not is_copyright_line(line)
    assert len(normalise(f"Preamble.\n{line}").words) > 1


def test_all_rights_reserved_is_dropped() -> None:
    assert words("Preamble.\nAll rights reserved.\nBody.") == "preamble body"


def test_each_word_keeps_its_line() -> None:
    normalised = normalise("MIT License\n\nCopyright 2020 A\nPermission is\nhereby granted.\n")
    assert list(zip(normalised.words, normalised.lines, strict=True)) == [
        ("permission", 4), ("is", 4), ("hereby", 5), ("granted", 5)]


def test_form_feeds_do_not_shift_lines() -> None:
    assert normalise("Preamble.\x0c\nBody").lines == (1, 2)


def test_the_how_to_apply_appendix_of_a_reference_is_omittable() -> None:
    normalised = without_appendix(normalise("Terms.\nEND OF TERMS AND CONDITIONS\nHow to apply these terms"))
    assert normalised.words == ("terms", "end", "of", "terms", "and", "conditions")
