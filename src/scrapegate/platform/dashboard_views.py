"""What the dashboard analytics answer (``platform.dashboard``): plain data, shaped by ``api/``.

Rates are fractions in 0-1 and percentages 0-100 (``dashboard_window``); times are UTC datetimes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from scrapegate.platform.dashboard_window import Granularity


@dataclass(frozen=True)
class Period:
    period_start: datetime
    period_end: datetime


@dataclass(frozen=True)
class DomainTotals:
    domain: str
    total_requests: int
    successful_requests: int
    failed_requests: int
    success_rate: float
    total_credits: int
    avg_response_time_ms: int | None


@dataclass(frozen=True)
class DomainSummary(DomainTotals):
    most_used_tier: str | None
    last_request_at: datetime | None


@dataclass(frozen=True)
class DomainList:
    domains: list[DomainSummary]
    total_domains: int


@dataclass(frozen=True)
class DomainPlaybook:
    """The tier playbook's view of a domain, looked up by the caller."""

    min_tier: str | None
    override_active: bool


@dataclass(frozen=True)
class ErrorCount:
    error_code: str
    count: int


@dataclass(frozen=True)
class DomainDetail(DomainTotals):
    p95_response_time_ms: int | None
    tier_distribution: dict[str, int]
    error_breakdown: list[ErrorCount]
    status_codes: dict[str, int]  # keyed by the status code as text
    first_request_at: datetime | None
    last_request_at: datetime | None
    playbook: DomainPlaybook


@dataclass(frozen=True)
class Counts:
    requests: int
    successful: int
    failed: int
    credits: int
    avg_response_time_ms: int | None


@dataclass(frozen=True)
class CountsAt(Counts):
    timestamp: datetime


@dataclass(frozen=True)
class DomainTimeseries(Period):
    data: list[CountsAt]
    granularity: Granularity


@dataclass(frozen=True)
class EndpointShare(Counts):
    endpoint_type: str
    percentage: float


@dataclass(frozen=True)
class EndpointStats:
    data: list[EndpointShare]
    total_requests: int
    total_credits: int


@dataclass(frozen=True)
class EndpointsAt:
    timestamp: datetime
    requests: dict[str, int]  # by endpoint type
    credits: dict[str, int]


@dataclass(frozen=True)
class EndpointTimeseries(Period):
    data: list[EndpointsAt]
    granularity: Granularity


@dataclass(frozen=True)
class CountryShare:
    country: str | None
    requests: int
    percentage: float
    success_rate: float


@dataclass(frozen=True)
class GeoDistribution:
    data: list[CountryShare]
    total_requests: int


@dataclass(frozen=True)
class HourCell:
    day_of_week: int  # Monday = 0
    hour: int
    requests: int
    avg_response_time_ms: int | None
    success_rate: float


@dataclass(frozen=True)
class PeakHour:
    hour: int
    requests: int
    percentage: float
    is_peak: bool


@dataclass(frozen=True)
class RequestTypeShare:
    type: str
    requests: int
    percentage: float
    avg_credits: float


@dataclass(frozen=True)
class RequestTypes:
    data: list[RequestTypeShare]
    total_requests: int


@dataclass(frozen=True)
class StatusCodeShare:
    status_code: int
    count: int
    percentage: float


@dataclass(frozen=True)
class StatusFamilies:
    two_xx: int
    three_xx: int
    four_xx: int
    five_xx: int
    no_response: int  # failed requests that never got a status from the target


@dataclass(frozen=True)
class StatusCodes:
    individual: list[StatusCodeShare]
    grouped: StatusFamilies


@dataclass(frozen=True)
class Consumer:
    """A domain or a URL (``key``) and what it consumed."""

    key: str | None
    requests: int
    credits: int
    success_rate: float


@dataclass(frozen=True)
class TopConsumers:
    top_domains: list[Consumer]
    top_urls: list[Consumer]


@dataclass(frozen=True)
class RouteStats:
    route: str
    requests: int
    credits: int
    avg_response_time_ms: int | None
    error_rate: float


@dataclass(frozen=True)
class DayUsage:
    date: date
    requests: int
    successful: int
    failed: int
    credits: int
    cached: int


@dataclass(frozen=True)
class UsageTimeseries(Period):
    data: list[DayUsage]
    total_days: int


@dataclass(frozen=True)
class MonthStats:
    credits_available: int | None
    credits_change_percent: float | None
    total_requests_month: int
    requests_change_percent: float | None
    cache_hit_rate: float
    avg_response_time_ms: int | None
