"""Strings from a release that try to be markup, terminal escapes, HTML or links, through the real command
in every format: each report shows them as text the user can find, and none of them acts.

One hostile release holds them in file names, README section titles, licence clauses, URLs and model
card fields. Every output (and stderr) must carry no raw control character, bidi override or other
format character; the text report must parse no rich markup and emit only its own colours; Markdown and
HTML must render no element, attribute or link from the release (Markdown is rendered with markdown-it);
the machine formats must parse.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml
from markdown_it import MarkdownIt
from support import CliResult, tree_digest

from auditor.escape import printable
from auditor.formats.markdown_escape import markdown_text, markdown_url

HOSTILE = (
    "[bold]", "[/]", "[link=javascript:alert(1)]x[/link]", "[conceal]secret", "\x1b[31m",
    "\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\", "\x07", "\x9b2J", "\u202e", "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>", "[click](javascript:alert(1))", "![x](http://evil/pixel)", "`code`",
    "*emph*", "| pipe |", "&amp;",
)
ALL = " ".join(HOSTILE)
NAME_MAX = 255
LONG_NAME = "weights-" + "L" * (NAME_MAX - len("weights-.bin")) + ".bin"
LONG_TITLE = "H" * 5000
SGR = re.compile(r"\x1b\[[0-9;]*m")
WEB_LINK = re.compile(r"^https?://", re.IGNORECASE)
# What a viewer could read as a link or image in Markdown, or as a SARIF embedded link: `[...](`
UNESCAPED_LINK = re.compile(r"(?<!\\)\]\(")


class _RunsCommand:
    """Unpickling this runs a shell command that creates the marker file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch '{self.marker}'",))


@dataclass(frozen=True)
class Release:
    root: Path
    marker: Path
    """Created if anything from the release ran."""
    files: tuple[str, ...]
    """The hostile file names (paths in the release), each of which a finding names."""


def build(tmp_path: Path) -> Release:
    # The folder's own name is hostile too: it is the report's target location.
    root = tmp_path / "release [bold] \x1b[31m <b>x *"
    root.mkdir()
    marker = tmp_path / "pwned"
    # Pickle weights, found by their content: each is a finding (OSAID-A008) citing its path. A `/` in a
    # hostile string makes a folder, so that every string is still in a path.
    files = (*(f"weights-{index} {hostile}.bin" for index, hostile in enumerate(HOSTILE)), LONG_NAME)
    assert len(os.fsencode(LONG_NAME)) == NAME_MAX
    for name in files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pickle.dumps(_RunsCommand(marker), protocol=4))
    files = tuple((root / name).relative_to(root).as_posix() for name in files)  # `//` is one `/` on disk
    for index, hostile in enumerate(HOSTILE):
        (root / f"train-{index}-{hostile.replace('/', '_')}.py").write_text(
            "import torch\nopt = torch.optim.AdamW([])\nloss.backward()\nopt.step()\n")
    # YAML cannot hold raw control characters: the card spells them as JSON escapes.
    front_matter = {"license": "other", "license_name": f"{ALL}\nsecond line",
                    "license_link": "javascript:alert(1)", "datasets": [f"x](javascript:alert(1)) {ALL}"]}
    card = "---\n" + "".join(f"{key}: {json.dumps(value)}\n" for key, value in front_matter.items()) + "---\n"
    url_tail = "".join(h for h in HOSTILE if not re.search(r"[\s<>()\[\]\"'`]", h))
    (root / "README.md").write_text(
        f"{card}# Model {ALL}\n\n"
        f"## Training data provenance {ALL}\n\n"
        "The data was collected from public web pages, crawled over several years by many tools.\n"
        f"Some came from https://evil.example/{url_tail} and magnet:?xt=urn:{url_tail}\n\n"
        f"## {LONG_TITLE} filtering\n\n"
        "Pages in languages other than English and pages shorter than a paragraph were removed first.\n\n"
        # A heading of two lines (setext): only its last line is the title.
        f"A first line {ALL}\nLabeling {ALL}\n===\n\n"
        "Volunteers marked each page as prose or not, following written guidelines, with a review.\n")
    (root / "LICENSE").write_text(
        f"Hostile Model License {ALL}\n\n"
        f"1. You may not use the Model for commercial purposes {ALL}.\n"
        f"2. You may not use the Model or its outputs to improve any other large language model {ALL}.\n")
    (root / ".gitmodules").write_text(
        f'[submodule "train"]\n\tpath = training {ALL}\n\turl = javascript:alert(1)\n')
    return Release(root, marker, files)


@pytest.fixture
def release(tmp_path: Path) -> Release:
    return build(tmp_path)


def audit(run_cli, release: Release, *args: str, exit_code: int = 0) -> CliResult:
    """The real command, with the contract every hostile-input test checks."""
    before = tree_digest(release.root)
    result = run_cli(*args)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    assert result.exit_code == exit_code, result.stderr
    assert tree_digest(release.root) == before, "the release was written to"
    assert not release.marker.exists(), "code from the release was executed"
    assert_inert(result.stderr)
    return result


def assert_inert(output: str) -> None:
    """No character a terminal acts on (C0 but newline, DEL, C1), no format character (bidi overrides)."""
    for number, line in enumerate(output.split("\n"), start=1):
        bad = [f"U+{ord(c):04X}" for c in line if not c.isprintable() and unicodedata.category(c) != "Zs"]
        assert not bad, f"line {number} has {bad}: {line[:200]!r}"


def squeezed(text: str) -> str:
    """`text` without any whitespace: what survives the text report's wrapping at 80 columns."""
    return "".join(text.split())


# ------------------------------------------------------------------------------------------- text report


def test_text_parses_no_markup_and_passes_no_escape(run_cli, release: Release) -> None:
    text = audit(run_cli, release, release.root, "--fail-on", "never", "--no-color").stdout
    assert_inert(text)
    assert "\\x1b" in text
    flat = squeezed(text)
    # Every hostile string is shown as itself (escaped), markup included: the section titles of the
    # data-information items and the card's licence name are cited in the evidence column.
    for hostile in HOSTILE:
        assert squeezed(printable(hostile)) in flat, hostile
    assert squeezed(printable(f"{ALL}\nsecond line")) in flat  # the card's licence name
    assert squeezed(LONG_TITLE) in flat
    assert squeezed(printable("[link=javascript:alert(1)]x[/link] [conceal]secret")) in flat
    assert squeezed(printable(release.root.name)) in flat
    # A line runs past 80 columns only to keep a word whole: then that word stands alone on it.
    assert all(len(line) <= 80 or len(line.split()) == 1 for line in text.splitlines())


def test_text_in_colour_emits_only_its_own_colours(run_cli, release: Release) -> None:
    plain = audit(run_cli, release, release.root, "--fail-on", "never", "--no-color").stdout
    coloured = audit(run_cli, release, release.root, "--fail-on", "never", "--color").stdout
    assert SGR.search(coloured), "the colour report has no colour"
    without_colour = SGR.sub("", coloured)
    assert "\x1b" not in without_colour, "an escape sequence other than a colour (SGR) reached the terminal"
    assert_inert(without_colour)
    assert without_colour == plain


# ------------------------------------------------------------------------------------------------ Markdown


class Elements(HTMLParser):
    """Tags with their attributes, and the text, of an HTML document or fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def elements(html: str) -> Elements:
    parsed = Elements()
    parsed.feed(html)
    parsed.close()
    return parsed


def markdown_renderer() -> MarkdownIt:
    """A permissive renderer: raw HTML passes through, tables and strikethrough on."""
    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def render_markdown(markdown: str) -> str:
    return markdown_renderer().render(markdown)


def markdown_links(markdown: str) -> list[str]:
    """The target of every link, after checking that the document holds no image and no HTML but `<br>`."""
    links = []
    for block in markdown_renderer().parse(markdown):
        for token in [block, *(block.children or [])]:
            assert token.type != "image", token
            if token.type in ("html_inline", "html_block"):
                assert token.content.strip() == "<br>", token.content
            if token.type == "link_open":
                links.append(str(token.attrGet("href")))
    return links


def test_markdown_renders_no_html_markup_or_foreign_link(run_cli, release: Release) -> None:
    markdown = audit(run_cli, release, release.root, "--format", "markdown", "--fail-on", "never").stdout
    assert_inert(markdown)
    assert "<script" not in markdown and "<img" not in markdown
    assert not UNESCAPED_LINK.search(markdown.replace("](https://", "").replace("](http://", ""))
    links = markdown_links(markdown)
    assert all(WEB_LINK.match(link) for link in links), links
    # The card's dataset, an https URL with `](javascript:...)` in it: a link, that stays on the Hub.
    assert [link for link in links if link.startswith("https://huggingface.co/datasets/x%5D%28javascript:")]
    html = render_markdown(markdown)
    lowered = html.lower()
    assert "<script" not in lowered and "<img" not in lowered and 'href="javascript:' not in lowered
    parsed = elements(html)
    assert {tag for tag, _ in parsed.tags} <= {"h1", "h2", "h3", "p", "strong", "ul", "li", "table", "thead", "tbody",
                                               "tr", "th", "td", "br", "a", "code"}
    for _, attrs in parsed.tags:  # `onerror=...` is in the page only as text
        assert not [name for name in attrs if name.startswith("on")], attrs
    text = "".join(parsed.text)
    for name in release.files:
        assert printable(name) in text, name
    for hostile in HOSTILE:
        assert printable(hostile) in text, hostile
    assert printable(release.root.name) in text


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,<script>x</script>",
                                 "vbscript:msgbox(1)", "magnet:?xt=urn:x", " javascript:alert(1)"])
def test_a_url_that_is_not_http_is_text(url: str) -> None:
    html = render_markdown(f"see {markdown_url(url)}")
    assert "<a" not in html and "<script" not in html
    assert "".join(elements(html).text) == f"see {url}\n"


def test_an_http_url_is_a_link_that_cannot_end_early() -> None:
    url = "https://evil.example/a b)<c>(d)[e]\\f|g\x1b"
    markdown = f"| where |\n|---|\n| {markdown_url(url)} |"
    tokens = [t for block in markdown_renderer().parse(markdown) for t in block.children or []]
    types = [t.type for t in tokens]
    assert types.count("link_open") == 1 and types.count("link_close") == 1
    start, end = types.index("link_open"), types.index("link_close")
    href = str(tokens[start].attrGet("href"))
    assert href.startswith("https://evil.example/") and not set(href) & set(" ()<>[]\\|\x1b")
    assert unquote(href) == url
    assert "".join(t.content for t in tokens[start + 1:end]) == printable(url)


def test_markdown_text_is_plain_text_for_every_hostile_string() -> None:
    for hostile in (*HOSTILE, ALL, "# heading", "> quote", "~~struck~~", "$x^2$", "\\*", "<http://x>"):
        html = render_markdown(f"before {markdown_text(hostile)} after")
        assert elements(html).tags == [("p", {})], (hostile, html)
        assert "".join(elements(html).text) == f"before {printable(hostile)} after\n"


# ---------------------------------------------------------------------------------------------------- HTML


def test_html_has_no_element_attribute_or_link_from_the_release(run_cli, release: Release) -> None:
    page = audit(run_cli, release, release.root, "--format", "html", "--fail-on", "never").stdout
    assert_inert(page)
    lowered = page.lower()
    assert "<script" not in lowered and "<img" not in lowered
    parsed = elements(page)
    for tag, attrs in parsed.tags:
        assert tag not in ("script", "img", "iframe", "object", "embed", "svg", "math"), tag
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        if "href" in attrs:
            # In-page anchors, or a URL shown as itself: http(s) only, of URL characters only.
            href = str(attrs["href"])
            assert href.startswith("#") or re.fullmatch(r"https?://[A-Za-z0-9\-._~:/?#\[\]@!$&()*+,;=%]+", href), attrs
    text = "".join(parsed.text)
    for name in release.files:
        assert printable(name) in text, name
    for hostile in HOSTILE:
        assert printable(hostile) in text, hostile


# ---------------------------------------------------------------------------------------- machine formats


def test_json_parses_and_names_every_file(run_cli, release: Release) -> None:
    result = audit(run_cli, release, release.root, "--format", "json", "--fail-on", "never")
    assert_inert(result.stdout)
    report = result.json()
    paths = {f["path"] for f in report["findings"]}
    assert {printable(name) for name in release.files} <= paths
    sections = {i["section"] for r in report["requirements"] for i in r.get("items", []) if i["section"]}
    assert f"Training data provenance {ALL}" in sections  # the data itself, only its bytes escaped


def test_sarif_parses_and_holds_no_embedded_link(run_cli, release: Release) -> None:
    result = audit(run_cli, release, release.root, "--format", "sarif", "--fail-on", "never")
    assert_inert(result.stdout)
    (run,) = json.loads(result.stdout)["runs"]
    for item in run["results"]:
        assert not UNESCAPED_LINK.search(item["message"]["text"]), item["message"]["text"]
    uris = {unquote(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], errors="surrogateescape")
            for r in run["results"]}
    assert {printable(name) for name in release.files} <= uris


def test_junit_parses_and_cites_the_sections(run_cli, release: Release) -> None:
    result = audit(run_cli, release, release.root, "--format", "junit", "--fail-on", "never")
    assert_inert(result.stdout)
    root = ET.fromstring(result.stdout.encode("utf-8"))
    (case,) = [c for c in root.iter("testcase") if c.get("name") == "data-information"]
    output = str(case.findtext("system-out"))
    assert printable(f"Training data provenance {ALL}") in output


def test_mot_yaml_parses_with_the_structure_it_was_given(run_cli, release: Release) -> None:
    result = audit(run_cli, release, release.root, "--format", "mot", "--fail-on", "never")
    assert_inert(result.stdout)
    document = yaml.safe_load(result.stdout)
    assert set(document) == {"framework", "release"}
    assert document["release"]["name"] == printable(release.root.name)
    assert all(set(c) <= {"name", "description", "license", "license_path", "component_path"}
               for c in document["release"]["components"])


# ------------------------------------------------------------------------------ the other commands' output


def test_license_command_shows_clauses_as_text(run_cli, release: Release) -> None:
    licence = release.root / "LICENSE"
    text = audit(run_cli, release, "license", licence, exit_code=1).stdout
    assert_inert(text)
    assert printable(ALL) in text
    result = audit(run_cli, release, "license", licence, "--format", "json", exit_code=1)
    assert_inert(result.stdout)
    (entry,) = json.loads(result.stdout)["files"]
    assert entry["restrictions"]
    assert all("<script>alert(1)</script>" in r["text"] for r in entry["restrictions"])


def test_diff_and_badge_of_hostile_reports(run_cli, release: Release, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    audit(run_cli, release, empty, "--format", "json", "--fail-on", "never", "--output", old)
    audit(run_cli, release, release.root, "--format", "json", "--fail-on", "never", "--output", new)
    # A report is only JSON: anyone can spell a raw escape in it as \u001b.
    report = json.loads(new.read_text())
    report["findings"][0]["message"] = "\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\ \x9b2J \u202e"
    report["findings"][0]["path"] = "\x1b[2J[bold]x"
    new.write_text(json.dumps(report))
    diff = audit(run_cli, release, "diff", old, new, exit_code=1).stdout
    assert_inert(diff)
    assert printable("\x1b[2J[bold]x") in diff and printable(release.files[0]) in diff
    svg = audit(run_cli, release, "badge", new).stdout
    assert_inert(svg)
    assert ET.fromstring(svg).tag.endswith("svg")


def test_errors_and_explain_keep_stderr_inert(run_cli, release: Release, tmp_path: Path) -> None:
    missing = tmp_path / "no such \x1b[31m[bold] \x9b2J \u202e"
    result = audit(run_cli, release, missing, exit_code=2)
    assert result.stderr.count("\n") == 1 and "\\x1b" in result.stderr
    result = audit(run_cli, release, "explain", "OSAID-\x1b]0;title\x07", exit_code=2)
    assert result.stderr.count("\n") == 1 and "\\x1b" in result.stderr
    for option in ("--format=\x1b[31mtext", "--\u202e\x9b2J"):  # usage errors repeat the argument
        result = audit(run_cli, release, release.root, option, exit_code=2)
        assert result.stderr.count("\n") == 1
    explained = audit(run_cli, release, "explain", "all").stdout
    assert_inert(explained)
