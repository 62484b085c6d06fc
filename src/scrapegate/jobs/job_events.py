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
from typing import Any, Protocol, TypedDict

import orjson

from scrapegate.domain.records import Job, utcnow
from scrapegate.domain.timefmt import iso

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
        # Serialised once, as a broker would: non-JSON payloads fail here as they would there,
        # and every subscriber gets its own copy.
        encoded = orjson.dumps(message)
        for subscription in tuple(self._by_topic.get(topic, ())):
            subscription.deliver(orjson.loads(encoded))

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


EVENT_FOR_STATUS = {
    "pending": "job.queued",
    "running": "job.running",
    "completed": "job.completed",
    "failed": "job.failed",
}


class QueuedEventData(TypedDict):
    status: str
    job_type: str
    url: str | None
    queue_position: int
    created_at: str | None


class RunningEventData(TypedDict):
    status: str
    started_at: str | None
    tier: str


class CompletedEventData(TypedDict):
    status: str
    url: str | None
    status_code: int | None  # the target's
    tier_used: str | None
    credits_used: int
    response_time_ms: int | None
    completed_at: str | None


class FailedEventData(TypedDict):
    status: str
    error: str
    error_code: str | None
    credits_refunded: int
    failed_at: str | None


JobEventData = QueuedEventData | RunningEventData | CompletedEventData | FailedEventData


def job_event_data(job: Job, queue_position: int = 0) -> JobEventData:
    """The ``data`` of the event matching the job's stored state.

    The result is never part of it: a subscriber who wants it loads the job from storage.
    """
    if job.status == "pending":
        return _queued(job, queue_position)
    if job.status == "running":
        return {
            "status": "running",
            "started_at": iso(job.started_at),
            "tier": job.current_tier or "1",
        }
    if job.status == "completed":
        return _completed(job)
    return {
        "status": "failed",
        "error": job.error or "Job failed",
        "error_code": job.error_code,
        "credits_refunded": job.credits_refunded,
        "failed_at": iso(job.completed_at),
    }


def _queued(job: Job, queue_position: int) -> QueuedEventData:
    return {
        "status": "pending",
        "job_type": job.type,
        "url": job.request.get("url"),
        "queue_position": queue_position,
        "created_at": iso(job.created_at),
    }


def _completed(job: Job) -> CompletedEventData:
    result = job.result or {}
    return {
        "status": "completed",
        "url": job.request.get("url"),
        "status_code": result.get("status_code"),
        "tier_used": job.current_tier,
        "credits_used": job.credits_used,
        "response_time_ms": result.get("response_time_ms"),
        "completed_at": iso(job.completed_at),
    }


def job_event(job: Job, *, batch_id: str | None = None, queue_position: int = 0) -> Message:
    """The bus message for the job's stored state."""
    return {
        "type": EVENT_FOR_STATUS[job.status],
        "job_id": job.id,
        "org_id": job.org_id,
        "batch_id": batch_id,
        "ts": iso(utcnow()),
        "data": job_event_data(job, queue_position),
    }


class JobEventPublisher:
    """What job code calls when a job changes state; a no-op without a bus."""

    def __init__(self, bus: JobEventBus | None) -> None:
        self._bus = bus

    async def job_changed(
        self, job: Job, *, batch_id: str | None = None, queue_position: int = 0
    ) -> None:
        if self._bus is None:
            return
        message = job_event(job, batch_id=batch_id, queue_position=queue_position)
        topics = [job_topic(job.id)] + ([batch_topic(batch_id)] if batch_id else [])
        for topic in topics:
            try:
                await self._bus.publish(topic, message)
            except Exception:
                # A lost event must not fail the job: subscribers get the state on (re)subscribe.
                log.exception("could not publish %s for job %s", message["type"], job.id)
