"""Crawls and their pages."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from scrapegate.domain.records import Crawl, CrawlPage, new_id
from scrapegate.errors import Conflict, NotFound
from scrapegate.storage.protocols import Storage
from tests.contract.factories import add_org, at, make_job

pytestmark = pytest.mark.asyncio(loop_scope="session")


def make_crawl(org_id: str, **fields: Any) -> Crawl:
    values: dict[str, Any] = {
        "id": new_id(),
        "org_id": org_id,
        "key_id": None,
        "url": "https://example.com/",
        "options": {"limit": 50, "scrape_options": {"formats": ["markdown"]}},
        "created_at": at(0),
    }
    values.update(fields)
    return Crawl(**values)


def make_page(crawl_id: str, path: str, **fields: Any) -> CrawlPage:
    values: dict[str, Any] = {
        "crawl_id": crawl_id,
        "url_key": f"https://example.com/{path}",
        "url": f"https://example.com/{path}?utm=x",
        "depth": 1,
        "job_id": f"job-{path}",
        "created_at": at(1),
    }
    values.update(fields)
    return CrawlPage(**values)


async def test_roundtrip_and_save(storage: Storage) -> None:
    org = await add_org(storage)
    crawl = make_crawl(
        org.id,
        webhook_url="https://hooks.example.com/c",
        webhook_secret="s3cret",
        webhook_events=["crawl.page", "crawl.completed"],
        credits_used=12_345_678_901,
        robots={"status": "ok", "text": "User-agent: *\nDisallow: /x\n", "crawl_delay": None},
    )
    await storage.crawls.create(crawl)
    assert await storage.crawls.get(crawl.id) == crawl
    crawl.status, crawl.cancelled = "running", True
    crawl.started_at, crawl.error = at(5), "robots.txt unreachable"
    await storage.crawls.save(crawl)
    assert await storage.crawls.get(crawl.id) == crawl
    assert await storage.crawls.get("missing") is None


async def test_robots_blocked_urls_are_listed_once_in_order_and_capped(storage: Storage) -> None:
    org = await add_org(storage)
    crawl = await storage.crawls.create(make_crawl(org.id))
    other = await storage.crawls.create(make_crawl(org.id))
    url = "https://example.com/private/{}".format
    first = [url("b"), url("a"), url("b")]
    assert await storage.crawls.add_robots_blocked(crawl.id, first, keep=3) == 2
    assert await storage.crawls.add_robots_blocked(crawl.id, [url("a"), url("c")], keep=3) == 1
    assert await storage.crawls.add_robots_blocked(other.id, [url("z")], keep=3) == 1
    # The list is full: later URLs are only counted.
    assert await storage.crawls.add_robots_blocked(crawl.id, [url("d"), url("e")], keep=3) == 2
    assert await storage.crawls.add_robots_blocked(crawl.id, [], keep=3) == 0
    assert await storage.crawls.list_robots_blocked(crawl.id) == [url("b"), url("a"), url("c")]
    assert await storage.crawls.list_robots_blocked(other.id) == [url("z")]
    assert await storage.crawls.list_robots_blocked("missing") == []
    stored = await storage.crawls.get(crawl.id)
    assert stored is not None and stored.robots_blocked == 5
    with pytest.raises(NotFound):
        await storage.crawls.add_robots_blocked("missing", [url("a")], keep=3)


async def test_save_keeps_the_robots_blocked_count(storage: Storage) -> None:
    org = await add_org(storage)
    crawl = await storage.crawls.create(make_crawl(org.id))
    stale = await storage.crawls.get(crawl.id)
    assert stale is not None
    await storage.crawls.add_robots_blocked(crawl.id, ["https://example.com/x"], keep=10)
    stale.status, stale.robots_blocked = "running", 0
    await storage.crawls.save(stale)
    stored = await storage.crawls.get(crawl.id)
    assert stored is not None and (stored.status, stored.robots_blocked) == ("running", 1)


async def test_concurrent_robots_blocked_never_lists_twice_nor_past_keep(
    storage: Storage,
) -> None:
    org = await add_org(storage)
    crawl = await storage.crawls.create(make_crawl(org.id))
    # Sibling pages of one site in several processes report overlapping blocked links.
    calls = [[f"https://example.com/private/{(i + j) % 12}" for j in range(4)] for i in range(20)]
    counted = await asyncio.gather(
        *(storage.crawls.add_robots_blocked(crawl.id, urls, keep=8) for urls in calls)
    )
    listed = await storage.crawls.list_robots_blocked(crawl.id)
    assert len(listed) == len(set(listed)) == 8
    stored = await storage.crawls.get(crawl.id)
    assert stored is not None and stored.robots_blocked == sum(counted)
    assert 12 <= sum(counted) <= 12 + 20 * 4


async def test_create_and_save_refuse_bad_references(storage: Storage) -> None:
    org = await add_org(storage)
    crawl = await storage.crawls.create(make_crawl(org.id))
    with pytest.raises(Conflict):
        await storage.crawls.create(make_crawl(org.id, id=crawl.id))
    with pytest.raises(NotFound):
        await storage.crawls.create(make_crawl("no-such-org"))
    with pytest.raises(NotFound):
        await storage.crawls.save(make_crawl(org.id))
    with pytest.raises(NotFound):
        await storage.crawls.add_pages([make_page("no-such-crawl", "a")], max_pages=10)


async def test_add_pages_dedupes_assigns_seq_and_caps(storage: Storage) -> None:
    org = await add_org(storage)
    crawl = await storage.crawls.create(make_crawl(org.id))
    first = await storage.crawls.add_pages(
        [make_page(crawl.id, p) for p in ("a", "b", "a", "c")], max_pages=5
    )
    assert [(p.url_key[-1], p.seq) for p in first] == [("a", 1), ("b", 2), ("c", 3)]
    second = await storage.crawls.add_pages(
        [make_page(crawl.id, p, depth=2) for p in ("b", "d", "e", "f", "g")], max_pages=5
    )
    assert [(p.url_key[-1], p.seq, p.depth) for p in second] == [("d", 4, 2), ("e", 5, 2)]
    assert await storage.crawls.add_pages([make_page(crawl.id, "h")], max_pages=5) == []
    assert await storage.crawls.add_pages([], max_pages=5) == []
    stored = await storage.crawls.list_pages(crawl.id, offset=0, limit=100)
    assert stored == first + second


async def test_concurrent_add_pages_never_exceeds_max_pages(storage: Storage) -> None:
    org = await add_org(storage)
    crawl = await storage.crawls.create(make_crawl(org.id))
    other = await storage.crawls.create(make_crawl(org.id))
    # Twenty callers with overlapping links, as sibling pages of one site would produce.
    calls = [
        [make_page(crawl.id, f"p{(i + j) % 15}", job_id=f"job-{i}-{j}") for j in range(4)]
        for i in range(20)
    ]
    results = await asyncio.gather(
        *(storage.crawls.add_pages(pages, max_pages=10) for pages in calls),
        storage.crawls.add_pages([make_page(other.id, "x")], max_pages=10),
    )
    inserted = [page for result in results[:-1] for page in result]
    stored = await storage.crawls.list_pages(crawl.id, offset=0, limit=100)
    assert len(stored) == 10 and sorted(stored, key=lambda p: p.seq) == sorted(
        inserted, key=lambda p: p.seq
    )
    assert len({page.url_key for page in stored}) == 10
    assert [page.seq for page in stored] == list(range(1, 11))
    assert [page.seq for page in await storage.crawls.list_pages(other.id, offset=0, limit=9)] == [
        1
    ]


async def test_mark_page_and_page_counts(storage: Storage) -> None:
    org = await add_org(storage)
    crawl = await storage.crawls.create(make_crawl(org.id))
    assert await storage.crawls.page_counts(crawl.id) == {
        "queued": 0,
        "completed": 0,
        "failed": 0,
        "total": 0,
    }
    await storage.crawls.add_pages([make_page(crawl.id, p) for p in "abcd"], max_pages=10)
    await storage.crawls.mark_page(crawl.id, "job-a", "completed", at(20))
    await storage.crawls.mark_page(crawl.id, "job-b", "failed", at(21))
    await storage.crawls.mark_page(crawl.id, "job-c", "completed", at(22))
    await storage.crawls.mark_page(crawl.id, "job-unknown", "failed", at(23))
    await storage.crawls.mark_page("other-crawl", "job-d", "failed", at(23))
    counts = await storage.crawls.page_counts(crawl.id)
    assert counts == {"queued": 1, "completed": 2, "failed": 1, "total": 4}
    pages = await storage.crawls.list_pages(crawl.id, offset=0, limit=10)
    assert [(p.status, p.completed_at) for p in pages] == [
        ("completed", at(20)),
        ("failed", at(21)),
        ("completed", at(22)),
        ("queued", None),
    ]


async def test_list_pages_paginates_by_seq(storage: Storage) -> None:
    org = await add_org(storage)
    crawl = await storage.crawls.create(make_crawl(org.id))
    for batch in ("abc", "defg"):
        await storage.crawls.add_pages([make_page(crawl.id, p) for p in batch], max_pages=50)
    seen = []
    for offset in range(0, 8, 3):
        page = await storage.crawls.list_pages(crawl.id, offset=offset, limit=3)
        seen.append([(p.seq, p.url_key[-1]) for p in page])
    assert seen == [
        [(1, "a"), (2, "b"), (3, "c")],
        [(4, "d"), (5, "e"), (6, "f")],
        [(7, "g")],
    ]
    assert await storage.crawls.list_pages("missing", offset=0, limit=3) == []


async def test_finish_happens_once_under_concurrency(storage: Storage) -> None:
    org = await add_org(storage)
    crawl = await storage.crawls.create(make_crawl(org.id))
    results = await asyncio.gather(
        *(
            storage.crawls.finish(
                crawl.id,
                status="partial" if i % 2 else "completed",
                stop_reason=f"reason-{i}",
                at=at(10 + i),
                expires_at=at(100 + i),
            )
            for i in range(8)
        )
    )
    assert results.count(True) == 1
    winner = results.index(True)
    stored = await storage.crawls.get(crawl.id)
    assert stored is not None
    assert (stored.status, stored.stop_reason) == (
        "partial" if winner % 2 else "completed",
        f"reason-{winner}",
    )
    assert (stored.completed_at, stored.expires_at) == (at(10 + winner), at(100 + winner))
    assert not await storage.crawls.finish(
        "missing", status="failed", stop_reason="error", at=at(1), expires_at=at(2)
    )


async def test_count_and_list_unfinished(storage: Storage) -> None:
    org = await add_org(storage)
    other_org = await add_org(storage, "other")
    late = await storage.crawls.create(make_crawl(org.id, created_at=at(30)))
    done = await storage.crawls.create(make_crawl(org.id, created_at=at(10)))
    early = await storage.crawls.create(make_crawl(other_org.id, created_at=at(5)))
    await storage.crawls.finish(
        done.id, status="completed", stop_reason="finished", at=at(40), expires_at=at(90)
    )
    assert await storage.crawls.count_unfinished(org.id) == 1
    assert await storage.crawls.count_unfinished(other_org.id) == 1
    assert [c.id for c in await storage.crawls.list_unfinished()] == [early.id, late.id]


async def test_purge_removes_expired_crawls_with_their_pages(storage: Storage) -> None:
    org = await add_org(storage)
    old = await storage.crawls.create(make_crawl(org.id))
    live = await storage.crawls.create(make_crawl(org.id))
    for crawl in (old, live):
        await storage.crawls.add_pages([make_page(crawl.id, p) for p in "ab"], max_pages=10)
    await storage.crawls.finish(
        old.id, status="completed", stop_reason="finished", at=at(0), expires_at=at(50)
    )
    await storage.crawls.add_robots_blocked(old.id, ["https://example.com/private/"], keep=10)
    assert await storage.crawls.purge(at(60)) == 1
    assert await storage.crawls.get(old.id) is None
    assert await storage.crawls.list_robots_blocked(old.id) == []
    assert (await storage.crawls.page_counts(old.id))["total"] == 0
    assert await storage.crawls.list_pages(old.id, offset=0, limit=10) == []
    assert (await storage.crawls.page_counts(live.id))["total"] == 2
    # A new crawl reusing the purged id starts from seq 1: no orphan pages were left behind.
    await storage.crawls.create(make_crawl(org.id, id=old.id))
    readded = await storage.crawls.add_pages([make_page(old.id, "a")], max_pages=10)
    assert [p.seq for p in readded] == [1]


async def test_list_for_org_filters_and_pages_newest_first(storage: Storage) -> None:
    org = await add_org(storage)
    stranger = await add_org(storage, "stranger")
    old = await storage.crawls.create(make_crawl(org.id, created_at=at(1), status="completed"))
    mid = await storage.crawls.create(make_crawl(org.id, created_at=at(2), status="running"))
    new = await storage.crawls.create(make_crawl(org.id, created_at=at(3), status="running"))
    await storage.crawls.create(make_crawl(stranger.id, created_at=at(4)))
    crawls, total = await storage.crawls.list_for_org(org.id, statuses=None, offset=0, limit=2)
    assert [c.id for c in crawls] == [new.id, mid.id] and total == 3
    crawls, total = await storage.crawls.list_for_org(org.id, statuses=None, offset=2, limit=2)
    assert [c.id for c in crawls] == [old.id] and total == 3
    running, total = await storage.crawls.list_for_org(
        org.id, statuses=("discovering", "running"), offset=0, limit=10
    )
    assert [c.id for c in running] == [new.id, mid.id] and total == 2


async def test_event_log_is_ordered_per_crawl_and_purged_with_it(storage: Storage) -> None:
    org = await add_org(storage)
    one = await storage.crawls.create(make_crawl(org.id))
    two = await storage.crawls.create(make_crawl(org.id))
    first = await storage.crawls.add_event(one.id, "page.completed", {"url": "a", "n": 1})
    await storage.crawls.add_event(two.id, "page.completed", {"url": "x"})
    second = await storage.crawls.add_event(one.id, "crawl.completed", {"status": "completed"})
    assert second.id > first.id
    logged = await storage.crawls.events_since(one.id, 0, limit=10)
    assert [(e.id, e.event, e.data) for e in logged] == [
        (first.id, "page.completed", {"url": "a", "n": 1}),
        (second.id, "crawl.completed", {"status": "completed"}),
    ]
    assert [e.id for e in await storage.crawls.events_since(one.id, first.id, limit=10)] == [
        second.id
    ]
    assert len(await storage.crawls.events_since(one.id, 0, limit=1)) == 1
    await storage.crawls.finish(
        one.id, status="completed", stop_reason="finished", at=at(0), expires_at=at(5)
    )
    await storage.crawls.purge(at(10))
    assert await storage.crawls.events_since(one.id, 0, limit=10) == []
    assert len(await storage.crawls.events_since(two.id, 0, limit=10)) == 1


async def test_job_totals_sum_the_page_jobs(storage: Storage) -> None:
    org = await add_org(storage)
    crawl = await storage.crawls.create(make_crawl(org.id))
    other = await storage.crawls.create(make_crawl(org.id))
    jobs = [
        make_job(org.id, id=new_id(), status="completed", credits_used=200, credits_refunded=50),
        make_job(org.id, id=new_id(), status="running", credits_used=0, credits_reserved=300),
        make_job(org.id, id=new_id(), status="failed", credits_refunded=300),
    ]
    for n, job in enumerate(jobs):
        await storage.jobs.create(job)
        await storage.crawls.add_pages([make_page(crawl.id, f"p{n}", job_id=job.id)], max_pages=9)
    stranger = await storage.jobs.create(make_job(org.id, id=new_id(), credits_used=999))
    await storage.crawls.add_pages([make_page(other.id, "x", job_id=stranger.id)], max_pages=9)
    assert await storage.crawls.job_totals(crawl.id) == (200, 350, 1)
    assert await storage.crawls.job_totals("missing") == (0, 0, 0)
