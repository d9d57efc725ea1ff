"""The SVG badge: verdict, open weights or not open, the MOF class, and refusal of what is not a report."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from auditor.badge import AMBER, GREEN, RED, render_badge, text_width
from auditor.errors import BadReportError

SVG = "{http://www.w3.org/2000/svg}"


def report(verdict: str = "not-open-source-ai", open_weights: bool = False, mof_class: str = "none") -> dict:
    return {"schema_version": "1", "verdict": verdict, "open_weights": open_weights, "mof_class": mof_class,
            "summary": {}, "requirements": []}


def parse(svg: str) -> tuple[ET.Element, str, str, list[str]]:
    """The root, its <title>, the message rectangle's colour and the visible texts."""
    root = ET.fromstring(svg)
    title = root.find(f"{SVG}title")
    assert title is not None and title.text
    rects = root.findall(f"{SVG}g/{SVG}rect")  # label, message, gloss (the clip path's rect is not in a <g>)
    texts = [t.text or "" for t in root.iter(f"{SVG}text") if t.get("aria-hidden") != "true"]
    return root, title.text, rects[1].get("fill") or "", texts


@pytest.mark.parametrize(("data", "message", "color"), [
    (report("open-source-ai", True), "open source AI", GREEN),
    (report("not-open-source-ai", True), "open weights", AMBER),
    (report("not-open-source-ai", False), "not open", RED),
    (report("mof-class-none", False), "not open", RED),
])
def test_the_three_verdict_variants(data: dict, message: str, color: str) -> None:
    root, title, fill, texts = parse(render_badge(data))
    assert texts == ["OSAID", message]
    assert title == f"OSAID: {message}" and root.get("aria-label") == title and root.get("role") == "img"
    assert fill == color


def test_the_mof_class_follows_the_message() -> None:
    _, title, fill, texts = parse(render_badge(report("open-source-ai", True, "I")))
    assert texts[1] == "open source AI \u00b7 MOF I" and title == "OSAID: open source AI \u00b7 MOF I"
    assert fill == GREEN
    assert parse(render_badge(report("not-open-source-ai", True, "III")))[3][1] == "open weights \u00b7 MOF III"


def test_width_follows_the_text_and_is_deterministic() -> None:
    short = ET.fromstring(render_badge(report()))
    long = ET.fromstring(render_badge(report("open-source-ai", True, "II")))
    assert int(short.get("width") or 0) < int(long.get("width") or 0)
    assert render_badge(report()) == render_badge(report())
    rects = long.findall(f"{SVG}g/{SVG}rect")
    label, message = int(rects[0].get("width") or 0), int(rects[1].get("width") or 0)
    assert label + message == int(long.get("width") or 0)
    assert message == text_width("open source AI \u00b7 MOF II") + 12
    assert text_width("mmmm") > text_width("iiii")


def test_a_hostile_mof_class_is_escaped() -> None:
    svg = render_badge(report("open-source-ai", True, "<script>x</script>"))
    assert "<script>" not in svg
    assert parse(svg)[3][1] == "open source AI \u00b7 MOF <script>x</script>"


@pytest.mark.parametrize("bad", [
    [], "report", None,
    {"verdict": "open-source-ai", "open_weights": True, "mof_class": "I"},
    {"schema_version": "1", "verdict": "open-source-ai", "open_weights": "yes", "mof_class": "I"},
    {"schema_version": "1", "verdict": None, "open_weights": True, "mof_class": "I"},
    {"schema_version": "1", "verdict": "open-source-ai", "open_weights": True},
])
def test_bad_input_is_refused_with_one_line(bad: object) -> None:
    with pytest.raises(BadReportError) as error:
        render_badge(bad)  # type: ignore[arg-type]
    assert "\n" not in str(error.value) and str(error.value)
