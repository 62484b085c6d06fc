"""Inputs and output of a conversion."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeAlias

from scrapegate.convert.content_format import ContentDocument
from scrapegate.convert.json_v2 import JsonV2Document
from scrapegate.convert.pagejson import PdfPageJson
from scrapegate.convert.quality import ContentQuality
from scrapegate.convert.rag import RagDocument
from scrapegate.domain.extraction import ExtractionOutcome
from scrapegate.domain.page_facts import PageFacts

# The json_v2 filter is the request's own value object, shared with validation.
from scrapegate.domain.scrape_model import SectionFilter

__all__ = ["ConvertOptions", "Converted", "FormatValue", "SectionFilter"]

# markdown, text and html are strings; dict[str, Any] is the json format of HTML pages, whose
# promoted schema.org properties are top-level keys the page decides.
FormatValue: TypeAlias = (
    str | JsonV2Document | RagDocument | ContentDocument | PdfPageJson | dict[str, Any]
)


@dataclass(frozen=True)
class ConvertOptions:
    only_main_content: bool = True
    include_selectors: tuple[str, ...] = ()
    exclude_selectors: tuple[str, ...] = ()
    remove_cookie_banners: bool = True
    remove_base64_images: bool = True
    section_filter: SectionFilter | None = None
    rag_chunk_tokens: int = 512
    rag_overlap_tokens: int = 64
    promote_schema_org: bool = True
    discover_links: bool = False  # a crawl follows the page's links: collect them from the parse
    collect_facts: bool = False  # the request asks for extraction: read PageFacts from the parse


@dataclass
class Converted:
    # Values are FormatValue, widened: the engine passes them on as JsonObject, which no
    # TypedDict converts to.
    formats: dict[str, Any]
    markdown: str
    # A PageMetadata, widened the same way (engine/documents.py also spreads it into a dict).
    metadata: dict[str, Any]
    title: str | None
    description: str | None
    language: str | None
    author: str | None
    published_at: str | None
    content_quality: ContentQuality
    word_count: int
    truncation_reason: str | None
    links: tuple[str, ...] | None = None  # the page's links, when ``discover_links`` asked
    facts: PageFacts | None = None  # what extraction reads, when ``collect_facts`` asked
    extraction: ExtractionOutcome | None = None  # set by the conversion task, which drops facts
