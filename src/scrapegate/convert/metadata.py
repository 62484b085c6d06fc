"""Page metadata from meta tags, links and schema.org entities."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TypeAlias, TypedDict
from urllib.parse import urljoin, urlsplit

from lxml import etree

from scrapegate.convert.schemaorg import first_value
from scrapegate.domain.json_types import JsonObject

Element = etree._Element

DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PUBLISHED_KEYS = (
    "article:published_time", "og:published_time", "datepublished", "date", "pubdate",
    "publish-date", "dc.date", "dc.date.issued", "sailthru.date",
)  # fmt: skip
MODIFIED_KEYS = ("article:modified_time", "og:updated_time", "datemodified", "last-modified")
AUTHOR_KEYS = ("author", "article:author", "dc.creator", "parsely-author", "sailthru.author")

# Meta tag contents by key; a key the page repeats holds the list of its contents.
MetaTags: TypeAlias = dict[str, str | list[str]]


class PageMetadata(TypedDict):
    """The ``metadata`` object of a response (also the source of its top-level page fields)."""

    title: str | None
    description: str | None
    language: str | None
    canonical_url: str | None
    favicon: str | None
    site_name: str | None
    image: str | None
    keywords: list[str]
    robots: str | None
    author: str | None
    published_at: str | None
    modified_at: str | None
    open_graph: MetaTags
    twitter: MetaTags
    meta: MetaTags


def normalise_date(raw: str | None) -> str | None:
    """ISO-8601 UTC with ``Z`` when the value parses, else the raw string."""
    if raw is None:
        return None
    value = raw.strip()
    if not value:
        return None
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return value
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    text = parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.")
    return f"{text}{parsed.astimezone(UTC).microsecond // 1000:03d}Z"


def _meta_tags(root: Element) -> tuple[MetaTags, MetaTags, MetaTags]:
    """(open_graph, twitter, meta): first two by short key, the rest by name; repeats as lists."""
    open_graph: MetaTags = {}
    twitter: MetaTags = {}
    meta: MetaTags = {}
    for tag in root.iter("meta"):
        key = tag.get("property") or tag.get("name") or tag.get("http-equiv") or tag.get("itemprop")
        content = tag.get("content")
        if not key or content is None:
            continue
        key = key.strip()
        lowered = key.lower()
        if lowered.startswith("og:"):
            _add(open_graph, lowered[3:], content)
        elif lowered.startswith("twitter:"):
            _add(twitter, lowered[8:], content)
        else:
            _add(meta, lowered, content)
    return open_graph, twitter, meta


def _add(target: MetaTags, key: str, value: str) -> None:
    existing = target.get(key)
    if existing is None:
        target[key] = value
    elif isinstance(existing, list):
        existing.append(value)
    else:
        target[key] = [existing, value]


def _first(value: str | list[str] | None) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _link_href(root: Element, rels: tuple[str, ...], base_url: str) -> str | None:
    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        href = link.get("href")
        if href and any(r in rel for r in rels):
            return urljoin(base_url, href.strip())
    return None


def _language(root: Element, meta: MetaTags, open_graph: MetaTags) -> str | None:
    lang = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    if not lang:
        lang = _first(meta.get("content-language")) or _first(open_graph.get("locale"))
    if not lang:
        return None
    return lang.strip().replace("_", "-").split(",")[0] or None


def _pick(sources: list[MetaTags], keys: tuple[str, ...]) -> str | None:
    for source in sources:
        for key in keys:
            value = _first(source.get(key))
            if value:
                return value
    return None


def extract_metadata(root: Element, base_url: str, entities: list[JsonObject]) -> PageMetadata:
    """The page's metadata object; ``entities`` are the page's schema.org entities."""
    open_graph, twitter, meta = _meta_tags(root)
    title = _first(root.findtext(".//title")) or _first(open_graph.get("title"))
    title = title or _first(twitter.get("title"))
    image = _first(open_graph.get("image")) or _first(twitter.get("image"))
    keywords_raw = _first(meta.get("keywords"))
    author = _pick([meta, open_graph], AUTHOR_KEYS) or first_value(entities, "author")
    published = _pick([meta, open_graph], PUBLISHED_KEYS) or first_value(entities, "datePublished")
    modified = _pick([meta, open_graph], MODIFIED_KEYS) or first_value(entities, "dateModified")
    if published is None:
        published = _time_element(root)
    return {
        "title": title,
        "description": _first(meta.get("description")) or _first(open_graph.get("description")),
        "language": _language(root, meta, open_graph),
        "canonical_url": _link_href(root, ("canonical",), base_url),
        "favicon": _link_href(root, ("icon", "apple-touch-icon"), base_url)
        or _default_favicon(base_url),
        "site_name": _first(open_graph.get("site_name")) or first_value(entities, "publisher"),
        "image": urljoin(base_url, image) if image else None,
        "keywords": [k.strip() for k in keywords_raw.split(",") if k.strip()]
        if keywords_raw
        else [],
        "robots": _first(meta.get("robots")),
        "author": author,
        "published_at": normalise_date(published),
        "modified_at": normalise_date(modified),
        "open_graph": open_graph,
        "twitter": twitter,
        "meta": meta,
    }


def _time_element(root: Element) -> str | None:
    for node in root.iter("time"):
        stamp = node.get("datetime")
        if stamp and (
            node.get("itemprop") == "datePublished" or "publish" in (node.get("class") or "")
        ):
            return stamp
    return None


def _default_favicon(base_url: str) -> str | None:
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}/favicon.ico"
