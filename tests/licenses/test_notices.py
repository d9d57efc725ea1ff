"""Short licence notices, references, pointers and attribution files (auditor/licenses/notices.py).

Every text here is written for these tests, in the shape real packages use.
"""

from __future__ import annotations

import re
import time

import pytest

from auditor.licenses.notices import BadNoticeDataError, NoticeMatch, find_notices, is_attribution_text
from auditor.licenses.reference_texts import reference_licenses
from auditor.resources import package_data
from auditor.safe_yaml import load_yaml
from auditor.schema_check import check

APACHE_NOTICE = """Copyright 2021 Example Holder <dev@example.org>

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
"""


def only(text: str) -> NoticeMatch:
    found = find_notices(text)
    assert len(found) == 1, found
    return found[0]


def test_apache_notice_is_cited_from_its_first_to_its_last_line() -> None:
    assert only(APACHE_NOTICE) == NoticeMatch("Apache-2.0", "notice", 3, 13)


@pytest.mark.parametrize("marker", ["# ", "// ", " * ", "-- "])
def test_apache_notice_in_comments_rewrapped(marker: str) -> None:
    text = ("/*\n" if marker == " * " else "") + "\n".join(marker + line for line in (
        "Copyright (c) 2019 Someone Else",
        "Licensed under the Apache License,",
        "Version 2.0 (the 'License'); you may not use this file except",
        "in compliance with the License.  A copy of the License is located at",
        "https://www.apache.org/licenses/LICENSE-2.0",
        "This file is distributed on an 'AS IS' BASIS, WITHOUT WARRANTIES OR",
        "CONDITIONS OF ANY KIND, either express or implied."))
    match = only(text)
    first = 2 if marker == " * " else 1
    assert (match.expression, match.kind, match.line_start, match.line_end) == (
        "Apache-2.0", "notice", first + 1, first + 6)


def test_apache_named_without_the_notice_is_a_reference() -> None:
    assert only("This library is licensed under the Apache License, Version 2.0.") == NoticeMatch(
        "Apache-2.0", "reference", 1, 1)


def test_mpl_exhibit_a_and_its_incompatible_variant() -> None:
    exhibit_a = ("# This Source Code Form is subject to the terms of the Mozilla Public\n"
                 "# License, v. 2.0. If a copy of the MPL was not distributed with this\n"
                 "# file, You can obtain one at http://mozilla.org/MPL/2.0/.\n")
    assert only("Some preface.\n\n" + exhibit_a) == NoticeMatch("MPL-2.0", "notice", 3, 5)
    variant = exhibit_a + "#\n# This Source Code Form is \"Incompatible With Secondary Licenses\", as\n" \
                          "# defined by the Mozilla Public License, v. 2.0.\n"
    assert only(variant) == NoticeMatch("MPL-2.0-no-copyleft-exception", "notice", 1, 6)


@pytest.mark.parametrize(("family", "version", "later", "expected"), [
    ("", "2", True, "GPL-2.0-or-later"),
    ("", "3", True, "GPL-3.0-or-later"),
    ("", "2", False, "GPL-2.0-only"),
    ("Lesser ", "2.1", True, "LGPL-2.1-or-later"),
    ("Lesser ", "3", True, "LGPL-3.0-or-later"),
    ("Library ", "2", True, "LGPL-2.0-or-later"),
    ("Affero ", "3", True, "AGPL-3.0-or-later"),
])
def test_gnu_notices(family: str, version: str, later: bool, expected: str) -> None:
    tail = (f"either version {version} of the License, or\n# (at your option) any later version."
            if later else f"version {version} of the License.")
    text = ("# Widget is free software: you can redistribute it and/or modify it\n"
            f"# under the terms of the GNU {family}General Public License as published by\n"
            f"# the Free Software Foundation; {tail}\n")
    match = only(text)
    assert (match.expression, match.kind, match.line_start) == (expected, "notice", 2)


@pytest.mark.parametrize(("text", "expected"), [
    ("Released under the MIT License.", "MIT"),
    ("Widget is licensed under the MIT license; see the docs.", "MIT"),
    ("This project is licensed under the terms of the BSD 3-Clause license.", "BSD-3-Clause"),
    ("Licensed under the BSD-2-Clause.", "BSD-2-Clause"),
    ("Dual-licensed under MIT or Apache-2.0.", "MIT OR Apache-2.0"),
    ("Licensed under either of Apache License, Version 2.0 or MIT license at your option.",
     "Apache-2.0 OR MIT"),
    ("Licensed under either of\n\n * Apache License, Version 2.0, (LICENSE-APACHE or\n"
     "   https://www.apache.org/licenses/LICENSE-2.0)\n * MIT license (LICENSE-MIT or\n"
     "   https://opensource.org/licenses/MIT)\n\nat your option.", "Apache-2.0 OR MIT"),
    ("Licensed under the MIT and the ISC licenses.", "MIT AND ISC"),
    ("This work is licensed under a Creative Commons Attribution 4.0 International License.",
     "CC-BY-4.0"),
    ("The documentation is licensed under a Creative Commons Attribution-ShareAlike 4.0\n"
     "International License.", "CC-BY-SA-4.0"),
    ("This software is released under the Unlicense.", "Unlicense"),
    ("Distributed under the Python Software Foundation License.", "PSF-2.0"),
    ("It is released under the same terms as Python itself.", "PSF-2.0"),
])
def test_one_line_references(text: str, expected: str) -> None:
    match = only(text)
    assert (match.expression, match.kind) == (expected, "reference")


@pytest.mark.parametrize("text", [
    "Unlike the MIT license, this licence forbids any use by a bank.",
    "We considered the Apache License, Version 2.0 and the MIT license and chose neither.",
    "Compatible with GPL version 3 programs.",
    "The text of this license is released under the Creative Commons Attribution 4.0 License.",
])
def test_a_licence_named_without_a_grant_is_not_a_reference(text: str) -> None:
    assert [m for m in find_notices(text) if m.kind != "pointer"] == []


@pytest.mark.parametrize(("text", "files", "operator"), [
    ("This software is made available under the terms of *either* of the licenses\n"
     "found in LICENSE.APACHE or LICENSE.BSD. Contributions to this software are made\n"
     "under the terms of *both* these licenses.\n", ("LICENSE.APACHE", "LICENSE.BSD"), "OR"),
    ("See LICENSE-MIT and LICENSE-APACHE for details.", ("LICENSE-MIT", "LICENSE-APACHE"), "AND"),
    ("Widget is free software; see the LICENSE-APACHE and LICENSE-MIT files,\nat your option.",
     ("LICENSE-APACHE", "LICENSE-MIT"), "OR"),
    ("The license for this project is in the file COPYING.", ("COPYING",), "AND"),
    ("Full terms: see license.txt", ("license.txt",), "AND"),
])
def test_pointers(text: str, files: tuple[str, ...], operator: str) -> None:
    pointer = next(m for m in find_notices(text) if m.kind == "pointer")
    assert (pointer.expression, pointer.files, pointer.operator) == ("", files, operator)


def test_a_pointer_is_cited_on_the_line_that_names_the_files() -> None:
    text = "Terms\n\nThe code may be used under\nthe licenses found in LICENSE.APACHE or\nLICENSE.BSD.\n"
    pointer = only(text)
    assert (pointer.kind, pointer.line_start, pointer.line_end) == ("pointer", 4, 5)


def test_the_word_license_in_prose_is_no_pointer() -> None:
    assert find_notices("For what the licenses allow, see https://www.gnu.org/licenses/ online.") == ()


ATTRIBUTION = {
    "NOTICE": "Widget\nCopyright 2015-2023 Example Corp. or its affiliates. All Rights Reserved.\n",
    "NOTICE.txt": ("Apache Widget\nCopyright 2016-2024 The Apache Software Foundation\n\n"
                   "This product includes software developed at\nThe Apache Software Foundation "
                   "(http://www.apache.org/).\n\nThis product includes code from the Gadget project\n"
                   " * Copyright (c) 2011 Gadget Authors\n * Licensed under the MIT License;\n"),
    "AUTHORS": "Jane Roe <jane@example.org>\nJohn Doe <john at example dot com>\nA. N. Other\n",
    "AUTHORS.md": ("# Contributors\n\nEarlier code was licensed under the BSD 3-clause license; later "
                   "contributions are dual-licensed.\n\n- Jane Roe\n- John Doe\n"),
    "CREDITS.rst": "Credits\n=======\n\nWidget is written and maintained by Jane Roe.\n\n* Thanks to John Doe.\n",
    "THIRD_PARTY_NOTICES": "This project bundles parts of Gadget.\nCopyright 2010 Gadget Authors\n",
    "COPYRIGHT": "Copyright (c) 2009-2020 Jane Roe\nCopyright (c) 2021 John Doe\n",
}


@pytest.mark.parametrize("name", sorted(ATTRIBUTION))
def test_attribution_files(name: str) -> None:
    assert is_attribution_text(ATTRIBUTION[name], name)
    assert is_attribution_text(ATTRIBUTION[name], f"pkg-1.0.dist-info/licenses/{name}")


@pytest.mark.parametrize(("name", "text"), [
    ("NOTICE", "Widget\nCopyright 2020 Jane Roe\n\nPermission is hereby granted, free of charge, to any "
               "person obtaining a copy of this software, to deal in the Software without restriction."),
    ("NOTICE", "Widget\n\n" + APACHE_NOTICE),
    ("NOTICE.md", "Widget\nCopyright 2020 Jane Roe\n\nWidget is licensed under the MIT license.\n"),
    ("NOTICE", "Copyright 2020 Jane Roe\n\nThe Licensor grants you a licence; you may not use the model for "
               "military purposes, and you shall comply with the acceptable use policy.\n"),
    ("LICENSE", "MIT License\n\nCopyright (c) 2020 Jane Roe\n"),
    ("LICENSE", "Copyright 2020 Jane Roe\n\nAll use of this code is subject to the terms of our agreement.\n"),
    ("README", "Widget draws charts.\nIt needs Python 3.11 and a terminal of at least eighty columns to run well.\n"),
])
def test_texts_that_grant_or_restrict_are_not_attribution(name: str, text: str) -> None:
    assert not is_attribution_text(text, name)


OPEN_OR_AI = [r for r in reference_licenses()
              if r.license_class in ("osi-approved", "open-data", "open-content", "restricted")]


def _family(license_id: str) -> str:
    return re.sub(r"-(only|or-later)$", "", license_id)


def test_no_reference_licence_text_yields_another_licence() -> None:
    wrong = {}
    for reference in OPEN_OR_AI:
        text = reference.text()
        named = {_family(part) for m in find_notices(text) if m.expression
                 for part in re.split(r" (?:AND|OR) ", m.expression)}
        if named - {_family(reference.id)}:
            wrong[reference.id] = named
        assert not is_attribution_text(text, "LICENSE"), reference.id
    assert wrong == {}
    assert len(OPEN_OR_AI) > 200


def test_full_apache_text_contains_its_own_notice() -> None:
    apache = next(r for r in reference_licenses() if r.id == "Apache-2.0")
    assert {m.expression for m in find_notices(apache.text())} == {"Apache-2.0"}


@pytest.mark.parametrize("unit", [
    "Licensed under the Apache License, Version 2.0 (the License); you may not use ",
    "under the terms of the GNU Lesser General Public License as published by the Free Software Foundation ",
    "This Source Code Form is subject to the terms of the Mozilla Public License, v. 2.0. If a copy ",
    "released under the MIT and the BSD and the Apache 2.0 and ",
    "see LICENSE and LICENSE.txt and COPYING and ",
    "Copyright 2020 Jane Roe <jane@example.org>\n",
])
def test_two_megabytes_of_near_matches_take_under_a_second(unit: str) -> None:
    text = unit * (2_000_000 // len(unit))
    started = time.perf_counter()
    find_notices(text)
    is_attribution_text(text, "NOTICE")
    assert time.perf_counter() - started < 1.0


def test_the_notice_data_fits_its_schema_and_a_broken_entry_is_refused() -> None:
    data = load_yaml(package_data("license-notices.yaml").read_text(encoding="utf-8"))
    check(data, "license-notices.schema.json", "notices", BadNoticeDataError)
    data["names"].append({"expression": "MIT", "pattern": "(unclosed"})
    with pytest.raises(BadNoticeDataError, match="field names/"):
        check(data, "license-notices.schema.json", "notices", BadNoticeDataError)
