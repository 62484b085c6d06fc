"""A bounded pool of Chromium processes handing out one fresh browser context per scrape."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Unpack

from playwright.async_api import Browser, BrowserContext, Playwright, async_playwright
from playwright.async_api import Error as PlaywrightError

from scrapegate.fetchers.browser.context_setup import ContextOptions
from scrapegate.fetchers.browser.launch import DEFAULT_EXECUTABLE, LAUNCH_FLAGS, POOL_MARKER_SWITCH
from scrapegate.fetchers.browser.proctree import (
    find_marked_process,
    tree_memory_bytes,
    tree_rss_bytes,
)

log = logging.getLogger(__name__)

_LAUNCH_TIMEOUT_MS = 30_000
MEMORY_CHECK_EVERY_PAGES = 5


class BrowserUnavailable(RuntimeError):
    """Chromium could not be started or died while a context was being opened."""


@dataclass
class _Slot:
    """One Chromium process and its bookkeeping."""

    browser: Browser
    marker: str
    pid: int | None
    active: int = 0
    pages_served: int = 0
    retiring: bool = False
    last_used: float = field(default_factory=time.monotonic)

    @property
    def alive(self) -> bool:
        return self.browser.is_connected()


class BrowserPool:
    """``size`` Chromium processes at most, launched lazily, ``contexts_per_browser`` scrapes each.

    A browser is retired after ``max_pages_per_browser`` contexts or when its process tree's
    memory (summed PSS) passes ``max_browser_rss_mb``; a disconnected browser is replaced on the
    next request.
    """

    def __init__(
        self,
        executable_path: str = DEFAULT_EXECUTABLE,
        size: int = 2,
        contexts_per_browser: int = 4,
        max_pages_per_browser: int = 200,
        max_browser_rss_mb: int = 1536,
        idle_close_s: float = 60.0,
        extra_args: tuple[str, ...] = (),
    ) -> None:
        self.executable_path = executable_path
        self.size = max(1, size)
        self.contexts_per_browser = max(1, contexts_per_browser)
        self.max_pages_per_browser = max(1, max_pages_per_browser)
        self.max_browser_rss_bytes = max_browser_rss_mb * 1024 * 1024
        self.idle_close_s = idle_close_s
        self._extra_args = extra_args
        self._slots: list[_Slot] = []
        self._gate = asyncio.Semaphore(self.capacity)
        self._lock = asyncio.Lock()
        self._playwright: Playwright | None = None
        self._reaper: asyncio.Task[None] | None = None
        self._version: str | None = None
        self._closed = False

    @property
    def capacity(self) -> int:
        """How many scrapes may render at the same time."""
        return self.size * self.contexts_per_browser

    async def browser_version(self) -> str:
        """The Chromium version (e.g. ``156.0.8078.108``), launching a browser if needed."""
        if self._version is None:
            async with self._lock:
                if self._version is None:
                    self._version = (await self._launch()).browser.version
        return self._version

    def browser_pids(self) -> list[int]:
        """The main process id of every live pooled browser."""
        return [s.pid for s in self._slots if s.pid is not None and s.alive]

    def memory_bytes(self) -> int:
        """Memory (summed PSS) of every pooled Chromium process tree."""
        return sum(tree_memory_bytes(pid) for pid in self.browser_pids())

    def rss_bytes(self) -> int:
        """Summed RSS of every pooled Chromium process tree (shared pages counted repeatedly)."""
        return sum(tree_rss_bytes(pid) for pid in self.browser_pids())

    @contextlib.asynccontextmanager
    async def context(self, **options: Unpack[ContextOptions]) -> AsyncIterator[BrowserContext]:
        """A new browser context (``Browser.new_context(**options)``), closed on exit."""
        if self._closed:
            raise BrowserUnavailable("the browser pool is closed")
        async with self._gate:
            slot, context = await self._open_context(options)
            try:
                yield context
            finally:
                with contextlib.suppress(PlaywrightError):
                    await context.close()
                await self._release(slot)

    async def _open_context(self, options: ContextOptions) -> tuple[_Slot, BrowserContext]:
        # One retry: the chosen browser may have died since it was last seen alive.
        for attempt in range(2):
            slot = await self._acquire_slot()
            try:
                return slot, await slot.browser.new_context(**options)
            except PlaywrightError as exc:
                slot.active -= 1
                if slot.alive and "closed" not in exc.message.lower():
                    raise
                log.warning("browser %s died; replacing it", slot.pid)
                await self._discard(slot)
                if attempt == 1:
                    raise BrowserUnavailable("the browser died while opening a page") from exc
        raise BrowserUnavailable("no browser could be opened")

    async def _acquire_slot(self) -> _Slot:
        async with self._lock:
            for dead in [s for s in self._slots if not s.alive]:
                await self._discard(dead)
            usable = [
                s for s in self._slots if not s.retiring and s.active < self.contexts_per_browser
            ]
            live = [s for s in self._slots if not s.retiring]
            if usable and (min(s.active for s in usable) == 0 or len(live) >= self.size):
                slot = min(usable, key=lambda s: s.active)
            else:
                slot = await self._launch()
            slot.active += 1
            slot.last_used = time.monotonic()
            return slot

    async def _launch(self) -> _Slot:
        if self._playwright is None:
            self._playwright = await async_playwright().start()
        marker = uuid.uuid4().hex
        try:
            browser = await self._playwright.chromium.launch(
                executable_path=self.executable_path,
                headless=True,
                args=[*LAUNCH_FLAGS, *self._extra_args, f"{POOL_MARKER_SWITCH}={marker}"],
                timeout=_LAUNCH_TIMEOUT_MS,
                handle_sigint=False,
                handle_sigterm=False,
                handle_sighup=False,
            )
        except PlaywrightError as exc:
            raise BrowserUnavailable(f"Chromium could not be started: {exc.message}") from exc
        slot = _Slot(browser=browser, marker=marker, pid=find_marked_process(marker))
        self._slots.append(slot)
        self._version = self._version or browser.version
        if self._reaper is None and self.idle_close_s > 0:
            self._reaper = asyncio.create_task(self._reap_idle())
        log.info("launched Chromium %s (pid %s)", browser.version, slot.pid)
        return slot

    async def _release(self, slot: _Slot) -> None:
        slot.active -= 1
        slot.pages_served += 1
        slot.last_used = time.monotonic()
        if not slot.retiring and await self._should_retire(slot):
            slot.retiring = True
        if slot.active == 0 and (slot.retiring or not slot.alive):
            await self._discard(slot)

    async def _should_retire(self, slot: _Slot) -> bool:
        if not slot.alive or slot.pages_served >= self.max_pages_per_browser:
            return True
        if slot.pid is None or slot.pages_served % MEMORY_CHECK_EVERY_PAGES:
            return False
        # Reading smaps of a dozen processes takes a while: keep it off the event loop.
        memory = await asyncio.to_thread(tree_memory_bytes, slot.pid)
        return memory > self.max_browser_rss_bytes

    async def _discard(self, slot: _Slot) -> None:
        if slot in self._slots:
            self._slots.remove(slot)
        with contextlib.suppress(PlaywrightError):
            await slot.browser.close()

    async def _reap_idle(self) -> None:
        """Closes browsers nobody used for ``idle_close_s``."""
        while not self._closed:
            await asyncio.sleep(max(1.0, self.idle_close_s / 4))
            now = time.monotonic()
            async with self._lock:
                for slot in list(self._slots):
                    if slot.active == 0 and now - slot.last_used >= self.idle_close_s:
                        await self._discard(slot)

    async def aclose(self) -> None:
        """Closes every browser and the Playwright driver; later ``context()`` calls fail."""
        self._closed = True
        if self._reaper is not None:
            self._reaper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reaper
            self._reaper = None
        async with self._lock:
            for slot in list(self._slots):
                await self._discard(slot)
        if self._playwright is not None:
            with contextlib.suppress(PlaywrightError):
                await self._playwright.stop()
            self._playwright = None
