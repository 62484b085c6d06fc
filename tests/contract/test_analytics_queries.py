"""Request-log queries agree on every backend (numbers checked against a seeded log)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from scrapegate.domain.records import Crawl, UsageRow, new_id
from scrapegate.storage.analytics_protocol import LogQuery
from scrapegate.storage.protocols import Storage
from tests.contract.factories import add_org, make_usage

pytestmark = pytest.mark.asyncio(loop_scope="session")

# A Wednesday; the seeded rows spread over it and the following Sunday.
WED = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
SUN = datetime(2026, 3, 8, 23, 30, tzinfo=UTC)
WINDOW = LogQuery("org-a", datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 10, tzinfo=UTC))


def scrape(created_at: datetime, **fields: Any) -> UsageRow:
    org_id = fields.pop("org_id", "org-a")
    values: dict[str, Any] = {
        "kind": "scrape",
        "domain": "example.com",
        "url": "https://example.com/a",
        "mode": "auto",
        "tier": "1",
        "credits": 200,
        "endpoint_type": "scrape",
        "source": "api",
        "target_status_code": 200,
    }
    values.update(fields)
    return make_usage(org_id, created_at, **values)


def seeded_rows() -> list[UsageRow]:
    return [
        scrape(WED, latency_ms=100, cache_hit=True, credits=0),
        scrape(WED + timedelta(minutes=10), latency_ms=300, tier="3", credits=1_000),
        scrape(
            WED + timedelta(hours=1),
            latency_ms=500,
            status="failed",
            credits=0,
            error_code="BLOCKED_BY_ANTIBOT",
            target_status_code=403,
            proxy_country="DE",
        ),
        scrape(
            SUN,
            latency_ms=700,
            domain="other.org",
            url="https://other.org/x",
            mode="js",
            credits=5_000,
            crawl_id="crawl-1",
            source="crawl",
            endpoint_type="crawl",
            job_id="job-sun",
        ),
        scrape(
            SUN + timedelta(minutes=5),
            latency_ms=900,
            domain="other.org",
            status="failed",
            credits=0,
            target_status_code=None,
            crawl_id="crawl-1",
            source="crawl",
            endpoint_type="crawl",
        ),
        # Outside the window, another organization, and an API-request row: never counted.
        scrape(datetime(2026, 2, 1, tzinfo=UTC), credits=99),
        scrape(WED, org_id="org-b", credits=77_777),
        make_usage("org-a", WED, kind="request", latency_ms=5),
    ]


@pytest.fixture
async def seeded(storage: Storage) -> Storage:
    await storage.usage.append_many(seeded_rows())
    return storage


async def test_totals_without_grouping(seeded: Storage) -> None:
    [total] = await seeded.analytics.aggregate(WINDOW)
    assert (total.requests, total.successful, total.failed) == (5, 3, 2)
    assert (total.credits, total.cached, total.latency_ms_total) == (6_000, 1, 2_500)
    assert total.first_at == WED and total.last_at == SUN + timedelta(minutes=5)
    [empty] = await seeded.analytics.aggregate(LogQuery("nobody", WINDOW.since, WINDOW.until))
    assert empty.requests == 0 and empty.avg_latency_ms is None and empty.last_at is None


async def test_groups_by_domain_ordered_by_requests(seeded: Storage) -> None:
    groups = await seeded.analytics.aggregate(WINDOW, ["domain"], order_by="requests")
    assert [(g.key, g.requests, g.credits) for g in groups] == [
        (("example.com",), 3, 1_000),
        (("other.org",), 2, 5_000),
    ]
    by_credits = await seeded.analytics.aggregate(WINDOW, ["domain"], order_by="credits", limit=1)
    assert [g.key for g in by_credits] == [("other.org",)]
    assert await seeded.analytics.count_groups(WINDOW, "domain") == 2


async def test_time_buckets_are_utc_hours_and_days(seeded: Storage) -> None:
    hours = await seeded.analytics.aggregate(WINDOW, ["hour"])
    assert [(g.key[0], g.requests) for g in hours] == [
        (WED, 2),
        (WED + timedelta(hours=1), 1),
        (SUN.replace(minute=0), 2),
    ]
    days = await seeded.analytics.aggregate(WINDOW, ["day"])
    assert [(g.key[0], g.successful, g.failed) for g in days] == [
        (datetime(2026, 3, 4, tzinfo=UTC), 2, 1),
        (datetime(2026, 3, 8, tzinfo=UTC), 1, 1),
    ]


async def test_weekday_counts_from_monday(seeded: Storage) -> None:
    cells = await seeded.analytics.aggregate(WINDOW, ["weekday", "hour_of_day"])
    assert [(g.key, g.requests) for g in cells] == [((2, 9), 2), ((2, 10), 1), ((6, 23), 2)]


async def test_other_dimensions(seeded: Storage) -> None:
    async def keys(dimension: Any) -> list[tuple[Any, int]]:
        groups = await seeded.analytics.aggregate(WINDOW, [dimension])
        return [(g.key[0], g.requests) for g in groups]

    assert await keys("proxy_country") == [(None, 4), ("DE", 1)]
    assert await keys("target_status_code") == [(None, 1), (200, 3), (403, 1)]
    assert await keys("mode") == [("auto", 4), ("js", 1)]
    assert await keys("route") == [("POST /v1/scrape", 5)]
    assert await keys("endpoint_type") == [("crawl", 2), ("scrape", 3)]
    entries = await seeded.analytics.aggregate(WINDOW, ["entry"], order_by="last_at")
    assert entries[0].key == ("crawl-1",) and entries[0].requests == 2
    assert len(entries) == 4


async def test_filters(seeded: Storage) -> None:
    def query(**fields: Any) -> LogQuery:
        return LogQuery("org-a", WINDOW.since, WINDOW.until, **fields)

    assert await seeded.analytics.count_rows(query(domain="other.org")) == 2
    assert await seeded.analytics.count_rows(query(status="failed")) == 2
    assert await seeded.analytics.count_rows(query(source="crawl", mode="js")) == 1
    assert await seeded.analytics.count_rows(query(url_contains="other.org/")) == 1
    assert await seeded.analytics.count_rows(query(url_contains="%")) == 0
    assert await seeded.analytics.count_rows(query(has_crawl=True)) == 2
    assert await seeded.analytics.count_rows(query(has_crawl=False)) == 3
    assert await seeded.analytics.count_rows(query(crawl_ids=("crawl-1", "x"))) == 2
    assert await seeded.analytics.count_rows(query(kind="request")) == 1


async def test_rows_newest_first_with_paging(seeded: Storage) -> None:
    rows = await seeded.analytics.list_rows(WINDOW, offset=1, limit=2)
    assert [r.latency_ms for r in rows] == [700, 500]
    only = await seeded.analytics.list_rows(
        LogQuery("org-a", WINDOW.since, WINDOW.until, ids=(rows[0].id,)), offset=0, limit=5
    )
    assert only == [rows[0]]


async def test_latency_percentile_is_nearest_rank(seeded: Storage) -> None:
    assert await seeded.analytics.latency_percentile(WINDOW, 0.95) == 900
    assert await seeded.analytics.latency_percentile(WINDOW, 0.5) == 500
    assert await seeded.analytics.latency_percentile(WINDOW, 0.2) == 100
    empty = LogQuery("org-b", WINDOW.since, WINDOW.since + timedelta(seconds=1))
    assert await seeded.analytics.latency_percentile(empty, 0.95) is None


async def test_row_for_job_is_scoped_to_the_organization(seeded: Storage) -> None:
    row = await seeded.analytics.row_for_job("org-a", "job-sun")
    assert row is not None and row.credits == 5_000 and row.crawl_id == "crawl-1"
    assert await seeded.analytics.row_for_job("org-b", "job-sun") is None


async def test_new_columns_round_trip(storage: Storage) -> None:
    row = scrape(
        WED,
        user_id="u1",
        tiers_attempted=["1", "3"],
        batch_id="b1",
        schedule_id="s1",
        monitor_id="m1",
        source_client="alterlab-python/2.3",
        completed_at=WED + timedelta(seconds=2),
    )
    await storage.usage.append(row)
    assert await storage.usage.list_for_org("org-a") == [row]


async def test_crawl_urls_of_the_organization_only(storage: Storage) -> None:
    org, stranger = await add_org(storage, "crawler"), await add_org(storage, "stranger")
    crawl = await storage.crawls.create(
        Crawl(id=new_id(), org_id=org.id, key_id=None, url="https://start.example/", options={})
    )
    found = await storage.analytics.crawl_urls(org.id, [crawl.id, new_id()])
    assert found == {crawl.id: "https://start.example/"}
    assert await storage.analytics.crawl_urls(stranger.id, [crawl.id]) == {}
    assert await storage.analytics.crawl_urls(org.id, []) == {}
