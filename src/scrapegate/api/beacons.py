"""Beacon ingest and funnels (spec platform-api A.1, #1-#4).

Funnel routes are **admin**: until server-admin users exist, that means an API key with the
``admin`` scope (the bootstrap key has it). ``args`` and ``kwargs`` are accepted and ignored.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from scrapegate.accounts.keys import Principal
from scrapegate.api.auth import require, services_of
from scrapegate.api.body import read_json
from scrapegate.api.modules import module_switch
from scrapegate.api.public_rate import per_ip_public_access
from scrapegate.domain.timefmt import iso
from scrapegate.platform.beacons import FunnelStats
from scrapegate.platform.dashboard_window import bounded_days

router = APIRouter(
    prefix="/api/v1/analytics",
    tags=["analytics"],
    dependencies=[Depends(module_switch("analytics"))],
)

MAX_DAYS = 365
# 50 events of 4 KiB props each, plus their envelopes.
EVENTS_BODY_LIMIT = 256 * 1024
beacon_access = per_ip_public_access("analytics-events")


def stats_json(stats: FunnelStats) -> dict[str, Any]:
    return {
        "name": stats.name,
        "period_start": iso(stats.period_start),
        "period_end": iso(stats.period_end),
        "window_hours": stats.window_hours,
        "steps": [
            {
                "event": step.event,
                "visitors": step.visitors,
                "conversion_from_previous": step.conversion_from_previous,
                "conversion_from_start": step.conversion_from_start,
            }
            for step in stats.steps
        ],
    }


@router.post("/events", summary="Ingest beacon events", status_code=202)
async def ingest_events(
    request: Request, who: Principal | None = Depends(beacon_access)
) -> JSONResponse:
    body = await read_json(request, EVENTS_BODY_LIMIT)
    user_id = who.key.user_id if who is not None else None
    outcome = await services_of(request).beacons.ingest(body, user_id)
    answer = {
        "accepted": outcome.accepted,
        "rejected": len(outcome.errors),
        "errors": outcome.errors,
    }
    return JSONResponse(answer, status_code=202)


@router.get("/funnels", summary="List funnels", dependencies=[Depends(require("admin"))])
async def list_funnels(
    request: Request, args: str | None = None, kwargs: str | None = None
) -> dict[str, Any]:
    funnels = services_of(request).beacons.funnels
    return {
        "funnels": [
            {"name": f.name, "steps": list(f.steps), "window_hours": f.window_hours}
            for f in funnels
        ],
        "total": len(funnels),
    }


@router.get(
    "/funnels-all", summary="Statistics of every funnel", dependencies=[Depends(require("admin"))]
)
async def all_funnel_stats(
    request: Request, days: int = 30, args: str | None = None, kwargs: str | None = None
) -> dict[str, Any]:
    span = bounded_days(days, "days", MAX_DAYS)
    since, until, stats = await services_of(request).beacons.all_stats(span)
    return {
        "period_start": iso(since),
        "period_end": iso(until),
        "funnels": [stats_json(s) for s in stats],
    }


@router.get(
    "/funnels/{funnel_name}",
    summary="Statistics of one funnel",
    dependencies=[Depends(require("admin"))],
)
async def funnel_stats(
    funnel_name: str,
    request: Request,
    days: int = 30,
    args: str | None = None,
    kwargs: str | None = None,
) -> dict[str, Any]:
    span = bounded_days(days, "days", MAX_DAYS)
    return stats_json(await services_of(request).beacons.stats(funnel_name, span))
