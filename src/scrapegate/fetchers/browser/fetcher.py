"""Tier 3.5 (light rendering) and tier 4 (full browser) fetchers on a shared BrowserPool."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any

from playwright.async_api import BrowserContext, Page, Response
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout

from scrapegate.domain.scrape_result import ActionResult
from scrapegate.domain.tiers import Tier
from scrapegate.fetchers.base import (
    Artifact,
    FetchError,
    FetchRequest,
    FetchResponse,
    RenderOptions,
)
from scrapegate.fetchers.browser import page_transforms as transforms
from scrapegate.fetchers.browser.actions import ActionRunner
from scrapegate.fetchers.browser.context_setup import (
    ScrapeProfile,
    apply_client_hints,
    build_profile,
    context_options,
    prepare_context,
    traffic_rules,
)
from scrapegate.fetchers.browser.egress import EgressProxy
from scrapegate.fetchers.browser.guard import RequestGuard
from scrapegate.fetchers.browser.navigation import (
    MainFrameTracker,
    navigation_failure,
    redirect_chain,
    refused_error,
    response_headers,
)
from scrapegate.fetchers.browser.pool import BrowserPool
from scrapegate.fetchers.exchange import response_cap
from scrapegate.fetchers.resolve import HostResolver, system_resolver

log = logging.getLogger(__name__)

LIGHT_SETTLE_S = 1.5
NETWORK_IDLE_CAP_MS = 10_000
LOAD_CAP_MS = 10_000
CONTENT_GROWTH_CAP_S = 3.0
MAX_SCREENSHOT_HEIGHT = 16_384
HTML_CONTENT_TYPE = "text/html; charset=utf-8"
ACTIONS_RESERVE_S = 3.0


@dataclass
class _Scrape:
    """State of one scrape while its page is open."""

    request: FetchRequest
    render: RenderOptions
    page: Page
    guard: RequestGuard
    egress: EgressProxy
    started: float
    artifacts: list[Artifact] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    action_results: list[ActionResult] | None = None

    def remaining_ms(self) -> int:
        left = self.request.timeout_s - (time.monotonic() - self.started)
        return max(1, int(left * 1000))


class _RenderingFetcher(ABC):
    """Shared rendering flow; subclasses choose the tier and how much work the page gets."""

    tier: Tier
    engine_name: str
    light: bool

    def __init__(
        self,
        pool: BrowserPool,
        resolver: HostResolver = system_resolver,
        *,
        close_pool: bool = False,
    ) -> None:
        self.pool = pool
        self._resolver = resolver
        self._close_pool = close_pool

    async def aclose(self) -> None:
        """Closes the pool only when this fetcher owns it (``close_pool=True``)."""
        if self._close_pool:
            await self.pool.aclose()

    async def fetch(self, request: FetchRequest) -> FetchResponse:
        """Renders ``request.url``. ``timeout_s`` counts from the moment a browser context is
        free: time spent queued for the pool is the caller's deadline to enforce."""
        render = request.render or RenderOptions()
        egress = EgressProxy(request.policy, self._resolver)
        try:
            return await self._fetch_with_proxy(request, render, egress)
        finally:
            await egress.aclose()

    async def _fetch_with_proxy(
        self, request: FetchRequest, render: RenderOptions, egress: EgressProxy
    ) -> FetchResponse:
        rules = traffic_rules(request, render, self.light)
        guard = RequestGuard(request.policy, rules, self._resolver)
        verdict = await guard.verdict(request.url)
        if verdict == "refused":
            raise refused_error()
        if verdict == "unresolved":
            raise FetchError("dns_error", "Could not resolve the target host")
        profile = build_profile(request, render, await self.pool.browser_version(), self.light)
        options = context_options(request, render, profile, await egress.start())
        async with self.pool.context(**options) as context:
            started = time.monotonic()
            try:
                async with asyncio.timeout(request.timeout_s + 1.0):
                    await guard.install(context)
                    await prepare_context(context, request, profile)
                    if render.flatten_shadow_dom:
                        await context.add_init_script(transforms.CAPTURE_SHADOW_ROOTS)
                    page = await self._new_page(context, profile)
                    return await self._scrape(
                        _Scrape(request, render, page, guard, egress, started)
                    )
            except TimeoutError as exc:
                raise FetchError("timeout", "The page did not finish rendering in time") from exc
            except PlaywrightError as exc:  # the page or its renderer died mid-scrape
                message = exc.message.strip().splitlines()[0] if exc.message.strip() else "error"
                raise FetchError("invalid_response", f"Rendering failed: {message}") from exc

    async def _new_page(self, context: BrowserContext, profile: ScrapeProfile) -> Page:
        page = await context.new_page()
        await apply_client_hints(context, page, profile)
        return page

    async def _scrape(self, scrape: _Scrape) -> FetchResponse:
        response = await self._navigate(scrape)
        await self._wait_for_page(scrape)
        await self._after_load(scrape)
        html = await scrape.page.content()
        return await self._response(scrape, response, html)

    async def _navigate(self, scrape: _Scrape) -> Response:
        tracker = MainFrameTracker(scrape.page, scrape.request.url)
        try:
            response = await scrape.page.goto(
                scrape.request.url, wait_until="domcontentloaded", timeout=scrape.remaining_ms()
            )
        except PlaywrightError as exc:
            raise navigation_failure(exc, scrape.guard, scrape.egress, tracker.last_url) from exc
        if scrape.guard.main_refused is not None:
            raise refused_error()
        if response is None:
            raise FetchError("invalid_response", "The browser received no document")
        return response

    async def _wait_for_page(self, scrape: _Scrape) -> None:
        """Tier-specific settling, then ``wait_for`` (a missing selector is a warning)."""
        await self._settle(scrape)
        selector = scrape.render.wait_for
        if selector:
            timeout = min(scrape.render.wait_for_timeout_ms, scrape.remaining_ms())
            try:
                await scrape.page.wait_for_selector(selector, state="attached", timeout=timeout)
            except PlaywrightTimeout:
                scrape.warnings.append(f"wait_for selector {selector!r} not found")

    @abstractmethod
    async def _settle(self, scrape: _Scrape) -> None:
        """Waits until the page is ready to be read, the tier's way."""

    async def _after_load(self, scrape: _Scrape) -> None:
        render, page = scrape.render, scrape.page
        if render.scroll_to_load:
            scrolling = transforms.scroll_to_load(page, render.scroll_count)
            await _quietly(scrolling, scrape, "scroll_to_load")
        if render.remove_cookie_banners:
            await _quietly(transforms.remove_cookie_banners(page), scrape, "cookie banners")
        await self._run_actions(scrape)
        if render.include_iframes:
            await _quietly(transforms.inline_iframes(page), scrape, "include_iframes")
        if render.flatten_shadow_dom:
            await _quietly(transforms.flatten_shadow_dom(page), scrape, "flatten_shadow_dom")

    async def _run_actions(self, scrape: _Scrape) -> None:
        return None

    async def _response(self, scrape: _Scrape, response: Response, html: str) -> FetchResponse:
        body = html.encode("utf-8")
        cap = response_cap(scrape.request.max_response_bytes)
        headers = await response_headers(response)
        headers["content-type"] = HTML_CONTENT_TYPE
        headers.pop("content-length", None)
        headers.pop("content-encoding", None)
        if scrape.egress.traffic_exceeded:
            scrape.warnings.append("page traffic passed the per-page cap; loading was cut short")
        return FetchResponse(
            url=scrape.page.url,
            status_code=response.status,
            headers=headers,
            body=body[:cap],
            redirect_chain=await redirect_chain(response),
            size_bytes=len(body),
            truncated=len(body) > cap,
            elapsed_ms=int((time.monotonic() - scrape.started) * 1000),
            artifacts=scrape.artifacts,
            action_results=scrape.action_results,
            render_warnings=scrape.warnings,
        )


async def _quietly(step: Awaitable[Any], scrape: _Scrape, name: str) -> None:
    """Runs an optional page transform; its failure becomes a warning, not a failed scrape."""
    try:
        await step
    except PlaywrightError as exc:
        log.debug("%s failed: %s", name, exc.message)
        scrape.warnings.append(f"{name} could not be applied")


class LightJsFetcher(_RenderingFetcher):
    """Tier 3.5: images, media, fonts and trackers blocked; DOMContentLoaded plus a short settle."""

    tier = Tier.LIGHTJS
    engine_name = "playwright-lightjs"
    light = True

    async def _settle(self, scrape: _Scrape) -> None:
        await asyncio.sleep(min(LIGHT_SETTLE_S, scrape.remaining_ms() / 1000))

    async def _run_actions(self, scrape: _Scrape) -> None:
        render = scrape.render
        if render.actions or render.screenshot or render.generate_pdf:
            scrape.warnings.append("actions, screenshots and PDFs need tier 4; not run at 3.5")


class BrowserFetcher(_RenderingFetcher):
    """Tier 4: full rendering, stealth, actions, screenshots and PDFs."""

    tier = Tier.BROWSER
    engine_name = "playwright-chromium"
    light = False

    async def _settle(self, scrape: _Scrape) -> None:
        wait_until = scrape.render.wait_until
        page = scrape.page
        if wait_until in ("load", "networkidle"):
            with contextlib.suppress(PlaywrightTimeout):
                await page.wait_for_load_state(
                    "load", timeout=min(LOAD_CAP_MS, scrape.remaining_ms())
                )
        if wait_until == "networkidle":
            timeout = min(NETWORK_IDLE_CAP_MS, scrape.remaining_ms())
            with contextlib.suppress(PlaywrightTimeout):
                await page.wait_for_load_state("networkidle", timeout=timeout)
        growth_cap = min(CONTENT_GROWTH_CAP_S, scrape.remaining_ms() / 1000)
        await transforms.wait_for_stable_content(page, growth_cap)

    async def _run_actions(self, scrape: _Scrape) -> None:
        render = scrape.render
        # Leave time after the actions to read the page and take the requested captures.
        deadline = scrape.started + scrape.request.timeout_s - ACTIONS_RESERVE_S
        runner = ActionRunner(scrape.page, scrape.artifacts, render.allow_evaluate, deadline)
        if render.actions:
            scrape.action_results = await runner.run_all(render.actions)
        if render.screenshot:
            scrape.artifacts.append(await _screenshot(scrape.page, render.full_page_screenshot))
        if render.generate_pdf:
            data = await scrape.page.pdf(print_background=True)
            scrape.artifacts.append(Artifact("pdf", "application/pdf", data))


async def _screenshot(page: Page, full_page: bool) -> Artifact:
    """A PNG of the page, at most ``MAX_SCREENSHOT_HEIGHT`` pixels tall."""
    if not full_page:
        return Artifact("screenshot", "image/png", await page.screenshot(type="png"))
    size = await page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
    )
    width, height = int(size[0]), int(size[1])
    clip = None
    if height > MAX_SCREENSHOT_HEIGHT:
        clip = {"x": 0, "y": 0, "width": width, "height": MAX_SCREENSHOT_HEIGHT}
    data = await page.screenshot(type="png", full_page=True, clip=clip)  # type: ignore[arg-type]
    return Artifact("screenshot", "image/png", data)
