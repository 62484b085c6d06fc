"""The RSS 2.0 feed of published posts (#7) and its HTTP validators (ETag, Last-Modified)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from xml.etree import ElementTree

from scrapegate.platform.blog.posts import BlogPost

FEED_ITEMS = 50
FEED_TITLE = "Blog"
FEED_DESCRIPTION = "The newest posts"
FEED_MEDIA_TYPE = "application/rss+xml; charset=utf-8"
ATOM_NAMESPACE = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True)
class FeedDocument:
    body: bytes
    etag: str  # strong validator: a hash of the exact bytes
    last_modified: datetime | None  # date of the newest post; None for an empty feed


def http_date(value: datetime) -> str:
    """RFC 822 / RFC 9110 date in GMT, as RSS ``pubDate`` and ``Last-Modified`` want it."""
    return format_datetime(value.astimezone(UTC), usegmt=True)


def post_link(base_url: str, post: BlogPost) -> str:
    return f"{base_url.rstrip('/')}/blog/{post.slug}"


def _text(parent: ElementTree.Element, tag: str, value: str) -> ElementTree.Element:
    child = ElementTree.SubElement(parent, tag)
    child.text = value  # ElementTree escapes &, < and > on serialisation
    return child


def _item(channel: ElementTree.Element, base_url: str, post: BlogPost) -> None:
    item = ElementTree.SubElement(channel, "item")
    link = post_link(base_url, post)
    _text(item, "title", post.title)
    _text(item, "link", link)
    # A front-matter id survives a renamed file, so readers do not see the post twice.
    if post.post_id != post.slug:
        _text(item, "guid", post.post_id).set("isPermaLink", "false")
    else:
        _text(item, "guid", link).set("isPermaLink", "true")
    _text(item, "pubDate", http_date(post.date))
    _text(item, "description", post.excerpt)


def build_feed(posts: Sequence[BlogPost], base_url: str) -> FeedDocument:
    """The feed of ``posts`` (already published and newest first); only the first 50 are kept."""
    newest = list(posts[:FEED_ITEMS])
    rss = ElementTree.Element("rss", {"version": "2.0", "xmlns:atom": ATOM_NAMESPACE})
    channel = ElementTree.SubElement(rss, "channel")
    site = f"{base_url.rstrip('/')}/blog"
    _text(channel, "title", FEED_TITLE)
    _text(channel, "link", site)
    _text(channel, "description", FEED_DESCRIPTION)
    ElementTree.SubElement(
        channel,
        "atom:link",
        {
            "href": f"{base_url.rstrip('/')}/api/v1/blog/feed.xml",
            "rel": "self",
            "type": "application/rss+xml",
        },
    )
    last_modified = newest[0].date if newest else None
    if last_modified is not None:
        _text(channel, "lastBuildDate", http_date(last_modified))
    for post in newest:
        _item(channel, base_url, post)
    body = ElementTree.tostring(rss, encoding="utf-8", xml_declaration=True)
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    return FeedDocument(body, etag, last_modified)


def _opaque(tag: str) -> str:
    return tag.strip().removeprefix("W/")


def not_modified(
    document: FeedDocument, if_none_match: str | None, if_modified_since: str | None
) -> bool:
    """RFC 9110 (13.2.2): If-None-Match decides when sent; otherwise If-Modified-Since."""
    if if_none_match is not None:
        tags = [_opaque(tag) for tag in if_none_match.split(",")]
        return "*" in tags or _opaque(document.etag) in tags
    if if_modified_since is None or document.last_modified is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False  # an unparsable date is ignored, as the RFC says
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return document.last_modified.replace(microsecond=0) <= since
