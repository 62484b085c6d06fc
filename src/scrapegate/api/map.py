"""POST /api/v1/map."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from scrapegate.api.auth import require, services_of
from scrapegate.api.body import read_json
from scrapegate.api.map_models import MapResponse
from scrapegate.domain.map_request import parse_map_request
from scrapegate.domain.principal import Principal
from scrapegate.jobs.map_service import MapResult

router = APIRouter(prefix="/api/v1", tags=["map"])


@router.post(
    "/map", summary="Discover a site's URLs without scraping them", response_model=MapResponse
)
async def map_site(request: Request, who: Principal = Depends(require("write"))) -> MapResult:
    services = services_of(request)
    req = parse_map_request(await read_json(request), services.validation)
    return await services.maps.map(who, req)
