"""The scrape result as the JSON document a job stores, the cache keeps and the API sends.

Keys come in their wire order; the optional ones are absent, never null.
"""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict

from scrapegate.domain.document_extras import OcrResultItem, PdfMetadata
from scrapegate.domain.extraction import ExtractionFields, extraction_fields
from scrapegate.domain.json_types import JsonObject
from scrapegate.domain.scrape_result import (
    ActionArtifact,
    ActionOutput,
    ActionResult,
    Billing,
    ContentQuality,
    DomainDifficulty,
    Escalation,
    EscalationResult,
    FormatOutput,
    QualityWarning,
    ScrapeResult,
    TierCapWarning,
    Truncation,
)


class RedirectHopDocument(TypedDict):
    url: str
    status_code: int


class ContentQualityDocument(TypedDict):
    """The optional keys are the measurements of a converted page (a raw binary has none)."""

    word_count: int
    text_length: int
    html_bytes: int
    text_to_html_ratio: NotRequired[float]
    image_count: NotRequired[int]
    link_count: NotRequired[int]
    main_content_found: bool
    js_shell_suspected: bool
    block_page_suspected: bool
    login_wall_detected: NotRequired[bool]
    paywall_detected: NotRequired[bool]
    quality_score: int


class QualityWarningDocument(TypedDict):
    code: str
    reason: str
    word_count: int
    content_size_bytes: int


class TruncationDocument(TypedDict):
    truncated: bool
    truncated_at_bytes: int | None
    original_size_bytes: int | None
    truncation_reason: str


class DomainDifficultyDocument(TypedDict):
    success_rate: float
    total_attempts: int
    override_active: bool


class TierCapWarningDocument(TypedDict):
    domain_min_tier: float
    your_force_tier: NotRequired[float]
    your_max_tier: NotRequired[float]


class BillingAddonDocument(TypedDict):
    name: str
    credits: int
    refunded: bool


class EscalationDocument(TypedDict):
    tier: str
    result: EscalationResult
    credits: int
    duration_ms: int | None
    error: str | None


class BillingDocument(TypedDict):
    total_credits: int
    tier_used: str
    tier_name: str
    base_credits: int
    addon_credits: int
    addons: list[BillingAddonDocument]
    escalations: list[EscalationDocument]
    savings: int
    cached: bool
    billing_enabled: bool
    optimization_suggestion: str | None
    byop_applied: bool
    byop_discount_percent: float
    original_cost_microcents: int
    final_cost_microcents: int
    byos_applied: bool
    byos_session_name: str | None


class ArtifactLinkDocument(TypedDict):
    url: str


class SnapshotLinkDocument(TypedDict):
    html_url: str
    length: int


class ActionResultDocument(TypedDict):
    index: int
    type: str
    success: bool
    error: str | None
    duration_ms: int
    result: ActionOutput | ArtifactLinkDocument | SnapshotLinkDocument


class PageFields(TypedDict):
    """The keys every scrape document starts with, in order."""

    job_id: str
    url: str
    final_url: str
    redirected: bool
    redirect_chain: list[RedirectHopDocument]
    status_code: int
    content_type: str | None
    content: str | dict[str, FormatOutput]
    title: str | None
    description: str | None
    language: str | None
    author: str | None
    published_at: str | None
    metadata: JsonObject
    headers: dict[str, str]
    cached: bool
    response_time_ms: int
    size_bytes: int
    warning: str | None
    content_quality: ContentQualityDocument
    quality_warning: QualityWarningDocument | None
    domain_warning: str | None
    domain_difficulty: DomainDifficultyDocument | None
    note: str | None
    time_budget_expired: bool
    content_truncated: TruncationDocument | None


class RawFields(TypedDict, total=False):
    raw_html: str
    raw_encoding: Literal["base64"]


class ChargeFields(TypedDict):
    billing: BillingDocument
    credits_used: int
    tier_cap_warning: TierCapWarningDocument | None


class DocumentExtraFields(TypedDict, total=False):
    pdf_metadata: PdfMetadata
    ocr_results: list[OcrResultItem]


class ArtifactFields(TypedDict, total=False):
    action_results: list[ActionResultDocument]
    screenshot_url: str
    screenshot_base64: str
    pdf_url: str
    pdf_base64: str


class ScrapeResultDocument(
    PageFields, RawFields, ChargeFields, ExtractionFields, DocumentExtraFields, ArtifactFields
):
    """The stored and sent scrape JSON; the optional keys are absent, never null."""


class CachedScrapeDocument(ScrapeResultDocument):
    """A cache hit: the stored document, uncharged, with when it was stored."""

    cached_at: str | None  # never null: ``timefmt.iso`` is typed for a missing time too


def scrape_result_document(result: ScrapeResult) -> ScrapeResultDocument:
    return {
        **_page_fields(result),
        **_raw_fields(result),
        "billing": billing_document(result.billing),
        "credits_used": result.credits_used,
        "tier_cap_warning": _tier_cap_document(result.tier_cap_warning),
        **extraction_fields(result.extraction),
        **_extra_fields(result),
        **_artifact_fields(result),
    }


def _page_fields(r: ScrapeResult) -> PageFields:
    return {
        "job_id": r.job_id,
        "url": r.url,
        "final_url": r.final_url,
        "redirected": r.redirected,
        "redirect_chain": [{"url": h.url, "status_code": h.status_code} for h in r.redirect_chain],
        "status_code": r.status_code,
        "content_type": r.content_type,
        "content": r.content,
        "title": r.title,
        "description": r.description,
        "language": r.language,
        "author": r.author,
        "published_at": r.published_at,
        "metadata": r.metadata,
        "headers": r.headers,
        "cached": r.cached,
        "response_time_ms": r.response_time_ms,
        "size_bytes": r.size_bytes,
        "warning": r.warning,
        "content_quality": _quality_document(r.content_quality),
        "quality_warning": _warning_document(r.quality_warning),
        "domain_warning": r.domain_warning,
        "domain_difficulty": _difficulty_document(r.domain_difficulty),
        "note": r.note,
        "time_budget_expired": r.time_budget_expired,
        "content_truncated": _truncation_document(r.content_truncated),
    }


def _quality_document(q: ContentQuality) -> ContentQualityDocument:
    c = q.converted
    if c is None:  # the converter never ran: only what the raw body tells, in this order
        return {
            "word_count": q.word_count,
            "text_length": q.text_length,
            "html_bytes": q.html_bytes,
            "main_content_found": q.main_content_found,
            "quality_score": q.quality_score,
            "js_shell_suspected": q.js_shell_suspected,
            "block_page_suspected": q.block_page_suspected,
        }
    return {
        "word_count": q.word_count,
        "text_length": q.text_length,
        "html_bytes": q.html_bytes,
        "text_to_html_ratio": c.text_to_html_ratio,
        "image_count": c.image_count,
        "link_count": c.link_count,
        "main_content_found": q.main_content_found,
        "js_shell_suspected": q.js_shell_suspected,
        "block_page_suspected": q.block_page_suspected,
        "login_wall_detected": c.login_wall_detected,
        "paywall_detected": c.paywall_detected,
        "quality_score": q.quality_score,
    }


def _warning_document(w: QualityWarning | None) -> QualityWarningDocument | None:
    if w is None:
        return None
    return {
        "code": w.code,
        "reason": w.reason,
        "word_count": w.word_count,
        "content_size_bytes": w.content_size_bytes,
    }


def _difficulty_document(d: DomainDifficulty | None) -> DomainDifficultyDocument | None:
    if d is None:
        return None
    return {
        "success_rate": d.success_rate,
        "total_attempts": d.total_attempts,
        "override_active": d.override_active,
    }


def _truncation_document(t: Truncation | None) -> TruncationDocument | None:
    if t is None:
        return None
    return {
        "truncated": True,
        "truncated_at_bytes": t.truncated_at_bytes,
        "original_size_bytes": t.original_size_bytes,
        "truncation_reason": t.truncation_reason,
    }


def _raw_fields(r: ScrapeResult) -> RawFields:
    fields: RawFields = {}
    if r.raw_html is not None:
        fields["raw_html"] = r.raw_html
    if r.raw_encoding is not None:
        fields["raw_encoding"] = r.raw_encoding
    return fields


def billing_document(b: Billing) -> BillingDocument:
    return {
        "total_credits": b.total_credits,
        "tier_used": b.tier_used,
        "tier_name": b.tier_name,
        "base_credits": b.base_credits,
        "addon_credits": b.addon_credits,
        "addons": [
            {"name": a.name, "credits": a.credits, "refunded": a.refunded} for a in b.addons
        ],
        "escalations": [_escalation_document(e) for e in b.escalations],
        "savings": b.savings,
        "cached": b.cached,
        "billing_enabled": b.billing_enabled,
        "optimization_suggestion": b.optimization_suggestion,
        "byop_applied": b.byop_applied,
        "byop_discount_percent": b.byop_discount_percent,
        "original_cost_microcents": b.original_cost_microcents,
        "final_cost_microcents": b.final_cost_microcents,
        "byos_applied": b.byos_applied,
        "byos_session_name": b.byos_session_name,
    }


def _escalation_document(e: Escalation) -> EscalationDocument:
    return {
        "tier": e.tier,
        "result": e.result,
        "credits": e.credits,
        "duration_ms": e.duration_ms,
        "error": e.error,
    }


def _tier_cap_document(w: TierCapWarning | None) -> TierCapWarningDocument | None:
    if w is None:
        return None
    document: TierCapWarningDocument = {"domain_min_tier": w.domain_min_tier}
    if w.your_force_tier is not None:
        document["your_force_tier"] = w.your_force_tier
    if w.your_max_tier is not None:
        document["your_max_tier"] = w.your_max_tier
    return document


def _extra_fields(r: ScrapeResult) -> DocumentExtraFields:
    fields: DocumentExtraFields = {}
    if r.pdf_metadata is not None:
        fields["pdf_metadata"] = r.pdf_metadata
    if r.ocr_results is not None:
        fields["ocr_results"] = list(r.ocr_results)
    return fields


def _artifact_fields(r: ScrapeResult) -> ArtifactFields:
    fields: ArtifactFields = {}
    if r.action_results is not None:
        fields["action_results"] = [_action_document(a) for a in r.action_results]
    # Browser tiers take the screenshot before printing the PDF: the keys follow that order.
    if r.screenshot_url is not None:
        fields["screenshot_url"] = r.screenshot_url
    if r.screenshot_base64 is not None:
        fields["screenshot_base64"] = r.screenshot_base64
    if r.pdf_url is not None:
        fields["pdf_url"] = r.pdf_url
    if r.pdf_base64 is not None:
        fields["pdf_base64"] = r.pdf_base64
    return fields


def _action_document(a: ActionResult) -> ActionResultDocument:
    return {
        "index": a.index,
        "type": a.type,
        "success": a.success,
        "error": a.error,
        "duration_ms": a.duration_ms,
        "result": a.result if a.artifact is None else _artifact_link(a.artifact),
    }


def _artifact_link(artifact: ActionArtifact) -> ArtifactLinkDocument | SnapshotLinkDocument:
    if artifact.kind == "snapshot":
        return {"html_url": artifact.url, "length": artifact.size}
    return {"url": artifact.url}
