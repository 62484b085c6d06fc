"""GET /api/v1/favicon and /api/v1/favicon/batch: public, 120/min/IP."""

from __future__ import annotations

import base64

from fastapi import APIRouter, Depends, Request, Response

from scrapegate.api.deps import FaviconsDep
from scrapegate.api.public_rate import per_ip_public_access
from scrapegate.api.wire import WireModel
from scrapegate.errors import ScrapegateError
from scrapegate.platform.favicon import DEFAULT_SIZE, FaviconResult, check_size, split_domains

router = APIRouter(prefix="/api/v1", tags=["favicon"])

FAVICON_RPM = 120
CACHE_CONTROL = "public, max-age=86400"


public_access = per_ip_public_access("favicon", FAVICON_RPM)


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 weak comparison, as ``If-None-Match`` asks for."""
    if not if_none_match:
        return False
    wanted = etag.removeprefix("W/")
    for tag in if_none_match.split(","):
        tag = tag.strip()
        if tag == "*" or tag.removeprefix("W/") == wanted:
            return True
    return False


@router.get("/favicon", summary="Favicon of a domain", dependencies=[Depends(public_access)])
async def favicon(
    request: Request, favicons: FaviconsDep, domain: str | None = None, size: int = DEFAULT_SIZE
) -> Response:
    result = await favicons.icon(domain or "", check_size(size))
    headers = {
        "Cache-Control": CACHE_CONTROL,
        "ETag": result.etag,
        "X-Favicon-Source": result.source,
    }
    if etag_matches(request.headers.get("if-none-match"), result.etag):
        return Response(status_code=304, headers=headers)
    return Response(result.png, media_type="image/png", headers=headers)


class FaviconBody(WireModel):
    data_uri: str
    source: str


class FaviconErrorBody(WireModel):
    data_uri: None
    source: str
    error: str  # the error code of the domain's failure


class FaviconBatchBody(WireModel):
    size: int
    favicons: dict[str, FaviconBody | FaviconErrorBody]


def batch_entry(outcome: FaviconResult | ScrapegateError) -> FaviconBody | FaviconErrorBody:
    if isinstance(outcome, ScrapegateError):
        return FaviconErrorBody(data_uri=None, source="error", error=outcome.code)
    encoded = base64.b64encode(outcome.png).decode("ascii")
    return FaviconBody(data_uri=f"data:image/png;base64,{encoded}", source=outcome.source)


@router.get(
    "/favicon/batch",
    summary="Favicons of several domains",
    response_model=FaviconBatchBody,
    dependencies=[Depends(public_access)],
)
async def favicon_batch(
    favicons: FaviconsDep, domains: str | None = None, size: int = DEFAULT_SIZE
) -> FaviconBatchBody:
    wanted = split_domains(domains)
    outcomes = await favicons.batch(wanted, check_size(size))
    entries = {name: batch_entry(outcome) for name, outcome in outcomes.items()}
    return FaviconBatchBody(size=size, favicons=entries)
