"""Small readers of one element for page facts: its CSS path, snippet, text and URLs."""

from __future__ import annotations

import re
from urllib.parse import urljoin

from lxml import etree

from scrapegate.convert.dom import INLINE_TAGS, text_of
from scrapegate.convert.markdown import image_source

Element = etree._Element

SNIPPET_CHARS = 200
TEXT_CHARS = 1_000
# An id or class usable in a selector without escaping.
PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
MAX_PATH_PARTS = 8
SKIPPED_TAGS = frozenset({"script", "style", "template", "noscript", "svg"})
BACKGROUND_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


def clean_text(el: Element, limit: int = TEXT_CHARS) -> str:
    """The element's visible text on one line, in document order (scripts and styles left
    out; block elements kept apart by a space)."""
    parts: list[str] = []
    skipping: Element | None = None
    for event, node in etree.iterwalk(el, events=("start", "end")):
        if skipping is not None and not (event == "end" and node is skipping):
            continue
        if event == "start":
            if node.tag in SKIPPED_TAGS:
                skipping = node
                continue
            parts.append(("" if node.tag in INLINE_TAGS else " ") + (node.text or ""))
            continue
        skipping = None
        if node is not el:
            parts.append(("" if node.tag in INLINE_TAGS else " ") + (node.tail or ""))
    return " ".join("".join(parts).split())[:limit]


def quick_text(el: Element) -> str:
    """``text_of`` on one line: for small elements whose text holds no script."""
    return " ".join(text_of(el).split())


def hint(el: Element) -> str:
    """Lower-cased class, id and itemprop: what the markup says an element is."""
    values = (el.get("class"), el.get("id"), el.get("itemprop"))
    return " ".join(v for v in values if v).lower()


def css_path(el: Element) -> str:
    """A selector for ``el``: from its nearest ancestor with an id, else from ``body``."""
    parts: list[str] = []
    node: Element | None = el
    while node is not None and isinstance(node.tag, str) and len(parts) < MAX_PATH_PARTS:
        tag = node.tag
        ident = node.get("id") or ""
        if PLAIN_NAME.match(ident):
            parts.append(f"{tag}#{ident}")
            break
        if tag in ("body", "html"):
            parts.append(tag)
            break
        parts.append(tag + _class_part(node) + _position(node))
        node = node.getparent()
    return " > ".join(reversed(parts))


def _class_part(el: Element) -> str:
    for name in (el.get("class") or "").split():
        if PLAIN_NAME.match(name):
            return f".{name}"
    return ""


def _position(el: Element) -> str:
    tag = str(el.tag)
    before = sum(1 for _ in el.itersiblings(tag, preceding=True))
    if before == 0 and next(el.itersiblings(tag), None) is None:
        return ""
    return f":nth-of-type({before + 1})"


def snippet(el: Element) -> str:
    """The element's markup on one line, cut to ``SNIPPET_CHARS``."""
    markup = etree.tostring(el, method="html", encoding="unicode", with_tail=False)
    flat = " ".join(markup.split())
    return flat if len(flat) <= SNIPPET_CHARS else flat[: SNIPPET_CHARS - 1] + "…"


def absolute(base_url: str, href: str | None) -> str | None:
    """``href`` made absolute; None for empty, fragment-only, javascript: and data: links."""
    value = (href or "").strip()
    if not value or value.startswith("#"):
        return None
    if value.lower().startswith(("javascript:", "data:", "mailto:")):
        return None
    return urljoin(base_url, value)


def image_url(el: Element, base_url: str) -> str | None:
    """The first image of ``el`` (itself included), or its CSS background image."""
    for img in el.iter("img"):
        found = absolute(base_url, image_source(img))
        if found:
            return found
    for node in el.iter():
        match = (
            BACKGROUND_URL.search(node.get("style") or "") if isinstance(node.tag, str) else None
        )
        if match:
            return absolute(base_url, match.group(1))
    return None


def first_link(el: Element, base_url: str) -> str | None:
    """``el``'s own href, else the first link inside it."""
    for node in el.iter("a"):
        found = absolute(base_url, node.get("href"))
        if found:
            return found
    return None


def first_heading(el: Element) -> Element | None:
    for node in el.iter("h1", "h2", "h3", "h4", "h5", "h6"):
        if quick_text(node):
            return node
    return None


def inside(el: Element, tags: frozenset[str]) -> bool:
    return any(a.tag in tags for a in el.iterancestors())
