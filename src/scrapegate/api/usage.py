"""GET /api/v1/usage."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter

from scrapegate.accounts.ratelimit import format_balance, tier_for_balance
from scrapegate.api.deps import FlushedStorageDep, ReadPrincipal, SettingsDep
from scrapegate.api.usage_models import UsageResponse
from scrapegate.domain.records import utcnow

router = APIRouter(prefix="/api/v1", tags=["usage"])


def month_bounds(now: datetime) -> tuple[datetime, datetime]:
    start = datetime(now.year, now.month, 1, tzinfo=UTC)
    end = datetime(now.year + (now.month == 12), now.month % 12 + 1, 1, tzinfo=UTC)
    return start, end


@router.get("/usage", summary="Balance and usage of the current period")
async def usage(
    who: ReadPrincipal, storage: FlushedStorageDep, settings: SettingsDep
) -> UsageResponse:
    start, end = month_bounds(utcnow())
    summary = await storage.usage.summary(who.org_id, start, end)
    enabled = settings.billing.enabled
    balance = await storage.ledger.balance(who.org_id) if enabled else None
    slug = tier_for_balance(balance)[0] if balance is not None else "custom"
    return UsageResponse(
        credits_available=balance,
        credits_used=summary.credits,
        credits_limit=balance + summary.credits if balance is not None else None,
        requests_count=summary.requests,
        subscription_tier=slug,
        billing_period_start=start,
        billing_period_end=end,
        billing_enabled=enabled,
        balance_display=format_balance(balance) if balance is not None else None,
    )
