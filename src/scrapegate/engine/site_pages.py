"""What a page's structure says about scraping it: pagination, API
endpoints its scripts call, a login wall, a cookie-consent gate. Pure functions over the HTML."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TypedDict
from urllib.parse import parse_qsl, urljoin, urlsplit

from lxml import etree, html

MAX_ENDPOINTS = 100
MAX_EXAMPLE_URLS = 5
MAX_PARSED_CHARS = 2_000_000

_PAGE_LINK = re.compile(r"[?&](?:page|p|pg|pagenum|page_no)=\d+|/page/\d+(?:/|$)", re.I)
_NEXT_TEXT = re.compile(r"^\s*(next|next page|older posts|›|»|→)\s*$", re.I)
_LOAD_MORE_TEXT = re.compile(r"\b(load|show|view|see)\s+more\b", re.I)
_LOAD_MORE_MARK = ("load-more", "loadmore", "load_more", "show-more", "showmore")
_SENTINEL_MARK = (
    "infinite-scroll",
    "infinite_scroll",
    "infinitescroll",
    "scroll-sentinel",
    "sentinel",
)
_CURSOR_PARAMS = ("cursor", "after", "next_cursor", "page_token", "pagetoken", "continuation")

# Calls with an explicit method, then any string literal that looks like a JSON/GraphQL endpoint.
_FETCH_CALL = re.compile(
    r"""fetch\(\s*["'`]([^"'`\s]+)["'`]\s*(?:,\s*\{[^}]*?method\s*:\s*["'](\w+)["'])?""", re.I
)
_AXIOS_CALL = re.compile(r"""axios\.(get|post|put|patch|delete)\(\s*["'`]([^"'`\s]+)""", re.I)
_XHR_OPEN = re.compile(r"""\.open\(\s*["'](\w+)["']\s*,\s*["'`]([^"'`\s]+)""", re.I)
_JQUERY_CALL = re.compile(r"""\$\.(getJSON|get|post)\(\s*["'`]([^"'`\s]+)""", re.I)
_ENDPOINT_LITERAL = re.compile(
    r"""["'`]((?:https?://[^"'`\s]+)?/(?:api|graphql)\b[^"'`\s]*|[^"'`\s]+\.json(?:\?[^"'`\s]*)?)"""
    r"""["'`]""",
    re.I,
)
_LOGIN_PATH = re.compile(
    r"/(?:login|log-in|signin|sign-in|sign_in|users/sign_in|account/login|auth/login|sso)\b", re.I
)
# Consent-management platforms, by the ids, classes or script hosts of their overlays.
_CMP_MARKERS: tuple[tuple[str, str], ...] = (
    ("onetrust-banner-sdk", "OneTrust"),
    ("onetrust-consent-sdk", "OneTrust"),
    ("cookielaw.org", "OneTrust"),
    ("cybotcookiebotdialog", "Cookiebot"),
    ("consent.cookiebot.com", "Cookiebot"),
    ("usercentrics-root", "Usercentrics"),
    ("app.usercentrics.eu", "Usercentrics"),
    ("qc-cmp2", "Quantcast Choice"),
    ("didomi-host", "Didomi"),
    ("didomi-popup", "Didomi"),
    ("truste-consent", "TrustArc"),
    ("consent.trustarc.com", "TrustArc"),
    ("osano-cm-", "Osano"),
    ("cky-consent", "CookieYes"),
    ("iubenda-cs-banner", "iubenda"),
    ("sp_message_container", "Sourcepoint"),
    ("cmplz-cookiebanner", "Complianz"),
    ("cookie-law-info-bar", "CookieLawInfo"),
    ("borlabs-cookie", "Borlabs Cookie"),
)
_CONSENT_WORDS = ("cookie", "consent", "gdpr")


class Pagination(TypedDict):
    """A report's ``pagination``: the pattern found, stored and sent as is."""

    type: str  # rel_next, numbered, next_link, load_more, infinite_scroll, cursor, none
    selector: str | None
    example_urls: list[str]


class ApiEndpoint(TypedDict):
    """One entry of a report's ``api_endpoints``."""

    url: str
    method: str
    kind: str  # graphql, json, xhr
    content_type: str | None


def parse_page(text: str | None) -> html.HtmlElement | None:
    if not text or not text.strip():
        return None
    text = text[:MAX_PARSED_CHARS]
    if text.lstrip().startswith("<?xml"):
        text = text[text.find("?>") + 2 :]  # lxml refuses str input with an encoding declaration
    try:
        return html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return None


def _absolute(base: str, href: str | None) -> str | None:
    if not href or "${" in href or href.startswith(("javascript:", "#", "mailto:", "data:")):
        return None
    url = urljoin(base, href.strip())
    return url if urlsplit(url).scheme in ("http", "https") else None


def _marks(element: html.HtmlElement) -> str:
    """Class, id and data-* attribute names and values, lower-case, for marker matching."""
    parts = [element.get("class", ""), element.get("id", "")]
    parts += [f"{k} {v}" for k, v in element.attrib.items() if k.startswith("data-")]
    return " ".join(parts).lower()


def _selector(element: html.HtmlElement) -> str:
    if element.get("id"):
        return f"{element.tag}#{element.get('id')}"
    classes = element.get("class", "").split()
    return f"{element.tag}.{classes[0]}" if classes else str(element.tag)


def _pagination(kind: str, selector: str | None, urls: Sequence[str]) -> Pagination:
    examples = list(dict.fromkeys(urls))[:MAX_EXAMPLE_URLS]
    return {"type": kind, "selector": selector, "example_urls": examples}


def _rel_next(root: html.HtmlElement, base: str) -> Pagination | None:
    for element in root.iter("link", "a"):
        if "next" in element.get("rel", "").lower().split():
            url = _absolute(base, element.get("href"))
            return _pagination("rel_next", f"{element.tag}[rel=next]", [url] if url else [])
    return None


def _numbered(root: html.HtmlElement, base: str) -> Pagination | None:
    links = [a for a in root.iter("a") if _PAGE_LINK.search(a.get("href", ""))]
    if not links:
        nexts = [a for a in root.iter("a") if _NEXT_TEXT.match(a.text_content() or "")]
        urls = [u for u in (_absolute(base, a.get("href")) for a in nexts) if u]
        return _pagination("next_link", "a", urls) if urls else None
    container = next((p for p in links[0].iterancestors() if re.search(r"pag", _marks(p))), None)
    selector = f"{_selector(container)} a" if container is not None else "a[href*=page]"
    urls = [u for u in (_absolute(base, a.get("href")) for a in links) if u]
    return _pagination("numbered", selector, urls)


def _load_more(root: html.HtmlElement) -> Pagination | None:
    for element in root.iter("button", "a", "div", "span"):
        clickable = element.tag in ("button", "a") or element.get("role") == "button"
        marked = any(mark in _marks(element) for mark in _LOAD_MORE_MARK)
        text = element.text_content() if clickable else ""
        if marked or (clickable and len(text) < 40 and _LOAD_MORE_TEXT.search(text)):
            return _pagination("load_more", _selector(element), [])
    return None


def _infinite_scroll(root: html.HtmlElement) -> Pagination | None:
    for element in root.iter("div", "span", "li", "section", "footer"):
        if any(mark in _marks(element) for mark in _SENTINEL_MARK):
            return _pagination("infinite_scroll", _selector(element), [])
    return None


def _cursor(endpoints: Sequence[ApiEndpoint]) -> Pagination | None:
    urls = [
        e["url"]
        for e in endpoints
        if any(k.lower() in _CURSOR_PARAMS for k, _ in parse_qsl(urlsplit(e["url"]).query))
    ]
    return _pagination("cursor", None, urls) if urls else None


def detect_pagination(
    root: html.HtmlElement | None, base: str, endpoints: Sequence[ApiEndpoint] = ()
) -> Pagination:
    """The first pattern found of: rel=next, numbered links, load-more, sentinel, cursor URLs."""
    if root is not None:
        found = (
            _rel_next(root, base)
            or _numbered(root, base)
            or _load_more(root)
            or _infinite_scroll(root)
        )
        if found is not None:
            return found
    return _cursor(endpoints) or _pagination("none", None, [])


def _endpoint(url: str, method: str) -> ApiEndpoint:
    lowered = url.lower()
    if "graphql" in lowered:
        kind, content_type = "graphql", "application/json"
    elif urlsplit(lowered).path.endswith(".json") or "/api/" in lowered or lowered.endswith("/api"):
        kind, content_type = "json", "application/json"
    else:
        kind, content_type = "xhr", None
    return {"url": url, "method": method.upper(), "kind": kind, "content_type": content_type}


def _script_calls(script: str) -> list[tuple[str, str]]:
    """(url, method) pairs in one script, explicit calls before bare literals."""
    calls = [(m.group(1), m.group(2) or "GET") for m in _FETCH_CALL.finditer(script)]
    calls += [(m.group(2), m.group(1)) for m in _AXIOS_CALL.finditer(script)]
    calls += [(m.group(2), m.group(1)) for m in _XHR_OPEN.finditer(script)]
    calls += [
        (m.group(2), "POST" if m.group(1).lower() == "post" else "GET")
        for m in _JQUERY_CALL.finditer(script)
    ]
    for match in _ENDPOINT_LITERAL.finditer(script):
        literal = match.group(1)
        calls.append((literal, "POST" if "graphql" in literal.lower() else "GET"))
    return calls


def detect_api_endpoints(root: html.HtmlElement | None, base: str) -> list[ApiEndpoint]:
    """Endpoints inline scripts call (fetch, axios, XHR, jQuery, URL literals) or preload."""
    if root is None:
        return []
    found: dict[str, ApiEndpoint] = {}
    for link in root.iter("link"):
        if link.get("as") == "fetch":
            url = _absolute(base, link.get("href"))
            if url:
                found.setdefault(url, _endpoint(url, "GET"))
    for script in root.iter("script"):
        if script.get("src") or "ld+json" in script.get("type", ""):
            continue
        for raw, method in _script_calls(script.text or ""):
            url = _absolute(base, raw)
            if url and len(found) < MAX_ENDPOINTS:
                found.setdefault(url, _endpoint(url, method))
    return list(found.values())[:MAX_ENDPOINTS]


def detect_login_wall(
    root: html.HtmlElement | None,
    url: str,
    final_url: str,
    redirect_urls: Sequence[str] = (),
    status_code: int | None = None,
) -> str | None:
    """Why the page looks gated by a login (evidence text), or None."""
    if root is not None:
        for field in root.iter("input"):
            if field.get("type", "").strip().lower() == "password":
                return "password field on the page"
    if not _LOGIN_PATH.search(urlsplit(url).path):
        for hop in [*redirect_urls, final_url]:
            path = urlsplit(hop).path
            if _LOGIN_PATH.search(path):
                return f"redirected to {path}"
    if status_code == 401:
        return "HTTP 401"
    return None


def detect_cookie_gate(root: html.HtmlElement | None, text: str | None) -> str | None:
    """The consent platform or overlay covering the page (evidence text), or None."""
    if not text:
        return None
    lowered = text.lower()
    for marker, platform in _CMP_MARKERS:
        if marker in lowered:
            return f"{platform} consent overlay ({marker})"
    if root is None:
        return None
    for element in root.iter("div", "section", "aside", "dialog", "form"):
        modal = element.get("role") in ("dialog", "alertdialog") or element.get("aria-modal")
        marks = _marks(element)
        if modal and any(word in marks for word in _CONSENT_WORDS):
            return f"consent dialog {_selector(element)}"
    return None
