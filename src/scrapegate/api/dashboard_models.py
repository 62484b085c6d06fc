"""Response models of the dashboard analytics routes (``api/dashboard.py``).

Each mirrors a dataclass of ``platform.dashboard_views``; fields are declared in wire order.
Rates are 0-1 with four decimals, percentages 0-100 with two.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field

from scrapegate.api.wire import WireModel, WireTime


class DomainTotalsBody(WireModel):
    domain: str
    total_requests: int
    successful_requests: int
    failed_requests: int
    success_rate: float
    total_credits: int
    avg_response_time_ms: int | None


class DomainSummaryItem(DomainTotalsBody):
    most_used_tier: str | None
    last_request_at: WireTime | None


class DomainAnalyticsResponse(WireModel):
    domains: list[DomainSummaryItem]
    total_domains: int


class DomainPlaybookBody(WireModel):
    min_tier: str | None
    override_active: bool


class ErrorCountItem(WireModel):
    error_code: str
    count: int


class DomainDetailResponse(DomainTotalsBody):
    p95_response_time_ms: int | None
    tier_distribution: dict[str, int]
    error_breakdown: list[ErrorCountItem]
    status_codes: dict[str, int] = Field(description="Requests by target status code")
    first_request_at: WireTime | None
    last_request_at: WireTime | None
    playbook: DomainPlaybookBody


class DomainPoint(WireModel):
    timestamp: WireTime
    requests: int
    successful: int
    failed: int
    credits: int
    avg_response_time_ms: int | None


class DomainTimeseriesResponse(WireModel):
    data: list[DomainPoint]
    period_start: WireTime
    period_end: WireTime
    granularity: Literal["hour", "day"]


class EndpointShareItem(WireModel):
    endpoint_type: str
    requests: int
    successful: int
    failed: int
    credits: int
    avg_response_time_ms: int | None
    percentage: float


class EndpointStatsResponse(WireModel):
    data: list[EndpointShareItem]
    total_requests: int
    total_credits: int


class EndpointPoint(WireModel):
    timestamp: WireTime
    requests: dict[str, int] = Field(description="By endpoint type")
    credits: dict[str, int] = Field(description="By endpoint type")


class EndpointTimeseriesResponse(WireModel):
    data: list[EndpointPoint]
    period_start: WireTime
    period_end: WireTime
    granularity: Literal["hour", "day"]


class CountryShareItem(WireModel):
    country: str | None
    requests: int
    percentage: float
    success_rate: float


class GeoDistributionResponse(WireModel):
    data: list[CountryShareItem]
    total_requests: int


class HourCellItem(WireModel):
    day_of_week: int = Field(description="0 is Monday")
    hour: int
    requests: int
    avg_response_time_ms: int | None
    success_rate: float


class HourlyPatternsResponse(WireModel):
    data: list[HourCellItem]


class PeakHourItem(WireModel):
    hour: int
    requests: int
    percentage: float
    is_peak: bool


class PeakHoursResponse(WireModel):
    data: list[PeakHourItem]


class RequestTypeItem(WireModel):
    type: str
    requests: int
    percentage: float
    avg_credits: float


class RequestTypesResponse(WireModel):
    data: list[RequestTypeItem]
    total_requests: int


class StatusCodeItem(WireModel):
    status_code: int
    count: int
    percentage: float


class StatusFamiliesBody(WireModel):
    two_xx: int = Field(serialization_alias="2xx")
    three_xx: int = Field(serialization_alias="3xx")
    four_xx: int = Field(serialization_alias="4xx")
    five_xx: int = Field(serialization_alias="5xx")
    no_response: int


class StatusCodesResponse(WireModel):
    individual: list[StatusCodeItem]
    grouped: StatusFamiliesBody


class TopDomainItem(WireModel):
    domain: str | None = Field(validation_alias="key")
    requests: int
    credits: int
    success_rate: float


class TopUrlItem(WireModel):
    url: str | None = Field(validation_alias="key")
    requests: int
    credits: int
    success_rate: float


class TopConsumersResponse(WireModel):
    top_domains: list[TopDomainItem]
    top_urls: list[TopUrlItem]


class RouteStatsItem(WireModel):
    route: str = Field(description='"METHOD /path"')
    requests: int
    credits: int
    avg_response_time_ms: int | None
    error_rate: float


class TopEndpointsResponse(WireModel):
    data: list[RouteStatsItem]


class DayUsageItem(WireModel):
    date: dt.date
    requests: int
    successful: int
    failed: int
    credits: int
    cached: int


class UsageTimeseriesResponse(WireModel):
    data: list[DayUsageItem]
    period_start: WireTime
    period_end: WireTime
    total_days: int


class DashboardStatsResponse(WireModel):
    credits_available: int | None
    credits_change_percent: float | None
    total_requests_month: int
    requests_change_percent: float | None
    cache_hit_rate: float
    avg_response_time_ms: int | None


class DashboardLogEntry(WireModel):
    id: str
    job_id: str | None
    created_at: WireTime
    url: str | None
    domain: str | None
    source: str | None
    endpoint_type: str | None
    mode: str | None
    status: str
    error_code: str | None
    status_code: int | None = Field(description="The target's HTTP status")
    tier_used: str | None
    credits_used: int
    cached: bool
    response_time_ms: int
    crawl_id: str | None
    api_key_id: str | None
    api_key_name: str | None


class CrawlSummaryItem(WireModel):
    crawl_id: str
    url: str | None = Field(description="null once the crawl itself was purged")
    domain: str | None
    total_pages: int
    successful_pages: int
    failed_pages: int
    credits_used: int
    started_at: WireTime | None
    ended_at: WireTime | None


class CrawlGroupEntry(WireModel):
    type: Literal["crawl_group"]
    crawl_id: str
    summary: CrawlSummaryItem
    children: list[DashboardLogEntry]


class DetailedLogsResponse(WireModel):
    logs: list[DashboardLogEntry | CrawlGroupEntry]
    total: int
    limit: int
    offset: int
    has_more: bool


class CrawlGroupsResponse(WireModel):
    groups: list[CrawlSummaryItem]
    total: int
    limit: int
    offset: int
    has_more: bool


class DashboardJob(WireModel):
    id: str
    url: str | None
    mode: str | None
    status: str
    source: str | None
    credits_used: int
    tier_used: str | None
    status_code: int | None = Field(description="The target's HTTP status")
    error_code: str | None
    response_time_ms: int | None
    created_at: WireTime
    completed_at: WireTime | None


class DashboardJobDetail(DashboardJob):
    started_at: WireTime | None
    api_key_id: str | None
    error: str | None
    request: dict[str, Any] | None = Field(description="The request, secrets masked")
    billing: dict[str, Any]
    result_available: bool
    result_expires_at: WireTime | None
    result: dict[str, Any] | None


class DashboardJobsResponse(WireModel):
    jobs: list[DashboardJob]
    total: int
    limit: int
    offset: int
    has_more: bool


class RecentJobsResponse(WireModel):
    jobs: list[DashboardJob]
    total: int
