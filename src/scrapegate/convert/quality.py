"""``content_quality``: measurements of the extracted main content."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypedDict

from lxml import etree

from scrapegate.domain.json_types import JsonObject

Element = etree._Element

LOGIN_TEXT = re.compile(
    r"\b(?:sign|log) ?in to (?:continue|view|read|see|access)|please (?:sign|log) ?in\b|"
    r"you must be logged in|login required",
    re.IGNORECASE,
)
PAYWALL_TEXT = re.compile(
    r"subscribe to (?:continue|keep) reading|subscribers only|this (?:article|content) is for "
    r"(?:paid )?subscribers|already a subscriber\?|to continue reading,? (?:subscribe|log in)",
    re.IGNORECASE,
)
PAYWALL_XPATH = (
    "//*[contains(@class, 'paywall') or contains(@id, 'paywall') or contains(@class, 'tp-modal')"
    " or contains(@class, 'meteredContent') or contains(@class, 'subscriber-only')]"
)
GOOD_WORDS = 300


@dataclass(frozen=True)
class PageSignals:
    """Facts read from the raw page before cleaning removed forms and scripts."""

    password_field: bool
    paywall_markup: bool


class ContentQuality(TypedDict):
    """The ``content_quality`` object of a response."""

    word_count: int
    text_length: int
    html_bytes: int
    text_to_html_ratio: float
    image_count: int
    link_count: int
    main_content_found: bool
    js_shell_suspected: bool
    block_page_suspected: bool
    login_wall_detected: bool
    paywall_detected: bool
    quality_score: int


def page_signals(root: Element, entities: list[JsonObject]) -> PageSignals:
    password = root.find(".//input[@type='password']") is not None
    paywall = any(e.get("isAccessibleForFree") in (False, "False", "false") for e in entities)
    if not paywall:
        paywall = bool(root.xpath(PAYWALL_XPATH))
    return PageSignals(password, paywall)


def content_quality(
    *,
    main_text: str,
    word_count: int,
    html_bytes: int,
    image_count: int,
    link_count: int,
    main_found: bool,
    signals: PageSignals,
) -> ContentQuality:
    text_length = len(main_text)
    login_wall = word_count < GOOD_WORDS and (
        signals.password_field or LOGIN_TEXT.search(main_text) is not None
    )
    paywall = signals.paywall_markup or PAYWALL_TEXT.search(main_text) is not None
    ratio = round(text_length / html_bytes, 4) if html_bytes else 0.0
    return {
        "word_count": word_count,
        "text_length": text_length,
        "html_bytes": html_bytes,
        "text_to_html_ratio": ratio,
        "image_count": image_count,
        "link_count": link_count,
        "main_content_found": main_found,
        "js_shell_suspected": False,
        "block_page_suspected": False,
        "login_wall_detected": login_wall,
        "paywall_detected": paywall,
        "quality_score": _score(word_count, ratio, main_found, login_wall or paywall),
    }


def _score(words: int, ratio: float, main_found: bool, walled: bool) -> int:
    score = min(words, GOOD_WORDS) / GOOD_WORDS * 60  # enough words is most of quality
    score += min(ratio / 0.1, 1.0) * 15
    score += 15 if main_found else 5
    score += 0 if walled else 10
    return max(0, min(100, round(score)))
