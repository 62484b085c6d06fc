"""Fixtures for the webhook tests: a loopback receiver, the memory store, a recording sleep."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from scrapegate.storage.protocols import WebhookDeliveryRepository
from tests.delivery.receiver import Receiver


class RecordingSleep:
    """Records the waits the dispatcher asks for and waits only a loop turn."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        await asyncio.sleep(0)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    server = Receiver()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def deliveries() -> WebhookDeliveryRepository:
    from scrapegate.storage.memory import create_memory_storage

    return create_memory_storage().webhooks


@pytest.fixture
def recording_sleep() -> RecordingSleep:
    return RecordingSleep()
