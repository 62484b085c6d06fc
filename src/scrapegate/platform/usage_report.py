"""Usage by API key and the spend estimate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from scrapegate.domain.records import ApiKey
from scrapegate.platform.dashboard_window import Window
from scrapegate.storage.analytics_protocol import LogAggregate
from scrapegate.storage.protocols import Storage

ENOUGH_REQUESTS = 20  # spec A.14 #66: below this the estimate is not trusted


@dataclass(frozen=True)
class KeyUsage:
    api_key_id: str
    name: str
    key_prefix: str
    requests: int
    successful_requests: int
    failed_requests: int
    spend_microcents: int
    last_used_at: datetime | None
    deleted: bool


@dataclass(frozen=True)
class UsageByKey:
    keys: list[KeyUsage]
    account_total_spend_microcents: int
    account_total_requests: int
    period_start: datetime
    period_end: datetime


@dataclass(frozen=True)
class SpendEstimate:
    avg_cost_per_request: float
    total_cost_microcents: int
    request_count: int
    window_days: int
    has_enough_data: bool
    balance_microcents: int | None
    estimated_requests_remaining: int | None
    estimated_days_remaining: float | None


def _key_usage(key: ApiKey, used: LogAggregate | None) -> KeyUsage:
    return KeyUsage(
        api_key_id=key.id,
        name=key.name,
        key_prefix=key.key_prefix,
        requests=used.requests if used else 0,
        successful_requests=used.successful if used else 0,
        failed_requests=used.failed if used else 0,
        spend_microcents=used.credits if used else 0,
        last_used_at=used.last_at if used else key.last_used_at,
        deleted=not key.active,
    )


class UsageReport:
    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def by_key(self, org_id: str, days: int, now: datetime) -> UsageByKey:
        window = Window(now - timedelta(days=days), now)
        query = window.query(org_id)
        per_key = {g.key[0]: g for g in await self._storage.analytics.aggregate(query, ["key_id"])}
        keys: list[KeyUsage] = []
        for key in await self._storage.api_keys.list_for_org(org_id):
            used = per_key.get(key.id)
            if used is None and not key.active:
                continue  # deleted keys are listed only when they had usage in the window
            keys.append(_key_usage(key, used))
        keys.sort(key=lambda k: (-k.spend_microcents, -k.requests, k.name))
        [total] = await self._storage.analytics.aggregate(query)
        return UsageByKey(
            keys,
            account_total_spend_microcents=total.credits,
            account_total_requests=total.requests,
            period_start=window.since,
            period_end=window.until,
        )

    async def estimate(
        self, org_id: str, window_days: int, now: datetime, balance: int | None
    ) -> SpendEstimate:
        window = Window(now - timedelta(days=window_days), now)
        [total] = await self._storage.analytics.aggregate(window.query(org_id))
        average = total.credits / total.requests if total.requests else 0.0
        enough = total.requests >= ENOUGH_REQUESTS
        daily_spend = total.credits / window_days
        usable = enough and balance is not None
        return SpendEstimate(
            avg_cost_per_request=round(average, 1),
            total_cost_microcents=total.credits,
            request_count=total.requests,
            window_days=window_days,
            has_enough_data=enough,
            balance_microcents=balance,
            estimated_requests_remaining=(
                int(balance // average) if usable and balance is not None and average else None
            ),
            estimated_days_remaining=(
                round(balance / daily_spend, 1)
                if usable and balance is not None and daily_spend
                else None
            ),
        )
