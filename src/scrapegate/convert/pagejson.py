"""The ``json`` format: page metadata, schema.org entities and main text (PDFs: pages and info)."""

from __future__ import annotations

from typing import Any, TypedDict

from scrapegate.convert.metadata import PageMetadata
from scrapegate.convert.schemaorg import entity_types
from scrapegate.domain.document_extras import PdfMetadata
from scrapegate.domain.json_types import JsonObject

PRIMARY_TYPES = (
    "Product", "Article", "NewsArticle", "BlogPosting", "Recipe", "Event", "JobPosting", "FAQPage",
    "LocalBusiness", "Organization", "SoftwareApplication", "Course", "Book", "Movie",
    "VideoObject",
)  # fmt: skip
RESERVED_KEYS = frozenset(
    {"page", "metadata", "open_graph", "twitter", "schema_org", "main_text", "word_count"}
)


class PageSummary(TypedDict):
    """The ``page`` object of the ``json`` format."""

    url: str
    title: str | None
    description: str | None
    language: str | None
    canonical_url: str | None
    author: str | None
    published_at: str | None
    modified_at: str | None
    site_name: str | None
    image: str | None
    favicon: str | None


class PdfPageText(TypedDict):
    number: int
    text: str


# Functional form: "@type" is not an identifier.
PdfPageJson = TypedDict(
    "PdfPageJson",
    {
        "@type": str,
        "page": PageSummary,
        "pdf": PdfMetadata,
        "pages": list[PdfPageText],
        "main_text": str,
    },
)


def page_summary(url: str, metadata: PageMetadata) -> PageSummary:
    return {
        "url": url,
        "title": metadata["title"],
        "description": metadata["description"],
        "language": metadata["language"],
        "canonical_url": metadata["canonical_url"],
        "author": metadata["author"],
        "published_at": metadata["published_at"],
        "modified_at": metadata["modified_at"],
        "site_name": metadata["site_name"],
        "image": metadata["image"],
        "favicon": metadata["favicon"],
    }


def primary_entity(entities: list[JsonObject]) -> tuple[str, JsonObject] | None:
    """The first entity whose type is one of the promotable types, with that type."""
    for entity in entities:
        for name in entity_types(entity):
            if name in PRIMARY_TYPES:
                return name, entity
    return None


def build_page_json(
    *,
    url: str,
    metadata: PageMetadata,
    entities: list[JsonObject],
    main_text: str,
    word_count: int,
    promote: bool,
) -> dict[str, Any]:
    # Not a TypedDict: a promoted entity's own properties become top-level keys of the document.
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
            "page": page_summary(url, metadata),
            "metadata": metadata["meta"],
            "open_graph": metadata["open_graph"],
            "twitter": metadata["twitter"],
            "schema_org": entities,
            "main_text": main_text,
            "word_count": word_count,
        }
    )
    return result
