"""Beacon ingest and funnels.

Funnel routes are **admin**: until server-admin users exist, that means an API key with the
``admin`` scope (the bootstrap key has it). ``args`` and ``kwargs`` are accepted and ignored.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from scrapegate.api.beacon_models import (
    AllFunnelStatsBody,
    FunnelBody,
    FunnelListBody,
    FunnelStatsBody,
    IngestBody,
    IngestRequestBody,
)
from scrapegate.api.body import read_json
from scrapegate.api.body_docs import json_body
from scrapegate.api.deps import BeaconsDep, admin_access
from scrapegate.api.modules import module_switch
from scrapegate.api.public_rate import per_ip_public_access
from scrapegate.domain.principal import Principal
from scrapegate.platform.beacons import AllFunnelStats, FunnelStats, IngestOutcome
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


@router.post(
    "/events",
    summary="Ingest beacon events",
    status_code=202,
    response_model=IngestBody,
    openapi_extra={"requestBody": json_body(IngestRequestBody)},
)
async def ingest_events(
    request: Request, beacons: BeaconsDep, who: Principal | None = Depends(beacon_access)
) -> IngestOutcome:
    body = await read_json(request, EVENTS_BODY_LIMIT)
    user_id = who.key.user_id if who is not None else None
    return await beacons.ingest(body, user_id)


@router.get(
    "/funnels",
    summary="List funnels",
    response_model=FunnelListBody,
    dependencies=[Depends(admin_access)],
)
async def list_funnels(
    beacons: BeaconsDep, args: str | None = None, kwargs: str | None = None
) -> FunnelListBody:
    funnels = beacons.funnels
    listed = [FunnelBody.model_validate(funnel) for funnel in funnels]
    return FunnelListBody(funnels=listed, total=len(listed))


@router.get(
    "/funnels-all",
    summary="Statistics of every funnel",
    response_model=AllFunnelStatsBody,
    dependencies=[Depends(admin_access)],
)
async def all_funnel_stats(
    beacons: BeaconsDep, days: int = 30, args: str | None = None, kwargs: str | None = None
) -> AllFunnelStats:
    span = bounded_days(days, "days", MAX_DAYS)
    return await beacons.all_stats(span)


@router.get(
    "/funnels/{funnel_name}",
    summary="Statistics of one funnel",
    response_model=FunnelStatsBody,
    dependencies=[Depends(admin_access)],
)
async def funnel_stats(
    funnel_name: str,
    beacons: BeaconsDep,
    days: int = 30,
    args: str | None = None,
    kwargs: str | None = None,
) -> FunnelStats:
    span = bounded_days(days, "days", MAX_DAYS)
    return await beacons.stats(funnel_name, span)
