"""POST /api/v1/map (spec core-api §14)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request

from scrapegate.api.auth import require, services_of
from scrapegate.api.body import read_json
from scrapegate.domain.map_request import parse_map_request
from scrapegate.domain.principal import Principal

router = APIRouter(prefix="/api/v1", tags=["map"])


@router.post("/map", summary="Discover a site's URLs without scraping them")
async def map_site(request: Request, who: Principal = Depends(require("write"))) -> dict[str, Any]:
    services = services_of(request)
    req = parse_map_request(await read_json(request), services.validation)
    return await services.maps.map(who, req)
