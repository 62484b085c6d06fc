"""Webhook deliveries."""

from __future__ import annotations

import pytest

from scrapegate.errors import Conflict, NotFound
from scrapegate.storage.protocols import Storage
from tests.contract.factories import at, make_delivery

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_delivery_roundtrip_and_save(storage: Storage) -> None:
    delivery = await storage.webhooks.create(make_delivery("org-1", at(0), job_id="job-1"))
    assert await storage.webhooks.get(delivery.id) == delivery
    assert await storage.webhooks.get("missing") is None

    delivery.status = "delivered"
    delivery.attempts = 2
    delivery.response_code, delivery.response_snippet, delivery.latency_ms = 200, "ok", 87
    delivery.last_error = "first attempt: connection refused"
    delivery.next_attempt_at, delivery.updated_at = at(30), at(31)
    await storage.webhooks.save(delivery)

    assert await storage.webhooks.get(delivery.id) == delivery


async def test_create_duplicate_and_save_missing(storage: Storage) -> None:
    delivery = await storage.webhooks.create(make_delivery("org-1", at(0)))
    with pytest.raises(Conflict):
        await storage.webhooks.create(make_delivery("org-1", at(1), id=delivery.id))
    with pytest.raises(NotFound):
        await storage.webhooks.save(make_delivery("org-1", at(1), id="never-created"))


async def test_list_pending_is_oldest_first_across_organizations(storage: Storage) -> None:
    second = await storage.webhooks.create(make_delivery("org-2", at(2), attempts=1))
    first = await storage.webhooks.create(make_delivery("org-1", at(1)))
    await storage.webhooks.create(make_delivery("org-1", at(0), status="delivered"))
    await storage.webhooks.create(make_delivery("org-1", at(0), status="failed"))

    assert await storage.webhooks.list_pending() == [first, second]

    first.status = "delivered"
    await storage.webhooks.save(first)
    assert await storage.webhooks.list_pending() == [second]


async def test_list_for_org_newest_first_with_limit(storage: Storage) -> None:
    made = [await storage.webhooks.create(make_delivery("org-1", at(i))) for i in range(4)]
    await storage.webhooks.create(make_delivery("org-2", at(9)))

    assert await storage.webhooks.list_for_org("org-1") == list(reversed(made))
    assert await storage.webhooks.list_for_org("org-1", limit=2) == [made[3], made[2]]
    assert await storage.webhooks.list_for_org("nobody") == []
