"""Each crawl's event log, for the Server-Sent Events stream (spec core-api §13.4).

Kept in process: ids are monotonic per crawl, ``since(last_id)`` replays what a reconnecting
client missed, and waiters wake as events arrive. Logs of finished crawls are dropped after
``keep_s`` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class CrawlEvent:
    id: int
    event: str
    data: dict[str, Any]


@dataclass
class _Log:
    events: list[CrawlEvent] = field(default_factory=list)
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    closed_at: float | None = None


class CrawlEventLog:
    def __init__(self, keep_s: float = 3_600.0) -> None:
        self._logs: dict[str, _Log] = {}
        self._keep_s = keep_s

    def publish(self, crawl_id: str, event: str, data: dict[str, Any]) -> CrawlEvent:
        log = self._logs.setdefault(crawl_id, _Log())
        item = CrawlEvent(len(log.events) + 1, event, data)
        log.events.append(item)
        if event == "crawl.completed":
            log.closed_at = time.monotonic()
        log.changed.set()
        log.changed = asyncio.Event()
        self._forget_old()
        return item

    def since(self, crawl_id: str, last_id: int) -> list[CrawlEvent]:
        log = self._logs.get(crawl_id)
        return [e for e in log.events if e.id > last_id] if log else []

    async def wait(self, crawl_id: str, timeout: float) -> None:
        log = self._logs.setdefault(crawl_id, _Log())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(log.changed.wait(), timeout)

    def _forget_old(self) -> None:
        now = time.monotonic()
        for crawl_id in [
            k
            for k, log in self._logs.items()
            if log.closed_at is not None and now - log.closed_at > self._keep_s
        ]:
            del self._logs[crawl_id]
