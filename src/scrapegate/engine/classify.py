"""What a fetched page is: content, an anti-bot challenge, a block page, a JS shell.

Pure functions; they run on every page of tiers 1-3, so the HTML is parsed once, with lxml, or
not at all when the caller has the tree already (``classify_parsed``): the tree is only read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Literal, cast

from lxml import etree, html

Element = etree._Element
Kind = Literal["ok", "challenge", "block", "js_shell", "rate_limited", "unavailable"]

CHALLENGE_STATUSES = frozenset({403, 429, 503})
SMALL_PAGE_WORDS = 200
SHELL_TEXT_CHARS = 200
SHELL_SCRIPT_SHARE = 0.9
MAX_PARSED_CHARS = 2_000_000  # parsed with lxml; text beyond is found with regexes
# A page showing this many words was rendered on the server: its scripts are not its content.
SERVER_RENDERED_WORDS = SMALL_PAGE_WORDS
# Pages longer than this are first sampled: a prefix full of words settles it without parsing.
SAMPLE_CHARS = 131_072
LONG_PAGE_WORDS = 1_000

BLOCK_PHRASES = (
    "access denied",
    "request blocked",
    "pardon our interruption",
    "unusual traffic",
    "verify you are human",
    "are you a robot",
    "please enable cookies",
)
_ENABLE_JS = re.compile(r"enable\s+javascript|javascript\s+(is\s+)?(required|disabled)", re.I)
_MOUNT_IDS = ("root", "app", "__next", "__nuxt")
_INVISIBLE_TAGS = ("script", "style", "noscript", "template")
_INVISIBLE_OPEN = re.compile(r"<(script|style|noscript|template)\b", re.I)
_TAGS = re.compile(r"<[^<>]*>")  # never spans another "<": linear on stray brackets
# What lxml.html's text_content() evaluates; faster than joining itertext() in Python.
_STRING_VALUE = etree.XPath("string()", smart_strings=False)
_VENDOR_NAMES = {
    "cloudflare": "Cloudflare",
    "datadome": "DataDome",
    "perimeterx": "PerimeterX",
    "imperva": "Imperva",
    "akamai": "Akamai",
    "aws_waf": "AWS WAF",
    "kasada": "Kasada",
    "recaptcha": "reCAPTCHA",
    "hcaptcha": "hCaptcha",
    "turnstile": "Turnstile",
    "generic": "Anti-bot",
}

# Body substrings (lower-case) that identify a vendor's challenge page.
_BODY_MARKERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "cloudflare",
        ("cf-chl", "challenge-platform", "just a moment", "attention required! | cloudflare"),
    ),
    ("datadome", ("captcha-delivery.com",)),
    ("perimeterx", ("px-captcha", "_pxcaptcha")),
    ("imperva", ("incapsula incident id", "_incapsula_resource")),
)
# CAPTCHA widgets count as a challenge only on small pages (a form on a big page is not a wall).
_WIDGET_MARKERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("turnstile", ("cf-turnstile", "challenges.cloudflare.com/turnstile")),
    ("hcaptcha", ("h-captcha", "hcaptcha.com/1/api.js")),
    ("recaptcha", ("g-recaptcha", "google.com/recaptcha", "recaptcha/api.js")),
)


@dataclass(frozen=True)
class Classification:
    kind: Kind
    vendor: str | None
    reason: str
    # Whether running the page's scripts could add text: False when it has none to run, or
    # already shows a server-rendered page's worth of words (then thin means thin, not unrendered).
    render_may_help: bool = True


@dataclass(frozen=True)
class _PageFacts:
    """What the rules need from an HTML page, computed in one pass."""

    title: str
    text: str  # visible text: scripts, styles, noscript and templates removed
    words: int
    script_chars: int
    empty_mount: str | None
    noscript_asks_js: bool
    runs_scripts: bool = True  # a <script> the browser would execute (not a JSON data island)


def _lower_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def _is_html(headers: dict[str, str], text: str | None) -> bool:
    if not text:
        return False
    media = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media:
        return "html" in media
    return text.lstrip()[:1] == "<"


_UTF8_PARSER = html.HTMLParser(encoding="utf-8")


def _parse(text: str) -> html.HtmlElement | None:
    text = text[:MAX_PARSED_CHARS]
    if text.lstrip().startswith("<?xml"):
        text = text[text.find("?>") + 2 :]  # the declaration's encoding is not the bytes' one
    # Bytes, as the converter parses: lxml stops a str at a lone surrogate (a bad decode).
    data = text.encode("utf-8", "replace")
    try:
        return html.document_fromstring(data, parser=_UTF8_PARSER)
    except (etree.ParserError, ValueError):
        return None


def _text_content(element: Element) -> str:
    """All text below ``element`` (comments excluded), as lxml.html's ``text_content``."""
    return cast(str, _STRING_VALUE(element))


def _is_empty(element: Element) -> bool:
    """No child element and no text; comments (React's <!--$--> markers) do not count."""
    has_child = any(isinstance(child.tag, str) for child in element)
    return not has_child and not _text_content(element).strip()


def _empty_mount_point(root: Element) -> str | None:
    for element in root.iter("div", "main", "section", "app-root"):
        mount: str | None = None
        element_id = element.get("id")
        if element.tag == "app-root":
            mount = "app-root"
        elif element_id in _MOUNT_IDS:
            mount = f"#{element_id}"
        elif element.get("data-reactroot") is not None:
            mount = "[data-reactroot]"
        if mount and _is_empty(element):
            return mount
    return None


def _executable(script: Element) -> bool:
    """A script the browser runs: classic or module JS, not JSON, templates or import maps."""
    kind = (script.get("type") or "").strip().lower()
    runnable = kind in ("", "module") or "javascript" in kind or "ecmascript" in kind
    return runnable and (script.get("src") is not None or bool((script.text or "").strip()))


def _sampled_long_page(text: str) -> _PageFacts | None:
    """Facts of a big page whose first part already shows plenty of visible words, else None."""
    if len(text) <= SAMPLE_CHARS:
        return None
    sample = text[:SAMPLE_CHARS]
    lowered = sample.lower()
    for tag in _INVISIBLE_TAGS:
        # A block cut open by the sample would count its code as words: drop it.
        opened = lowered.rfind(f"<{tag}")
        if opened > lowered.rfind(f"</{tag}"):
            sample, lowered = sample[:opened], lowered[:opened]
    visible = _visible_text(sample)
    words = len(visible.split())
    if words < LONG_PAGE_WORDS:
        return None
    return _PageFacts("", visible, words, 0, None, False)


def _strip_invisible(fragment: str) -> str:
    """Drop script, style, noscript and template blocks; one pass, so linear on any input."""
    lowered = fragment.lower()
    kept: list[str] = []
    position = 0
    while (found := _INVISIBLE_OPEN.search(fragment, position)) is not None:
        kept.append(fragment[position : found.start()])
        closed = lowered.find(f"</{found.group(1).lower()}", found.end())
        if closed == -1:
            return " ".join(kept)  # an unclosed block runs to the end
        position = closed
    kept.append(fragment[position:])
    return " ".join(kept)


def _visible_text(fragment: str) -> str:
    return " ".join(_TAGS.sub(" ", _strip_invisible(fragment)).split())


def _unparsed_tail(text: str) -> tuple[str, bool]:
    """Visible text past MAX_PARSED_CHARS, and whether it holds a script: the parser saw only
    the prefix, and a head full of scripts can fill all of it."""
    tail = text[MAX_PARSED_CHARS:]
    lowered = tail.lower()
    for tag in _INVISIBLE_TAGS:
        # The cut may fall inside a block: skip to its end so its code is not taken for words.
        closed, opened = lowered.find(f"</{tag}"), lowered.find(f"<{tag}")
        if closed != -1 and (opened == -1 or closed < opened):
            tail, lowered = tail[closed:], lowered[closed:]
    return _visible_text(tail), "<script" in lowered


def _text_without_invisible(top: Element) -> str:
    """Text below ``top`` less script, style, noscript and template subtrees (their tails stay),
    read without changing the tree: only elements holding such a subtree are walked."""
    holders: set[Element] = set()
    for invisible in top.iter(*_INVISIBLE_TAGS):
        holders.update(invisible.iterancestors())
    if not holders:
        return _text_content(top)
    parts = [top.text or ""]
    # An explicit stack, not recursion: pathological nesting must not raise RecursionError.
    stack: list[tuple[Element, Iterator[Element]]] = [(top, iter(top))]
    while stack:
        element, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if element is not top:
                parts.append(element.tail or "")
        elif child in holders and child.tag not in _INVISIBLE_TAGS:
            parts.append(child.text or "")
            stack.append((child, iter(child)))
        else:
            # Comments and invisible elements give their tail only.
            if isinstance(child.tag, str) and child.tag not in _INVISIBLE_TAGS:
                parts.append(_text_content(child))
            parts.append(child.tail or "")
    return "".join(parts)


def _tree_facts(root: Element) -> _PageFacts:
    """Facts of a parsed page, without its unparsed tail; the tree is only read."""
    title_element = root.find(".//title")
    title = (_text_content(title_element) if title_element is not None else "").strip()
    scripts = list(root.iter("script"))
    body = root.find("body")
    visible = " ".join(_text_without_invisible(body if body is not None else root).split())
    return _PageFacts(
        title=title,
        text=visible,
        words=len(visible.split()),
        script_chars=sum(len(s.text or "") for s in scripts),
        empty_mount=_empty_mount_point(root),
        noscript_asks_js=any(_ENABLE_JS.search(_text_content(n)) for n in root.iter("noscript")),
        runs_scripts=any(_executable(s) for s in scripts),
    )


def _page_facts(text: str, root: Element | None = None) -> _PageFacts | None:
    """Facts of an HTML page; ``root`` is a tree of all of ``text`` if the caller has one."""
    sampled = _sampled_long_page(text)
    if sampled is not None:
        return sampled
    if root is None or len(text) > MAX_PARSED_CHARS:
        # The rules read a tree of the first MAX_PARSED_CHARS: a tree of more is not that tree.
        root = _parse(text)
    if root is None:
        return None
    facts = _tree_facts(root)
    if len(text) <= MAX_PARSED_CHARS:
        return facts
    tail_text, tail_scripts = _unparsed_tail(text)
    visible = f"{facts.text} {tail_text}".strip()
    return replace(
        facts,
        text=visible,
        words=len(visible.split()),
        runs_scripts=facts.runs_scripts or tail_scripts,
    )


def _header_vendor(headers: dict[str, str]) -> str | None:
    if headers.get("cf-mitigated", "").strip().lower() == "challenge":
        return "cloudflare"
    if "x-datadome" in headers:
        return "datadome"
    if headers.get("x-amzn-waf-action", "").strip().lower() in ("captcha", "challenge"):
        return "aws_waf"
    if any(name.startswith("x-kpsdk-") for name in headers):
        return "kasada"
    return None


def _body_vendor(lowered: str, words: int) -> str | None:
    for vendor, markers in _BODY_MARKERS:
        if any(marker in lowered for marker in markers):
            return vendor
    if "reference #" in lowered and "errors.edgesuite.net" in lowered:
        return "akamai"
    if words < SMALL_PAGE_WORDS:
        for vendor, markers in _WIDGET_MARKERS:
            if any(marker in lowered for marker in markers):
                return vendor
    return None


def _block_phrase(facts: _PageFacts) -> str | None:
    if facts.words >= SMALL_PAGE_WORDS:
        return None
    haystack = f"{facts.title}\n{facts.text}".lower()
    return next((phrase for phrase in BLOCK_PHRASES if phrase in haystack), None)


def _shell_reason(facts: _PageFacts, html_length: int) -> str | None:
    if len(facts.text) >= SHELL_TEXT_CHARS:
        return None
    if facts.empty_mount:
        return f"empty {facts.empty_mount} mount point"
    if facts.noscript_asks_js:
        return "<noscript> asks to enable JavaScript"
    if facts.script_chars >= SHELL_SCRIPT_SHARE * min(html_length, MAX_PARSED_CHARS) > 0:
        return "scripts are at least 90% of the HTML"
    return None


def looks_like_js_shell(html_text: str) -> bool:
    """Little visible text and an empty SPA mount point, a noscript plea, or mostly script."""
    facts = _page_facts(html_text)
    return facts is not None and _shell_reason(facts, len(html_text)) is not None


def _challenge(vendor: str, status: int) -> Classification:
    return Classification("challenge", vendor, f"{_VENDOR_NAMES[vendor]} challenge (HTTP {status})")


def classify_response(status: int, headers: Mapping[str, str], text: str | None) -> Classification:
    """Challenge, then block page, then 429/503, then JS shell; anything else is ``ok``."""
    return classify_parsed(status, headers, text, None)


def classify_parsed(
    status: int, headers: Mapping[str, str], text: str | None, root: Element | None
) -> Classification:
    """``classify_response`` from ``root``, a tree of all of ``text`` the caller parsed already
    (None: parse here if needed). Read before anything prunes it; it is left unchanged."""
    lowered_headers = _lower_headers(headers)
    facts = _page_facts(text, root) if text and _is_html(lowered_headers, text) else None
    if status in CHALLENGE_STATUSES:
        vendor = _header_vendor(lowered_headers)
        if vendor is None and text:
            words = facts.words if facts is not None else len(text.split())
            vendor = _body_vendor(text.lower(), words)
        if vendor is not None:
            return _challenge(vendor, status)
    phrase = _block_phrase(facts) if facts is not None else None
    if phrase is not None:
        return Classification("block", "generic", f'Block page: "{phrase}" (HTTP {status})')
    if status == 429:
        return Classification("rate_limited", None, "Rate limited (HTTP 429)")
    if status == 503:
        return Classification("unavailable", None, "Service unavailable (HTTP 503)")
    shell = None
    if facts is not None and 200 <= status < 300:
        shell = _shell_reason(facts, len(text or ""))
    if shell is not None:
        return Classification("js_shell", None, f"JavaScript shell: {shell}")
    return Classification("ok", None, f"HTTP {status}", render_may_help=_render_may_help(facts))


def _render_may_help(facts: _PageFacts | None) -> bool:
    """Could a browser find more text than this fetch did (so thin content is worth rendering)?"""
    if facts is None:
        return True  # not parsed as HTML: nothing says otherwise
    return facts.runs_scripts and facts.words < SERVER_RENDERED_WORDS
