"""PageFacts from the converter's parsed tree: read before main-content extraction prunes it.

The pipeline calls ``collect_page_facts`` only when a request asks for extraction, then adds
the main content with ``with_main_content`` once it is rendered.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from lxml import etree

from scrapegate.convert.dom import body_of
from scrapegate.convert.fact_candidates import (
    apply_links,
    banners,
    breadcrumb_links,
    content_images,
    faq_candidates,
    navigation_links,
    price_candidates,
    promotions,
    time_values,
)
from scrapegate.convert.fact_cards import listing_cards, pagination
from scrapegate.convert.fact_elements import css_path, quick_text
from scrapegate.convert.metadata import PageMetadata
from scrapegate.convert.schemaorg import (
    entity_types,
    json_ld_entities,
    microdata_entities,
    rdfa_entities,
)
from scrapegate.domain.page_facts import (
    DomCandidates,
    EntitySource,
    Heading,
    MetaValues,
    PageFacts,
    SchemaEntity,
)

Element = etree._Element

MAX_HEADINGS = 100
HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def collect_page_facts(
    root: Element, *, url: str, base_url: str, metadata: PageMetadata
) -> PageFacts:
    """Facts of the whole page; ``root`` is read, never changed."""
    body = body_of(root)
    return PageFacts(
        url=url,
        title=metadata["title"],
        description=metadata["description"],
        language=metadata["language"],
        canonical_url=metadata["canonical_url"],
        site_name=metadata["site_name"],
        image=metadata["image"],
        author=metadata["author"],
        published_at=metadata["published_at"],
        modified_at=metadata["modified_at"],
        keywords=tuple(metadata["keywords"]),
        entities=schema_entities(root),
        open_graph=_copy(metadata["open_graph"]),
        twitter=_copy(metadata["twitter"]),
        meta=_copy(metadata["meta"]),
        headings=headings(body),
        dom=dom_candidates(root, body, base_url),
    )


def with_main_content(facts: PageFacts, markdown: str, text: str, word_count: int) -> PageFacts:
    return replace(facts, main_markdown=markdown, main_text=text, word_count=word_count)


def text_page_facts(
    url: str, metadata: dict[str, Any], markdown: str, word_count: int
) -> PageFacts:
    """Facts of a document without a DOM (PDF, plain text): its metadata and its text."""
    return PageFacts(
        url=url,
        title=_text(metadata.get("title")),
        description=_text(metadata.get("description")),
        language=_text(metadata.get("language")),
        author=_text(metadata.get("author")),
        published_at=_text(metadata.get("published_at")),
        main_markdown=markdown,
        main_text=markdown,
        word_count=word_count,
    )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _copy(tags: dict[str, str | list[str]]) -> MetaValues:
    return {key: list(value) if isinstance(value, list) else value for key, value in tags.items()}


def schema_entities(root: Element) -> tuple[SchemaEntity, ...]:
    readers: tuple[tuple[EntitySource, Any], ...] = (
        ("json_ld", json_ld_entities),
        ("microdata", microdata_entities),
        ("rdfa", rdfa_entities),
    )
    found: list[SchemaEntity] = []
    for source, read in readers:
        for data in read(root):
            found.append(SchemaEntity(source, tuple(entity_types(data)), data))
    return tuple(found)


def headings(body: Element) -> tuple[Heading, ...]:
    found: list[Heading] = []
    for el in body.iter(*HEADING_TAGS):
        text = quick_text(el)
        if text:
            found.append(Heading(int(str(el.tag)[1]), text, css_path(el)))
        if len(found) >= MAX_HEADINGS:
            break
    return tuple(found)


def dom_candidates(root: Element, body: Element, base_url: str) -> DomCandidates:
    return DomCandidates(
        prices=price_candidates(body),
        faq=faq_candidates(body),
        breadcrumbs=breadcrumb_links(body, base_url),
        categories=navigation_links(body, base_url),
        images=content_images(body, base_url),
        banners=banners(body, base_url),
        promotions=promotions(body),
        cards=listing_cards(body, base_url),
        pagination=pagination(root, base_url),
        apply_links=apply_links(body, base_url),
        times=time_values(body),
    )
