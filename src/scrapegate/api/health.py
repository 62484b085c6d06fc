"""Health routes (platform-api #31, #33-35): credentials are ignored here."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from scrapegate import __version__
from scrapegate.api.auth import services_of
from scrapegate.api.services import Services
from scrapegate.convert import ocr
from scrapegate.domain.records import utcnow
from scrapegate.domain.timefmt import iso

router = APIRouter(prefix="/api/v1", tags=["health"])


@router.get("/health", summary="Service health")
async def health(request: Request) -> dict[str, Any]:
    checks = await _checks(services_of(request))
    degraded = any(v == "error" for v in checks.values())
    return {
        "status": "degraded" if degraded else "ok",
        "timestamp": iso(utcnow()),
        "version": __version__,
    }


@router.get("/health/live", summary="Liveness")
async def live() -> dict[str, Any]:
    return {"status": "ok"}


@router.get("/health/ready", summary="Readiness")
async def ready(request: Request) -> JSONResponse:
    checks = await _checks(services_of(request))
    if checks["database"] == "ok" and checks["queue"] == "ok":
        return JSONResponse({"status": "ok", "checks": checks})
    return JSONResponse(
        {"status": "not_ready", "checks": checks}, status_code=503, headers={"Retry-After": "5"}
    )


@router.get("/health/ocr", summary="OCR engine status")
async def ocr_health() -> dict[str, Any]:
    return ocr.ocr_health()


async def _checks(services: Services) -> dict[str, str]:
    try:
        database = await services.storage.ping()
    except Exception:
        database = False
    return {
        "database": "ok" if database else "error",
        "queue": "ok",
        "artifact_store": "ok",
        "browser_pool": "ok" if services.capabilities.browser else "disabled",
        "search_provider": "ok" if services.search.provider_name else "disabled",
    }
