"""Parsing and first-pass cleaning of HTML documents (one parse, one walk)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from copy import deepcopy
from dataclasses import dataclass
from typing import cast
from urllib.parse import urljoin

from lxml import etree

from scrapegate.convert.selectors import select_all

READABILITY_INPUT_CAP = 2 * 1024 * 1024

# Elements that never carry readable content.
JUNK_TAGS = frozenset(
    {
        "script", "style", "template", "svg", "iframe", "embed", "canvas", "link",
        "meta", "frameset", "frame", "applet", "source", "track", "head", "title",
    }
)  # fmt: skip
# Controls, widgets and no-script fallbacks: dropped unless they hold the page (broken markup,
# or a forum serving its posts to crawlers inside <noscript>).
CONTROL_TAGS = frozenset(
    {
        "noscript",
        "button",
        "select",
        "option",
        "input",
        "textarea",
        "dialog",
        "map",
        "audio",
        "video",
        "object",
    }
)
CONTROL_MAX_CHARS = 300
WRAPPER_SHARE = 0.5
INLINE_TAGS = frozenset(
    {"a", "abbr", "b", "bdi", "cite", "code", "em", "font", "i", "kbd", "mark", "q", "s", "small",
     "span", "strong", "sub", "sup", "time", "u", "var", "img", "br", "wbr"}
)  # fmt: skip
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
COOKIE_HINT = re.compile(r"cookie|consent|gdpr|onetrust|cookiebot|cc-banner|cc-window|truste", re.I)
STREAMED_SEGMENT = re.compile(r"^S:\d+$")
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# The text is decoded already and re-encoded as UTF-8 here, so <meta charset> must not win.
_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True, encoding="utf-8")
STRUCTURAL_BOILERPLATE = frozenset({"nav", "aside", "footer", "header", "menu"})
LANDMARK_BOILERPLATE = frozenset({"navigation", "banner", "contentinfo", "complementary"})
# Matched per class/id token with at most one prefix and one suffix part ("site-header",
# "sidebar-left"), so framework names like "elementor-widget-text-editor" do not match.
BOILERPLATE_HINT = re.compile(
    r"(?:^|\s)(?:[a-z0-9]+[-_])?(?:side-?bar|menu|nav|navbar|navigation|breadcrumbs?|cookies?|"
    r"consent|modal|popup|overlay|ad|ads|advert|advertisement|adsbygoogle|social|share|sharing|"
    r"sharedaddy|newsletter|related|comments?|lang-selector|language-selector|footer|masthead|"
    r"promo|subscribe|signup|pagination|pager|toolbar|skip-link|disqus|outbrain|taboola|"
    r"sponsored|header|topbar|author-bio|tags|tag-list)(?:[-_][a-z0-9]+)?(?=\s|$)"
)

HINT_COOKIE = 1
HINT_BOILERPLATE = 2
HINT_CACHE_SIZE = 20_000
_HINT_KINDS: dict[str, int] = {}

Element = etree._Element


@dataclass
class ParsedPage:
    root: Element
    base_url: str
    truncated_input: bool
    html_bytes: int
    stand_in: bool = False  # the input held no element: root is an empty page standing in


@dataclass
class CleanBody:
    body: Element
    boilerplate: list[Element]  # candidates for the second pass, outermost first


def parse_html(html: str, url: str, *, whole: bool = False) -> ParsedPage:
    """Parse once; bodies above the 2 MiB analysis cap are cut (``readability_input_cap``)
    unless ``whole`` (a crawl's links come from the whole page)."""
    data = XML_DECLARATION.sub("", html, count=1).encode("utf-8", "replace")
    html_bytes = len(data)
    truncated = html_bytes > READABILITY_INPUT_CAP and not whole
    if truncated:
        data = data[:READABILITY_INPUT_CAP]
    root = None
    if data.strip():
        root = etree.fromstring(data, parser=_PARSER)
    if root is None:
        empty = etree.fromstring(b"<html><body></body></html>", parser=_PARSER)
        return ParsedPage(empty, url, truncated, html_bytes, stand_in=True)
    return ParsedPage(root, _base_url(root, url), truncated, html_bytes)


def _base_url(root: Element, url: str) -> str:
    base = root.find(".//base[@href]")
    if base is None:
        return url
    href = (base.get("href") or "").strip()
    return urljoin(url, href) if href else url


def body_of(root: Element) -> Element:
    body = root.find("body")
    return body if body is not None else root


def text_of(el: Element) -> str:
    # HTML-parsed trees hold only str text nodes; the stubs also allow bytes.
    return "".join(cast("Iterator[str]", el.itertext()))


def flat_text(root: Element) -> str:
    """Visible text with one line per block, without recursion (for pathological trees)."""
    parts: list[str] = []
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag
        if not isinstance(tag, str) or tag in JUNK_TAGS:
            if event == "end":
                parts.append(el.tail or "")
            continue
        if event == "start":
            if tag not in INLINE_TAGS:
                parts.append("\n")
            parts.append(el.text or "")
        else:
            if tag not in INLINE_TAGS:
                parts.append("\n")
            parts.append(el.tail or "")
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n\n".join(line for line in lines if line)


def hint_of(el: Element) -> str:
    """Lower-cased class and id, the cheap signal for boilerplate and banners."""
    cls = el.get("class")
    ident = el.get("id")
    if cls is None and ident is None:
        return ""
    return f"{cls or ''} {ident or ''}".lower()


def _style_hides(style: str) -> bool:
    if "none" not in style and "hidden" not in style:
        return False
    return HIDDEN_STYLE.search(style) is not None


def hint_kind(hint: str) -> int:
    """HINT_COOKIE, HINT_BOILERPLATE or 0; memoised since class strings repeat within a site."""
    kind = _HINT_KINDS.get(hint)
    if kind is None:
        if COOKIE_HINT.search(hint):
            kind = HINT_COOKIE
        elif BOILERPLATE_HINT.search(hint):
            kind = HINT_BOILERPLATE
        else:
            kind = 0
        if len(_HINT_KINDS) >= HINT_CACHE_SIZE:
            _HINT_KINDS.clear()
        _HINT_KINDS[hint] = kind
    return kind


def _classify(body: Element, remove_cookie_banners: bool) -> tuple[list[Element], list[Element]]:
    """(hidden or banner elements, boilerplate candidates) in document order, outermost first."""
    suspects: list[Element] = []
    boilerplate: list[Element] = []
    for el in body.iter():
        # One items() call per element is much cheaper than several get() calls.
        items = cast("list[tuple[str, str]]", el.items())
        if not items:
            if el.tag in STRUCTURAL_BOILERPLATE:
                boilerplate.append(el)
            continue
        cls = ident = role = None
        hidden = False
        for name, value in items:
            if name == "class":
                cls = value
            elif name == "id":
                ident = value
            elif name == "role":
                role = value
            elif name == "style":
                hidden = hidden or _style_hides(value)
            elif name == "hidden":
                hidden = hidden or not STREAMED_SEGMENT.match(el.get("id") or "")
            elif name == "aria-hidden":
                hidden = hidden or value == "true"
        kind = hint_kind(f"{cls or ''} {ident or ''}".lower()) if cls or ident else 0
        if hidden or (remove_cookie_banners and kind == HINT_COOKIE):
            suspects.append(el)
        elif kind or el.tag in STRUCTURAL_BOILERPLATE or role in LANDMARK_BOILERPLATE:
            boilerplate.append(el)
    return suspects, boilerplate


def clean_body(
    body: Element,
    *,
    remove_cookie_banners: bool,
    include_selectors: tuple[str, ...] = (),
    exclude_selectors: tuple[str, ...] = (),
) -> CleanBody:
    """Drop junk, hidden elements and banners in place; apply the user's selectors."""
    for el in list(body.iter(*JUNK_TAGS)):
        drop(el)
    for el in list(body.iter(*CONTROL_TAGS)):
        if len(text_of(el)) <= CONTROL_MAX_CHARS:
            drop(el)
    suspects, boilerplate = _classify(body, remove_cookie_banners)
    if suspects:
        # A hidden or banner-like wrapper around most of the page is an anti-flicker trick.
        limit = len(text_of(body)) * WRAPPER_SHARE
        for el in suspects:
            if len(text_of(el)) <= limit:
                drop(el)
    for selector in exclude_selectors:
        for el in select_all(body, selector):
            drop(el)
    if include_selectors:
        return CleanBody(_keep_only(body, include_selectors), [])
    return CleanBody(body, boilerplate)


def drop(el: Element) -> None:
    """Remove ``el`` and its subtree, keeping the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _keep_only(body: Element, selectors: tuple[str, ...]) -> Element:
    """A new body holding copies of the matched elements, in document order."""
    kept: set[Element] = set()
    for selector in selectors:
        kept.update(select_all(body, selector))
    wrapper = etree.Element("body")
    for el in body.iter():
        # An element inside another matched element is already included through it.
        if el in kept and not any(a in kept for a in el.iterancestors()):
            copy = deepcopy(el)
            copy.tail = None
            wrapper.append(copy)
    return wrapper
