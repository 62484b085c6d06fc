"""CSS selector matching for include/exclude selectors."""

from __future__ import annotations

import functools
from typing import cast

from lxml import etree
from lxml.cssselect import CSSSelector, SelectorError

from scrapegate.errors import InvalidRequest


@functools.lru_cache(maxsize=256)
def _compiled(selector: str) -> CSSSelector:
    try:
        return CSSSelector(selector, translator="html")
    except SelectorError as exc:
        raise InvalidRequest(f"Invalid CSS selector: {selector!r}", field="selector") from exc


def select_all(root: etree._Element, selector: str) -> list[etree._Element]:
    """Elements under ``root`` matching ``selector``; an invalid selector is the caller's error."""
    return cast("list[etree._Element]", _compiled(selector)(root))
