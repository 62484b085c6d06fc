"""The result of one scrape, as the engine returns it.

``scrapegate.domain.scrape_document`` turns it into the JSON document a job stores and the API
sends.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, TypeAlias, TypedDict

from scrapegate.domain.document_extras import OcrResultItem, PdfMetadata
from scrapegate.domain.extraction import ExtractionOutcome
from scrapegate.domain.json_types import JsonObject, JsonValue

EscalationResult = Literal["skipped", "success", "failed"]
# One requested format's output: text, or a JSON document whose type the converter defines.
FormatOutput: TypeAlias = "str | Mapping[str, object] | None"


@dataclass(frozen=True, slots=True)
class RedirectHop:
    url: str
    status_code: int


@dataclass(frozen=True, slots=True)
class ConvertedQuality:
    """The measurements only a converted page has (a raw binary body has none)."""

    text_to_html_ratio: float
    image_count: int
    link_count: int
    login_wall_detected: bool
    paywall_detected: bool


@dataclass(frozen=True, slots=True)
class ContentQuality:
    word_count: int
    text_length: int
    html_bytes: int
    main_content_found: bool
    quality_score: int
    js_shell_suspected: bool
    block_page_suspected: bool
    converted: ConvertedQuality | None = None


@dataclass(frozen=True, slots=True)
class QualityWarning:
    code: str  # THIN_CONTENT or JS_SHELL
    reason: str
    word_count: int
    content_size_bytes: int


@dataclass(frozen=True, slots=True)
class Truncation:
    """The content was cut: by the response body cap or by the converter."""

    truncated_at_bytes: int | None
    original_size_bytes: int | None
    truncation_reason: str


@dataclass(frozen=True, slots=True)
class DomainDifficulty:
    success_rate: float
    total_attempts: int
    override_active: bool


@dataclass(frozen=True, slots=True)
class TierCapWarning:
    """The request capped tiers below the domain's playbook minimum (one of the caps is set)."""

    domain_min_tier: float
    your_force_tier: float | None = None
    your_max_tier: float | None = None


@dataclass(frozen=True, slots=True)
class BillingAddon:
    name: str
    credits: int
    refunded: bool


@dataclass(frozen=True, slots=True)
class Escalation:
    tier: str
    result: EscalationResult
    credits: int
    duration_ms: int | None
    error: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Billing:
    total_credits: int
    tier_used: str
    tier_name: str
    base_credits: int
    addon_credits: int
    addons: tuple[BillingAddon, ...]
    escalations: tuple[Escalation, ...]
    savings: int
    billing_enabled: bool
    optimization_suggestion: str | None
    original_cost_microcents: int
    final_cost_microcents: int
    cached: bool = False
    byop_applied: bool = False
    byop_discount_percent: float = 0.0
    byos_applied: bool = False
    byos_session_name: str | None = None


class SelectorFound(TypedDict):
    found: bool


class ClickCount(TypedDict):
    clicked: int


class ScrollCount(TypedDict):
    scrolls: int


class StoredArtifact(TypedDict):
    artifact_index: int  # position in the fetched page's artifacts, before the file is stored


class StoredSnapshot(TypedDict):
    artifact_index: int
    length: int  # characters of the captured HTML


# What an action reports; an evaluate action reports whatever JSON the page's script returned.
ActionOutput: TypeAlias = (
    "SelectorFound | ClickCount | ScrollCount | StoredArtifact | StoredSnapshot | JsonValue"
)


@dataclass(frozen=True, slots=True)
class ActionArtifact:
    """A file an action produced, stored by the server and served at ``url``."""

    kind: str  # "screenshot", "pdf", "snapshot"
    url: str
    size: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionResult:
    """One browser action's outcome: the fetcher reports it, the engine adds its stored file."""

    index: int
    type: str
    success: bool
    error: str | None
    duration_ms: int
    result: ActionOutput
    artifact: ActionArtifact | None = None  # replaces ``result`` once the file is stored


@dataclass(frozen=True, slots=True, kw_only=True)
class ScrapeResult:
    """A finished scrape. ``None`` in the optional fields at the end means the key is absent."""

    job_id: str
    url: str
    final_url: str
    redirect_chain: tuple[RedirectHop, ...]
    status_code: int
    content_type: str | None
    content: str | dict[str, FormatOutput]  # markdown, or one output per requested format
    title: str | None
    description: str | None
    language: str | None
    author: str | None
    published_at: str | None
    metadata: JsonObject
    headers: dict[str, str]
    response_time_ms: int
    size_bytes: int
    warning: str | None
    content_quality: ContentQuality
    quality_warning: QualityWarning | None
    domain_warning: str | None
    domain_difficulty: DomainDifficulty | None
    time_budget_expired: bool
    content_truncated: Truncation | None
    billing: Billing
    tier_cap_warning: TierCapWarning | None
    cached: bool = False
    note: str | None = None
    raw_html: str | None = None
    raw_encoding: Literal["base64"] | None = None
    extraction: ExtractionOutcome | None = None  # with extraction_schema or extraction_profile
    pdf_metadata: PdfMetadata | None = None
    ocr_results: tuple[OcrResultItem, ...] | None = None
    action_results: tuple[ActionResult, ...] | None = None
    screenshot_url: str | None = None
    screenshot_base64: str | None = None
    pdf_url: str | None = None
    pdf_base64: str | None = None

    @property
    def redirected(self) -> bool:
        return self.final_url != self.url

    @property
    def credits_used(self) -> int:
        return self.billing.total_credits
