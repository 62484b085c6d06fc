"""Page-level values every profile falls back on: headline, summary, URL, images, body, ratings."""

from __future__ import annotations

import html
import re

from scrapegate.domain.extraction import FieldEvidence
from scrapegate.domain.json_types import JsonObject, JsonValue
from scrapegate.extract.coerce import as_integer, as_number, as_text, as_url
from scrapegate.extract.evidence import EvidenceLog
from scrapegate.extract.lookup import EntityRef, Found, Sources, cut, dom_found

MARKUP_TAG = re.compile(r"<[^>]+>")
HEADLINE_CONFIDENCE = 0.7
BODY_CONFIDENCE = 0.7


def h1(src: Sources) -> Found | None:
    for heading in src.facts.headings:
        if heading.level == 1:
            snippet = f"<h1>{heading.text}</h1>"
            return dom_found(heading.text, heading.selector, snippet, HEADLINE_CONFIDENCE)
    return None


def page_title(src: Sources) -> Found | None:
    title = src.facts.title
    if not title:
        return None
    return dom_found(title, "head > title", f"<title>{title}</title>", HEADLINE_CONFIDENCE)


def headline(src: Sources, entity: EntityRef | None, *keys: str) -> list[Found | None]:
    """Candidates for a name or headline: the entity, OpenGraph, the H1, the ``<title>``."""
    from_entity = entity.get(*keys) if entity is not None else None
    return [from_entity, src.og("title"), h1(src), page_title(src)]


def summary(src: Sources, entity: EntityRef | None) -> list[Found | None]:
    from_entity = entity.get("description", "abstract") if entity is not None else None
    return [from_entity, src.meta("description"), src.og("description")]


def page_url(src: Sources, entity: EntityRef | None) -> list[Found | None]:
    facts = src.facts
    canonical = None
    if facts.canonical_url:
        markup = f'<link rel="canonical" href="{facts.canonical_url}">'
        canonical = dom_found(facts.canonical_url, 'link[rel="canonical"]', markup, 0.9)
    final = Found(facts.url, FieldEvidence("meta", "final_url", cut(facts.url), 1.0))
    from_entity = entity.get("url") if entity is not None else None
    return [from_entity, src.og("url"), canonical, final]


def main_body(src: Sources) -> Found | None:
    facts = src.facts
    if not facts.main_markdown.strip():
        return None
    return dom_found(facts.main_markdown, "body", facts.main_text, BODY_CONFIDENCE)


def plain_text(value: JsonValue) -> str | None:
    """Text of a value that may hold markup (JSON-LD descriptions often do)."""
    text = as_text(value)
    if text is None:
        return None
    cleaned = " ".join(html.unescape(MARKUP_TAG.sub(" ", text)).split())
    return cleaned or None


def images(src: Sources, log: EvidenceLog, entity: EntityRef | None, where: str) -> list[str]:
    """The entity's images, else OpenGraph's, else the page's content images."""
    base = src.facts.url
    found = entity.get("image", "thumbnailUrl") if entity is not None else None
    if found is not None:
        urls = _image_urls(found.value, base)
        if urls:
            log.note(where, found)
            return urls
    tags = src.og_list("image")
    if tags:
        log.note(where, tags[0])
        return list(dict.fromkeys(u for t in tags if (u := as_url(t.value, base))))
    dom = src.facts.dom.images
    if dom:
        log.note(where, dom_found(dom[0].url, dom[0].selector, dom[0].text or dom[0].url))
    return [image.url for image in dom]


def _image_urls(value: JsonValue, base: str) -> list[str]:
    values = value if isinstance(value, list) else [value]
    urls: list[str] = []
    for item in values:
        raw = item.get("url") or item.get("contentUrl") if isinstance(item, dict) else item
        url = as_url(raw, base)
        if url and url not in urls:
            urls.append(url)
    return urls


def first_image(src: Sources, log: EvidenceLog, entity: EntityRef | None, where: str) -> str | None:
    found = images(src, log, entity, where)
    return found[0] if found else None


def rating(log: EvidenceLog, entity: EntityRef | None, where: str) -> JsonObject | None:
    """``{value, count}`` from ``aggregateRating``; None when the page states no rating."""
    if entity is None:
        return None
    aggregate = entity.child("aggregateRating")
    if aggregate is None:
        return None
    value = log.take(f"{where}/value", aggregate.get("ratingValue"), as_number)
    count = log.take(f"{where}/count", aggregate.get("reviewCount", "ratingCount"), as_integer)
    if value is None and count is None:
        return None
    return {"value": value, "count": count}


def names(value: JsonValue) -> list[str]:
    """Names of a person/organization value: a string, an object or a list of either."""
    values = value if isinstance(value, list) else [value]
    found: list[str] = []
    for item in values:
        text = as_text(item)
        if text and text not in found:
            found.append(text)
    return found


def split_keywords(value: JsonValue) -> list[str]:
    values = value if isinstance(value, list) else [value]
    found: list[str] = []
    for item in values:
        text = as_text(item)
        for part in (text or "").split(","):
            tag = part.strip()
            if tag and tag not in found:
                found.append(tag)
    return found
