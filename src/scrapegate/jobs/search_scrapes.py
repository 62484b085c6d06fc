"""Scraping the results of a search through the normal scrape path, within a time budget."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from scrapegate.domain.principal import Principal
from scrapegate.domain.scrape_request import parse_scrape_request
from scrapegate.domain.search_request import SearchRequest, result_scrape_body
from scrapegate.domain.validation_context import ValidationContext
from scrapegate.errors import ScrapegateError
from scrapegate.fetchers.search_provider import SearchHit
from scrapegate.jobs.scrape_service import ScrapeService
from scrapegate.jobs.search_views import ResultScrape

log = logging.getLogger(__name__)

MIN_SCRAPE_WAIT_S = 1.0  # the smallest sync_wait_seconds a scrape accepts
MAX_SCRAPE_WAIT_S = 120.0
# Time given to scrapes that are finishing their answer when the budget ends.
STRAGGLER_GRACE_S = 2.0
TIMED_OUT = ResultScrape(error_code="TIMEOUT")


class ResultScraper:
    def __init__(
        self,
        scrapes: ScrapeService,
        validation: ValidationContext,
        concurrency: int,
        cancel_scrape: Callable[[str], Awaitable[int | None]] | None = None,
    ) -> None:
        self._scrapes = scrapes
        self._validation = validation
        self._concurrency = concurrency
        self._cancel_scrape = cancel_scrape

    async def scrape_all(
        self,
        who: Principal,
        req: SearchRequest,
        hits: list[SearchHit],
        deadline: float,
        source: str | None,
    ) -> tuple[list[ResultScrape], str | None]:
        """One outcome per hit, in order, and a warning when the budget cut some short."""
        gate = asyncio.Semaphore(self._concurrency)

        async def scrape_hit(hit: SearchHit) -> ResultScrape:
            async with gate:
                return await self._scrape_one(who, req, hit, deadline, source)

        tasks = [asyncio.create_task(scrape_hit(hit)) for hit in hits]
        if tasks:
            left = max(deadline - time.monotonic(), 0.0) + STRAGGLER_GRACE_S
            await asyncio.wait(tasks, timeout=left)
        outcomes = []
        for task in tasks:
            if not task.done():
                task.cancel()
                outcomes.append(TIMED_OUT)
            else:
                outcomes.append(task.result())
        await asyncio.gather(*tasks, return_exceptions=True)
        return outcomes, _budget_warning(outcomes)

    async def _scrape_one(
        self,
        who: Principal,
        req: SearchRequest,
        hit: SearchHit,
        deadline: float,
        source: str | None,
    ) -> ResultScrape:
        left = deadline - time.monotonic()
        if left < MIN_SCRAPE_WAIT_S:
            return TIMED_OUT
        wait_s = min(left, MAX_SCRAPE_WAIT_S)
        try:
            body = result_scrape_body(req.options, hit.url, wait_s)
            scrape_req = parse_scrape_request(body, self._validation)
            answer = await self._scrapes.scrape(who, scrape_req, source)
        except ScrapegateError as exc:
            return ResultScrape(error=exc)
        if answer.result is not None:
            return ResultScrape(response=answer.result)
        job_id = answer.accepted.job_id if answer.accepted is not None else None
        if job_id and self._cancel_scrape is not None:
            # Not finished within the budget: a scrape still queued is cancelled and refunded.
            await self._cancel_scrape(str(job_id))
        return TIMED_OUT


def _budget_warning(outcomes: list[ResultScrape]) -> str | None:
    timed_out = sum(1 for o in outcomes if o.error_code == "TIMEOUT")
    if not timed_out:
        return None
    return (
        f"The time budget ran out while results were being scraped: {timed_out} result "
        "scrape(s) were cancelled (scrape.error TIMEOUT). Use sync: false for large scraped "
        "searches."
    )
