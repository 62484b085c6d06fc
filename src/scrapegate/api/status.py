"""Public status page: live service checks plus uptime from samples."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from fastapi import APIRouter

from scrapegate.api.deps import ServicesDep
from scrapegate.api.health import CHECK_TIMEOUT_S, browser_check, job_health, ocr_check
from scrapegate.api.services import Services
from scrapegate.api.status_models import StatusBody
from scrapegate.convert import ocr
from scrapegate.platform.status import (
    ServiceCheck,
    ServiceStatus,
    StatusBoard,
    StatusPage,
    StatusProber,
    StatusReport,
)

router = APIRouter(prefix="/api/v1", tags=["status"])

SLOW_MS = 1_000  # a dependency answering slower than this is degraded
WEBHOOK_BACKLOG = 1_000  # pending deliveries beyond this mean receivers or the sender lag

Outcome = tuple[ServiceStatus, str]


@router.get("/status", summary="Public service status", response_model=StatusBody)
async def status(services: ServicesDep) -> StatusReport:
    if services.status is None:  # start_services did not run (an app built by hand)
        services.status = build_status_board(services)
    return await services.status.page.body()


def build_status_board(services: Services) -> StatusBoard:
    async def probe() -> list[ServiceCheck]:
        return await service_checks(services)

    prober = StatusProber(
        probe,
        services.storage.health,
        interval_s=services.settings.status.probe_interval_s,
        redis=services.coordination.redis,
    )
    page = StatusPage(probe, services.storage.health, redis=services.coordination.redis)
    return StatusBoard(page=page, prober=prober)


async def service_checks(services: Services) -> list[ServiceCheck]:
    """Every service of the status page, in the spec's order, checked concurrently."""
    runs: list[tuple[str, Callable[[], Awaitable[Outcome]]]] = [
        ("api", _api),
        ("scraper", lambda: _scraper(services)),
        ("browser", lambda: _browser(services)),
        ("search", lambda: _search(services)),
        ("ocr", lambda: _ocr(services)),
        ("webhooks", lambda: _webhooks(services)),
        ("database", lambda: _database(services)),
    ]
    return list(await asyncio.gather(*(_timed(name, run) for name, run in runs)))


async def _timed(name: str, run: Callable[[], Awaitable[Outcome]]) -> ServiceCheck:
    started = time.perf_counter()
    try:
        state, message = await asyncio.wait_for(run(), CHECK_TIMEOUT_S)
    except TimeoutError:
        state, message = "outage", f"no answer within {CHECK_TIMEOUT_S:g} s"
    except Exception as exc:
        state, message = "outage", f"check failed: {type(exc).__name__}"
    latency = round((time.perf_counter() - started) * 1000)
    if state == "operational" and latency > SLOW_MS:
        state, message = "degraded", f"slow: answered in {latency} ms"
    return ServiceCheck(name, state, None if state == "disabled" else latency, message)


async def _api() -> Outcome:
    # The latency measured around this yield is how long the event loop took to come back.
    await asyncio.sleep(0)
    return "operational", "serving requests"


async def _scraper(services: Services) -> Outcome:
    body = await job_health(services)
    summary = f"{body.workers.total} worker slot(s), {body.queue.pending} pending job(s)"
    if body.status == "down":
        return "outage", "no worker heartbeat in the last 30 s"
    if body.status == "degraded":
        return "degraded", f"queue slow or jobs failing: {summary}"
    return "operational", summary


async def _browser(services: Services) -> Outcome:
    state = browser_check(services)
    if state == "disabled":
        return "disabled", "no browser installed: rendering tiers are unavailable"
    if state == "error":
        return "outage", "the browser executable is gone"
    return "operational", "browser pool ready"


async def _search(services: Services) -> Outcome:
    name = services.search.provider_name
    if not name:
        return "disabled", "no search provider configured"
    return "operational", f"provider {name} configured"


async def _ocr(services: Services) -> Outcome:
    state = ocr_check(services)
    if state == "disabled":
        return "disabled", "OCR is disabled or Tesseract is not installed"
    if state == "error":
        return "outage", "tesseract binary not found"
    version = await asyncio.to_thread(ocr.tesseract_version)
    return "operational", f"tesseract {version}"


async def _webhooks(services: Services) -> Outcome:
    pending = len(await services.storage.webhooks.list_pending())
    if pending > WEBHOOK_BACKLOG:
        return "degraded", f"{pending} deliveries waiting"
    return "operational", f"{pending} deliveries waiting"


async def _database(services: Services) -> Outcome:
    if await services.storage.ping():
        return "operational", f"{services.storage.backend} reachable"
    return "outage", "database unreachable"
