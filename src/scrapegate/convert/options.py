"""Inputs and output of a conversion."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# The json_v2 filter is the request's own value object, shared with validation.
from scrapegate.domain.scrape_model import SectionFilter

__all__ = ["ConvertOptions", "Converted", "SectionFilter"]


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


@dataclass
class Converted:
    formats: dict[str, Any]
    markdown: str
    metadata: dict[str, Any]
    title: str | None
    description: str | None
    language: str | None
    author: str | None
    published_at: str | None
    content_quality: dict[str, Any]
    word_count: int
    truncation_reason: str | None
