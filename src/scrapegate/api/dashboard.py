"""Dashboard analytics routes, read from the request log."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request

from scrapegate.api.auth import require, services_of
from scrapegate.api.dashboard_models import (
    CrawlGroupsResponse,
    DashboardJobDetail,
    DashboardJobsResponse,
    DashboardStatsResponse,
    DetailedLogsResponse,
    DomainAnalyticsResponse,
    DomainDetailResponse,
    DomainTimeseriesResponse,
    EndpointStatsResponse,
    EndpointTimeseriesResponse,
    GeoDistributionResponse,
    HourCellItem,
    HourlyPatternsResponse,
    PeakHourItem,
    PeakHoursResponse,
    RecentJobsResponse,
    RequestTypesResponse,
    RouteStatsItem,
    StatusCodesResponse,
    TopConsumersResponse,
    TopEndpointsResponse,
    UsageTimeseriesResponse,
)
from scrapegate.api.params import resource_id
from scrapegate.api.services import Services
from scrapegate.domain.principal import Principal
from scrapegate.domain.records import utcnow
from scrapegate.engine.history import HistoryReader
from scrapegate.errors import InvalidRequest
from scrapegate.platform.dashboard import DashboardAnalytics
from scrapegate.platform.dashboard_jobs import (
    DashboardJobs,
    JobDetail,
    JobFilter,
    JobPage,
    RecentJobs,
)
from scrapegate.platform.dashboard_logs import (
    CrawlGroupPage,
    DetailedLogs,
    LogPage,
    checked_source,
)
from scrapegate.platform.dashboard_views import (
    DomainDetail,
    DomainList,
    DomainPlaybook,
    DomainTimeseries,
    EndpointStats,
    EndpointTimeseries,
    GeoDistribution,
    MonthStats,
    RequestTypes,
    StatusCodes,
    TopConsumers,
    UsageTimeseries,
)
from scrapegate.platform.dashboard_window import (
    Window,
    clamp_limit,
    non_negative,
    resolve_window,
)

router = APIRouter(prefix="/api/v1/dashboard", tags=["dashboard"])
reader = require("read")


def window_of(days: int | None = None, hours: int | None = None) -> Window:
    return resolve_window(days, hours, utcnow())


async def fresh(request: Request) -> Services:
    """The services, after the buffered request log reached storage."""
    services = services_of(request)
    await services.usage_log.flush()
    return services


async def analytics_of(request: Request) -> DashboardAnalytics:
    return DashboardAnalytics((await fresh(request)).storage.analytics)


@router.get(
    "/detailed-logs",
    summary="Request log rows, crawl groups, or both",
    response_model=DetailedLogsResponse | CrawlGroupsResponse,
)
async def detailed_logs(
    request: Request,
    who: Principal = Depends(reader),
    window: Window = Depends(window_of),
    limit: int = 100,
    offset: int = 0,
    source: str | None = None,
    group_by: str | None = None,
    group_crawls: bool = False,
) -> LogPage | CrawlGroupPage:
    logs = DetailedLogs((await fresh(request)).storage)
    size, start = clamp_limit(limit, 1_000), non_negative(offset, "offset")
    source = checked_source(source)
    if group_by is not None:
        if group_by != "crawl_id":
            raise InvalidRequest("group_by supports only crawl_id", "group_by")
        return await logs.crawl_groups(who.org_id, window, source, start, size)
    if group_crawls:
        return await logs.mixed(who.org_id, window, source, start, size)
    return await logs.rows(who.org_id, window, source, start, size)


@router.get(
    "/domain-analytics", summary="Per-domain totals", response_model=DomainAnalyticsResponse
)
async def domain_analytics(
    request: Request,
    who: Principal = Depends(reader),
    window: Window = Depends(window_of),
    limit: int = 20,
) -> DomainList:
    analytics = await analytics_of(request)
    return await analytics.domain_list(who.org_id, window, clamp_limit(limit, 100))


@router.get(
    "/domain-analytics/{domain}",
    summary="One domain in detail",
    response_model=DomainDetailResponse,
)
async def domain_detail(
    domain: str,
    request: Request,
    who: Principal = Depends(reader),
    window: Window = Depends(window_of),
) -> DomainDetail:
    services = await fresh(request)
    name = domain.strip().lower()
    overrides = services.settings.playbook.overrides
    histories = HistoryReader(
        services.storage.playbook, shared=services.settings.playbook.shared, overrides=overrides
    )
    history = await histories.load(f"https://{name}/", who.org_id)
    min_tier = history.min_tier
    playbook = DomainPlaybook(min_tier.value if min_tier else None, name in overrides)
    analytics = DashboardAnalytics(services.storage.analytics)
    return await analytics.domain_detail(who.org_id, window, name, playbook)


@router.get(
    "/domain-timeseries/{domain}",
    summary="One domain over time",
    response_model=DomainTimeseriesResponse,
)
async def domain_timeseries(
    domain: str,
    request: Request,
    who: Principal = Depends(reader),
    window: Window = Depends(window_of),
) -> DomainTimeseries:
    analytics = await analytics_of(request)
    return await analytics.domain_timeseries(who.org_id, window, domain.strip().lower())


@router.get(
    "/endpoint-stats", summary="Totals per endpoint type", response_model=EndpointStatsResponse
)
async def endpoint_stats(
    request: Request, who: Principal = Depends(reader), window: Window = Depends(window_of)
) -> EndpointStats:
    return await (await analytics_of(request)).endpoint_stats(who.org_id, window)


@router.get(
    "/endpoint-timeseries",
    summary="Endpoint types over time",
    response_model=EndpointTimeseriesResponse,
)
async def endpoint_timeseries(
    request: Request, who: Principal = Depends(reader), window: Window = Depends(window_of)
) -> EndpointTimeseries:
    return await (await analytics_of(request)).endpoint_timeseries(who.org_id, window)


@router.get(
    "/geo-distribution",
    summary="Requests per proxy country",
    response_model=GeoDistributionResponse,
)
async def geo_distribution(
    request: Request, who: Principal = Depends(reader), window: Window = Depends(window_of)
) -> GeoDistribution:
    return await (await analytics_of(request)).geo_distribution(who.org_id, window)


@router.get("/hourly-patterns", summary="Requests per weekday and UTC hour")
async def hourly_patterns(
    request: Request, who: Principal = Depends(reader), window: Window = Depends(window_of)
) -> HourlyPatternsResponse:
    cells = await (await analytics_of(request)).hourly_patterns(who.org_id, window)
    return HourlyPatternsResponse(data=[HourCellItem.model_validate(c) for c in cells])


@router.get(
    "/jobs", summary="Jobs of the organization, newest first", response_model=DashboardJobsResponse
)
async def jobs(
    request: Request,
    who: Principal = Depends(reader),
    limit: int = 20,
    offset: int = 0,
    status: str | None = None,
    mode: str | None = None,
    search: str | None = None,
    source: str | None = None,
) -> JobPage:
    wanted = JobFilter.checked(status, mode, search, checked_source(source))
    board = DashboardJobs((await fresh(request)).storage)
    size, start = clamp_limit(limit, 100), non_negative(offset, "offset")
    return await board.page(who.org_id, wanted, start, size, utcnow())


@router.get(
    "/jobs/{job_id}",
    summary="One job with its sanitised request",
    response_model=DashboardJobDetail,
)
async def job_detail(job_id: str, request: Request, who: Principal = Depends(reader)) -> JobDetail:
    board = DashboardJobs((await fresh(request)).storage)
    return await board.detail(who.org_id, resource_id(job_id, "Job"), utcnow())


@router.get("/peak-hours", summary="UTC hours by request count")
async def peak_hours(
    request: Request, who: Principal = Depends(reader), window: Window = Depends(window_of)
) -> PeakHoursResponse:
    hours = await (await analytics_of(request)).peak_hours(who.org_id, window)
    return PeakHoursResponse(data=[PeakHourItem.model_validate(h) for h in hours])


@router.get("/recent-jobs", summary="The newest jobs", response_model=RecentJobsResponse)
async def recent_jobs(
    request: Request, who: Principal = Depends(reader), limit: int = Query(10)
) -> RecentJobs:
    board = DashboardJobs((await fresh(request)).storage)
    return await board.recent(who.org_id, clamp_limit(limit, 50), utcnow())


@router.get(
    "/request-types", summary="Requests per scrape mode", response_model=RequestTypesResponse
)
async def request_types(
    request: Request, who: Principal = Depends(reader), window: Window = Depends(window_of)
) -> RequestTypes:
    return await (await analytics_of(request)).request_types(who.org_id, window)


@router.get(
    "/stats", summary="Month to date against last month", response_model=DashboardStatsResponse
)
async def stats(request: Request, who: Principal = Depends(reader)) -> MonthStats:
    services = await fresh(request)
    billing = services.settings.billing.enabled
    balance = await services.storage.ledger.balance(who.org_id) if billing else None
    analytics = DashboardAnalytics(services.storage.analytics)
    return await analytics.stats(who.org_id, utcnow(), balance)


@router.get("/status-codes", summary="Target status codes", response_model=StatusCodesResponse)
async def status_codes(
    request: Request, who: Principal = Depends(reader), window: Window = Depends(window_of)
) -> StatusCodes:
    return await (await analytics_of(request)).status_codes(who.org_id, window)


@router.get(
    "/top-consumers", summary="Domains and URLs by credits", response_model=TopConsumersResponse
)
async def top_consumers(
    request: Request,
    who: Principal = Depends(reader),
    window: Window = Depends(window_of),
    limit: int = 10,
) -> TopConsumers:
    analytics = await analytics_of(request)
    return await analytics.top_consumers(who.org_id, window, clamp_limit(limit, 100))


@router.get("/top-endpoints", summary="Routes by request count")
async def top_endpoints(
    request: Request,
    who: Principal = Depends(reader),
    window: Window = Depends(window_of),
    limit: int = 10,
) -> TopEndpointsResponse:
    analytics = await analytics_of(request)
    routes = await analytics.top_endpoints(who.org_id, window, clamp_limit(limit, 100))
    return TopEndpointsResponse(data=[RouteStatsItem.model_validate(r) for r in routes])


@router.get("/usage-timeseries", summary="Daily usage", response_model=UsageTimeseriesResponse)
async def usage_timeseries(
    request: Request, who: Principal = Depends(reader), window: Window = Depends(window_of)
) -> UsageTimeseries:
    return await (await analytics_of(request)).usage_timeseries(who.org_id, window)
