"""Links of a page's HTML, for discovery that has no parsed tree at hand (map, older crawl jobs)."""

from __future__ import annotations

import logging

from lxml import etree

from scrapegate.convert.page_links import feed_links, page_links

logger = logging.getLogger(__name__)


def parse_html(html: str) -> etree._Element | None:
    if not html.strip():
        return None
    parser = etree.HTMLParser(encoding="utf-8", no_network=True, remove_comments=True)
    try:
        # Bytes, because lxml refuses str input that carries an encoding declaration.
        return etree.fromstring(html.encode("utf-8", errors="replace"), parser)
    except etree.LxmlError as exc:
        logger.debug("unparseable HTML: %s", exc)
        return None


def extract_links(html: str, base_url: str, *, skip_nofollow: bool = False) -> list[str]:
    """The page's links (see ``page_links``); none when the HTML does not parse."""
    root = parse_html(html)
    return [] if root is None else page_links(root, base_url, skip_nofollow=skip_nofollow)


def extract_feed_links(html: str, base_url: str) -> list[str]:
    """The RSS/Atom feeds the page announces (see ``feed_links``)."""
    root = parse_html(html)
    return [] if root is None else feed_links(root, base_url)
