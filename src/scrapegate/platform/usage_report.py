"""Usage by API key and the spend estimate (spec platform-api A.14, routes #65-#66)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from scrapegate.domain.timefmt import iso
from scrapegate.platform.dashboard_window import Window
from scrapegate.storage.protocols import Storage

ENOUGH_REQUESTS = 20  # spec A.14 #66: below this the estimate is not trusted


class UsageReport:
    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def by_key(self, org_id: str, days: int, now: datetime) -> dict[str, Any]:
        window = Window(now - timedelta(days=days), now)
        query = window.query(org_id)
        per_key = {g.key[0]: g for g in await self._storage.analytics.aggregate(query, ["key_id"])}
        keys: list[dict[str, Any]] = []
        for key in await self._storage.api_keys.list_for_org(org_id):
            used = per_key.get(key.id)
            if used is None and not key.active:
                continue  # deleted keys are listed only when they had usage in the window
            keys.append(
                {
                    "api_key_id": key.id,
                    "name": key.name,
                    "key_prefix": key.key_prefix,
                    "requests": used.requests if used else 0,
                    "successful_requests": used.successful if used else 0,
                    "failed_requests": used.failed if used else 0,
                    "spend_microcents": used.credits if used else 0,
                    "last_used_at": iso(used.last_at if used else key.last_used_at),
                    "limits": None,
                    "deleted": not key.active,
                }
            )
        keys.sort(key=lambda k: (-k["spend_microcents"], -k["requests"], k["name"]))
        [total] = await self._storage.analytics.aggregate(query)
        return {
            "keys": keys,
            "account_total_spend_microcents": total.credits,
            "account_total_requests": total.requests,
            "period_start": iso(window.since),
            "period_end": iso(window.until),
        }

    async def estimate(
        self, org_id: str, window_days: int, now: datetime, balance: int | None
    ) -> dict[str, Any]:
        window = Window(now - timedelta(days=window_days), now)
        [total] = await self._storage.analytics.aggregate(window.query(org_id))
        average = total.credits / total.requests if total.requests else 0.0
        enough = total.requests >= ENOUGH_REQUESTS
        daily_spend = total.credits / window_days
        usable = enough and balance is not None
        return {
            "avg_cost_per_request": round(average, 1),
            "total_cost_microcents": total.credits,
            "request_count": total.requests,
            "window_days": window_days,
            "has_enough_data": enough,
            "balance_microcents": balance,
            "estimated_requests_remaining": (
                int(balance // average) if usable and balance is not None and average else None
            ),
            "estimated_days_remaining": (
                round(balance / daily_spend, 1)
                if usable and balance is not None and daily_spend
                else None
            ),
        }
