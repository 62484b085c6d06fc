"""Webhook deliveries in memory."""

from __future__ import annotations

from scrapegate.domain.records import WebhookDelivery
from scrapegate.errors import Conflict, NotFound
from scrapegate.storage.memory.state import MemoryState, detached


class MemoryWebhookDeliveryRepository:
    def __init__(self, state: MemoryState) -> None:
        self._state = state

    async def create(self, delivery: WebhookDelivery) -> WebhookDelivery:
        if delivery.id in self._state.webhooks:
            raise Conflict(f"webhook delivery {delivery.id} already exists")
        self._state.webhooks[delivery.id] = detached(delivery)
        return delivery

    async def get(self, delivery_id: str) -> WebhookDelivery | None:
        return detached(self._state.webhooks.get(delivery_id))

    async def save(self, delivery: WebhookDelivery) -> None:
        if delivery.id not in self._state.webhooks:
            raise NotFound(f"webhook delivery {delivery.id} does not exist")
        self._state.webhooks[delivery.id] = detached(delivery)

    async def list_pending(self) -> list[WebhookDelivery]:
        found = [d for d in self._state.webhooks.values() if d.status == "pending"]
        found.sort(key=lambda d: (d.created_at, d.id))
        return detached(found)

    async def list_for_org(self, org_id: str, *, limit: int = 100) -> list[WebhookDelivery]:
        found = [d for d in self._state.webhooks.values() if d.org_id == org_id]
        found.sort(key=lambda d: (d.created_at, d.id), reverse=True)
        return detached(found[:limit])
