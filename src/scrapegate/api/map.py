"""POST /api/v1/map."""

from __future__ import annotations

from fastapi import APIRouter, Request

from scrapegate.api.body import read_json
from scrapegate.api.body_docs import json_body
from scrapegate.api.deps import MapServiceDep, ValidationDep, WritePrincipal
from scrapegate.api.map_models import MapRequestBody, MapResponse
from scrapegate.domain.map_request import parse_map_request
from scrapegate.jobs.map_service import MapResult

router = APIRouter(prefix="/api/v1", tags=["map"])


@router.post(
    "/map",
    summary="Discover a site's URLs without scraping them",
    response_model=MapResponse,
    openapi_extra={"requestBody": json_body(MapRequestBody)},
)
async def map_site(
    request: Request, who: WritePrincipal, maps: MapServiceDep, validation: ValidationDep
) -> MapResult:
    req = parse_map_request(await read_json(request), validation)
    return await maps.map(who, req)
