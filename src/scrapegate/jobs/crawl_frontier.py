"""Which discovered URLs a crawl takes, and turning them into page jobs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from scrapegate.domain.crawl_request import CrawlRequest, crawl_from_options
from scrapegate.domain.job_origin import CrawlPageLimits, JobOrigin
from scrapegate.domain.records import Crawl, CrawlPage, Job, new_id
from scrapegate.engine.domains import registrable_domain
from scrapegate.engine.estimate import CostEstimator
from scrapegate.engine.robots import RobotsRules
from scrapegate.jobs.discovery.links import extract_links
from scrapegate.jobs.discovery.patterns import UrlFilter
from scrapegate.jobs.discovery.scope import CrawlScope
from scrapegate.jobs.discovery.traps import looks_like_trap
from scrapegate.jobs.discovery.urls import normalize_url
from scrapegate.jobs.queue import JobQueue
from scrapegate.storage.protocols import Storage

# The crawl status lists at most this many robots-blocked URLs (the count goes on).
ROBOTS_BLOCKED_LISTED = 1_000


@dataclass
class CrawlFrontier:
    """The filters of one crawl: scope, patterns, robots, traps."""

    req: CrawlRequest
    robots: RobotsRules | None
    scope: CrawlScope = field(init=False)
    filter: UrlFilter = field(init=False)
    shapes: dict[str, int] = field(default_factory=dict)
    # Refused by robots.txt since the last ``take_robots_blocked``, once per normalised URL.
    robots_blocked: list[str] = field(default_factory=list)
    blocked_keys: set[str] = field(default_factory=set)
    # Links seen before are neither re-checked nor counted again towards a shape's trap limit
    # (which is about distinct URLs): accepted ones by key, refused ones by exact URL.
    judged: set[str] = field(default_factory=set)
    refused: set[str] = field(default_factory=set)
    # Exact URLs already settled: a site's navigation repeats on every page, and
    # normalising each occurrence again was most of the frontier's time.
    settled: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        req = self.req
        self.scope = CrawlScope(
            req.url,
            include_subdomains=req.include_subdomains,
            allow_external=req.allow_external_links,
        )
        self.filter = UrlFilter(
            req.include_patterns,
            req.exclude_patterns,
            syntax="regex" if req.pattern_syntax == "regex" else "glob",
            full_url=req.patterns_match_full_url,
        )

    def key(self, url: str) -> str:
        return normalize_url(
            url,
            ignore_query=self.req.ignore_query_parameters,
            similar=self.req.deduplicate_similar_urls,
        )

    def accepts(self, url: str, key: str | None = None) -> bool:
        """``key``: the URL's normalised form, when the caller has it."""
        if not self.scope.in_scope(url) or not self.filter.allows(url):
            return False
        if looks_like_trap(url, seen_path_shapes=self.shapes):
            return False
        if self.robots is not None and not self.robots.allowed(url):
            if (key := key or self.key(url)) not in self.blocked_keys:
                self.blocked_keys.add(key)
                self.robots_blocked.append(url)
            return False
        return True

    def take_robots_blocked(self) -> list[str]:
        """The URLs robots.txt refused since the last call (the caller records them)."""
        taken, self.robots_blocked = self.robots_blocked, []
        return taken

    def candidates(self, crawl_id: str, urls: list[tuple[str, int]]) -> list[CrawlPage]:
        pages: list[CrawlPage] = []
        for url, depth in urls:
            if url in self.settled:
                continue
            self.settled.add(url)
            try:
                key = self.key(url)
            except ValueError:
                continue
            if key in self.judged or url in self.refused:
                continue
            if depth == 0 or self.accepts(url, key):  # the start URL is always scraped
                self.judged.add(key)
                pages.append(
                    CrawlPage(crawl_id=crawl_id, url_key=key, url=url, depth=depth, job_id=new_id())
                )
            else:
                # By the exact URL: a refused variant (a session id) must not hide its clean twin.
                self.refused.add(url)
        return pages


def host_interval(crawl: Crawl, req: CrawlRequest) -> float:
    """Seconds between two requests of this crawl to one host: ``delay`` or robots.txt's
    Crawl-delay, whichever is longer (the server adds its own floor when it runs them)."""
    robots_delay = crawl.robots["crawl_delay"] if crawl.robots and req.respect_robots else None
    return max(req.delay, float(robots_delay or 0.0))


def frontier_of(crawl: Crawl, req: CrawlRequest) -> CrawlFrontier:
    """A crawl's filters rebuilt from what is stored, in whichever process runs its pages."""
    robots = RobotsRules.from_record(crawl.robots) if crawl.robots and req.respect_robots else None
    return CrawlFrontier(req, robots)


async def record_robots_blocked(storage: Storage, crawl: Crawl, frontier: CrawlFrontier) -> None:
    """Store what robots.txt refused: the first ``ROBOTS_BLOCKED_LISTED`` URLs and the count."""
    blocked = frontier.take_robots_blocked()
    if blocked:
        crawl.robots_blocked += await storage.crawls.add_robots_blocked(
            crawl.id, blocked, keep=ROBOTS_BLOCKED_LISTED
        )


def keep_links_not_html(job: Job) -> None:
    """Result shaper of crawl pages: their links are what the crawl needs, stored with the job
    in its one terminal write; the raw HTML stays only when the crawl asked for it."""
    limits = job.origin.crawl_limits
    result = job.result
    if not job.origin.crawl_id or result is None or limits is None or limits.keep_raw_html is None:
        return  # not a crawl page, or queued before pages kept links (their hook reads HTML)
    html = result.get("raw_html")
    if job.links is None and isinstance(html, str) and limits.follow_links:
        job.links = extract_links(html, str(result.get("final_url") or job.request.get("url")))
    if not limits.keep_raw_html:
        job.result = {k: v for k, v in result.items() if k != "raw_html"}


def page_origin(crawl: Crawl, req: CrawlRequest, page: CrawlPage) -> JobOrigin:
    limits = CrawlPageLimits(
        max_concurrency=req.max_concurrency,
        host_interval_s=host_interval(crawl, req),
        follow_links=page.depth < req.max_depth and req.sitemap != "only",
        keep_raw_html=req.wants_raw_html,
    )
    return JobOrigin(crawl_id=crawl.id, depth=page.depth, crawl_limits=limits)


async def queue_page_jobs(
    storage: Storage,
    queue: JobQueue,
    estimator: CostEstimator,
    crawl: Crawl,
    req: CrawlRequest,
    pages: list[CrawlPage],
) -> None:
    """Create (in one write) and queue the jobs of pages already inserted into the crawl."""
    estimates: dict[str, int] = {}  # the minimum cost depends on the page's domain only
    jobs: list[Job] = []
    for page in pages:
        page_req = req.page_for(page.url)
        domain = registrable_domain(page.url)
        if domain not in estimates:
            estimates[domain] = await estimator.minimum_credits(page_req, crawl.org_id)
        jobs.append(
            Job(
                id=page.job_id,
                org_id=crawl.org_id,
                key_id=crawl.key_id,
                type="scrape",
                request=page_req.to_json(),
                request_hash=new_id(),
                origin=page_origin(crawl, req, page),
                estimated_credits=estimates[domain],
            )
        )
    await storage.jobs.create_many(jobs)
    for job in jobs:
        await queue.put(job.id)


async def enqueue_pages(
    storage: Storage,
    queue: JobQueue,
    estimator: CostEstimator,
    crawl: Crawl,
    req: CrawlRequest,
    pages: list[CrawlPage],
) -> int:
    """Insert the new pages (deduplicated, capped at max_pages) and queue their jobs."""
    inserted = await storage.crawls.add_pages(pages, max_pages=req.max_pages)
    await queue_page_jobs(storage, queue, estimator, crawl, req, inserted)
    return len(inserted)


ORPHAN_AGE = timedelta(seconds=60)


async def repair_orphan_pages(
    storage: Storage, queue: JobQueue, estimator: CostEstimator, now: datetime
) -> int:
    """Housekeeping: a worker killed between inserting a crawl's new pages and creating their
    jobs leaves pages nobody runs; create and queue those jobs (pages older than a minute, so
    a live worker still creating them is not raced)."""
    repaired = 0
    for crawl in await storage.crawls.list_unfinished():
        pages = await storage.crawls.list_pages(crawl.id, offset=0, limit=10**6)
        waiting = [p for p in pages if p.status == "queued" and p.created_at < now - ORPHAN_AGE]
        known = {job.id for job in await storage.jobs.get_many([p.job_id for p in waiting])}
        orphans = [p for p in waiting if p.job_id not in known]
        if orphans:
            req = crawl_from_options(crawl.options)
            await queue_page_jobs(storage, queue, estimator, crawl, req, orphans)
            repaired += len(orphans)
    return repaired
