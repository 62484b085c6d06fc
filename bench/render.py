"""Rendered pages per second: the tier-4 fetcher on a BrowserPool vs a plain Playwright loop.

Starts the loopback fixture site, renders its JavaScript pages with ``BrowserFetcher`` at the
pool's capacity (default 2 browsers x 4 contexts), then with a sequential Playwright loop (one
browser, a new page per URL, the same Chromium and flags, ``wait_until="networkidle"``), and
prints both rates, their ratio and the pool's peak memory (every Chromium process tree, as summed
PSS and as summed RSS, which counts shared library pages once per process).

    .venv/bin/python bench/render.py [--pages 48] [--size 2] [--contexts 4]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path

from playwright.async_api import async_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scrapegate.domain.netrules import NetPolicy  # noqa: E402
from scrapegate.fetchers.base import FetchRequest, RenderOptions  # noqa: E402
from scrapegate.fetchers.browser import BrowserFetcher, BrowserPool  # noqa: E402
from scrapegate.fetchers.browser.launch import DEFAULT_EXECUTABLE, LAUNCH_FLAGS  # noqa: E402
from tests.site.server import FixtureSite  # noqa: E402

JS_PAGES = (
    "/render/spa",
    "/js-shell",
    "/render/button",
    "/render/shadow",
    "/render/infinite",
    "/render/form",
    "/render/headless-check",
    "/render/consent/onetrust",
    "/render/frames",
    "/render/tall",
)
MEMORY_SAMPLE_S = 0.5


def serve_site(connection: Connection) -> None:
    """Runs the fixture site in its own process, so it does not share our interpreter's GIL."""
    site = FixtureSite().start()
    connection.send(site.base_url)
    connection.recv()
    site.stop()


def page_urls(base_url: str, count: int) -> list[str]:
    return [f"{base_url}{JS_PAGES[i % len(JS_PAGES)]}?n={i}" for i in range(count)]


async def sample_memory(pool: BrowserPool, peaks: list[int], stop: asyncio.Event) -> None:
    """Peak summed PSS and peak summed RSS of the pool's Chromium process trees."""
    while not stop.is_set():
        # /proc reads block: a thread keeps them from stalling the scrapes being measured.
        peaks[0] = max(peaks[0], await asyncio.to_thread(pool.memory_bytes))
        peaks[1] = max(peaks[1], await asyncio.to_thread(pool.rss_bytes))
        await asyncio.sleep(MEMORY_SAMPLE_S)


async def run_pool(urls: list[str], size: int, contexts: int) -> tuple[float, list[int], int]:
    """(seconds, [peak PSS, peak RSS] in bytes, failures) for all URLs through the pool."""
    pool = BrowserPool(DEFAULT_EXECUTABLE, size=size, contexts_per_browser=contexts)
    fetcher = BrowserFetcher(pool)
    policy = NetPolicy.build(allow_private=True)
    render = RenderOptions(wait_until="networkidle")
    await pool.browser_version()  # the first browser starts before the clock, as in the loop
    peaks, stop = [0, 0], asyncio.Event()
    sampler = asyncio.create_task(sample_memory(pool, peaks, stop))
    started = time.monotonic()
    results = await asyncio.gather(
        *(
            fetcher.fetch(FetchRequest(url=u, policy=policy, render=render, timeout_s=30))
            for u in urls
        ),
        return_exceptions=True,
    )
    elapsed = time.monotonic() - started
    stop.set()
    await sampler
    await pool.aclose()
    errors = [r for r in results if isinstance(r, BaseException)]
    if errors:
        print(f"first pool failure: {errors[0]!r}")
    return elapsed, peaks, len(errors)


async def run_plain_loop(urls: list[str]) -> tuple[float, int]:
    """(seconds, failures) for a sequential loop: one browser, a new page per URL."""
    failures = 0
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=DEFAULT_EXECUTABLE, headless=True, args=list(LAUNCH_FLAGS)
        )
        started = time.monotonic()
        for url in urls:
            page = await browser.new_page()
            try:
                await page.goto(url, wait_until="networkidle", timeout=30_000)
                await page.content()
            except Exception:  # a failed page is counted, the loop goes on
                failures += 1
            finally:
                await page.close()
        elapsed = time.monotonic() - started
        await browser.close()
    return elapsed, failures


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=48)
    parser.add_argument("--size", type=int, default=2)
    parser.add_argument("--contexts", type=int, default=4)
    args = parser.parse_args()
    ours, theirs = multiprocessing.Pipe()
    server = multiprocessing.Process(target=serve_site, args=(theirs,), daemon=True)
    server.start()
    try:
        urls = page_urls(ours.recv(), args.pages)
        pool_s, peaks, pool_failures = await run_pool(urls, args.size, args.contexts)
        loop_s, loop_failures = await run_plain_loop(urls)
    finally:
        ours.send("stop")
        server.join(timeout=10)
    pool_rate, loop_rate = len(urls) / pool_s, len(urls) / loop_s
    print(f"pages: {len(urls)} JavaScript pages of the fixture site")
    print(
        f"pool (tier 4, {args.size} browsers x {args.contexts} contexts): "
        f"{pool_rate:.2f} pages/s ({pool_s:.1f} s, {pool_failures} failed)"
    )
    print(
        f"plain sequential Playwright loop: {loop_rate:.2f} pages/s ({loop_s:.1f} s, "
        f"{loop_failures} failed)"
    )
    print(f"ratio: {pool_rate / loop_rate:.2f}x")
    mib = 1024 * 1024
    print(
        f"pool peak memory, Chromium process trees: {peaks[0] / mib:.0f} MiB summed PSS, "
        f"{peaks[1] / mib:.0f} MiB summed RSS (shared pages counted once per process)"
    )


if __name__ == "__main__":
    asyncio.run(main())
