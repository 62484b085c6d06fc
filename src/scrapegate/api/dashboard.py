"""Dashboard analytics routes, read from the request log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

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
from scrapegate.api.deps import FlushedStorageDep, ReadPrincipal, SettingsDep
from scrapegate.api.params import resource_id
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


async def window_of(days: int | None = None, hours: int | None = None) -> Window:
    return resolve_window(days, hours, utcnow())


async def analytics_of(storage: FlushedStorageDep) -> DashboardAnalytics:
    return DashboardAnalytics(storage.analytics)


WindowDep = Annotated[Window, Depends(window_of)]
AnalyticsDep = Annotated[DashboardAnalytics, Depends(analytics_of)]


@router.get(
    "/detailed-logs",
    summary="Request log rows, crawl groups, or both",
    response_model=DetailedLogsResponse | CrawlGroupsResponse,
)
async def detailed_logs(
    who: ReadPrincipal,
    window: WindowDep,
    storage: FlushedStorageDep,
    limit: int = 100,
    offset: int = 0,
    source: str | None = None,
    group_by: str | None = None,
    group_crawls: bool = False,
) -> LogPage | CrawlGroupPage:
    logs = DetailedLogs(storage)
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
    who: ReadPrincipal,
    window: WindowDep,
    analytics: AnalyticsDep,
    limit: int = 20,
) -> DomainList:
    return await analytics.domain_list(who.org_id, window, clamp_limit(limit, 100))


@router.get(
    "/domain-analytics/{domain}",
    summary="One domain in detail",
    response_model=DomainDetailResponse,
)
async def domain_detail(
    domain: str,
    who: ReadPrincipal,
    window: WindowDep,
    storage: FlushedStorageDep,
    settings: SettingsDep,
) -> DomainDetail:
    name = domain.strip().lower()
    overrides = settings.playbook.overrides
    histories = HistoryReader(
        storage.playbook, shared=settings.playbook.shared, overrides=overrides
    )
    history = await histories.load(f"https://{name}/", who.org_id)
    min_tier = history.min_tier
    playbook = DomainPlaybook(min_tier.value if min_tier else None, name in overrides)
    analytics = DashboardAnalytics(storage.analytics)
    return await analytics.domain_detail(who.org_id, window, name, playbook)


@router.get(
    "/domain-timeseries/{domain}",
    summary="One domain over time",
    response_model=DomainTimeseriesResponse,
)
async def domain_timeseries(
    domain: str,
    who: ReadPrincipal,
    window: WindowDep,
    analytics: AnalyticsDep,
) -> DomainTimeseries:
    return await analytics.domain_timeseries(who.org_id, window, domain.strip().lower())


@router.get(
    "/endpoint-stats", summary="Totals per endpoint type", response_model=EndpointStatsResponse
)
async def endpoint_stats(
    who: ReadPrincipal, window: WindowDep, analytics: AnalyticsDep
) -> EndpointStats:
    return await analytics.endpoint_stats(who.org_id, window)


@router.get(
    "/endpoint-timeseries",
    summary="Endpoint types over time",
    response_model=EndpointTimeseriesResponse,
)
async def endpoint_timeseries(
    who: ReadPrincipal, window: WindowDep, analytics: AnalyticsDep
) -> EndpointTimeseries:
    return await analytics.endpoint_timeseries(who.org_id, window)


@router.get(
    "/geo-distribution",
    summary="Requests per proxy country",
    response_model=GeoDistributionResponse,
)
async def geo_distribution(
    who: ReadPrincipal, window: WindowDep, analytics: AnalyticsDep
) -> GeoDistribution:
    return await analytics.geo_distribution(who.org_id, window)


@router.get("/hourly-patterns", summary="Requests per weekday and UTC hour")
async def hourly_patterns(
    who: ReadPrincipal, window: WindowDep, analytics: AnalyticsDep
) -> HourlyPatternsResponse:
    cells = await analytics.hourly_patterns(who.org_id, window)
    return HourlyPatternsResponse(data=[HourCellItem.model_validate(c) for c in cells])


@router.get(
    "/jobs", summary="Jobs of the organization, newest first", response_model=DashboardJobsResponse
)
async def jobs(
    who: ReadPrincipal,
    storage: FlushedStorageDep,
    limit: int = 20,
    offset: int = 0,
    status: str | None = None,
    mode: str | None = None,
    search: str | None = None,
    source: str | None = None,
) -> JobPage:
    wanted = JobFilter.checked(status, mode, search, checked_source(source))
    board = DashboardJobs(storage)
    size, start = clamp_limit(limit, 100), non_negative(offset, "offset")
    return await board.page(who.org_id, wanted, start, size, utcnow())


@router.get(
    "/jobs/{job_id}",
    summary="One job with its sanitised request",
    response_model=DashboardJobDetail,
)
async def job_detail(job_id: str, who: ReadPrincipal, storage: FlushedStorageDep) -> JobDetail:
    board = DashboardJobs(storage)
    return await board.detail(who.org_id, resource_id(job_id, "Job"), utcnow())


@router.get("/peak-hours", summary="UTC hours by request count")
async def peak_hours(
    who: ReadPrincipal, window: WindowDep, analytics: AnalyticsDep
) -> PeakHoursResponse:
    hours = await analytics.peak_hours(who.org_id, window)
    return PeakHoursResponse(data=[PeakHourItem.model_validate(h) for h in hours])


@router.get("/recent-jobs", summary="The newest jobs", response_model=RecentJobsResponse)
async def recent_jobs(
    who: ReadPrincipal, storage: FlushedStorageDep, limit: int = Query(10)
) -> RecentJobs:
    board = DashboardJobs(storage)
    return await board.recent(who.org_id, clamp_limit(limit, 50), utcnow())


@router.get(
    "/request-types", summary="Requests per scrape mode", response_model=RequestTypesResponse
)
async def request_types(
    who: ReadPrincipal, window: WindowDep, analytics: AnalyticsDep
) -> RequestTypes:
    return await analytics.request_types(who.org_id, window)


@router.get(
    "/stats", summary="Month to date against last month", response_model=DashboardStatsResponse
)
async def stats(
    who: ReadPrincipal, storage: FlushedStorageDep, settings: SettingsDep
) -> MonthStats:
    billing = settings.billing.enabled
    balance = await storage.ledger.balance(who.org_id) if billing else None
    analytics = DashboardAnalytics(storage.analytics)
    return await analytics.stats(who.org_id, utcnow(), balance)


@router.get("/status-codes", summary="Target status codes", response_model=StatusCodesResponse)
async def status_codes(
    who: ReadPrincipal, window: WindowDep, analytics: AnalyticsDep
) -> StatusCodes:
    return await analytics.status_codes(who.org_id, window)


@router.get(
    "/top-consumers", summary="Domains and URLs by credits", response_model=TopConsumersResponse
)
async def top_consumers(
    who: ReadPrincipal,
    window: WindowDep,
    analytics: AnalyticsDep,
    limit: int = 10,
) -> TopConsumers:
    return await analytics.top_consumers(who.org_id, window, clamp_limit(limit, 100))


@router.get("/top-endpoints", summary="Routes by request count")
async def top_endpoints(
    who: ReadPrincipal,
    window: WindowDep,
    analytics: AnalyticsDep,
    limit: int = 10,
) -> TopEndpointsResponse:
    routes = await analytics.top_endpoints(who.org_id, window, clamp_limit(limit, 100))
    return TopEndpointsResponse(data=[RouteStatsItem.model_validate(r) for r in routes])


@router.get("/usage-timeseries", summary="Daily usage", response_model=UsageTimeseriesResponse)
async def usage_timeseries(
    who: ReadPrincipal, window: WindowDep, analytics: AnalyticsDep
) -> UsageTimeseries:
    return await analytics.usage_timeseries(who.org_id, window)
