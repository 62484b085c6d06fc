"""The extraction estimate and the extraction usage history and totals, read from the log."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from scrapegate.domain.extract_request import MAX_CONTENT_CHARS
from scrapegate.domain.extraction_records import ExtractionRun, ProviderTotals
from scrapegate.domain.records import utcnow
from scrapegate.errors import InvalidRequest
from scrapegate.storage.extraction_protocol import ExtractionRunRepository

CHARS_PER_TOKEN = 4  # the usual rule of thumb for English text and markup
ESTIMATED_OUTPUT_TOKENS = 1_000
MAX_PAGE_SIZE = 200
MAX_HOURS = 8_760
MAX_DAYS = 365
DEFAULT_DAYS = 30
MICROCENTS_PER_USD = 1_000_000
LLM_NOTE = "LLM tokens are billed by your provider to your own key."
ALGORITHMIC_NOTE = "Without an extraction prompt no LLM is invoked: no tokens are used."


@dataclass(frozen=True)
class EstimateBreakdown:
    base_fee_microcents: int
    llm_invocation: bool
    estimated_input_tokens: int
    estimated_output_tokens: int
    note: str


@dataclass(frozen=True)
class ExtractEstimate:
    estimated_cost_microcents: int
    estimated_cost_usd: float
    breakdown: EstimateBreakdown


@dataclass(frozen=True)
class UsagePage:
    items: list[ExtractionRun]
    total: int
    page: int
    page_size: int
    has_more: bool


@dataclass(frozen=True)
class UsageSummary:
    total_requests: int
    total_cost_microcents: int
    period_start: datetime
    period_end: datetime
    cached_requests: int
    llm_requests: int
    algorithmic_requests: int
    total_input_tokens: int
    total_output_tokens: int
    by_provider: list[ProviderTotals]


def estimate(price: int, content_length: int | None, has_prompt: bool) -> ExtractEstimate:
    """The per-call price; token counts only matter when an LLM would run."""
    if content_length is None or not 1 <= content_length <= MAX_CONTENT_CHARS:
        raise InvalidRequest(
            f"content_length must be between 1 and {MAX_CONTENT_CHARS}", "content_length"
        )
    tokens_in = math.ceil(content_length / CHARS_PER_TOKEN) if has_prompt else 0
    return ExtractEstimate(
        estimated_cost_microcents=price,
        estimated_cost_usd=price / MICROCENTS_PER_USD,
        breakdown=EstimateBreakdown(
            base_fee_microcents=price,
            llm_invocation=has_prompt,
            estimated_input_tokens=tokens_in,
            estimated_output_tokens=ESTIMATED_OUTPUT_TOKENS if has_prompt else 0,
            note=LLM_NOTE if has_prompt else ALGORITHMIC_NOTE,
        ),
    )


def _day(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        try:
            return datetime.fromisoformat(value).astimezone(UTC).date()
        except ValueError:
            raise InvalidRequest(f"{name} must be a date (YYYY-MM-DD)", name) from None


def day_window(
    date_from: str | None, date_to: str | None
) -> tuple[datetime | None, datetime | None]:
    """[start of ``date_from``, end of ``date_to``) in UTC; both days are included."""
    first, last = _day(date_from, "date_from"), _day(date_to, "date_to")
    if first is not None and last is not None and first > last:
        raise InvalidRequest("date_from must not be after date_to", "date_from")
    since = None if first is None else datetime.combine(first, time(), UTC)
    until = None if last is None else datetime.combine(last + timedelta(days=1), time(), UTC)
    return since, until


def page_bounds(page: int, page_size: int) -> tuple[int, int]:
    """(page, page size): a page size above the maximum is clamped, not refused."""
    if page < 1:
        raise InvalidRequest("page must be at least 1", "page")
    if page_size < 1:
        raise InvalidRequest(f"page_size must be between 1 and {MAX_PAGE_SIZE}", "page_size")
    return page, min(page_size, MAX_PAGE_SIZE)


def summary_window(hours: int | None, days: int | None, now: datetime) -> tuple[datetime, datetime]:
    if hours is not None and days is not None:
        raise InvalidRequest("Provide hours or days, not both", "hours")
    if hours is not None:
        if not 1 <= hours <= MAX_HOURS:
            raise InvalidRequest(f"hours must be between 1 and {MAX_HOURS}", "hours")
        return now - timedelta(hours=hours), now
    span = DEFAULT_DAYS if days is None else days
    if not 1 <= span <= MAX_DAYS:
        raise InvalidRequest(f"days must be between 1 and {MAX_DAYS}", "days")
    return now - timedelta(days=span), now


class ExtractUsage:
    def __init__(
        self, runs: ExtractionRunRepository, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self._runs = runs
        self._clock = clock

    async def history(
        self, org_id: str, page: int, page_size: int, date_from: str | None, date_to: str | None
    ) -> UsagePage:
        page, size = page_bounds(page, page_size)
        since, until = day_window(date_from, date_to)
        total = await self._runs.count(org_id, since, until)
        items = await self._runs.page(org_id, since, until, offset=(page - 1) * size, limit=size)
        return UsagePage(
            items=items, total=total, page=page, page_size=size, has_more=page * size < total
        )

    async def summary(self, org_id: str, hours: int | None, days: int | None) -> UsageSummary:
        since, until = summary_window(hours, days, self._clock())
        totals = await self._runs.totals(org_id, since, until)
        return UsageSummary(
            total_requests=totals.requests,
            total_cost_microcents=totals.cost_microcents,
            period_start=since,
            period_end=until,
            cached_requests=totals.cached,
            llm_requests=totals.llm,
            algorithmic_requests=totals.algorithmic,
            total_input_tokens=totals.input_tokens,
            total_output_tokens=totals.output_tokens,
            by_provider=list(totals.by_provider),
        )
