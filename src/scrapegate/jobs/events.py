"""Completion signals, so a synchronous request can wait for its job without polling storage.

A waiter registers before it reads the job from storage and the runner signals after it saved
the job, so a completion can never slip between the two.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


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
