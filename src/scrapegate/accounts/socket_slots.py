"""Open WebSocket connections per API key, counted across every API process."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator

from scrapegate.metering.concurrency import ConcurrencyTracker

SOCKETS_PER_KEY = 10


class SocketSlots:
    """A slot per open connection in the shared concurrency tracker (Redis in the cluster).

    Slots in Redis lapse unless renewed, so a connection renews its slot while open: the slots
    of an API process that was killed free themselves instead of blocking the key for good.
    """

    def __init__(
        self, tracker: ConcurrencyTracker, renew_every_s: float, limit: int = SOCKETS_PER_KEY
    ) -> None:
        self._tracker = tracker
        self._renew_every_s = renew_every_s
        self.limit = limit

    @contextlib.asynccontextmanager
    async def hold(self, key_id: str) -> AsyncIterator[bool]:
        """Yields True while a slot is held for this connection, False when none is free."""
        scope, connection = f"ws:{key_id}", uuid.uuid4().hex
        if not await self._tracker.try_acquire(scope, connection, self.limit):
            yield False
            return
        renewal = asyncio.create_task(self._renew(scope, connection))
        try:
            yield True
        finally:
            renewal.cancel()
            await self._tracker.release(scope, connection)

    async def _renew(self, scope: str, connection: str) -> None:
        while True:
            await asyncio.sleep(self._renew_every_s)
            with contextlib.suppress(Exception):  # a Redis outage must not end the connection
                await self._tracker.acquire(scope, connection)
