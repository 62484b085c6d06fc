"""Per-crawl concurrency and per-host politeness, on a clock the test moves."""

from __future__ import annotations

from scrapegate.accounts.ratelimit import InMemoryConcurrencyTracker
from scrapegate.domain.crawl_request import parse_crawl_request
from scrapegate.domain.job_origin import CrawlPageLimits, JobOrigin
from scrapegate.domain.records import Crawl, Job
from scrapegate.engine.robots import RobotsRules
from scrapegate.jobs.crawl_frontier import frontier_of, host_interval
from scrapegate.jobs.crawl_gate import CrawlGate, InMemoryHostPacer
from tests.domain.validation_support import make_ctx


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def page_job(
    job_id: str, url: str, *, crawl_id: str = "c1", limit: int = 2, host_s: float = 0.0
) -> Job:
    limits = CrawlPageLimits(max_concurrency=limit, host_interval_s=host_s)
    return Job(
        id=job_id,
        org_id="o",
        key_id=None,
        type="scrape",
        request={"url": url},
        request_hash=job_id,
        origin=JobOrigin(crawl_id=crawl_id, crawl_limits=limits),
    )


async def test_pacer_spaces_requests_to_one_host() -> None:
    clock = Clock()
    pacer = InMemoryHostPacer(clock)
    assert await pacer.reserve("a.test", 1.0) == 0.0
    assert await pacer.reserve("a.test", 1.0) == 1.0
    assert await pacer.reserve("b.test", 1.0) == 0.0  # other hosts are not held up
    clock.now += 0.4
    assert round(await pacer.reserve("a.test", 1.0), 3) == 0.6
    clock.now += 0.6
    assert await pacer.reserve("a.test", 1.0) == 0.0


async def test_gate_holds_crawl_slots_and_applies_the_floor() -> None:
    clock = Clock()
    gate = CrawlGate(InMemoryHostPacer(clock), InMemoryConcurrencyTracker(), floor_s=0.25)
    first, second, third = (page_job(f"j{i}", f"http://h{i}.test/") for i in range(3))
    assert await gate.admit(first) == 0.0
    assert await gate.admit(second) == 0.0
    assert await gate.admit(third) > 0  # max_concurrency 2 reached
    await gate.release(first)
    assert await gate.admit(third) == 0.0
    same_host = page_job("j9", "http://h0.test/other")
    await gate.release(second)
    assert await gate.admit(same_host) == 0.25  # the floor, though the crawl asked for no delay
    other_crawl = page_job("k1", "http://x.test/", crawl_id="c2")
    assert await gate.admit(other_crawl) == 0.0


async def test_gate_ignores_jobs_outside_crawls() -> None:
    gate = CrawlGate(InMemoryHostPacer(Clock()), InMemoryConcurrencyTracker(), floor_s=5.0)
    job = Job(
        id="x",
        org_id="o",
        key_id=None,
        type="scrape",
        request={"url": "http://a/"},
        request_hash="x",
    )
    assert await gate.admit(job) == 0.0 and await gate.admit(job) == 0.0


def test_crawl_delay_and_delay_pick_the_longer_interval() -> None:
    req = parse_crawl_request({"url": "http://site.test/", "delay": 0.5}, make_ctx())
    crawl = Crawl(id="c", org_id="o", key_id=None, url=req.url, options={})
    assert host_interval(crawl, req) == 0.5
    crawl.robots = RobotsRules.from_text("User-agent: *\nCrawl-delay: 2\n").to_record()
    assert host_interval(crawl, req) == 2.0
    ignoring = parse_crawl_request(
        {"url": "http://site.test/", "respect_robots": False}, make_ctx()
    )
    assert host_interval(crawl, ignoring) == 0.0


def test_frontier_is_rebuilt_from_the_stored_robots_txt() -> None:
    req = parse_crawl_request({"url": "http://site.test/"}, make_ctx())
    crawl = Crawl(id="c", org_id="o", key_id=None, url=req.url, options={})
    crawl.robots = RobotsRules.from_text("User-agent: *\nDisallow: /private/\n").to_record()
    frontier = frontier_of(crawl, req)
    assert not frontier.accepts("http://site.test/private/x")
    assert frontier.accepts("http://site.test/public")
    assert RobotsRules.from_record({"status": "unreachable"}).allowed("http://site.test/") is False
    assert RobotsRules.from_record({"status": "missing"}).allowed("http://site.test/") is True


def test_trap_limit_counts_distinct_urls_not_sightings() -> None:
    """Numbered pages linked from many pages: each distinct URL counts once towards its shape."""
    req = parse_crawl_request({"url": "http://site.test/", "max_pages": 1_000}, make_ctx())
    frontier = frontier_of(Crawl(id="c", org_id="o", key_id=None, url=req.url, options={}), req)
    links = [(f"http://site.test/p/page-{n:05d}.html", 1) for n in range(400)]
    accepted = [frontier.candidates("c", links) for _ in range(3)]  # three pages link them all
    assert len(accepted[0]) == 400 and accepted[1] == [] == accepted[2]


def test_a_refused_variant_does_not_hide_its_clean_url() -> None:
    req = parse_crawl_request({"url": "http://site.test/"}, make_ctx())
    frontier = frontier_of(Crawl(id="c", org_id="o", key_id=None, url=req.url, options={}), req)
    assert frontier.candidates("c", [("http://site.test/p/1?sessionid=abc", 1)]) == []
    [page] = frontier.candidates("c", [("http://site.test/p/1", 2)])
    assert page.url == "http://site.test/p/1"
