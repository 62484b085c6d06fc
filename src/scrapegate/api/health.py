"""Health routes: credentials are ignored here (spec README §2.1 rule 5)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from scrapegate import __version__
from scrapegate.api.auth import services_of

router = APIRouter(prefix="/api/v1", tags=["health"])


@router.get("/health", summary="Service health")
async def health(request: Request) -> JSONResponse:
    return await _readiness(request)


@router.get("/health/live", summary="Liveness")
async def live() -> dict[str, Any]:
    return {"status": "ok", "version": __version__}


@router.get("/health/ready", summary="Readiness")
async def ready(request: Request) -> JSONResponse:
    return await _readiness(request)


async def _readiness(request: Request) -> JSONResponse:
    services = services_of(request)
    try:
        database = await services.storage.ping()
    except Exception:
        database = False
    checks = {
        "database": {"status": "ok" if database else "error", "backend": services.storage.backend},
        "queue": {"status": "ok", "depth": services.queue.depth()},
        "browser": {"status": "unavailable"},
        "ocr": {"status": "unavailable"},
    }
    healthy = database
    body = {
        "status": "healthy" if healthy else "unhealthy",
        "version": __version__,
        "checks": checks,
    }
    return JSONResponse(
        body, status_code=200 if healthy else 503, headers={} if healthy else {"Retry-After": "5"}
    )
