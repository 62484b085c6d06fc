"""Response models of the usage routes (``api/usage.py``, ``api/usage_analytics.py``)."""

from __future__ import annotations

from pydantic import Field

from scrapegate.api.wire import WireModel, WireTime


class UsageResponse(WireModel):
    """Balance and usage of the current calendar month."""

    credits_available: int | None = Field(description="null when billing is off")
    credits_used: int
    credits_limit: int | None
    requests_count: int
    subscription_tier: str
    billing_period_start: WireTime
    billing_period_end: WireTime
    billing_enabled: bool
    balance_display: str | None


class KeyUsageItem(WireModel):
    api_key_id: str
    name: str
    key_prefix: str
    requests: int
    successful_requests: int
    failed_requests: int
    spend_microcents: int
    last_used_at: WireTime | None
    limits: None = Field(default=None, description="Per-key limits: none are kept")
    deleted: bool


class UsageByKeyResponse(WireModel):
    keys: list[KeyUsageItem]
    account_total_spend_microcents: int
    account_total_requests: int
    period_start: WireTime
    period_end: WireTime


class SpendEstimateResponse(WireModel):
    avg_cost_per_request: float
    total_cost_microcents: int
    request_count: int
    window_days: int
    has_enough_data: bool = Field(description="False below 20 requests in the window")
    balance_microcents: int | None
    estimated_requests_remaining: int | None
    estimated_days_remaining: float | None
