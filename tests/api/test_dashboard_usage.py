"""Usage analytics routes (spec platform-api A.14 #65-#66): usage by key and the spend estimate."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest

from scrapegate.domain.records import UsageRow, new_id, utcnow
from tests.live_server import LiveServer


@dataclass
class UsageOrg:
    client: httpx.Client
    org_id: str
    live_id: str
    retired_id: str
    idle_id: str


def log_row(org_id: str, key_id: str | None, days_ago: float, **fields: Any) -> UsageRow:
    values: dict[str, Any] = {
        "id": new_id(),
        "org_id": org_id,
        "key_id": key_id,
        "route": "/api/v1/scrape",
        "method": "POST",
        "status_code": 200,
        "latency_ms": 80,
        "created_at": utcnow() - timedelta(days=days_ago),
        "kind": "scrape",
        "credits": 500,
        "source": "api",
    }
    values.update(fields)
    return UsageRow(**values)


def seeded_log(org: str, live: str, retired: str) -> list[UsageRow]:
    rows = [log_row(org, live, 0.1 + i / 10) for i in range(24)]  # 24 rows in the last 3 days
    rows.append(log_row(org, live, 1, status="failed", credits=0))
    rows += [log_row(org, retired, 20, credits=2_000), log_row(org, retired, 200, credits=9)]
    rows.append(log_row(org, None, 2, credits=100))  # a row without a key still counts in totals
    return rows


def start_org(server: LiveServer, slug: str) -> UsageOrg:
    services = server.services

    async def seed() -> UsageOrg:
        live = await services.keys.create_key(org_name=slug, name="live")
        retired = await services.keys.create_key(org_name=slug, name="retired")
        idle = await services.keys.create_key(org_name=slug, name="idle")
        await services.storage.api_keys.revoke(retired.key.id, utcnow())
        org_id = live.org.id
        await services.storage.usage.append_many(seeded_log(org_id, live.key.id, retired.key.id))
        client = httpx.Client(base_url=server.url, headers={"X-API-Key": live.raw}, timeout=30)
        return UsageOrg(client, org_id, live.key.id, retired.key.id, idle.key.id)

    org: UsageOrg = server.call(seed())  # type: ignore[assignment]
    return org


@pytest.fixture(scope="module")
def usage_org(server: LiveServer) -> Iterator[UsageOrg]:
    org = start_org(server, "usage-org")
    yield org
    org.client.close()


@pytest.fixture(scope="module")
def billed_org(server_factory: Callable[..., LiveServer]) -> Iterator[UsageOrg]:
    server = server_factory(billing={"enabled": True})
    org = start_org(server, "billed-org")
    yield org
    org.client.close()


def test_usage_by_key(usage_org: UsageOrg) -> None:
    response = usage_org.client.get("/api/v1/usage/by-key")
    assert response.status_code == 200
    body = response.json()
    keys = {k["api_key_id"]: k for k in body["keys"]}
    live, retired = keys[usage_org.live_id], keys[usage_org.retired_id]
    assert (live["requests"], live["successful_requests"], live["failed_requests"]) == (25, 24, 1)
    assert live["spend_microcents"] == 12_000 and live["name"] == "live"
    assert live["key_prefix"].startswith("sk_live_") and live["deleted"] is False
    assert retired["deleted"] is True and retired["spend_microcents"] == 2_000
    assert keys[usage_org.idle_id]["requests"] == 0 and keys[usage_org.idle_id]["limits"] is None
    assert body["account_total_spend_microcents"] == 14_100
    assert body["account_total_requests"] == 27
    assert body["period_start"] < body["period_end"]


def test_usage_by_key_window_drops_idle_deleted_keys(usage_org: UsageOrg) -> None:
    body = usage_org.client.get("/api/v1/usage/by-key", params={"days": 7}).json()
    ids = {k["api_key_id"] for k in body["keys"]}
    assert usage_org.retired_id not in ids and usage_org.idle_id in ids
    assert body["account_total_requests"] == 26
    everything = usage_org.client.get("/api/v1/usage/by-key", params={"days": 365}).json()
    assert everything["account_total_spend_microcents"] == 14_109


def test_estimate_without_billing_has_no_projection(usage_org: UsageOrg) -> None:
    body = usage_org.client.get("/api/v1/usage/estimate").json()
    assert body["request_count"] == 26 and body["total_cost_microcents"] == 12_100
    assert body["avg_cost_per_request"] == pytest.approx(465.4)
    assert body["has_enough_data"] is True and body["window_days"] == 7
    assert body["balance_microcents"] is None
    assert body["estimated_requests_remaining"] is None and body["estimated_days_remaining"] is None


def test_estimate_with_billing_projects_the_balance(billed_org: UsageOrg) -> None:
    body = billed_org.client.get("/api/v1/usage/estimate").json()
    balance = body["balance_microcents"]
    assert balance is not None and balance > 0
    assert body["estimated_requests_remaining"] == int(balance // (12_100 / 26))
    assert body["estimated_days_remaining"] == pytest.approx(balance / (12_100 / 7), abs=0.1)


def test_estimate_needs_twenty_requests(usage_org: UsageOrg) -> None:
    body = usage_org.client.get("/api/v1/usage/estimate", params={"window_days": 1}).json()
    assert body["request_count"] < 20 and body["has_enough_data"] is False
    assert body["estimated_requests_remaining"] is None


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("by-key", {"days": 0}),
        ("by-key", {"days": 366}),
        ("estimate", {"window_days": 31}),
        ("estimate", {"window_days": "x"}),
    ],
)
def test_out_of_range_windows_are_400(
    usage_org: UsageOrg, path: str, params: dict[str, Any]
) -> None:
    response = usage_org.client.get(f"/api/v1/usage/{path}", params=params)
    assert response.status_code == 400 and response.json()["error"] == "INVALID_REQUEST"


def test_other_organization_sees_only_its_own_usage(
    server: LiveServer, usage_org: UsageOrg
) -> None:
    other = start_org(server, "usage-stranger")
    try:
        body = other.client.get("/api/v1/usage/by-key").json()
        assert usage_org.live_id not in {k["api_key_id"] for k in body["keys"]}
        assert body["account_total_spend_microcents"] == 14_100  # its own seeded log only
        assert other.client.get("/api/v1/usage").status_code == 200  # the older route still works
    finally:
        other.client.close()
