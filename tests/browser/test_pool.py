"""The browser pool: lazy launch, fresh contexts, recycling, crash recovery and bounds."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest

from scrapegate.fetchers.browser import (
    BrowserFetcher,
    BrowserPool,
    BrowserUnavailable,
)
from scrapegate.fetchers.browser.launch import DISABLED_FEATURES
from scrapegate.fetchers.browser.pool import MEMORY_CHECK_EVERY_PAGES
from scrapegate.fetchers.browser.proctree import process_tree
from tests.browser.conftest import CHROMIUM, render_request, requires_chromium
from tests.site.server import FixtureSite

pytestmark = pytest.mark.asyncio(loop_scope="session")


@requires_chromium
async def test_browsers_are_launched_lazily_and_closed(fixture_site: FixtureSite) -> None:
    pool = BrowserPool(CHROMIUM, size=1, idle_close_s=0)
    assert pool.browser_pids() == []
    await BrowserFetcher(pool).fetch(render_request(fixture_site, "/article"))
    (pid,) = pool.browser_pids()
    assert pool.memory_bytes() > 0
    await pool.aclose()
    assert pool.browser_pids() == []
    with pytest.raises(BrowserUnavailable):
        async with pool.context():
            pass
    assert pid > 0


@requires_chromium
async def test_a_killed_browser_is_replaced_on_the_next_fetch(fixture_site: FixtureSite) -> None:
    pool = BrowserPool(CHROMIUM, size=1, idle_close_s=0)
    fetcher = BrowserFetcher(pool)
    try:
        await fetcher.fetch(render_request(fixture_site, "/render/spa"))
        (old_pid,) = pool.browser_pids()
        os.kill(old_pid, signal.SIGKILL)

        response = await fetcher.fetch(render_request(fixture_site, "/render/spa"))
        assert response.status_code == 200
        assert b"Widget 1" in response.body
        assert pool.browser_pids() != [old_pid]
    finally:
        await pool.aclose()


@requires_chromium
async def test_browser_is_recycled_after_its_page_budget(fixture_site: FixtureSite) -> None:
    pool = BrowserPool(CHROMIUM, size=1, max_pages_per_browser=2, idle_close_s=0)
    fetcher = BrowserFetcher(pool)
    try:
        pids = []
        for _ in range(3):
            await fetcher.fetch(render_request(fixture_site, "/article"))
            pids.append(tuple(pool.browser_pids()))
        assert len(pids[0]) == 1
        assert pids[1] == ()  # retired and closed after its second page
        assert len(pids[2]) == 1
        assert pids[2] != pids[0]
    finally:
        await pool.aclose()


@requires_chromium
async def test_memory_limit_retires_the_browser(fixture_site: FixtureSite) -> None:
    pool = BrowserPool(CHROMIUM, size=1, max_browser_rss_mb=1, idle_close_s=0)
    fetcher = BrowserFetcher(pool)
    try:
        for _ in range(MEMORY_CHECK_EVERY_PAGES - 1):
            await fetcher.fetch(render_request(fixture_site, "/article"))
        assert len(pool.browser_pids()) == 1
        await fetcher.fetch(render_request(fixture_site, "/article"))
        assert pool.browser_pids() == []  # over 1 MiB, as every Chromium is
    finally:
        await pool.aclose()


@requires_chromium
async def test_concurrent_contexts_are_bounded_by_capacity() -> None:
    pool = BrowserPool(CHROMIUM, size=1, contexts_per_browser=2, idle_close_s=0)
    open_now, peak = 0, 0

    async def hold() -> None:
        nonlocal open_now, peak
        async with pool.context():
            open_now += 1
            peak = max(peak, open_now)
            await asyncio.sleep(0.2)
            open_now -= 1

    try:
        await asyncio.gather(*(hold() for _ in range(5)))
    finally:
        await pool.aclose()
    assert pool.capacity == 2
    assert peak == 2


@requires_chromium
async def test_idle_browser_is_closed(fixture_site: FixtureSite) -> None:
    pool = BrowserPool(CHROMIUM, size=1, idle_close_s=1)
    try:
        await BrowserFetcher(pool).fetch(render_request(fixture_site, "/article"))
        assert len(pool.browser_pids()) == 1
        for _ in range(40):
            if not pool.browser_pids():
                break
            await asyncio.sleep(0.1)
        assert pool.browser_pids() == []
    finally:
        await pool.aclose()


@requires_chromium
async def test_windows_open_no_omnibox_popup_and_keep_playwrights_disabled_features(
    fixture_site: FixtureSite,
) -> None:
    pool = BrowserPool(CHROMIUM, size=1, idle_close_s=0)
    try:
        async with pool.context() as context:
            page = await context.new_page()
            await page.goto(fixture_site.url("/article"))
            assert context.browser is not None
            session = await context.browser.new_browser_cdp_session()
            targets = (await session.send("Target.getTargets"))["targetInfos"]
            (pid,) = pool.browser_pids()
            disabled = _renderer_disabled_features(pid)
    finally:
        await pool.aclose()
    assert not [t for t in targets if "omnibox-popup" in t["url"]]
    # Chromium keeps only the last --disable-features: ours must carry Playwright's list too.
    assert set(DISABLED_FEATURES) <= disabled


def _renderer_disabled_features(browser_pid: int) -> set[str]:
    """The features a renderer of the browser was told are disabled (the effective list)."""
    for pid in process_tree(browser_pid):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                raw = cmdline.read()
        except OSError:  # the process ended since the tree was read
            continue
        words = raw.replace(b"\0", b" ").decode("utf-8", "replace").split()
        if "--type=renderer" in words:
            for word in words:
                if word.startswith("--disable-features="):
                    return set(word.partition("=")[2].split(","))
    return set()
