"""Each crawl's event log, for the Server-Sent Events stream.

Events live in the database, so a stream resumes with ``Last-Event-ID`` after a restart and on
any API process; the event bus only wakes waiting streams. Page results are not copied into the
log: ``with_results`` attaches them from the page jobs when a stream asks for them.
"""

from __future__ import annotations

from scrapegate.domain.records import CrawlEvent
from scrapegate.jobs.crawl_views import CrawlEventData
from scrapegate.jobs.job_events import BusSubscription, JobEventBus
from scrapegate.storage.protocols import Storage

REPLAY_BATCH = 500


def crawl_topic(crawl_id: str) -> str:
    return f"crawl:{crawl_id}"


class CrawlEventLog:
    def __init__(self, storage: Storage, bus: JobEventBus) -> None:
        self._storage = storage
        self.bus = bus

    async def publish(self, crawl_id: str, event: str, data: CrawlEventData) -> CrawlEvent:
        stored = {k: v for k, v in data.items() if k != "result"}
        item = await self._storage.crawls.add_event(crawl_id, event, stored)
        await self.bus.publish(crawl_topic(crawl_id), {"crawl_id": crawl_id, "id": item.id})
        return item

    async def since(self, crawl_id: str, last_id: int) -> list[CrawlEvent]:
        return await self._storage.crawls.events_since(crawl_id, last_id, limit=REPLAY_BATCH)

    async def wait(self, subscription: BusSubscription, timeout: float) -> bool:
        """True when something was published to the subscribed crawl within ``timeout``."""
        return await subscription.get(timeout) is not None

    async def with_results(self, events: list[CrawlEvent]) -> list[CrawlEvent]:
        """``page.completed`` events with the page's scrape response attached."""
        job_ids = [str(e.data["job_id"]) for e in events if e.event == "page.completed"]
        if not job_ids:
            return events
        jobs = {job.id: job for job in await self._storage.jobs.get_many(job_ids)}
        for event in events:
            job = jobs.get(str(event.data.get("job_id")))
            if event.event == "page.completed" and job is not None and job.result is not None:
                event.data = {**event.data, "result": job.result}
        return events
