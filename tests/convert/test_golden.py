"""Golden pages: hand-written HTML with the markdown we expect (UPDATE_GOLDEN=1 rewrites)."""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

import pytest

from scrapegate.convert import convert_document
from scrapegate.convert.words import markdown_text

GOLDEN = Path(__file__).parent / "golden"
PAGES = sorted(p.stem for p in GOLDEN.glob("*.html"))
PAGE_URL = "https://example.com/guides/page.html"
TOKEN = re.compile(r"\w+")


def render(name: str) -> str:
    html = (GOLDEN / f"{name}.html").read_text(encoding="utf-8")
    return convert_document(
        html, media_type="text/html", url=PAGE_URL, formats=["markdown"]
    ).markdown


def token_f1(predicted: str, reference: str) -> float:
    pred = Counter(TOKEN.findall(predicted.lower()))
    ref = Counter(TOKEN.findall(reference.lower()))
    overlap = sum((pred & ref).values())
    if not overlap:
        return 0.0
    precision = overlap / sum(pred.values())
    recall = overlap / sum(ref.values())
    return 2 * precision * recall / (precision + recall)


def test_there_are_enough_golden_pages() -> None:
    assert len(PAGES) >= 8
    for name in PAGES:
        assert (GOLDEN / f"{name}.main.txt").exists(), name


@pytest.mark.parametrize("name", PAGES)
def test_markdown_matches_golden(name: str) -> None:
    expected_path = GOLDEN / f"{name}.md"
    actual = render(name)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        expected_path.write_text(actual + "\n", encoding="utf-8")
    assert expected_path.exists(), f"missing golden {expected_path.name}; run with UPDATE_GOLDEN=1"
    assert actual == expected_path.read_text(encoding="utf-8").removesuffix("\n")


@pytest.mark.parametrize("name", PAGES)
def test_main_text_quality_floor_per_page(name: str) -> None:
    reference = (GOLDEN / f"{name}.main.txt").read_text(encoding="utf-8")
    assert token_f1(markdown_text(render(name)), reference) >= 0.8


def test_mean_main_text_f1_is_at_least_090() -> None:
    scores = [
        token_f1(markdown_text(render(name)), (GOLDEN / f"{name}.main.txt").read_text("utf-8"))
        for name in PAGES
    ]
    assert sum(scores) / len(scores) >= 0.9
