"""The peer crawlers of bench/crawl.py, each run as its own process:

    python bench/crawl_peers.py PEER --start URL --pages N --concurrency C --out result.json

PEER is ``scrapy-markdownify``, ``scrapy-trafilatura``, ``trafilatura`` or ``crawl4ai``. Every
peer crawls from URL by following same-host links, obeys robots.txt, waits no politeness delay,
converts every page to markdown and writes {"pages", "nonempty", "errors", "started",
"last_page"} (wall-clock seconds since the epoch) to the --out file. Top-level imports are
stdlib only, so the crawl4ai peer can run under its own throwaway virtualenv.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

Converter = Callable[[str, str], str]


CHECKPOINT_PAGES = 50
OUT: list[Path] = []  # the --out file, set by main()


@dataclass
class Tally:
    pages: int = 0
    nonempty: int = 0
    errors: int = 0
    started: float = 0.0
    last_page: float = 0.0

    def page(self, markdown: str | None) -> None:
        self.pages += 1
        self.nonempty += bool(markdown and markdown.strip())
        self.last_page = time.time()
        if self.pages % CHECKPOINT_PAGES == 0:
            self.save()  # a peer stopped at the bench's time limit still reports its rate

    def save(self) -> None:
        if OUT:
            OUT[0].write_text(json.dumps(asdict(self)), encoding="utf-8")


def markdownify_body(html: str, url: str) -> str:
    from markdownify import markdownify

    return str(markdownify(html))


def trafilatura_markdown(html: str, url: str) -> str:
    import trafilatura

    return trafilatura.extract(html, url=url, output_format="markdown") or ""


def run_scrapy(start: str, concurrency: int, convert: Converter, body_only: bool) -> Tally:
    """A CrawlSpider with one LinkExtractor rule, the textbook way to crawl a site."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.http import Response
    from scrapy.linkextractors import LinkExtractor
    from scrapy.spiders import CrawlSpider, Rule

    tally = Tally()
    host = urlsplit(start).hostname or ""

    class SiteSpider(CrawlSpider):
        name = "bench"
        allowed_domains = [host]  # noqa: RUF012  # Scrapy reads these class attributes
        start_urls = [start]  # noqa: RUF012
        rules = (Rule(LinkExtractor(allow_domains=[host]), callback="parse_page", follow=True),)

        def parse_start_url(self, response: Response, **kwargs: Any) -> list[Any]:
            return self.parse_page(response)

        def parse_page(self, response: Response) -> list[Any]:
            html = (response.xpath("//body").get() if body_only else None) or response.text
            tally.page(convert(html, response.url))
            return []

    process = CrawlerProcess(
        settings={
            "CONCURRENT_REQUESTS": concurrency,
            "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
            "DOWNLOAD_DELAY": 0,
            "AUTOTHROTTLE_ENABLED": False,
            "ROBOTSTXT_OBEY": True,
            "LOG_LEVEL": "WARNING",
            "TELNETCONSOLE_ENABLED": False,
        }
    )
    process.crawl(SiteSpider)
    tally.started = time.time()
    process.start()
    return tally


def run_trafilatura(start: str, pages: int, concurrency: int) -> Tally:
    """The way trafilatura's crawling docs put it: ``focused_crawler`` finds the site's URLs,
    then ``buffered_downloads`` fetches them on threads and ``extract`` converts each one."""
    from trafilatura import extract
    from trafilatura.downloads import buffered_downloads
    from trafilatura.settings import Extractor, use_config
    from trafilatura.spider import focused_crawler

    config = use_config()
    config.set("DEFAULT", "SLEEP_TIME", "0")  # no politeness delay, as for every crawler
    config.set("DEFAULT", "SSRF_PROTECTION", "off")  # the bench site is on loopback
    tally = Tally(started=time.time())
    _, known = focused_crawler(
        start, max_seen_urls=pages + 1, max_known_urls=pages * 10, config=config
    )
    options = Extractor(config=config, output_format="markdown")
    for url, html in buffered_downloads(known[:pages], concurrency, options=options):
        if html is None:
            tally.errors += 1
            continue
        tally.page(extract(html, url=url, output_format="markdown", config=config) or "")
    return tally


async def crawl4ai_pages(start: str, pages: int, concurrency: int) -> Tally:
    """crawl4ai's HTTP-only strategy (no browser) with its BFS deep crawl and fit markdown."""
    from crawl4ai import AsyncWebCrawler, CacheMode, CrawlerRunConfig, HTTPCrawlerConfig
    from crawl4ai.async_crawler_strategy import AsyncHTTPCrawlerStrategy
    from crawl4ai.content_filter_strategy import PruningContentFilter
    from crawl4ai.deep_crawling import BFSDeepCrawlStrategy
    from crawl4ai.markdown_generation_strategy import DefaultMarkdownGenerator

    strategy = AsyncHTTPCrawlerStrategy(
        browser_config=HTTPCrawlerConfig(), max_connections=concurrency
    )
    config = CrawlerRunConfig(
        deep_crawl_strategy=BFSDeepCrawlStrategy(max_depth=50, max_pages=pages),
        markdown_generator=DefaultMarkdownGenerator(content_filter=PruningContentFilter()),
        cache_mode=CacheMode.BYPASS,
        check_robots_txt=True,
        semaphore_count=concurrency,
        mean_delay=0.0,
        max_range=0.0,
        stream=True,
        verbose=False,
    )
    tally = Tally()
    async with AsyncWebCrawler(crawler_strategy=strategy) as crawler:
        tally.started = time.time()
        async for result in await crawler.arun(start, config=config):
            if not result.success:
                tally.errors += 1
                continue
            markdown = result.markdown
            tally.page(getattr(markdown, "fit_markdown", None) or str(markdown or ""))
    return tally


def run_peer(peer: str, start: str, pages: int, concurrency: int) -> Tally:
    if peer == "scrapy-markdownify":
        return run_scrapy(start, concurrency, markdownify_body, body_only=True)
    if peer == "scrapy-trafilatura":
        return run_scrapy(start, concurrency, trafilatura_markdown, body_only=False)
    if peer == "trafilatura":
        return run_trafilatura(start, pages, concurrency)
    if peer == "crawl4ai":
        return asyncio.run(crawl4ai_pages(start, pages, concurrency))
    raise SystemExit(f"unknown peer {peer!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("peer")
    parser.add_argument("--start", required=True)
    parser.add_argument("--pages", type=int, required=True)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    # crawl4ai keeps a database and caches under its base directory: keep it out of $HOME.
    os.environ.setdefault("CRAWL4_AI_BASE_DIRECTORY", str(args.out.parent))
    OUT.append(args.out)
    run_peer(args.peer, args.start, args.pages, args.concurrency).save()


if __name__ == "__main__":
    main()
