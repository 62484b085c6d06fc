"""Dashboard analytics routes (spec platform-api A.4): status, shape and the numbers behind them.

Rows are seeded straight into the request log of a fresh organization, relative to now, so that
windows and buckets are exercised; another organization checks tenant isolation.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from scrapegate.domain.records import UsageRow, new_id, utcnow
from tests.api.conftest import new_key
from tests.live_server import LiveServer


@dataclass
class Tenant:
    key: str
    org_id: str
    key_id: str
    client: httpx.Client


def tenant(server: LiveServer, name: str) -> Tenant:
    raw = new_key(server, name)

    async def ids() -> tuple[str, str]:
        keys = server.services.storage.api_keys
        org = await server.services.storage.organizations.get_by_slug(name)
        assert org is not None
        [key] = await keys.list_for_org(org.id)
        return org.id, key.id

    org_id, key_id = server.call(ids())  # type: ignore[misc]
    client = httpx.Client(base_url=server.url, headers={"X-API-Key": raw}, timeout=30)
    return Tenant(raw, org_id, key_id, client)


def row(org: Tenant, created_at: datetime, **fields: Any) -> UsageRow:
    values: dict[str, Any] = {
        "id": new_id(),
        "org_id": org.org_id,
        "key_id": org.key_id,
        "route": "/api/v1/scrape",
        "method": "POST",
        "status_code": 200,
        "latency_ms": 100,
        "created_at": created_at,
        "kind": "scrape",
        "job_id": new_id(),
        "domain": "shop.example",
        "url": "https://shop.example/p/1",
        "mode": "auto",
        "tier": "1",
        "credits": 200,
        "source": "api",
        "endpoint_type": "scrape",
        "target_status_code": 200,
    }
    values.update(fields)
    return UsageRow(**values)


def seeded_rows(org: Tenant, now: datetime) -> list[UsageRow]:
    hour = timedelta(hours=1)
    return [
        row(org, now - hour, proxy_country="US"),
        row(org, now - 2 * hour, url="https://shop.example/p/2", tier="3", credits=1_000,
            latency_ms=300, proxy_country="US"),
        row(org, now - 3 * hour, url="https://shop.example/p/2", status="failed", credits=0,
            error_code="BLOCKED_BY_ANTIBOT", target_status_code=403, latency_ms=500,
            proxy_country="DE"),
        row(org, now - 50 * hour, domain="news.example", url="https://news.example/a",
            mode="js", tier="4", credits=5_000, latency_ms=900, crawl_id="crawl-1",
            source="crawl", endpoint_type="crawl"),
        row(org, now - 50 * hour + timedelta(minutes=1), domain="news.example",
            url="https://news.example/b", status="failed", credits=0, target_status_code=None,
            crawl_id="crawl-1", source="crawl", endpoint_type="crawl", latency_ms=700),
        row(org, now - timedelta(days=10), url="https://shop.example/p/3", mode="html",
            credits=0, cache_hit=True, latency_ms=20),
        row(org, now - timedelta(days=40), credits=99_999),  # outside the default 30 days
        row(org, now - hour, kind="request", route="/api/v1/usage", method="GET"),
    ]  # fmt: skip


@pytest.fixture(scope="module")
def orgs(server: LiveServer) -> Iterator[tuple[Tenant, Tenant]]:
    first, other = tenant(server, "dash-first"), tenant(server, "dash-other")
    server.call(server.services.storage.usage.append_many(seeded_rows(first, utcnow())))
    yield first, other
    first.client.close()
    other.client.close()


@pytest.fixture(scope="module")
def first(orgs: tuple[Tenant, Tenant]) -> httpx.Client:
    return orgs[0].client


@pytest.fixture(scope="module")
def other(orgs: tuple[Tenant, Tenant]) -> httpx.Client:
    return orgs[1].client


def get(client: httpx.Client, path: str, **params: Any) -> dict[str, Any]:
    response = client.get(f"/api/v1/dashboard/{path}", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_detailed_logs_rows(first: httpx.Client) -> None:
    body = get(first, "detailed-logs", limit=2)
    assert (body["total"], body["limit"], body["offset"], body["has_more"]) == (6, 2, 0, True)
    newest = body["logs"][0]
    assert newest["url"] == "https://shop.example/p/1" and newest["api_key_name"] == "dash-first"
    assert newest["status_code"] == 200 and newest["credits_used"] == 200
    assert get(first, "detailed-logs", source="crawl")["total"] == 2


def test_detailed_logs_grouped_by_crawl(first: httpx.Client) -> None:
    body = get(first, "detailed-logs", group_by="crawl_id")
    [group] = body["groups"]
    assert group["crawl_id"] == "crawl-1" and group["domain"] == "news.example"
    assert (group["total_pages"], group["successful_pages"], group["failed_pages"]) == (2, 1, 1)
    assert group["credits_used"] == 5_000 and body["total"] == 1


def test_detailed_logs_mixing_groups_and_rows(first: httpx.Client) -> None:
    body = get(first, "detailed-logs", group_crawls="true")
    assert body["total"] == 5  # four plain rows and one crawl group
    [group] = [entry for entry in body["logs"] if entry.get("type") == "crawl_group"]
    assert len(group["children"]) == 2 and group["summary"]["total_pages"] == 2
    page = get(first, "detailed-logs", group_crawls="true", offset=3, limit=2)
    assert page["logs"][0]["type"] == "crawl_group" and page["has_more"] is False
    assert page["logs"][1]["url"] == "https://shop.example/p/3"


def test_domain_analytics(first: httpx.Client) -> None:
    body = get(first, "domain-analytics")
    assert body["total_domains"] == 2
    shop = body["domains"][0]
    assert shop["domain"] == "shop.example" and shop["total_requests"] == 4
    assert (shop["successful_requests"], shop["failed_requests"]) == (3, 1)
    assert shop["success_rate"] == 0.75 and shop["total_credits"] == 1_200
    assert shop["most_used_tier"] == "1" and shop["avg_response_time_ms"] == 230


def test_domain_detail(first: httpx.Client) -> None:
    body = get(first, "domain-analytics/shop.example")
    assert body["tier_distribution"] == {"1": 3, "3": 1}
    assert body["error_breakdown"] == [{"error_code": "BLOCKED_BY_ANTIBOT", "count": 1}]
    assert body["status_codes"] == {"200": 3, "403": 1}
    assert body["p95_response_time_ms"] == 500
    assert body["playbook"] == {"min_tier": None, "override_active": False}
    empty = get(first, "domain-analytics/never.example")
    assert empty["total_requests"] == 0 and empty["last_request_at"] is None


def test_domain_timeseries_is_hourly_for_short_windows(first: httpx.Client) -> None:
    body = get(first, "domain-timeseries/shop.example", hours=24)
    assert body["granularity"] == "hour" and len(body["data"]) in (24, 25)
    assert sum(point["requests"] for point in body["data"]) == 3
    assert sum(point["credits"] for point in body["data"]) == 1_200
    daily = get(first, "domain-timeseries/shop.example", days=7)
    assert daily["granularity"] == "day" and len(daily["data"]) == 8


def test_endpoint_stats(first: httpx.Client) -> None:
    body = get(first, "endpoint-stats")
    stats = {item["endpoint_type"]: item for item in body["data"]}
    assert stats["scrape"]["requests"] == 4 and stats["crawl"]["requests"] == 2
    assert stats["crawl"]["percentage"] == pytest.approx(33.33)
    assert body["total_requests"] == 6 and body["total_credits"] == 6_200


def test_endpoint_timeseries(first: httpx.Client) -> None:
    body = get(first, "endpoint-timeseries", days=3)
    assert body["granularity"] == "day" and len(body["data"]) == 4
    assert sum(point["requests"]["crawl"] for point in body["data"]) == 2
    assert sum(point["credits"]["scrape"] for point in body["data"]) == 1_200


def test_geo_distribution(first: httpx.Client) -> None:
    body = get(first, "geo-distribution")
    countries = {item["country"]: item for item in body["data"]}
    assert countries["US"]["requests"] == 2 and countries["US"]["success_rate"] == 1.0
    assert countries["DE"]["success_rate"] == 0.0 and countries[None]["requests"] == 3


def test_hourly_patterns(first: httpx.Client) -> None:
    data = get(first, "hourly-patterns")["data"]
    assert len(data) == 168 and data[0]["day_of_week"] == 0 and data[-1]["hour"] == 23
    newest = utcnow() - timedelta(hours=1)
    cell = data[newest.weekday() * 24 + newest.hour]
    assert cell["requests"] >= 1
    assert sum(c["requests"] for c in data) == 6


def test_peak_hours(first: httpx.Client) -> None:
    data = get(first, "peak-hours")["data"]
    assert len(data) == 24 and sorted(d["hour"] for d in data) == list(range(24))
    assert [d["requests"] for d in data] == sorted((d["requests"] for d in data), reverse=True)
    assert [d["is_peak"] for d in data[:4]] == [True, True, True, False]


def test_request_types(first: httpx.Client) -> None:
    body = get(first, "request-types")
    types = {item["type"]: item for item in body["data"]}
    assert types["auto"]["requests"] == 4 and types["js"]["avg_credits"] == 5_000.0
    assert types["html"]["percentage"] == pytest.approx(16.67)


def test_stats(first: httpx.Client) -> None:
    body = get(first, "stats")
    assert set(body) == {
        "credits_available",
        "credits_change_percent",
        "total_requests_month",
        "requests_change_percent",
        "cache_hit_rate",
        "avg_response_time_ms",
    }
    assert 0 <= body["total_requests_month"] <= 6 and 0 <= body["cache_hit_rate"] <= 1


def test_status_codes(first: httpx.Client) -> None:
    body = get(first, "status-codes")
    assert body["grouped"] == {"2xx": 4, "3xx": 0, "4xx": 1, "5xx": 0, "no_response": 1}
    assert body["individual"][0] == {"status_code": 200, "count": 4, "percentage": 80.0}


def test_top_consumers(first: httpx.Client) -> None:
    body = get(first, "top-consumers", limit=1)
    assert body["top_domains"] == [
        {"domain": "news.example", "requests": 2, "credits": 5_000, "success_rate": 0.5}
    ]
    assert body["top_urls"][0]["url"] == "https://news.example/a"


def test_top_endpoints(first: httpx.Client) -> None:
    [endpoint] = get(first, "top-endpoints")["data"]
    assert endpoint["route"] == "POST /api/v1/scrape" and endpoint["requests"] == 6
    assert endpoint["error_rate"] == pytest.approx(0.3333)


def test_usage_timeseries(first: httpx.Client) -> None:
    body = get(first, "usage-timeseries", days=14)
    assert body["total_days"] == len(body["data"]) == 15
    assert sum(d["cached"] for d in body["data"]) == 1
    assert sum(d["failed"] for d in body["data"]) == 2
    assert body["data"][-1]["date"] == utcnow().strftime("%Y-%m-%d")


def test_another_organization_sees_nothing(other: httpx.Client) -> None:
    assert get(other, "detailed-logs")["total"] == 0
    assert get(other, "domain-analytics")["total_domains"] == 0
    assert get(other, "endpoint-stats")["total_requests"] == 0
    assert get(other, "domain-analytics/shop.example")["total_requests"] == 0


def test_foreign_organization_header_is_refused(
    orgs: tuple[Tenant, Tenant], first: httpx.Client
) -> None:
    response = first.get("/api/v1/dashboard/stats", headers={"X-Organization-Id": orgs[1].org_id})
    assert response.status_code == 403
    own = first.get("/api/v1/dashboard/stats", headers={"X-Organization-Id": orgs[0].org_id})
    assert own.status_code == 200


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"days": 0}, "days"),
        ({"days": 366}, "days"),
        ({"hours": 8761}, "hours"),
        ({"days": 1, "hours": 1}, "hours"),
        ({"days": "week"}, "days"),
        ({"limit": -1}, "limit"),
        ({"source": "elsewhere"}, "source"),
        ({"group_by": "domain"}, "group_by"),
    ],
)
def test_bad_window_or_paging_is_400(
    first: httpx.Client, params: dict[str, Any], field: str
) -> None:
    response = first.get("/api/v1/dashboard/detailed-logs", params=params)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "INVALID_REQUEST" and body["details"]["field"] == field


def test_limit_above_maximum_is_clamped(first: httpx.Client) -> None:
    assert get(first, "domain-analytics", limit=5_000)["domains"]
    assert get(first, "detailed-logs", limit=5_000)["limit"] == 1_000


def test_routes_need_credentials(server: LiveServer) -> None:
    response = httpx.get(f"{server.url}/api/v1/dashboard/endpoint-stats")
    assert response.status_code == 401
