"""The job event bus: how job state changes reach WebSocket and stream subscribers.

Workers publish, API connections subscribe. In one process the bus is in memory; with Redis
(issue 3) it is pub/sub, so a subscriber on any API process sees events from any worker. Messages
are JSON-able dicts because they cross process boundaries.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol

log = logging.getLogger(__name__)

Message = dict[str, Any]


def job_topic(job_id: str) -> str:
    return f"job:{job_id}"


def batch_topic(batch_id: str) -> str:
    return f"batch:{batch_id}"


class BusSubscription(Protocol):
    async def add(self, topic: str) -> None: ...
    async def remove(self, topic: str) -> None: ...
    async def get(self, timeout: float) -> Message | None:
        """The next message on any subscribed topic, or None after ``timeout`` seconds."""
        ...


class JobEventBus(Protocol):
    async def publish(self, topic: str, message: Message) -> None: ...
    def subscribe(self) -> AbstractAsyncContextManager[BusSubscription]: ...


class _MemorySubscription:
    def __init__(self, bus: InMemoryJobEventBus, capacity: int) -> None:
        self._bus = bus
        self.topics: set[str] = set()
        self.inbox: asyncio.Queue[Message] = asyncio.Queue(capacity)

    async def add(self, topic: str) -> None:
        self.topics.add(topic)
        self._bus.attach(topic, self)

    async def remove(self, topic: str) -> None:
        self.topics.discard(topic)
        self._bus.detach(topic, self)

    async def get(self, timeout: float) -> Message | None:
        with contextlib.suppress(TimeoutError):
            return await asyncio.wait_for(self.inbox.get(), timeout)
        return None

    def deliver(self, message: Message) -> None:
        if self.inbox.full():
            # A subscriber that stopped reading must not hold memory or block publishers.
            self.inbox.get_nowait()
            log.warning("event subscriber too slow; dropped its oldest message")
        self.inbox.put_nowait(message)


class InMemoryJobEventBus:
    def __init__(self, capacity: int = 1_000) -> None:
        self._capacity = capacity
        self._by_topic: dict[str, set[_MemorySubscription]] = {}

    async def publish(self, topic: str, message: Message) -> None:
        for subscription in tuple(self._by_topic.get(topic, ())):
            subscription.deliver(message)

    @contextlib.asynccontextmanager
    async def subscribe(self) -> AsyncIterator[BusSubscription]:
        subscription = _MemorySubscription(self, self._capacity)
        try:
            yield subscription
        finally:
            for topic in tuple(subscription.topics):
                self.detach(topic, subscription)

    def attach(self, topic: str, subscription: _MemorySubscription) -> None:
        self._by_topic.setdefault(topic, set()).add(subscription)

    def detach(self, topic: str, subscription: _MemorySubscription) -> None:
        subscribers = self._by_topic.get(topic)
        if subscribers is not None:
            subscribers.discard(subscription)
            if not subscribers:
                del self._by_topic[topic]
