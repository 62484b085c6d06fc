"""Usage by API key and the spend estimate."""

from __future__ import annotations

from fastapi import APIRouter

from scrapegate.api.deps import FlushedStorageDep, ReadPrincipal, SettingsDep
from scrapegate.api.usage_models import SpendEstimateResponse, UsageByKeyResponse
from scrapegate.domain.records import utcnow
from scrapegate.platform.dashboard_window import bounded_days
from scrapegate.platform.usage_report import SpendEstimate, UsageByKey, UsageReport

router = APIRouter(prefix="/api/v1/usage", tags=["usage"])


@router.get("/by-key", summary="Requests and spend per API key", response_model=UsageByKeyResponse)
async def usage_by_key(
    who: ReadPrincipal, storage: FlushedStorageDep, days: int = 30
) -> UsageByKey:
    span = bounded_days(days, "days", 365)
    return await UsageReport(storage).by_key(who.org_id, span, utcnow())


@router.get(
    "/estimate",
    summary="How long the balance lasts at the recent spend",
    response_model=SpendEstimateResponse,
)
async def usage_estimate(
    who: ReadPrincipal, storage: FlushedStorageDep, settings: SettingsDep, window_days: int = 7
) -> SpendEstimate:
    span = bounded_days(window_days, "window_days", 30)
    enabled = settings.billing.enabled
    balance = await storage.ledger.balance(who.org_id) if enabled else None
    return await UsageReport(storage).estimate(who.org_id, span, utcnow(), balance)
