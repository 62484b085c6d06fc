"""Pages a killed worker inserted without creating their jobs are given jobs by housekeeping."""

from __future__ import annotations

from datetime import timedelta

import pytest

from scrapegate.domain.crawl_request import crawl_options, parse_crawl_request
from scrapegate.domain.records import Crawl, CrawlPage, Organization, new_id, utcnow
from scrapegate.jobs.crawl_frontier import repair_orphan_pages
from scrapegate.jobs.queue import InMemoryJobQueue
from scrapegate.storage.memory import create_memory_storage
from tests.domain.validation_support import make_ctx

pytestmark = pytest.mark.asyncio(loop_scope="session")


class FlatEstimator:
    async def minimum_credits(self, req: object, org_id: str) -> int:
        return 200


async def test_orphan_pages_get_jobs_once_they_are_old_enough() -> None:
    storage, queue = create_memory_storage(), InMemoryJobQueue()
    await storage.organizations.create(Organization(id="o", name="o", slug="o", is_personal=True))
    req = parse_crawl_request({"url": "http://site.test/"}, make_ctx())
    crawl = await storage.crawls.create(
        Crawl(id=new_id(), org_id="o", key_id=None, url=req.url, options=crawl_options(req))
    )
    old, fresh = utcnow() - timedelta(minutes=5), utcnow()
    pages = [
        CrawlPage(crawl.id, f"k{n}", f"http://site.test/{n}", 1, new_id(), created_at=at)
        for n, at in enumerate((old, old, fresh))
    ]
    await storage.crawls.add_pages(pages, max_pages=10)
    estimator: object = FlatEstimator()
    assert await repair_orphan_pages(storage, queue, estimator, utcnow()) == 2  # type: ignore[arg-type]
    assert await queue.depth() == 2
    jobs = await storage.jobs.get_many([p.job_id for p in pages])
    assert {j.id for j in jobs} == {pages[0].job_id, pages[1].job_id}
    assert await repair_orphan_pages(storage, queue, estimator, utcnow()) == 0  # type: ignore[arg-type]
