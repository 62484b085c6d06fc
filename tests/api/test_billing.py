"""Billing enabled: debits, refunds, 402 before any fetch, no negative balance under load."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from scrapegate.accounts.keys import hash_key
from tests.live_server import LiveServer

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


@pytest.fixture(scope="module")
def billed(server_factory: Any) -> LiveServer:
    return server_factory(billing={"enabled": True, "default_balance_microcents": 10_000})


def org_of(server: LiveServer, key: str) -> str:
    async def find() -> str:
        found = await server.services.storage.api_keys.get_by_hash(hash_key(key))
        assert found is not None
        return found.org_id

    return str(server.call(find()))


def mint(server: LiveServer, org: str, balance: int) -> tuple[str, str]:
    async def create() -> tuple[str, str]:
        keys = server.services.keys
        minted = await keys.create_key(org_name=org, name=org)
        current = await server.services.storage.ledger.balance(minted.org.id)
        await server.services.storage.ledger.apply(minted.org.id, balance - current, "adjustment")
        return minted.raw, minted.org.id

    result: tuple[str, str] = server.call(create())  # type: ignore[assignment]
    return result


def ledger_state(server: LiveServer, org_id: str) -> tuple[int, int]:
    async def read() -> tuple[int, int]:
        ledger = server.services.storage.ledger
        entries = await ledger.entries(org_id)
        return await ledger.balance(org_id), sum(e.amount for e in entries)

    result: tuple[int, int] = server.call(read())  # type: ignore[assignment]
    return result


def test_success_debits_the_tier_price(billed: LiveServer, fixture_site: Any) -> None:
    key, org = mint(billed, "payer", 10_000)
    response = httpx.post(
        f"{billed.url}/api/v1/scrape",
        headers={"X-API-Key": key},
        json={"url": fixture_site.url("/article")},
        timeout=60,
    )
    assert response.status_code == 200
    assert response.json()["credits_used"] == 200
    assert response.json()["billing"]["billing_enabled"] is True
    balance, total = ledger_state(billed, org)
    assert balance == 9_800 == total
    assert response.headers["X-AlterLab-Balance"] == "$0.01"
    assert response.headers["X-AlterLab-Balance-Warning"] == "critical"


def test_failed_scrape_is_refunded(billed: LiveServer, fixture_site: Any) -> None:
    key, org = mint(billed, "refunded", 10_000)
    response = httpx.post(
        f"{billed.url}/api/v1/scrape",
        headers={"X-API-Key": key},
        json={"url": fixture_site.url("/challenge/cloudflare"), "cost_controls": {"max_tier": "3"}},
        timeout=60,
    )
    assert response.status_code == 403
    balance, total = ledger_state(billed, org)
    assert balance == 10_000 == total


def test_insufficient_balance_is_402_before_fetching(billed: LiveServer, fixture_site: Any) -> None:
    key, _ = mint(billed, "poor", 100)
    fixture_site.clear()
    response = httpx.post(
        f"{billed.url}/api/v1/scrape",
        headers={"X-API-Key": key},
        json={"url": fixture_site.url("/article?poor=1")},
        timeout=60,
    )
    assert response.status_code == 402
    assert response.json()["error"] == "INSUFFICIENT_BALANCE"
    assert response.json()["details"]["required_microcents"] == 200
    assert not [r for r in fixture_site.requests if "poor=1" in r[1]]


def test_concurrent_scrapes_never_overdraw(billed: LiveServer, fixture_site: Any) -> None:
    key, org = mint(billed, "crowd", 1_000)  # room for exactly five tier-1 scrapes

    def one(i: int) -> int:
        return httpx.post(
            f"{billed.url}/api/v1/scrape",
            headers={"X-API-Key": key},
            json={"url": fixture_site.url(f"/article?crowd={i}")},
            timeout=60,
        ).status_code

    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(one, range(12)))
    assert statuses.count(200) == 5
    assert statuses.count(402) == 7
    balance, total = ledger_state(billed, org)
    assert balance == 0 == total


def test_usage_reports_balance_and_period(billed: LiveServer, fixture_site: Any) -> None:
    key, _ = mint(billed, "reader", 50_000_000)
    httpx.post(
        f"{billed.url}/api/v1/scrape",
        headers={"X-API-Key": key},
        json={"url": fixture_site.url("/article?usage=1")},
        timeout=60,
    )
    usage = httpx.get(f"{billed.url}/api/v1/usage", headers={"X-API-Key": key}).json()
    assert usage["billing_enabled"] is True
    assert usage["credits_available"] == 50_000_000 - 200
    assert usage["credits_used"] == 200
    assert usage["requests_count"] == 1
    assert usage["subscription_tier"] == "basic"
    assert usage["balance_display"] == "$49.99"
