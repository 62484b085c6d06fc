"""Request and response models of ``/api/v1/extract`` and its estimate, usage and template
routes. Request bodies only document (domain/extract_request.py and jobs/extract_templates.py
validate them); responses mirror the services' dataclasses."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from scrapegate.api.body_docs import RequestModel, one_of
from scrapegate.api.wire import WireModel, WireTime
from scrapegate.domain.extract_request import (
    CACHE_MODES,
    CONTENT_TYPES,
    DEFAULT_CACHE_TTL_S,
    MAX_CACHE_TTL_S,
    MAX_CONTENT_CHARS,
    MAX_SOURCE_URL_CHARS,
)
from scrapegate.domain.request_rules import FORMATS, LLM_PROVIDERS, MAX_PROMPT_CHARS, PROFILES
from scrapegate.jobs.extract_templates import MAX_DESCRIPTION_CHARS, MAX_NAME_CHARS


class ExtractRequestBody(RequestModel):
    """``POST /api/v1/extract``: nothing is fetched; ``source_url`` only absolutises links."""

    content: str = Field(min_length=1, max_length=MAX_CONTENT_CHARS)
    content_type: Annotated[str, one_of(CONTENT_TYPES)] = "html"
    extraction_schema: dict[str, Any] | None = Field(
        None, description="JSON Schema or shorthand, at most 65536 bytes"
    )
    extraction_profile: Annotated[str, one_of(PROFILES)] | None = None
    extraction_template: str | None = Field(
        None, description="a built-in profile slug or a saved template id; not with a profile"
    )
    extraction_prompt: str | None = Field(
        None, max_length=MAX_PROMPT_CHARS, description="needs an LLM (LLM_KEY_MISSING otherwise)"
    )
    extraction_provider: Annotated[str, one_of(LLM_PROVIDERS)] | None = None
    extraction_model: str | None = Field(None, max_length=200)
    formats: list[Annotated[str, one_of(FORMATS)]] = Field(
        default_factory=lambda: ["json"],
        description="json holds the extraction result when one is asked, else the page JSON",
    )
    source_url: str | None = Field(None, max_length=MAX_SOURCE_URL_CHARS)
    evidence: bool = False
    promote_schema_org: bool = True
    cache: Annotated[str, one_of(CACHE_MODES)] = "auto"
    cache_ttl: int = Field(DEFAULT_CACHE_TTL_S, ge=1, le=MAX_CACHE_TTL_S, description="seconds")


class ExtractMetadataBody(WireModel):
    mode: Literal["algorithmic", "byok", "server"]
    provider: str | None
    model: str | None
    input_tokens: int | None
    output_tokens: int | None
    cost_microcents: int
    cached: bool
    latency_ms: int


class ExtractResponse(WireModel):
    """A finished extraction; ``evidence`` only with ``evidence: true``."""

    extract_id: str
    formats: dict[str, Any]
    extraction_result: dict[str, Any] | None
    extraction_method: Literal["algorithmic", "llm", "hybrid"] | None
    extraction_profile: str | None
    credits_used: int
    cache_hit: bool
    content_size_chars: int
    model_used: str | None
    extraction_metadata: ExtractMetadataBody | None
    warning: str | None
    evidence: dict[str, Any] | None = None


class EstimateBreakdownBody(WireModel):
    base_fee_microcents: int
    llm_invocation: bool
    estimated_input_tokens: int
    estimated_output_tokens: int
    note: str


class ExtractEstimateResponse(WireModel):
    estimated_cost_microcents: int
    estimated_cost_usd: float
    breakdown: EstimateBreakdownBody


class ExtractionUsageItem(WireModel):
    id: str
    created_at: WireTime
    source: Literal["extract", "scrape"]
    source_url: str | None
    content_type: str
    content_size_chars: int
    mode: Literal["algorithmic", "byok", "server"]
    provider: str | None
    model: str | None
    input_tokens: int | None
    output_tokens: int | None
    cost_microcents: int
    cached: bool
    latency_ms: int
    status: Literal["success", "error"]
    error_code: str | None


class ExtractionUsageResponse(WireModel):
    items: list[ExtractionUsageItem]
    total: int
    page: int
    page_size: int
    has_more: bool


class ProviderUsageBody(WireModel):
    provider: str
    requests: int
    input_tokens: int
    output_tokens: int


class ExtractionUsageSummaryResponse(WireModel):
    total_requests: int
    total_cost_microcents: int
    period_start: WireTime
    period_end: WireTime
    cached_requests: int
    llm_requests: int
    algorithmic_requests: int
    total_input_tokens: int
    total_output_tokens: int
    by_provider: list[ProviderUsageBody]


class TemplateBody(RequestModel):
    """``POST /api/v1/extract/templates``."""

    name: str = Field(
        min_length=1, max_length=MAX_NAME_CHARS, description="unique per organization"
    )
    schema_: dict[str, Any] = Field(
        alias="schema", description="JSON Schema or shorthand, at most 65536 bytes"
    )
    description: str | None = Field(None, max_length=MAX_DESCRIPTION_CHARS)


class TemplateResponse(WireModel):
    """A template; built-ins have their slug as id and no ``created_at``."""

    id: str
    name: str
    description: str | None
    schema_: dict[str, Any] = Field(alias="schema")
    builtin: bool
    created_at: WireTime | None


class TemplateListResponse(WireModel):
    templates: list[TemplateResponse]
    total: int
