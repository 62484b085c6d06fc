"""The job queue protocol and its in-process implementation."""

from __future__ import annotations

import asyncio
from typing import Protocol


class JobQueue(Protocol):
    """Where accepted jobs wait for a worker. Putting a job that waits already is harmless:
    whoever runs it claims it in storage first."""

    async def put(self, job_id: str) -> None: ...
    async def depth(self) -> int: ...


class InMemoryJobQueue:
    def __init__(self) -> None:
        self._queue: asyncio.Queue[str] = asyncio.Queue()

    async def put(self, job_id: str) -> None:
        await self._queue.put(job_id)

    async def get(self) -> str:
        return await self._queue.get()

    async def depth(self) -> int:
        return self._queue.qsize()
