"""Usage by API key and the spend estimate."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from scrapegate.api.auth import require, services_of
from scrapegate.api.usage_models import SpendEstimateResponse, UsageByKeyResponse
from scrapegate.domain.principal import Principal
from scrapegate.domain.records import utcnow
from scrapegate.platform.dashboard_window import bounded_days
from scrapegate.platform.usage_report import SpendEstimate, UsageByKey, UsageReport

router = APIRouter(prefix="/api/v1/usage", tags=["usage"])


@router.get("/by-key", summary="Requests and spend per API key", response_model=UsageByKeyResponse)
async def usage_by_key(
    request: Request, who: Principal = Depends(require("read")), days: int = 30
) -> UsageByKey:
    services = services_of(request)
    span = bounded_days(days, "days", 365)
    await services.usage_log.flush()
    return await UsageReport(services.storage).by_key(who.org_id, span, utcnow())


@router.get(
    "/estimate",
    summary="How long the balance lasts at the recent spend",
    response_model=SpendEstimateResponse,
)
async def usage_estimate(
    request: Request, who: Principal = Depends(require("read")), window_days: int = 7
) -> SpendEstimate:
    services = services_of(request)
    span = bounded_days(window_days, "window_days", 30)
    await services.usage_log.flush()
    enabled = services.settings.billing.enabled
    balance = await services.storage.ledger.balance(who.org_id) if enabled else None
    return await UsageReport(services.storage).estimate(who.org_id, span, utcnow(), balance)
