"""Repeated listing cards (product grids, directory entries) and the page's pager."""

from __future__ import annotations

import re

from lxml import etree

from scrapegate.convert.fact_candidates import PRICE_LIKE, STALE_PRICE
from scrapegate.convert.fact_elements import (
    absolute,
    clean_text,
    css_path,
    first_heading,
    first_link,
    hint,
    image_url,
    inside,
    quick_text,
    snippet,
)
from scrapegate.domain.page_facts import ListingCard, Pagination

Element = etree._Element

MIN_CARDS = 3
MAX_CARDS = 100
CHROME_TAGS = frozenset({"nav", "header", "footer"})
MENU_HINT = re.compile(r"menu|\bnav|breadcrumb|pagination|pager|footer|social")
PAGER_HINT = re.compile(r"pagination|pager|page-numbers")
NEXT_WORDS = frozenset({"next", "next page", "next »", "›", "»", ">", "→", "older posts"})
FIELD_HINTS = {
    "name": re.compile(r"\bname\b|title"),
    "description": re.compile(r"desc|summary|excerpt|blurb"),
    "category": re.compile(r"categor|\btag\b|\btype\b"),
    "address": re.compile(r"address|addr\b|street|location"),
    "phone": re.compile(r"phone|\btel\b|telephone"),
    "rating": re.compile(r"rating|stars|score"),
}


def listing_cards(root: Element, base_url: str) -> tuple[ListingCard, ...]:
    """Cards of every repeated listing outside the page chrome, in document order."""
    cards: list[ListingCard] = []
    taken: set[Element] = set()
    for parent in root.iter():
        if not isinstance(parent.tag, str) or len(parent) < MIN_CARDS:
            continue
        if parent.tag in CHROME_TAGS or MENU_HINT.search(hint(parent)):
            continue
        if inside(parent, CHROME_TAGS) or any(a in taken for a in parent.iterancestors()):
            continue
        group = _largest_group(parent)
        if len(group) < MIN_CARDS or not all(_card_like(el) for el in group):
            continue
        taken.update(group)
        cards.extend(_card(el, base_url) for el in group[: MAX_CARDS - len(cards)])
        if len(cards) >= MAX_CARDS:
            break
    return tuple(cards[:MAX_CARDS])


def _largest_group(parent: Element) -> list[Element]:
    """The children sharing one tag and first class, the most numerous such set."""
    groups: dict[tuple[str, str], list[Element]] = {}
    for child in parent:
        if isinstance(child.tag, str):
            first_class = (child.get("class") or "").split()[:1]
            groups.setdefault((child.tag, "".join(first_class)), []).append(child)
    return max(groups.values(), key=len, default=[])


def _card_like(el: Element) -> bool:
    """A link plus something besides it: a heading, an image or more text."""
    link = next((a for a in el.iter("a") if a.get("href")), None)
    if link is None:
        return False
    if first_heading(el) is not None or next(el.iter("img"), None) is not None:
        return True
    return len(quick_text(el)) > len(quick_text(link)) + 10


def _card(el: Element, base_url: str) -> ListingCard:
    heading = first_heading(el)
    name_el = heading if heading is not None else _marked(el, "name")
    if name_el is None:
        name_el = next((a for a in el.iter("a") if quick_text(a)), None)
    name = quick_text(name_el) if name_el is not None else None
    url = first_link(name_el, base_url) if name_el is not None else None
    return ListingCard(
        name=name or None,
        url=url or first_link(el, base_url),
        description=_description(el, name),
        image_url=image_url(el, base_url),
        price_text=_price_text(el),
        category=_marked_text(el, "category"),
        address=_address(el),
        phone=_phone(el),
        rating_text=_rating(el),
        selector=css_path(el),
        snippet=snippet(el),
    )


def _marked(el: Element, field: str) -> Element | None:
    pattern = FIELD_HINTS[field]
    for node in el.iterdescendants():
        if isinstance(node.tag, str) and pattern.search(hint(node)):
            return node
    return None


def _marked_text(el: Element, field: str) -> str | None:
    node = _marked(el, field)
    text = quick_text(node) if node is not None else ""
    return text or None


def _description(el: Element, name: str | None) -> str | None:
    marked = _marked_text(el, "description")
    if marked:
        return marked
    for p in el.iter("p"):
        text = clean_text(p, 500)
        if text and text != name and not PRICE_LIKE.search(text) and not _is_field(p):
            return text
    return None


def _is_field(el: Element) -> bool:
    marks = hint(el)
    return bool(marks) and any(p.search(marks) for f, p in FIELD_HINTS.items() if f != "name")


def _price_text(el: Element) -> str | None:
    for node in el.iterdescendants():
        if not isinstance(node.tag, str) or node.tag in ("del", "s"):
            continue
        marks = hint(node)
        if "price" in marks and not STALE_PRICE.search(marks):
            if any("price" in hint(child) for child in node.iterdescendants()):
                continue  # a wrapper: its marked child is the price
            return node.get("content") or quick_text(node) or None
    for node in el.iterdescendants():
        own = " ".join((node.text or "").split()) if isinstance(node.tag, str) else ""
        if own and PRICE_LIKE.search(own) and node.tag not in ("del", "s"):
            return own
    return None


def _address(el: Element) -> str | None:
    node = next(el.iter("address"), None)
    if node is None:
        node = _marked(el, "address")
    text = clean_text(node, 300) if node is not None else ""
    return text or None


def _phone(el: Element) -> str | None:
    for a in el.iter("a"):
        href = (a.get("href") or "").strip()
        if href.lower().startswith("tel:"):
            return quick_text(a) or href[4:]
    return _marked_text(el, "phone")


def _rating(el: Element) -> str | None:
    node = _marked(el, "rating")
    if node is None:
        return None
    for name in ("content", "data-rating", "aria-label", "title"):
        value = (node.get(name) or "").strip()
        if value:
            return value
    return quick_text(node) or None


def pagination(root: Element, base_url: str) -> Pagination | None:
    container = _pager(root)
    next_url = _rel_next(root, base_url)
    if container is None:
        if next_url is None:
            return None
        return Pagination(next_url, None, None, "link[rel=next]")
    if next_url is None:
        next_url = _next_in(container, base_url)
    numbers = [int(t) for t in (quick_text(a) for a in container.iter("a")) if t.isdigit()]
    current = _current_page(container)
    pages = numbers + ([current] if current is not None else [])
    return Pagination(next_url, current, max(pages) if pages else None, css_path(container))


def _pager(root: Element) -> Element | None:
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        label = (el.get("aria-label") or "").lower()
        if PAGER_HINT.search(hint(el)) or "pagination" in label:
            return el
    return None


def _rel_next(root: Element, base_url: str) -> str | None:
    for el in root.iter("link", "a"):
        if "next" in (el.get("rel") or "").lower().split():
            found = absolute(base_url, el.get("href"))
            if found:
                return found
    return None


def _next_in(container: Element, base_url: str) -> str | None:
    for a in container.iter("a"):
        label = " ".join(v for v in (quick_text(a), a.get("aria-label") or "") if v).lower()
        if label in NEXT_WORDS or label.startswith("next") or "next" in hint(a):
            return absolute(base_url, a.get("href"))
    return None


def _current_page(container: Element) -> int | None:
    for el in container.iter():
        if not isinstance(el.tag, str):
            continue
        marked = el.get("aria-current") == "page" or re.search(r"\b(?:active|current)\b", hint(el))
        text = quick_text(el)
        if marked and text.isdigit():
            return int(text)
    return None
