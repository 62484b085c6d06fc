"""Health routes: credentials are ignored here."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from scrapegate import __version__
from scrapegate.api.auth import client_ip, credential_from
from scrapegate.api.deps import ServicesDep
from scrapegate.api.health_models import (
    HealthBody,
    JobHealthBody,
    JobQueueBody,
    LiveBody,
    OcrHealthBody,
    ReadinessBody,
    RecentJobsBody,
    WorkersBody,
)
from scrapegate.api.services import Services
from scrapegate.convert import ocr
from scrapegate.domain.records import JobCounts, utcnow
from scrapegate.errors import Unauthorized
from scrapegate.fetchers.browser.launch import browser_available
from scrapegate.platform.worker_heartbeats import WorkerHeartbeats

router = APIRouter(prefix="/api/v1", tags=["health"])
log = logging.getLogger(__name__)

CHECK_TIMEOUT_S = 5.0
HEARTBEAT_MAX_AGE_S = 30.0
SLOW_QUEUE_S = 60.0
FAILING_RATE = 0.5
RECENT = timedelta(minutes=5)
NON_CRITICAL = ("browser_pool", "search_provider", "ocr")


@router.get("/health", summary="Service health", response_model=HealthBody)
async def health(services: ServicesDep) -> HealthBody:
    checks = await readiness_checks(services)
    checks["ocr"] = ocr_check(services)
    degraded = any(checks[name] == "error" for name in NON_CRITICAL)
    status = "degraded" if degraded else "ok"
    return HealthBody(status=status, timestamp=utcnow(), version=__version__)


@router.get("/health/live", summary="Liveness", response_model=LiveBody)
async def live() -> LiveBody:
    return LiveBody(status="ok")


@router.get("/health/ready", summary="Readiness", response_model=ReadinessBody)
async def ready(request: Request, services: ServicesDep) -> JSONResponse:
    checks = await readiness_checks(services)
    if checks["database"] == "ok" and checks["queue"] == "ok":
        body = ReadinessBody(status="ok", checks=checks)
        return await _detailed(request, services, body, 200)
    body = ReadinessBody(status="not_ready", checks=checks)
    response = await _detailed(request, services, body, 503)
    response.headers["Retry-After"] = "5"
    return response


@router.get("/health/ocr", summary="OCR engine status", response_model=OcrHealthBody)
async def ocr_health() -> OcrHealthBody:
    # Runs tesseract (cached after the first call); off the event loop.
    return OcrHealthBody.model_validate(await asyncio.to_thread(ocr.ocr_health))


@router.get("/health/jobs", summary="Job queue and worker health", response_model=JobHealthBody)
async def jobs_health(request: Request, services: ServicesDep) -> JSONResponse:
    body = await job_health(services)
    return await _detailed(request, services, body, 503 if body.status == "down" else 200)


async def _detailed(
    request: Request, services: Services, body: ReadinessBody | JobHealthBody, status_code: int
) -> JSONResponse:
    """The body, or only its status when ``health.detail_requires_admin`` hides the rest."""
    if await _shows_detail(request, services):
        return JSONResponse(body.model_dump(mode="json"), status_code=status_code)
    return JSONResponse({"status": body.status}, status_code=status_code)


async def _shows_detail(request: Request, services: Services) -> bool:
    if not services.settings.health.detail_requires_admin:
        return True
    raw = credential_from(request)
    ip = client_ip(request)
    if not raw or await services.failed_auth.blocked(ip):
        return False
    try:
        who = await services.keys.authenticate(raw)
    except Unauthorized:
        await services.failed_auth.record_failure(ip)  # a wrong key here counts like anywhere
        return False
    return who.has_scope("admin")


async def readiness_checks(services: Services) -> dict[str, str]:
    """The checks of ``/health/ready``; each is "ok", "error" or "disabled"."""
    return {
        "database": await _guarded(_database_ok(services)),
        "queue": await _guarded(_queue_ok(services)),
        "artifact_store": await _guarded(_artifact_store_ok(services)),
        "browser_pool": browser_check(services),
        "search_provider": "ok" if services.search.provider_name else "disabled",
    }


def browser_check(services: Services) -> str:
    if not services.capabilities.browser:
        return "disabled"
    # Found at start; an executable removed since (an upgrade gone wrong) is an error.
    return "ok" if browser_available(services.settings.browser.executable_path) else "error"


def ocr_check(services: Services) -> str:
    if not services.capabilities.ocr:
        return "disabled"
    return "ok" if ocr.tesseract_available() else "error"


async def _guarded(check: Awaitable[bool]) -> str:
    try:
        return "ok" if await asyncio.wait_for(check, CHECK_TIMEOUT_S) else "error"
    except Exception:
        log.warning("readiness check failed", exc_info=True)
        return "error"


async def _database_ok(services: Services) -> bool:
    return await services.storage.ping()


async def _queue_ok(services: Services) -> bool:
    return await services.queue.depth() >= 0


async def _artifact_store_ok(services: Services) -> bool:
    # A lookup of an id that cannot exist reads the store without changing it.
    return await services.artifacts.store.get("health-probe", utcnow()) is None


async def job_health(services: Services) -> JobHealthBody:
    """The body of ``GET /api/v1/health/jobs``."""
    now = utcnow()
    counts = await services.storage.jobs.counts(now, now - RECENT)
    total, reaped, heartbeat_seen = await _workers(services)
    busy = min(counts.running, total)
    ended = counts.completed_recently + counts.failed_recently
    failure_rate = round(counts.failed_recently / ended, 4) if ended else 0.0
    oldest_age = (
        None
        if counts.oldest_pending_at is None
        else round((now - counts.oldest_pending_at).total_seconds(), 1)
    )
    return JobHealthBody(
        status=_job_status(heartbeat_seen, oldest_age, failure_rate),
        queue=_queue_body(counts, oldest_age, reaped),
        workers=WorkersBody(total=total, busy=busy, idle=total - busy),
        last_5m=RecentJobsBody(
            completed=counts.completed_recently,
            failed=counts.failed_recently,
            failure_rate=failure_rate,
            avg_duration_ms=_rounded(counts.avg_duration_ms),
        ),
        timestamp=now,
    )


def _queue_body(counts: JobCounts, oldest_age: float | None, reaped: int) -> JobQueueBody:
    return JobQueueBody(
        pending=counts.pending,
        running=counts.running,
        oldest_pending_age_s=oldest_age,
        stalled=counts.stalled,
        reaped_last_hour=reaped,
    )


def _job_status(heartbeat_seen: bool, oldest_age: float | None, failure_rate: float) -> str:
    if not heartbeat_seen:
        return "down"
    if (oldest_age is not None and oldest_age > SLOW_QUEUE_S) or failure_rate > FAILING_RATE:
        return "degraded"
    return "ok"


async def _workers(services: Services) -> tuple[int, int, bool]:
    """(worker slots, jobs reaped in the last hour, whether a worker is alive)."""
    if services.pool is not None:  # embedded: the pool runs in this very process
        since = utcnow() - timedelta(hours=1)
        reaped = services.jobs.housekeeping.reaped_since(since)
        return services.settings.jobs.workers, reaped, True
    redis = services.coordination.redis
    if redis is None:
        return 0, 0, False
    beats = await WorkerHeartbeats(redis).recent(HEARTBEAT_MAX_AGE_S)
    total = sum(beat.concurrency for beat in beats)
    return total, sum(beat.reaped_last_hour for beat in beats), bool(beats)


def _rounded(value: float | None) -> int | None:
    return None if value is None else round(value)
