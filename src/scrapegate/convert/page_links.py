"""Links of a parsed page: ``<a>``/``<area>`` hrefs and the RSS/Atom feeds it announces.

Pure functions over an lxml tree, so the converter can hand a crawl the links of the tree it
parsed anyway instead of the crawl parsing the page a second time.
"""

from __future__ import annotations

from urllib.parse import urldefrag, urljoin, urlsplit

from lxml import etree

HTTP_SCHEMES = frozenset({"http", "https"})
MAX_LINK_LENGTH = 2048
FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml"})


def absolute_link(base_url: str, href: str) -> str | None:
    """``href`` resolved against ``base_url`` without its fragment; None unless http(s)."""
    href = "".join(ch for ch in href.strip() if ch >= " ")  # browsers drop tabs and newlines
    if not href or href.startswith("#"):
        return None
    try:
        url = urldefrag(urljoin(base_url, href)).url
        parts = urlsplit(url)
        parts.port  # noqa: B018  # raises ValueError for a malformed port
    except ValueError:
        return None
    if parts.scheme.lower() not in HTTP_SCHEMES or not parts.hostname:
        return None
    return url if len(url) <= MAX_LINK_LENGTH else None


def _base(root: etree._Element, page_url: str) -> str:
    for base in root.iter("base"):
        href = (base.get("href") or "").strip()
        if href:
            return absolute_link(page_url, href) or page_url
    return page_url


def _tokens(value: str | None) -> set[str]:
    return {token.lower() for token in (value or "").replace(",", " ").split()}


def page_forbids_following(root: etree._Element) -> bool:
    """``<meta name="robots" content="nofollow">`` (or ``none``) on the page."""
    for meta in root.iter("meta"):
        name = (meta.get("name") or "").strip().lower()
        if name in ("robots", "scrapegate") and _tokens(meta.get("content")) & {"nofollow", "none"}:
            return True
    return False


def page_links(root: etree._Element, page_url: str, *, skip_nofollow: bool = False) -> list[str]:
    """Absolute http(s) links of the page, in document order, without fragments or repeats.

    mailto:, tel:, javascript: and data: links are dropped; ``<base href>`` is honoured.
    ``skip_nofollow`` (crawls) drops ``rel="nofollow"`` links and returns
    nothing when the page's robots meta says nofollow.
    """
    if skip_nofollow and page_forbids_following(root):
        return []
    base = _base(root, page_url)
    found: dict[str, None] = {}
    for element in root.iter("a", "area"):
        href = element.get("href")
        if href is None or (skip_nofollow and "nofollow" in _tokens(element.get("rel"))):
            continue
        url = absolute_link(base, href)
        if url is not None:
            found.setdefault(url, None)
    return list(found)


def feed_links(root: etree._Element, page_url: str) -> list[str]:
    """URLs of RSS/Atom feeds announced with ``<link rel="alternate" type="…+xml">``."""
    base = _base(root, page_url)
    found: dict[str, None] = {}
    for element in root.iter("link"):
        kind = (element.get("type") or "").split(";", 1)[0].strip().lower()
        if "alternate" not in _tokens(element.get("rel")) or kind not in FEED_TYPES:
            continue
        url = absolute_link(base, element.get("href") or "")
        if url is not None:
            found.setdefault(url, None)
    return list(found)
