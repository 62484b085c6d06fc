"""Crawls: start with discovery, follow links as pages finish, end once."""

from __future__ import annotations

import asyncio
import builtins
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from scrapegate.domain.crawl_request import CrawlRequest, crawl_from_options, crawl_options
from scrapegate.domain.netrules import NetPolicy
from scrapegate.domain.principal import Principal
from scrapegate.domain.records import Crawl, Job, new_id, utcnow
from scrapegate.engine.estimate import CostEstimator
from scrapegate.engine.robots import RobotsRules, fetch_robots
from scrapegate.errors import (
    ConcurrencyLimited,
    Conflict,
    InsufficientBalance,
    JobExpired,
    NotFound,
)
from scrapegate.fetchers.base import Fetcher
from scrapegate.jobs.crawl_events import CrawlEventLog
from scrapegate.jobs.crawl_frontier import (
    CrawlFrontier,
    enqueue_pages,
    frontier_of,
    queue_page_jobs,
    record_robots_blocked,
    repair_orphan_pages,
)
from scrapegate.jobs.crawl_views import (
    CrawlCancelled,
    CrawlList,
    CrawlStarted,
    CrawlStartedWebhook,
    CrawlView,
    CrawlWebhookData,
    completed_data,
    crawl_view,
    ended_webhook,
    list_item,
    page_event,
    page_webhook,
    progress_data,
)
from scrapegate.jobs.discovery.links import extract_links
from scrapegate.jobs.discovery.sitemaps import crawl_sitemaps, well_known_sitemap_urls
from scrapegate.jobs.map_discovery import origin_of
from scrapegate.jobs.queue import JobQueue
from scrapegate.jobs.runner import JobRunner, WebhookSink
from scrapegate.storage.protocols import Storage

MAX_UNFINISHED_CRAWLS = 10
ACTIVE_STATUSES = ("discovering", "running")
CRAWL_STATUSES = (*ACTIVE_STATUSES, "completed", "partial", "failed")


@dataclass(frozen=True)
class CrawlSettings:
    billing_enabled: bool
    result_ttl_s: int = 86_400
    discovery_budget_s: float = 5.0
    progress_interval_s: float = 5.0
    webhook_secret_for: Callable[[str], str] = lambda org_id: ""


@dataclass(frozen=True)
class CrawlParts:
    storage: Storage
    queue: JobQueue
    estimator: CostEstimator
    runner: JobRunner
    fetcher: Fetcher  # robots.txt, sitemaps
    policy: NetPolicy
    events: CrawlEventLog


class CrawlService:
    def __init__(
        self, parts: CrawlParts, settings: CrawlSettings, webhooks: WebhookSink | None = None
    ) -> None:
        self._p = parts
        self._settings = settings
        self._webhooks = webhooks
        self._frontiers: dict[str, CrawlFrontier] = {}
        self._progress_at: dict[str, float] = {}  # when each crawl last sent crawl.progress
        self._finish_hooks: list[Callable[[Crawl, str], Awaitable[None]]] = []

    def add_finish_hook(self, hook: Callable[[Crawl, str], Awaitable[None]]) -> None:
        """Called with every crawl that ends here and its final status (notifications)."""
        self._finish_hooks.append(hook)

    @property
    def events(self) -> CrawlEventLog:
        return self._p.events

    async def start(self, who: Principal, req: CrawlRequest) -> CrawlStarted:
        storage = self._p.storage
        if await storage.crawls.count_unfinished(who.org_id) >= MAX_UNFINISHED_CRAWLS:
            raise ConcurrencyLimited("At most 10 unfinished crawls per organization", 2)
        await self._admit(who, req)
        crawl = Crawl(
            id=new_id(),
            org_id=who.org_id,
            key_id=who.key.id,
            url=req.url,
            options=crawl_options(req),
            max_pages=req.max_pages,
            webhook_url=req.webhook_url,
            webhook_secret=req.webhook_secret,
            webhook_events=list(req.webhook_events),
        )
        await storage.crawls.create(crawl)
        deadline = time.monotonic() + self._settings.discovery_budget_s
        frontier = CrawlFrontier(req, await self._robots(req, deadline))
        self._frontiers[crawl.id] = frontier
        crawl.robots = frontier.robots.to_record() if frontier.robots else None
        urls = [(req.url, 0), *[(u, 1) for u in await self._sitemap_urls(req, frontier, deadline)]]
        inserted = await storage.crawls.add_pages(
            frontier.candidates(crawl.id, urls), max_pages=req.max_pages
        )
        added = len(inserted)
        await record_robots_blocked(storage, crawl, frontier)
        crawl.status, crawl.started_at, crawl.estimated_pages = "running", utcnow(), added
        # Saved before any page job exists: afterwards only page hooks change the crawl.
        await storage.crawls.save(crawl)
        await queue_page_jobs(storage, self._p.queue, self._p.estimator, crawl, req, inserted)
        started: CrawlStartedWebhook = {
            "crawl_id": crawl.id,
            "url": crawl.url,
            "estimated_pages": added,
            "max_pages": crawl.max_pages,
        }
        await self._notify(crawl, "crawl.started", started)
        await self._progress(crawl, discovered=True)
        per_page = await self._p.estimator.minimum_credits(req.page, who.org_id)
        return CrawlStarted(
            crawl_id=crawl.id,
            status=crawl.status,
            url=crawl.url,
            estimated_pages=added,
            total_enqueued=added,
            estimated_credits=added * per_page,
            max_pages=crawl.max_pages,
            created_at=crawl.created_at,
        )

    async def _admit(self, who: Principal, req: CrawlRequest) -> None:
        if not self._settings.billing_enabled:
            return
        minimum = await self._p.estimator.minimum_credits(req.page, who.org_id)
        balance = await self._p.storage.ledger.balance(who.org_id)
        if balance < minimum:
            raise InsufficientBalance(
                "Insufficient balance for this crawl",
                {"required_microcents": minimum, "balance_microcents": balance},
            )

    async def _robots(self, req: CrawlRequest, deadline: float) -> RobotsRules | None:
        if not req.respect_robots:
            return None
        return await asyncio.wait_for(
            fetch_robots(self._p.fetcher, origin_of(req.url), self._p.policy),
            max(deadline - time.monotonic(), 1.0),
        )

    async def _sitemap_urls(
        self, req: CrawlRequest, frontier: CrawlFrontier, deadline: float
    ) -> list[str]:
        if req.sitemap == "skip":
            return []
        listed = frontier.robots.sitemaps if frontier.robots else []
        candidates = (
            [origin_of(req.url) + req.sitemap_path.lstrip("/")]
            if req.sitemap_path
            else [*listed, *well_known_sitemap_urls(origin_of(req.url))]
        )
        try:
            found = await asyncio.wait_for(
                crawl_sitemaps(
                    self._p.fetcher, candidates, self._p.policy, limit=req.max_pages * 4
                ),
                max(deadline - time.monotonic(), 0.5),
            )
        except TimeoutError:
            return []  # discovery is capped; links found while crawling still count
        return [entry.url for entry in found.entries]

    async def owned(self, org_id: str, crawl_id: str) -> Crawl:
        crawl = await self._p.storage.crawls.get(crawl_id)
        if crawl is None or crawl.org_id != org_id:
            raise NotFound("Crawl not found")
        if crawl.expires_at is not None and crawl.expires_at <= utcnow():
            raise JobExpired(f"Crawl {crawl_id} has expired (results are kept for 24 hours).")
        return crawl

    async def status(
        self, who: Principal, crawl_id: str, *, include_results: bool, offset: int, limit: int
    ) -> CrawlView:
        crawl = await self.owned(who.org_id, crawl_id)
        return await crawl_view(
            self._p.storage, crawl, include_results=include_results, offset=offset, limit=limit
        )

    async def list(
        self, who: Principal, *, status: str | None, offset: int, limit: int
    ) -> CrawlList:
        """``GET /api/v1/crawl``: ``status`` is a crawl status or ``active``."""
        statuses = ACTIVE_STATUSES if status == "active" else (status,) if status else None
        crawls, total = await self._p.storage.crawls.list_for_org(
            who.org_id, statuses=statuses, offset=offset, limit=limit
        )
        items = [
            list_item(crawl, await self._p.storage.crawls.page_counts(crawl.id)) for crawl in crawls
        ]
        return CrawlList(items, total, limit, offset, has_more=offset + len(items) < total)

    async def cancel(self, who: Principal, crawl_id: str) -> CrawlCancelled:
        crawl = await self.owned(who.org_id, crawl_id)
        if crawl.completed_at is not None:
            raise Conflict("Crawl already completed")
        crawl.cancelled = True
        await self._p.storage.crawls.save(crawl)
        cancelled, refunded = 0, 0
        for page in await self._p.storage.crawls.list_pages(crawl.id, offset=0, limit=10**6):
            if page.status == "queued":
                released = await self._p.runner.cancel_pending(page.job_id)
                if released is not None:
                    cancelled, refunded = cancelled + 1, refunded + released
        final = await self._finish(crawl, "cancelled")
        return CrawlCancelled(crawl.id, final, True, cancelled, refunded)

    async def on_job_finished(self, job: Job) -> None:
        """Runner hook: record the page, follow its links, end the crawl when nothing is left."""
        crawl_id = job.origin.crawl_id
        if not crawl_id:
            return
        crawl = await self._p.storage.crawls.get(crawl_id)
        if crawl is None:
            return
        depth = job.origin.depth
        status_code = int((job.result or {}).get("status_code") or 0)
        page_ok = job.status == "completed" and not (depth == 0 and status_code >= 400)
        ending = crawl.completed_at is not None or crawl.stop_reason is not None
        req = crawl_from_options(crawl.options)
        added = 0
        # Links go in before the page counts as done, so no other page's hook can see the
        # crawl empty in between; both steps are idempotent for a replayed job.
        if page_ok and not crawl.cancelled and not ending:
            added = await self._follow_links(crawl, req, job, depth)
        changed = await self._p.storage.crawls.mark_page(
            crawl.id, job.id, "completed" if page_ok else "failed", utcnow()
        )
        if ending:
            return  # finished, or being stopped by whoever set stop_reason
        counts = await self._p.storage.crawls.page_counts(crawl.id)  # after this page's mark
        if changed:
            await self._page_events(crawl, job, depth, counts)
            await self._progress(crawl, discovered=added > 0)
        if depth == 0 and not page_ok and not crawl.cancelled:
            await self._start_failed(crawl, job, status_code)
            return
        if counts["queued"] == 0 or crawl.cancelled:
            await self._finish(crawl, "cancelled" if crawl.cancelled else None)
        elif self._deadline_passed(crawl, req):
            await self._stop(crawl, "deadline")

    async def _follow_links(self, crawl: Crawl, req: CrawlRequest, job: Job, depth: int) -> int:
        links = job.links if job.links is not None else await self._links_from_html(job, req)
        if not links or depth >= req.max_depth or req.sitemap == "only":
            return 0
        frontier = self._frontiers.get(crawl.id) or frontier_of(crawl, req)
        self._frontiers[crawl.id] = frontier
        pages = frontier.candidates(crawl.id, [(url, depth + 1) for url in links])
        await record_robots_blocked(self._p.storage, crawl, frontier)
        p = self._p
        return await enqueue_pages(p.storage, p.queue, p.estimator, crawl, req, pages)

    async def _links_from_html(self, job: Job, req: CrawlRequest) -> builtins.list[str]:
        """Pages queued before links were kept with the job: read them from its raw HTML,
        which is dropped (unless asked for) only after they are stored, for a replay."""
        result = job.result or {}
        html = result.get("raw_html")
        if not isinstance(html, str):
            return []
        links = extract_links(html, str(result.get("final_url") or job.request.get("url")))
        if not req.wants_raw_html:
            job.result = {k: v for k, v in result.items() if k != "raw_html"}
            job.links = links
            await self._p.storage.jobs.save(job)
        return links

    async def _start_failed(self, crawl: Crawl, job: Job, status_code: int) -> None:
        """The start URL failed: the crawl fails, with what went wrong (issue: a 404 start)."""
        if job.status == "failed":
            crawl.error, crawl.error_code = job.error, job.error_code
        else:
            crawl.error = f"The start URL answered HTTP {status_code}"
            crawl.error_code = "UPSTREAM_ERROR"
        await self._p.storage.crawls.save(crawl)
        await self._stop(crawl, "error")

    def _deadline_passed(self, crawl: Crawl, req: CrawlRequest) -> bool:
        started = crawl.started_at or crawl.created_at
        return utcnow() - started > timedelta(seconds=req.crawl_timeout)

    async def _stop(self, crawl: Crawl, reason: str) -> None:
        crawl.stop_reason = reason  # page hooks now leave the ending to this call
        await self._p.storage.crawls.save(crawl)
        for page in await self._p.storage.crawls.list_pages(crawl.id, offset=0, limit=10**6):
            if page.status == "queued":
                await self._p.runner.cancel_pending(page.job_id)
        await self._finish(crawl, reason)

    async def _page_events(
        self, crawl: Crawl, job: Job, depth: int, counts: dict[str, int]
    ) -> None:
        event, data = page_event(crawl, job, depth, counts)
        await self._p.events.publish(crawl.id, event, data)
        if "crawl.page" in (crawl.webhook_events or ()):
            await self._notify(crawl, "crawl.page", page_webhook(crawl, job, depth, counts))

    async def _progress(self, crawl: Crawl, *, discovered: bool) -> None:
        """crawl.progress: every few seconds while pages finish, and soon after new pages."""
        now, last = time.monotonic(), self._progress_at.get(crawl.id, 0.0)
        interval = self._settings.progress_interval_s
        if now - last < (min(interval, 1.0) if discovered else interval):
            return
        self._progress_at[crawl.id] = now
        await self._p.events.publish(
            crawl.id, "crawl.progress", await progress_data(self._p.storage, crawl)
        )

    async def _finish(self, crawl: Crawl, reason: str | None) -> str:
        counts = await self._p.storage.crawls.page_counts(crawl.id)
        cancelled = crawl.cancelled or reason is not None
        status = "failed" if reason == "error" else _final_status(counts, cancelled=cancelled)
        stop = reason or ("max_pages" if counts["total"] >= crawl.max_pages else "finished")
        now = utcnow()
        expires = now + timedelta(seconds=self._settings.result_ttl_s)
        if not await self._p.storage.crawls.finish(
            crawl.id, status=status, stop_reason=stop, at=now, expires_at=expires
        ):
            return status
        self._frontiers.pop(crawl.id, None)
        self._progress_at.pop(crawl.id, None)
        done = await self._p.storage.crawls.get(crawl.id) or crawl
        data = await completed_data(self._p.storage, done)
        await self._p.events.publish(crawl.id, "crawl.completed", data)
        for hook in self._finish_hooks:
            await hook(done, status)
        event = "crawl.failed" if status == "failed" else "crawl.completed"
        await self._notify(done, event, ended_webhook(data, done))
        return status

    async def resume(self) -> None:
        """After a restart: crawls whose last page ended while the server was down end now."""
        for crawl in await self._p.storage.crawls.list_unfinished():
            counts = await self._p.storage.crawls.page_counts(crawl.id)
            if counts["queued"] == 0 and crawl.status != "discovering":
                await self._finish(crawl, None)

    async def repair_orphans(self, now: datetime) -> int:
        p = self._p
        return await repair_orphan_pages(p.storage, p.queue, p.estimator, now)

    async def _notify(self, crawl: Crawl, event: str, data: CrawlWebhookData) -> None:
        wanted = crawl.webhook_events or ()
        if self._webhooks is None or not crawl.webhook_url or event not in wanted:
            return
        secret = crawl.webhook_secret or self._settings.webhook_secret_for(crawl.org_id)
        await self._webhooks.enqueue(
            org_id=crawl.org_id, url=crawl.webhook_url, secret=secret, event=event, data=data
        )


def _final_status(counts: dict[str, int], *, cancelled: bool) -> str:
    if counts["completed"] == 0:
        return "failed"
    if counts["failed"] or cancelled:
        return "partial"
    return "completed"
