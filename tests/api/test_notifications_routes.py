"""Notifications (#36-#38), the admin broadcast (B.10) and server-created notifications."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest

from scrapegate.accounts.keys import generate_key, hash_key
from scrapegate.domain.notification_records import Notification
from scrapegate.domain.records import ApiKey, User, new_id, utcnow
from tests.api.conftest import new_key
from tests.live_server import LiveServer

ITEM_KEYS = {
    "id",
    "type",
    "severity",
    "title",
    "message",
    "link",
    "created_at",
    "expires_at",
    "read_at",
}


def org_of(server: LiveServer, raw: str) -> str:
    async def find() -> str:
        key = await server.services.storage.api_keys.get_by_hash(hash_key(raw))
        assert key is not None
        return key.org_id

    return str(server.call(find()))


def second_member(server: LiveServer, raw: str) -> str:
    """A key of another user in the same organization as ``raw``'s."""
    org_id = org_of(server, raw)

    async def mint() -> str:
        storage = server.services.storage
        user = User(id=new_id(), name=f"member-{new_id()[:8]}", personal_org_id=org_id)
        await storage.users.create(user)
        member_raw = generate_key()
        key = ApiKey(
            id=new_id(),
            org_id=org_id,
            user_id=user.id,
            name="member",
            key_hash=hash_key(member_raw),
            key_prefix=member_raw[:12],
        )
        await storage.api_keys.create(key)
        return member_raw

    return str(server.call(mint()))


def as_key(server: LiveServer, raw: str) -> httpx.Client:
    return httpx.Client(base_url=server.url, headers={"X-API-Key": raw}, timeout=60)


def active_ids(client: httpx.Client) -> list[str]:
    reply = client.get("/api/v1/notifications/active")
    assert reply.status_code == 200
    return [item["id"] for item in reply.json()["notifications"]]


def broadcast(api: httpx.Client, **fields: Any) -> dict[str, Any]:
    body = {"title": "Maintenance", "message": "Sunday 02:00 UTC", **fields}
    reply = api.post("/api/v1/admin/notifications", json=body)
    assert reply.status_code == 201, reply.text
    created: dict[str, Any] = reply.json()
    return created


def test_global_broadcast_reaches_everyone(api: httpx.Client, server: LiveServer) -> None:
    sent = broadcast(api, severity="warning", link="https://status.example.org")
    assert set(sent) >= ITEM_KEYS and sent["type"] == "admin_broadcast"
    assert (sent["severity"], sent["organization_id"], sent["read_at"]) == ("warning", None, None)
    for org in ("notify-one", "notify-two"):
        with as_key(server, new_key(server, org)) as client:
            reply = client.get("/api/v1/notifications/active").json()
            mine = next(n for n in reply["notifications"] if n["id"] == sent["id"])
            assert set(mine) == ITEM_KEYS and mine["message"] == "Sunday 02:00 UTC"


def test_broadcast_is_admin_only_and_validated(api: httpx.Client, server: LiveServer) -> None:
    with as_key(server, new_key(server, "notify-plain")) as client:
        denied = client.post("/api/v1/admin/notifications", json={"title": "x", "message": "y"})
        assert denied.status_code == 403
    past = (utcnow() - timedelta(hours=1)).isoformat()
    for body in (
        {"message": "no title"},
        {"title": "t", "message": "m", "severity": "loud"},
        {"title": "t", "message": "m", "link": "javascript:alert(1)"},
        {"title": "t", "message": "m", "expires_at": past},
        {"title": "t", "message": "m", "organization_id": new_id()},
    ):
        assert api.post("/api/v1/admin/notifications", json=body).status_code == 400, body


def test_org_dismissal_is_per_user_and_tenant_bound(api: httpx.Client, server: LiveServer) -> None:
    alice = new_key(server, "notify-org-a")
    bob = second_member(server, alice)
    carol = new_key(server, "notify-org-b")
    sent = broadcast(api, title="Org only", organization_id=org_of(server, alice))
    with as_key(server, alice) as a, as_key(server, bob) as b, as_key(server, carol) as c:
        assert sent["id"] in active_ids(a) and sent["id"] in active_ids(b)
        assert sent["id"] not in active_ids(c)
        foreign = c.post("/api/v1/notifications/dismiss", json={"notification_id": sent["id"]})
        assert foreign.status_code == 404
        first = a.post("/api/v1/notifications/dismiss", json={"notification_id": sent["id"]})
        assert first.status_code == 200
        assert first.json()["status"] == "dismissed"
        assert first.json()["notification_id"] == sent["id"] and first.json()["dismissed_at"]
        again = a.post("/api/v1/notifications/dismiss", json={"notification_id": sent["id"]})
        assert again.json() == first.json()
        assert sent["id"] not in active_ids(a)
        assert sent["id"] in active_ids(b)
        history = c.get("/api/v1/notifications/history").json()["notifications"]
        assert sent["id"] not in [n["id"] for n in history]


def test_dismiss_errors(server: LiveServer) -> None:
    reader = new_key(server, "notify-reader", scopes=("read",))
    with as_key(server, reader) as client:
        for body, status in (
            ({"notification_id": new_id()}, 404),
            ({"notification_id": "not-a-uuid"}, 404),
            ({}, 400),
            ([], 400),
        ):
            reply = client.post("/api/v1/notifications/dismiss", json=body)
            assert reply.status_code == status, body


def test_read_at_is_set_by_the_first_listing(api: httpx.Client, server: LiveServer) -> None:
    sent = broadcast(api, title="Read me")
    with as_key(server, new_key(server, "notify-reader-2")) as client:

        def mine() -> dict[str, Any]:
            items = client.get("/api/v1/notifications/active").json()["notifications"]
            found: dict[str, Any] = next(n for n in items if n["id"] == sent["id"])
            return found

        assert mine()["read_at"] is None
        read_at = mine()["read_at"]
        assert read_at is not None and read_at >= sent["created_at"]
        assert mine()["read_at"] == read_at


def add_old(server: LiveServer, org_id: str, days: float, title: str) -> str:
    item = Notification(
        id=new_id(),
        type="admin_broadcast",
        severity="info",
        title=title,
        message="m",
        org_id=org_id,
        created_at=utcnow() - timedelta(days=days),
    )
    server.call(server.services.storage.notifications.add(item))
    return item.id


def test_history_window_pagination_and_dismissed_at(server: LiveServer) -> None:
    raw = new_key(server, "notify-history")
    org_id = org_of(server, raw)
    old = add_old(server, org_id, 91, "too old")
    kept = [add_old(server, org_id, days, f"d{days}") for days in (89, 30, 1)]
    with as_key(server, raw) as client:
        client.post("/api/v1/notifications/dismiss", json={"notification_id": kept[0]})
        reply = client.get("/api/v1/notifications/history", params={"limit": 100})
        assert reply.status_code == 200
        body = reply.json()
        assert set(body) == {"notifications", "total", "limit", "offset", "has_more"}
        ids = [n["id"] for n in body["notifications"]]
        assert old not in ids and set(kept) <= set(ids)
        assert ids.index(kept[2]) < ids.index(kept[1]) < ids.index(kept[0])  # newest first
        dismissed = next(n for n in body["notifications"] if n["id"] == kept[0])
        assert ITEM_KEYS | {"dismissed_at"} == set(dismissed) and dismissed["dismissed_at"]
        page = client.get("/api/v1/notifications/history", params={"limit": 1, "offset": 1})
        assert (page.json()["limit"], page.json()["offset"]) == (1, 1)
        assert page.json()["has_more"] is (body["total"] > 2)
        assert page.json()["notifications"][0]["id"] == ids[1]
        assert client.get("/api/v1/notifications/history?offset=-1").status_code == 400
        # /active has no age window: only dismissal and expiry hide a notification there.
        assert old in active_ids(client) and kept[0] not in active_ids(client)


def wait_for(check: Callable[[], list[dict[str, Any]]], count: int) -> list[dict[str, Any]]:
    """Finish hooks run just after the job's result is visible: poll until they have run."""
    for _ in range(200):
        found = check()
        if len(found) >= count:
            return found
        time.sleep(0.05)
    return check()


@pytest.fixture(scope="module")
def billed(server_factory: Any) -> LiveServer:
    server: LiveServer = server_factory(
        billing={"enabled": True, "default_balance_microcents": 10_000}
    )
    return server


def set_balance(server: LiveServer, org_id: str, balance: int) -> None:
    async def adjust() -> None:
        ledger = server.services.storage.ledger
        current = await ledger.balance(org_id)
        await ledger.apply(org_id, balance - current, "adjustment")

    server.call(adjust())


def test_low_balance_once_then_exhausted(billed: LiveServer, fixture_site: Any) -> None:
    raw = new_key(billed, "notify-payer")
    org_id = org_of(billed, raw)
    with as_key(billed, raw) as client:

        def of_type(kind: str) -> Callable[[], list[dict[str, Any]]]:
            def check() -> list[dict[str, Any]]:
                items = client.get("/api/v1/notifications/active").json()["notifications"]
                return [n for n in items if n["type"] == kind]

            return check

        assert of_type("low_balance")() == []
        for _ in range(2):
            scraped = client.post("/api/v1/scrape", json={"url": fixture_site.url("/article")})
            assert scraped.status_code == 200 and scraped.json()["credits_used"] == 200
        low = wait_for(of_type("low_balance"), 1)
        assert len(low) == 1 and low[0]["severity"] == "warning"
        set_balance(billed, org_id, 200)
        client.post("/api/v1/scrape", json={"url": fixture_site.url("/article"), "cache": False})
        exhausted = wait_for(of_type("balance_exhausted"), 1)
        assert len(exhausted) == 1 and exhausted[0]["severity"] == "critical"
        assert len(of_type("low_balance")()) == 1


def test_failed_crawl_notifies_its_user(server: LiveServer, fixture_site: Any) -> None:
    raw = new_key(server, "notify-crawler")
    with as_key(server, raw) as client:
        started = client.post(
            "/api/v1/crawl",
            json={
                "url": fixture_site.url("/status/404"),
                "sitemap": "skip",
                "cost_controls": {"max_tier": "1"},
            },
        )
        assert started.status_code == 202, started.text
        crawl_id = started.json()["crawl_id"]

        def failed() -> list[dict[str, Any]]:
            items = client.get("/api/v1/notifications/active").json()["notifications"]
            return [n for n in items if n["type"] == "crawl_failed"]

        found = wait_for(failed, 1)
        assert len(found) == 1 and found[0]["link"] == f"/api/v1/crawl/{crawl_id}"
    with as_key(server, second_member(server, raw)) as colleague:
        assert "crawl_failed" not in [
            n["type"] for n in colleague.get("/api/v1/notifications/active").json()["notifications"]
        ]
