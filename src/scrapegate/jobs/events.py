"""Completion signals, so a synchronous request can wait for its job without polling storage.

A waiter registers before it reads the job from storage and the runner signals after it saved
the job, so a completion can never slip between the two.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

from scrapegate.jobs.job_events import BusSubscription, JobEventBus, job_topic


class JobSignals:
    def __init__(self) -> None:
        self._waiters: dict[str, tuple[asyncio.Event, int]] = {}

    @asynccontextmanager
    async def watch(self, job_id: str) -> AsyncIterator[asyncio.Event]:
        event, count = self._waiters.get(job_id, (asyncio.Event(), 0))
        self._waiters[job_id] = (event, count + 1)
        try:
            yield event
        finally:
            event, count = self._waiters[job_id]
            if count <= 1:
                del self._waiters[job_id]
            else:
                self._waiters[job_id] = (event, count - 1)

    def finished(self, job_id: str) -> None:
        entry = self._waiters.get(job_id)
        if entry is not None:
            entry[0].set()


class CompletionSignals(Protocol):
    def watch(self, job_id: str) -> AbstractAsyncContextManager[asyncio.Event]: ...
    def finished(self, job_id: str) -> None: ...


TERMINAL_EVENTS = frozenset({"job.completed", "job.failed"})


class BusJobSignals:
    """Completion signals when the job runs in another process: the runner's terminal event
    arrives over the event bus (Redis pub/sub), so ``finished`` has nothing to do here."""

    def __init__(self, bus: JobEventBus) -> None:
        self._bus = bus

    @asynccontextmanager
    async def watch(self, job_id: str) -> AsyncIterator[asyncio.Event]:
        event = asyncio.Event()
        async with self._bus.subscribe() as subscription:
            await subscription.add(job_topic(job_id))
            listener = asyncio.create_task(self._listen(subscription, event))
            try:
                yield event
            finally:
                listener.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await listener

    @staticmethod
    async def _listen(subscription: BusSubscription, event: asyncio.Event) -> None:
        while True:
            message = await subscription.get(30.0)
            if message is not None and message.get("type") in TERMINAL_EVENTS:
                event.set()
                return

    def finished(self, job_id: str) -> None:
        return None
