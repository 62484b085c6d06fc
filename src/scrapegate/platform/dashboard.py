"""Dashboard analytics from the request log.

Every method answers for one organization and one window; callers resolve the window
(``dashboard_window.resolve_window``) and flush the buffered request log first.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from scrapegate.platform.dashboard_views import (
    Consumer,
    CountryShare,
    CountsAt,
    DayUsage,
    DomainDetail,
    DomainList,
    DomainPlaybook,
    DomainSummary,
    DomainTimeseries,
    EndpointsAt,
    EndpointShare,
    EndpointStats,
    EndpointTimeseries,
    ErrorCount,
    GeoDistribution,
    HourCell,
    MonthStats,
    PeakHour,
    RequestTypes,
    RequestTypeShare,
    RouteStats,
    StatusCodes,
    StatusCodeShare,
    StatusFamilies,
    TopConsumers,
    UsageTimeseries,
)
from scrapegate.platform.dashboard_window import Window, percent, rate, whole_ms
from scrapegate.storage.analytics_protocol import LogAggregate, RequestLogQueries

DEFAULT_ENDPOINT = "scrape"  # rows written before the endpoint_type column existed
PEAK_HOURS = 3


def _counts_at(start: datetime, g: LogAggregate) -> CountsAt:
    return CountsAt(
        g.requests, g.successful, g.failed, g.credits, whole_ms(g.avg_latency_ms), start
    )


def _endpoint_share(name: str, g: LogAggregate, total: int) -> EndpointShare:
    return EndpointShare(
        requests=g.requests,
        successful=g.successful,
        failed=g.failed,
        credits=g.credits,
        avg_response_time_ms=whole_ms(g.avg_latency_ms),
        endpoint_type=name,
        percentage=percent(g.requests, total),
    )


def _domain_summary(domain: str, g: LogAggregate, tier: str | None) -> DomainSummary:
    return DomainSummary(
        domain=domain,
        total_requests=g.requests,
        successful_requests=g.successful,
        failed_requests=g.failed,
        success_rate=rate(g.successful, g.requests),
        total_credits=g.credits,
        avg_response_time_ms=whole_ms(g.avg_latency_ms),
        most_used_tier=tier,
        last_request_at=g.last_at,
    )


def _month_start(moment: datetime) -> datetime:
    return datetime(moment.year, moment.month, 1, tzinfo=UTC)


def change_percent(current: int, previous: int) -> float | None:
    """Spec A.4 #23: null when the previous period is empty."""
    return round(100 * (current - previous) / previous, 2) if previous else None


class DashboardAnalytics:
    def __init__(self, queries: RequestLogQueries) -> None:
        self._q = queries

    async def _grouped(self, org_id: str, window: Window, *dims: Any) -> list[LogAggregate]:
        return await self._q.aggregate(window.query(org_id), dims)

    async def domain_list(self, org_id: str, window: Window, limit: int) -> DomainList:
        # One scan by (domain, tier) gives the domain totals, their usual tier and their count.
        pairs = await self._q.aggregate(window.query(org_id), ["domain", "tier"])
        totals: dict[str, LogAggregate] = {}
        favourite: dict[str, LogAggregate] = {}
        for pair in pairs:
            domain = pair.key[0]
            if domain is None:
                continue
            seen = totals.get(domain)
            totals[domain] = pair if seen is None else _sum(seen, pair)
            best = favourite.get(domain)
            if best is None or pair.requests > best.requests:
                favourite[domain] = pair
        ranked = sorted(totals.items(), key=lambda item: (-item[1].requests, item[0]))
        domains = [
            _domain_summary(domain, group, favourite[domain].key[1])
            for domain, group in ranked[:limit]
        ]
        return DomainList(domains, total_domains=len(totals))

    async def domain_detail(
        self, org_id: str, window: Window, domain: str, playbook: DomainPlaybook
    ) -> DomainDetail:
        query = window.query(org_id, domain=domain)
        [total] = await self._q.aggregate(query)
        tiers = await self._q.aggregate(query, ["tier"])
        errors = await self._q.aggregate(query, ["error_code"], order_by="requests")
        codes = await self._q.aggregate(query, ["target_status_code"])
        return DomainDetail(
            domain=domain,
            total_requests=total.requests,
            successful_requests=total.successful,
            failed_requests=total.failed,
            success_rate=rate(total.successful, total.requests),
            total_credits=total.credits,
            avg_response_time_ms=whole_ms(total.avg_latency_ms),
            p95_response_time_ms=await self._q.latency_percentile(query, 0.95),
            tier_distribution={g.key[0]: g.requests for g in tiers if g.key[0] is not None},
            error_breakdown=[ErrorCount(g.key[0], g.requests) for g in errors if g.key[0]],
            status_codes={str(g.key[0]): g.requests for g in codes if g.key[0] is not None},
            first_request_at=total.first_at,
            last_request_at=total.last_at,
            playbook=playbook,
        )

    async def domain_timeseries(self, org_id: str, window: Window, domain: str) -> DomainTimeseries:
        granularity = window.granularity
        groups = await self._q.aggregate(window.query(org_id, domain=domain), [granularity])
        found = {g.key[0]: g for g in groups}
        data = [
            _counts_at(start, found.get(start) or _empty()) for start in window.buckets(granularity)
        ]
        return DomainTimeseries(window.since, window.until, data, granularity)

    async def endpoint_stats(self, org_id: str, window: Window) -> EndpointStats:
        merged = _merge_endpoints(await self._grouped(org_id, window, "endpoint_type"))
        total = sum(g.requests for g in merged.values())
        data = [
            _endpoint_share(name, g, total)
            for name, g in sorted(merged.items(), key=lambda item: -item[1].requests)
        ]
        credits = sum(g.credits for g in merged.values())
        return EndpointStats(data, total_requests=total, total_credits=credits)

    async def endpoint_timeseries(self, org_id: str, window: Window) -> EndpointTimeseries:
        granularity = window.granularity
        groups = await self._grouped(org_id, window, granularity, "endpoint_type")
        names = sorted({g.key[1] or DEFAULT_ENDPOINT for g in groups})
        cells: dict[datetime, dict[str, list[int]]] = {}
        for g in groups:
            cell = cells.setdefault(g.key[0], {})
            pair = cell.setdefault(g.key[1] or DEFAULT_ENDPOINT, [0, 0])
            pair[0] += g.requests
            pair[1] += g.credits
        data = [
            _endpoints_at(start, cells.get(start, {}), names)
            for start in window.buckets(granularity)
        ]
        return EndpointTimeseries(window.since, window.until, data, granularity)

    async def geo_distribution(self, org_id: str, window: Window) -> GeoDistribution:
        groups = await self._q.aggregate(
            window.query(org_id), ["proxy_country"], order_by="requests"
        )
        total = sum(g.requests for g in groups)
        data = [
            CountryShare(
                country=g.key[0],
                requests=g.requests,
                percentage=percent(g.requests, total),
                success_rate=rate(g.successful, g.requests),
            )
            for g in groups
        ]
        return GeoDistribution(data, total_requests=total)

    async def hourly_patterns(self, org_id: str, window: Window) -> list[HourCell]:
        """Every weekday and hour, Monday 00:00 first, empty cells included."""
        groups = await self._grouped(org_id, window, "weekday", "hour_of_day")
        found = {g.key: g for g in groups}
        cells = []
        for day in range(7):
            for hour in range(24):
                g = found.get((day, hour)) or _empty()
                average, success = whole_ms(g.avg_latency_ms), rate(g.successful, g.requests)
                cells.append(HourCell(day, hour, g.requests, average, success))
        return cells

    async def peak_hours(self, org_id: str, window: Window) -> list[PeakHour]:
        """The 24 UTC hours, busiest first."""
        found = {g.key[0]: g.requests for g in await self._grouped(org_id, window, "hour_of_day")}
        total = sum(found.values())
        ranked = sorted(range(24), key=lambda hour: (-found.get(hour, 0), hour))
        return [
            PeakHour(
                hour=hour,
                requests=found.get(hour, 0),
                percentage=percent(found.get(hour, 0), total),
                # An hour without requests is never a peak, even among the first three.
                is_peak=rank < PEAK_HOURS and found.get(hour, 0) > 0,
            )
            for rank, hour in enumerate(ranked)
        ]

    async def request_types(self, org_id: str, window: Window) -> RequestTypes:
        groups = await self._q.aggregate(window.query(org_id), ["mode"], order_by="requests")
        total = sum(g.requests for g in groups)
        data = [
            RequestTypeShare(
                type=g.key[0] or "auto",
                requests=g.requests,
                percentage=percent(g.requests, total),
                avg_credits=round(g.credits / g.requests, 1) if g.requests else 0.0,
            )
            for g in groups
        ]
        return RequestTypes(data, total_requests=total)

    async def status_codes(self, org_id: str, window: Window) -> StatusCodes:
        groups = await self._grouped(org_id, window, "target_status_code", "status")
        codes: dict[int, int] = {}
        grouped = {"2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0, "no_response": 0}
        for g in groups:
            code, status = g.key
            if code is None:
                grouped["no_response"] += g.requests if status == "failed" else 0
                continue
            codes[code] = codes.get(code, 0) + g.requests
            family = f"{code // 100}xx"
            if family in grouped:
                grouped[family] += g.requests
        total = sum(codes.values())
        individual = [
            StatusCodeShare(code, count, percent(count, total))
            for code, count in sorted(codes.items(), key=lambda item: (-item[1], item[0]))
        ]
        return StatusCodes(individual, _families(grouped))

    async def top_consumers(self, org_id: str, window: Window, limit: int) -> TopConsumers:
        query = window.query(org_id)

        async def top(dimension: Any) -> list[Consumer]:
            groups = await self._q.aggregate(query, [dimension], order_by="credits", limit=limit)
            return [
                Consumer(g.key[0], g.requests, g.credits, rate(g.successful, g.requests))
                for g in groups
            ]

        return TopConsumers(top_domains=await top("domain"), top_urls=await top("url"))

    async def top_endpoints(self, org_id: str, window: Window, limit: int) -> list[RouteStats]:
        groups = await self._q.aggregate(
            window.query(org_id), ["route"], order_by="requests", limit=limit
        )
        return [
            RouteStats(
                route=g.key[0],
                requests=g.requests,
                credits=g.credits,
                avg_response_time_ms=whole_ms(g.avg_latency_ms),
                error_rate=rate(g.failed, g.requests),
            )
            for g in groups
        ]

    async def usage_timeseries(self, org_id: str, window: Window) -> UsageTimeseries:
        found = {g.key[0]: g for g in await self._grouped(org_id, window, "day")}
        data = []
        for start in window.buckets("day"):
            g = found.get(start) or _empty()
            data.append(
                DayUsage(start.date(), g.requests, g.successful, g.failed, g.credits, g.cached)
            )
        return UsageTimeseries(window.since, window.until, data, total_days=len(data))

    async def stats(self, org_id: str, now: datetime, balance: int | None) -> MonthStats:
        """Month to date against the same number of days of the previous month."""
        start = _month_start(now)
        previous_start = _month_start(start - timedelta(days=1))
        previous_end = min(previous_start + (now - start), start)
        [current] = await self._q.aggregate(Window(start, now).query(org_id))
        [previous] = await self._q.aggregate(Window(previous_start, previous_end).query(org_id))
        return MonthStats(
            credits_available=balance,
            credits_change_percent=change_percent(current.credits, previous.credits),
            total_requests_month=current.requests,
            requests_change_percent=change_percent(current.requests, previous.requests),
            cache_hit_rate=rate(current.cached, current.requests),
            avg_response_time_ms=whole_ms(current.avg_latency_ms),
        )


def _endpoints_at(start: datetime, cell: dict[str, list[int]], names: list[str]) -> EndpointsAt:
    """One bucket: requests and credits of every endpoint type seen in the window."""
    requests = {n: cell.get(n, [0, 0])[0] for n in names}
    return EndpointsAt(start, requests, credits={n: cell.get(n, [0, 0])[1] for n in names})


def _families(grouped: dict[str, int]) -> StatusFamilies:
    return StatusFamilies(
        two_xx=grouped["2xx"],
        three_xx=grouped["3xx"],
        four_xx=grouped["4xx"],
        five_xx=grouped["5xx"],
        no_response=grouped["no_response"],
    )


def _empty() -> LogAggregate:
    return LogAggregate((), 0, 0, 0, 0, 0, 0, None, None)


def _merge_endpoints(groups: Sequence[LogAggregate]) -> dict[str, LogAggregate]:
    merged: dict[str, LogAggregate] = {}
    for g in groups:
        name = g.key[0] or DEFAULT_ENDPOINT
        seen = merged.get(name)
        merged[name] = g if seen is None else _sum(seen, g)
    return merged


def _sum(a: LogAggregate, b: LogAggregate) -> LogAggregate:
    firsts = [t for t in (a.first_at, b.first_at) if t is not None]
    lasts = [t for t in (a.last_at, b.last_at) if t is not None]
    return LogAggregate(
        key=a.key,
        requests=a.requests + b.requests,
        successful=a.successful + b.successful,
        failed=a.failed + b.failed,
        credits=a.credits + b.credits,
        cached=a.cached + b.cached,
        latency_ms_total=a.latency_ms_total + b.latency_ms_total,
        first_at=min(firsts) if firsts else None,
        last_at=max(lasts) if lasts else None,
    )
