"""The matcher: containment of reference texts, replaceable spans, and a file split into licences."""

from __future__ import annotations

from pathlib import Path

import pytest
from standard_texts import BSD_2, BSD_3, ISC, MIT, MIT_0, ZERO_BSD

from auditor.licenses.matcher import identify

APACHE = (Path(__file__).resolve().parents[2] / "fixtures" / "licenses" / "apache-2.0.txt").read_text()


def ids(text: str) -> list[str]:
    return [s.reference.id for s in identify(text).segments]


@pytest.mark.parametrize(("text", "expected"), [
    (MIT, "MIT"), (MIT_0, "MIT-0"), (BSD_3, "BSD-3-Clause"), (BSD_2, "BSD-2-Clause"), (ISC, "ISC"),
    (ZERO_BSD, "0BSD"), (APACHE, "Apache-2.0"),
])
def test_standard_texts_as_projects_write_them_match_exactly(text: str, expected: str) -> None:
    (segment,) = identify(text).segments
    assert segment.reference.id == expected and segment.exact


def test_bsd_3_with_the_project_named_where_the_reference_has_a_placeholder() -> None:
    text = BSD_3.replace("the Lantern Project", "Northwind Labs, Inc. or its affiliates")
    (segment,) = identify(text).segments
    assert segment.reference.id == "BSD-3-Clause" and segment.exact


def test_isc_is_not_read_as_0bsd_nor_0bsd_as_isc() -> None:
    assert ids(ISC) == ["ISC"]
    assert ids(ZERO_BSD) == ["0BSD"]


def test_mit_0_is_not_mit_with_its_condition_missing() -> None:
    assert ids(MIT_0) == ["MIT-0"] and ids(MIT) == ["MIT"]


def test_extra_paragraphs_around_a_standard_text_cost_nothing() -> None:
    credit = ("This package was first written by Ada Example during a rainy summer, with help from\n"
              "many friends on the mailing list, and is maintained by the Lantern team today.\n\n")
    note = ("\n\nThe copy of this library under vendor/ was taken from release 1.4 and patched to\n"
            "build without the optional speedups; see vendor/README for the list of changes.\n")
    identification = identify(credit + MIT + note)
    (segment,) = identification.segments
    assert segment.reference.id == "MIT" and segment.score == 1.0
    assert (segment.line_start, segment.line_end) == (8, 24)
    assert {1, 2, 27, 28} <= identification.unexplained_lines


def test_a_file_of_several_licences_is_split_in_file_order() -> None:
    text = (MIT + "\n\nThird-party licences\n====================\n\nsrc/lantern/_vendor/tiny.py:\n\n" + BSD_3
            + "\n\nsrc/lantern/_vendor/big/ is under the following licence:\n\n" + APACHE)
    segments = identify(text).segments
    assert [s.reference.id for s in segments] == ["MIT", "BSD-3-Clause", "Apache-2.0"]
    assert all(s.exact for s in segments)
    assert segments[0].line_end < segments[1].line_start <= segments[1].line_end < segments[2].line_start
    lines = text.split("\n")
    assert lines[segments[1].line_start - 1].startswith("Redistribution and use")


def test_the_same_licence_twice_is_two_segments() -> None:
    assert ids(MIT + "\n\nBundled code:\n\n" + MIT.replace("Ada Example", "Bob Example")) == ["MIT", "MIT"]


def test_a_text_only_half_like_a_reference_is_no_segment_but_names_the_closest() -> None:
    half = MIT.split("THE SOFTWARE IS PROVIDED")[0] + (
        "You may not sell the Software on its own, and you must tell us before you ship it in a\n"
        "product. We give no promise that the Software works; you use it at your own risk and we\n"
        "will not pay for any harm it does, whatever the cause, to the extent the law allows.\n")
    identification = identify(half)
    assert identification.segments == ()
    assert identification.closest is not None and identification.closest.containment < 0.85


def test_unrelated_prose_matches_nothing() -> None:
    identification = identify("Thanks to everyone who sent patches.\nSee the changelog for details.\n")
    assert identification.segments == () and identification.closest is None


def test_a_licence_region_stops_where_the_next_licence_begins() -> None:
    # MIT and BSD-3-Clause share phrases ("in no event shall the", "the above copyright notice"):
    # each phrase of MIT stands for one place in the text, so MIT's region never runs into BSD's.
    assert ids((MIT + BSD_3) * 2) == ["MIT", "BSD-3-Clause", "MIT", "BSD-3-Clause"]
