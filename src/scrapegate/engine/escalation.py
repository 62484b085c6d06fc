"""Tier escalation: try the plan's tiers in order until one is usable."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

from scrapegate.convert import Converted
from scrapegate.domain.netrules import NetPolicy
from scrapegate.domain.pricing import PriceTable
from scrapegate.domain.scrape_request import ScrapeRequest
from scrapegate.domain.tiers import TIER_ATTEMPT_TIMEOUT_S, TIER_MIN_USEFUL_S, Tier
from scrapegate.engine.attempts import (
    AttemptRecord,
    AttemptResult,
    FetchedPage,
    PageAnalyser,
    run_attempt,
)
from scrapegate.engine.charging import ChargeGuard
from scrapegate.engine.failures import final_error
from scrapegate.engine.planning import TierPlan
from scrapegate.errors import UpstreamError
from scrapegate.fetchers.base import Fetcher, RenderOptions

# Async because conversion is CPU work that runs off the event loop (leases, other requests).
PageConverter = Callable[[FetchedPage], Awaitable[Converted | None]]


@dataclass
class Accepted:
    page: FetchedPage
    converted: Converted | None
    quality_warning: str | None = None  # THIN_CONTENT or JS_SHELL when a problem remains


@dataclass
class EscalationRun:
    req: ScrapeRequest
    plan: TierPlan
    guard: ChargeGuard
    deadline: float  # time.monotonic() value
    addon_credits: int
    budget_limited: bool  # the deadline comes from cost_controls.time_budget
    render: RenderOptions | None = None  # what browser tiers do with the page
    attempts: list[AttemptRecord] = field(default_factory=list)
    fallback: Accepted | None = None
    skip_lightjs: bool = False
    retried: set[Tier] = field(default_factory=set)
    thin_escalated: bool = False
    stopped_by: str | None = None
    time_budget_expired: bool = False


class Escalator:
    def __init__(
        self,
        fetchers: Mapping[Tier, Fetcher],
        prices: PriceTable,
        policy: NetPolicy,
        min_words: int,
        convert_page: PageConverter,
        analyse_page: PageAnalyser | None = None,
    ) -> None:
        self._fetchers = fetchers
        self._prices = prices
        self._policy = policy
        self._min_words = min_words
        self._convert_page = convert_page
        self._analyse = analyse_page

    async def run(self, run: EscalationRun) -> Accepted:
        index = 0
        ladder = run.plan.ladder
        while index < len(ladder):
            tier = ladder[index]
            if tier == Tier.LIGHTJS and run.skip_lightjs and not run.req.cost_controls.prefer_cost:
                index += 1
                continue
            if not await self._may_attempt(run, tier):
                break
            render = run.render if tier.needs_browser else None
            result = await run_attempt(
                self._fetchers[tier],
                run.req,
                self._policy,
                self._attempt_timeout(run, tier),
                render,
                self._analyse,
            )
            run.attempts.append(result.record)
            decision = await self._decide(run, result)
            if isinstance(decision, Accepted):
                return decision
            index = self._next_index(ladder, index, decision)
        run.stopped_by = run.stopped_by or "exhausted"
        if run.fallback is not None:
            return run.fallback
        raise final_error(run.attempts, run.stopped_by, run.time_budget_expired)

    async def _convert(self, page: FetchedPage) -> Converted | None:
        """The conversion made with the page's classification, else one made now."""
        return page.converted if page.converted is not None else await self._convert_page(page)

    def _attempt_timeout(self, run: EscalationRun, tier: Tier) -> float:
        return max(min(TIER_ATTEMPT_TIMEOUT_S[tier], run.deadline - time.monotonic()), 0.5)

    async def _may_attempt(self, run: EscalationRun, tier: Tier) -> bool:
        if run.attempts and run.plan.fail_fast_from is not None and tier >= run.plan.fail_fast_from:
            run.stopped_by = "fail_fast"
            return False
        if tier not in self._fetchers:
            run.stopped_by = "exhausted"  # tier not available on this server
            return False
        price = self._prices.tier_price(tier) + run.addon_credits
        max_credits = run.req.cost_controls.max_credits
        if max_credits and price > max_credits:
            run.stopped_by = "max_credits"
            return False
        if run.deadline - time.monotonic() < TIER_MIN_USEFUL_S[tier] and run.attempts:
            run.stopped_by = "time_budget"
            run.time_budget_expired = run.budget_limited
            return False
        if not await run.guard.cover(price):
            run.stopped_by = "balance"
            return False
        return True

    async def _decide(self, run: EscalationRun, result: AttemptResult) -> Accepted | str:
        """Accepted, or where to go next: "next", "same", "js"."""
        if result.fetch_error is not None:
            if result.fetch_error.cause == "dns_error":
                raise UpstreamError(
                    "The target host could not be resolved.",
                    "dns_error",
                    attempts=[a.as_detail() for a in run.attempts],
                )
            return "next"
        page = result.page
        assert page is not None  # a result has a page or a fetch error
        kind = page.classification.kind
        if kind == "ok":
            return await self._accept_or_thin(run, result.record, page)
        if kind == "js_shell":
            run.fallback = Accepted(page, await self._convert(page), "JS_SHELL")
            return "js" if self._may_render(run) else "stop"
        if kind in ("challenge", "block"):
            run.skip_lightjs = True
            return "next"
        return await self._retry_or_move(run, result, page)

    async def _accept_or_thin(
        self, run: EscalationRun, record: AttemptRecord, page: FetchedPage
    ) -> Accepted | str:
        converted = await self._convert(page)
        thin = (
            page.is_html
            and page.response.status_code == 200
            and converted is not None
            and converted.word_count < self._min_words
        )
        if not thin:
            return Accepted(page, converted)
        if run.fallback is None or run.fallback.quality_warning != "JS_SHELL":
            run.fallback = Accepted(page, converted, "THIN_CONTENT")
        if self._render_for_thin(run, page):
            run.thin_escalated = True
            record.outcome = "thin_content"
            return "js"
        return run.fallback

    def _render_for_thin(self, run: EscalationRun, page: FetchedPage) -> bool:
        """Thin content is rendered once, and only when the page's scripts might fill it."""
        if run.req.mode != "auto" or run.thin_escalated or not self._may_render(run):
            return False
        return page.classification.render_may_help

    def _may_render(self, run: EscalationRun) -> bool:
        auto = run.req.mode == "auto" or run.req.advanced.render_js == "auto"
        return auto and any(t >= Tier.LIGHTJS for t in run.plan.ladder)

    async def _retry_or_move(
        self, run: EscalationRun, result: AttemptResult, page: FetchedPage
    ) -> Accepted | str:
        tier = page.tier
        first_time = tier not in run.retried
        run.retried.add(tier)
        if page.classification.kind == "rate_limited":
            if not first_time:
                return "next"
            await asyncio.sleep(min(result.retry_after_s or 1.0, 5.0))
            return "same"
        if first_time:  # 503 without markers: once more after 1 s, then accept
            await asyncio.sleep(1.0)
            return "same"
        result.record.outcome = "success"
        result.record.error = None
        return Accepted(page, await self._convert(page))

    @staticmethod
    def _next_index(ladder: tuple[Tier, ...], index: int, decision: str) -> int:
        if decision == "same":
            return index
        if decision == "js":
            later = [i for i, t in enumerate(ladder) if i > index and t >= Tier.LIGHTJS]
            return later[0] if later else len(ladder)
        if decision == "stop":
            return len(ladder)
        return index + 1
