"""Inputs and output of a conversion."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SectionFilter:
    """Rules applied to the ``json_v2`` section tree after it is built (spec §7.2)."""

    min_content_blocks: int = 0
    exclude_content_types: tuple[str, ...] = ()
    content_only: bool = False


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
