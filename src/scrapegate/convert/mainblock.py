"""Main-content extraction: text statistics, boilerplate removal and block scoring (one tree)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import cast

from lxml import etree

from scrapegate.convert.dom import CleanBody, drop, hint_of

Element = etree._Element

POSITIVE_HINT = re.compile(
    r"article|body|content|entry|main|page|post|text|blog|story|prose|markdown|rich-?text"
)
NEGATIVE_HINT = re.compile(
    r"comment|contact|foot|footnote|masthead|meta|promo|related|scroll|shoutbox|sidebar|"
    r"sponsor|shopping|tags|tool|widget|banner|breadcrumb|share|social|nav|menu"
)
PARAGRAPH_TAGS = frozenset({"p", "pre", "td", "blockquote", "dd", "li"})
PROSE_TAGS = PARAGRAPH_TAGS | {"h1", "h2", "h3", "h4", "h5", "h6", "dt", "th"}
# Climb from the best block while it holds less than this share of its parent's prose.
CLIMB_SHARE = 0.6
SEMANTIC_XPATH = ".//article|.//main|.//*[@role='main']|.//*[@itemprop='articleBody']"
# Blocks of the main content whose text is almost all link text are menus and tag lists.
LINK_BLOCK_DENSITY = 0.9
LINK_BLOCK_TAGS = frozenset({"ul", "ol", "div", "section", "table", "dl"})
# A boilerplate-looking element holding more than this share of the page text is a wrapper.
BOILERPLATE_MAX_SHARE = 0.4


@dataclass
class TextStats:
    chars: int
    link_chars: int
    commas: int
    prose: int  # characters in paragraphs that are not mostly links


@dataclass
class MainContent:
    roots: list[Element]
    found: bool
    page_chars: int


def measure(el: Element, stats: dict[Element, TextStats]) -> TextStats:
    """Text, link text, comma and prose counts of ``el``'s subtree, recorded for every element."""
    text = el.text
    direct = len(text.strip()) if text else 0
    commas = text.count(",") if text else 0
    chars = links = prose = 0
    for child in el:
        sub = measure(child, stats)
        chars += sub.chars
        links += sub.link_chars
        commas += sub.commas
        prose += sub.prose
        tail = child.tail
        if tail:
            direct += len(tail.strip())
            commas += tail.count(",")
    chars += direct
    tag = el.tag
    if tag == "a":
        links = chars
    elif tag in PROSE_TAGS:
        prose = chars if links * 2 < chars else 0
    elif direct > 25:
        prose += direct
    result = TextStats(chars, links, commas, prose)
    stats[el] = result
    return result


def remove_boilerplate(
    scope: Element, candidates: list[Element], stats: dict[Element, TextStats], page_chars: int
) -> None:
    """Second pass: drop navigation, banners and widgets, but no wrapper of most of the page."""
    limit = page_chars * BOILERPLATE_MAX_SHARE
    for el in candidates:
        own = stats.get(el)
        if own is None or own.chars > limit:
            continue
        ancestors = list(el.iterancestors())
        if scope not in ancestors:
            continue  # already removed with an ancestor
        for ancestor in ancestors:
            up = stats.get(ancestor)
            if up is not None:
                up.chars -= own.chars
                up.link_chars -= own.link_chars
                up.commas -= own.commas
                up.prose -= own.prose
        for gone in el.iter():
            stats.pop(gone, None)
        drop(el)


def _class_weight(el: Element) -> float:
    hint = hint_of(el)
    if not hint:
        return 0.0
    weight = 0.0
    if NEGATIVE_HINT.search(hint):
        weight -= 25
    if POSITIVE_HINT.search(hint):
        weight += 25
    return weight


def score_candidates(body: Element, stats: dict[Element, TextStats]) -> dict[Element, float]:
    """Readability-style scores: paragraphs credit their parent and, halved, their grandparent."""
    scores: dict[Element, float] = {}
    for el, st in stats.items():
        if st.chars < 25 or el.tag not in PARAGRAPH_TAGS:
            continue
        points = 1 + st.commas + min(st.chars / 100, 3)
        parent = el.getparent()
        if parent is None or parent not in stats:
            continue
        scores[parent] = scores.get(parent, 0.0) + points
        grand = parent.getparent()
        if grand is not None and grand in stats:
            scores[grand] = scores.get(grand, 0.0) + points / 2
    for el in list(scores):
        st = stats[el]
        density = st.link_chars / st.chars if st.chars else 1.0
        scores[el] = (scores[el] + _class_weight(el)) * (1 - density)
    return scores


def _semantic_container(body: Element, stats: dict[Element, TextStats]) -> Element | None:
    """The single article/main holding a fair share of the page text, if the page has one."""
    total = stats[body].chars or 1
    found = [el for el in cast("list[Element]", body.xpath(SEMANTIC_XPATH)) if el in stats]
    articles = [el for el in found if el.tag == "article" or el.get("itemprop") == "articleBody"]
    mains = [el for el in found if el not in articles]
    best = None
    if len(articles) == 1 and stats[articles[0]].chars >= 0.25 * total:
        best = articles[0]
    elif mains:
        main = max(mains, key=lambda m: stats[m].chars)
        if stats[main].chars >= 0.4 * total:
            best = main
    return best


def _join_siblings(
    top: Element, scores: dict[Element, float], stats: dict[Element, TextStats]
) -> list[Element]:
    parent = top.getparent()
    if parent is None:
        return [top]
    threshold = max(10.0, scores.get(top, 0.0) * 0.2)
    kept: list[Element] = []
    for sib in parent:
        if sib is top:
            kept.append(sib)
            continue
        st = stats.get(sib)
        if st is None or st.chars == 0:
            continue
        density = st.link_chars / st.chars
        if (
            scores.get(sib, 0.0) >= threshold
            or (
                sib.tag in ("p", "pre", "blockquote", "table", "ul", "ol", "figure")
                and st.chars > 80
                and density < 0.25
            )
            or (sib.tag == "p" and density == 0 and st.chars > 0)
        ):
            kept.append(sib)
    return kept


def _climb(top: Element, body: Element, stats: dict[Element, TextStats]) -> Element:
    """Content split over sibling blocks: take the ancestor holding much more of the prose."""
    best = top
    for ancestor in top.iterancestors():
        own = stats.get(ancestor)
        if own is None:
            break
        if stats[best].prose < CLIMB_SHARE * own.prose and own.link_chars < 0.4 * own.chars:
            best = ancestor
        if ancestor is body:
            break
    return best


def prune_link_blocks(roots: list[Element], stats: dict[Element, TextStats]) -> None:
    """Inside the main content, blocks made mostly of links are menus, tag lists or teasers."""
    doomed: list[Element] = []
    for root in roots:
        for el in root.iter():
            if el is root or el.tag not in LINK_BLOCK_TAGS:
                continue
            st = stats.get(el)
            if st is not None and st.chars and st.link_chars > LINK_BLOCK_DENSITY * st.chars:
                doomed.append(el)
    for el in doomed:
        if el.getparent() is not None:
            drop(el)


def extract_main(cleaned: CleanBody) -> MainContent:
    """Find the main block of a cleaned body; the body itself when extraction looks wrong."""
    body = cleaned.body
    stats: dict[Element, TextStats] = {}
    measure(body, stats)
    page_chars = stats[body].chars
    remove_boilerplate(body, cleaned.boilerplate, stats, page_chars)
    container = _semantic_container(body, stats)
    if container is not None:
        roots = [container]
    else:
        scores = score_candidates(body, stats)
        if not scores:
            return MainContent([body], False, page_chars)
        top = max(scores, key=scores.__getitem__)
        climbed = _climb(top, body, stats)
        roots = [climbed] if climbed is not top else _join_siblings(top, scores, stats)
    main_chars = sum(stats[r].chars for r in roots if r in stats)
    # A tiny extraction is more likely a miss than the content: fall back to the cleaned body.
    if main_chars < 0.2 * page_chars and main_chars < 200 * 6:
        return MainContent([body], False, page_chars)
    prune_link_blocks(roots, stats)
    return MainContent(roots, roots != [body], page_chars)
