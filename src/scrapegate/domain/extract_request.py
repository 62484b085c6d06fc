"""POST /api/v1/extract bodies: extraction from content the caller supplies (nothing fetched)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

import orjson

from scrapegate.domain.json_types import JsonObject
from scrapegate.domain.request_fields import FieldReader
from scrapegate.domain.request_rules import read_extraction, read_formats
from scrapegate.domain.validation_context import ValidationContext
from scrapegate.errors import InvalidRequest

CONTENT_TYPES: tuple[str, ...] = ("html", "text", "markdown")
CACHE_MODES: tuple[str, ...] = ("auto", "skip", "only")
MAX_CONTENT_CHARS = 5_000_000
MAX_SOURCE_URL_CHARS = 2_048
MAX_TEMPLATE_CHARS = 100
DEFAULT_CACHE_TTL_S = 3_600
MAX_CACHE_TTL_S = 86_400
BOTH_PROFILE_AND_TEMPLATE = "Provide either extraction_profile or extraction_template, not both"

ContentType = Literal["html", "text", "markdown"]
CacheMode = Literal["auto", "skip", "only"]


@dataclass(frozen=True)
class ExtractRequest:
    content: str
    content_type: ContentType = "html"
    extraction_schema: JsonObject | None = None
    extraction_profile: str | None = None
    extraction_template: str | None = None  # a built-in slug or a saved template's id
    extraction_prompt: str | None = None
    extraction_provider: str | None = None
    extraction_model: str | None = None
    formats: tuple[str, ...] = ("json",)
    source_url: str | None = None
    evidence: bool = False
    promote_schema_org: bool = True
    cache: CacheMode = "auto"
    cache_ttl: int = DEFAULT_CACHE_TTL_S

    @property
    def wants_extraction(self) -> bool:
        asked = (self.extraction_schema, self.extraction_profile, self.extraction_template)
        return any(value is not None for value in (*asked, self.extraction_prompt))

    def cache_key(self, org_id: str) -> str:
        """What makes two calls answer the same, per organization (the TTL does not)."""
        fields = {
            "org_id": org_id,
            "content_sha256": hashlib.sha256(
                self.content.encode("utf-8", "surrogatepass")
            ).hexdigest(),
            "content_type": self.content_type,
            "schema": self.extraction_schema,
            "profile": self.extraction_profile,
            "template": self.extraction_template,
            "prompt": self.extraction_prompt,
            "provider": self.extraction_provider,
            "model": self.extraction_model,
            "formats": sorted(self.formats),
            "source_url": self.source_url,
            "evidence": self.evidence,
            "promote_schema_org": self.promote_schema_org,
        }
        encoded = orjson.dumps(fields, option=orjson.OPT_SORT_KEYS)
        return "extract:" + hashlib.sha256(encoded).hexdigest()


def _content(top: FieldReader) -> str:
    if not top.has("content"):
        raise top.error("content", "content is required")
    content = top.string("content")
    if content is None or not 1 <= len(content) <= MAX_CONTENT_CHARS:
        raise top.error("content", f"content must be between 1 and {MAX_CONTENT_CHARS} characters")
    return content


def _source_url(top: FieldReader) -> str | None:
    url = top.string(
        "source_url",
        MAX_SOURCE_URL_CHARS,
        f"source_url must be at most {MAX_SOURCE_URL_CHARS} characters",
    )
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise top.error("source_url", "source_url must be an absolute http or https URL")
    return url


def _template(top: FieldReader, profile: str | None) -> str | None:
    template = top.string(
        "extraction_template",
        MAX_TEMPLATE_CHARS,
        f"extraction_template must be at most {MAX_TEMPLATE_CHARS} characters",
    )
    if template is not None and profile is not None:
        raise top.error("extraction_template", BOTH_PROFILE_AND_TEMPLATE)
    return template


def _cache(top: FieldReader) -> tuple[CacheMode, int]:
    mode = top.choice("cache", CACHE_MODES, f"cache must be one of: {', '.join(CACHE_MODES)}")
    ttl = top.integer(
        "cache_ttl",
        1,
        MAX_CACHE_TTL_S,
        f"cache_ttl must be between 1 and {MAX_CACHE_TTL_S} seconds",
    )
    cache: CacheMode = "skip" if mode == "skip" else "only" if mode == "only" else "auto"
    return cache, DEFAULT_CACHE_TTL_S if ttl is None else ttl


def _content_type(top: FieldReader) -> ContentType:
    kind = top.choice(
        "content_type", CONTENT_TYPES, f"content_type must be one of: {', '.join(CONTENT_TYPES)}"
    )
    return "text" if kind == "text" else "markdown" if kind == "markdown" else "html"


def parse_extract_request(body: object, ctx: ValidationContext) -> ExtractRequest:
    """The request, or the first rule it breaks (the LLM rules answer ``LLM_KEY_MISSING``)."""
    if not isinstance(body, Mapping):
        raise InvalidRequest("Request body is not valid JSON")
    top = FieldReader(body)
    content = _content(top)
    content_type = _content_type(top)
    extraction = read_extraction(top, ctx)
    template = _template(top, extraction["extraction_profile"])
    cache, cache_ttl = _cache(top)
    return ExtractRequest(
        content=content,
        content_type=content_type,
        extraction_template=template,
        formats=read_formats(top) or ("json",),
        source_url=_source_url(top),
        evidence=top.boolean("evidence", False),
        promote_schema_org=top.boolean("promote_schema_org", True),
        cache=cache,
        cache_ttl=cache_ttl,
        **extraction,
    )
