"""The request log writer: rows are buffered and written in the background, off the hot path."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from scrapegate.domain.records import UsageRow
from scrapegate.storage.protocols import UsageRepository

log = logging.getLogger(__name__)
# Rows kept in memory while the database is unreachable (about 20 MB), oldest dropped beyond.
MAX_BUFFERED_ROWS = 50_000


class UsageLog:
    def __init__(self, repository: UsageRepository, flush_interval_s: float = 0.25) -> None:
        self._repository = repository
        self._pending: list[UsageRow] = []
        self._interval = flush_interval_s
        self._task: asyncio.Task[None] | None = None

    def append(self, row: UsageRow) -> None:
        self._pending.append(row)

    async def flush(self) -> None:
        rows, self._pending = self._pending, []
        if not rows:
            return
        try:
            await self._repository.append_many(rows)
        except Exception as exc:  # a log write must never fail a request: keep rows for later
            kept = [*rows, *self._pending]
            dropped = len(kept) - MAX_BUFFERED_ROWS
            self._pending = kept[-MAX_BUFFERED_ROWS:]
            log.warning("request log write failed (%d rows kept for retry): %r", len(rows), exc)
            if dropped > 0:
                log.error("request log buffer full: %d oldest rows dropped", dropped)

    async def start(self) -> None:
        self._task = asyncio.create_task(self._loop())

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            await self.flush()

    async def aclose(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.flush()
