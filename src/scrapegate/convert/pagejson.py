"""The ``json`` format: page metadata, schema.org entities and main text."""

from __future__ import annotations

from typing import Any

from scrapegate.convert.schemaorg import entity_types

PRIMARY_TYPES = (
    "Product", "Article", "NewsArticle", "BlogPosting", "Recipe", "Event", "JobPosting", "FAQPage",
    "LocalBusiness", "Organization", "SoftwareApplication", "Course", "Book", "Movie",
    "VideoObject",
)  # fmt: skip
PAGE_KEYS = (
    "title", "description", "language", "canonical_url", "author", "published_at", "modified_at",
    "site_name", "image", "favicon",
)  # fmt: skip
RESERVED_KEYS = frozenset(
    {"page", "metadata", "open_graph", "twitter", "schema_org", "main_text", "word_count"}
)


def primary_entity(entities: list[dict[str, Any]]) -> tuple[str, dict[str, Any]] | None:
    """The first entity whose type is one of the promotable types, with that type."""
    for entity in entities:
        for name in entity_types(entity):
            if name in PRIMARY_TYPES:
                return name, entity
    return None


def build_page_json(
    *,
    url: str,
    metadata: dict[str, Any],
    entities: list[dict[str, Any]],
    main_text: str,
    word_count: int,
    promote: bool,
) -> dict[str, Any]:
    page = {"url": url, **{key: metadata.get(key) for key in PAGE_KEYS}}
    result: dict[str, Any] = {"@type": "WebPage"}
    primary = primary_entity(entities) if promote else None
    if primary is not None:
        type_name, entity = primary
        result["@type"] = type_name
        for key, value in entity.items():
            if key not in RESERVED_KEYS and key != "@type":
                result[key] = value
    result.update(
        {
            "page": page,
            "metadata": metadata.get("meta", {}),
            "open_graph": metadata.get("open_graph", {}),
            "twitter": metadata.get("twitter", {}),
            "schema_org": entities,
            "main_text": main_text,
            "word_count": word_count,
        }
    )
    return result
