"""Worker heartbeats in Redis: how the API of the Redis topology knows workers are alive.

Each ``scrapegate worker`` process writes one field of a shared hash every few seconds; the API
reads the hash for ``GET /api/v1/health/jobs`` and the status page. Fields of processes gone for
an hour are dropped by readers.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from typing import Any, cast

from redis.asyncio import Redis

log = logging.getLogger(__name__)

HEARTBEAT_KEY = "scrapegate:worker_heartbeats"
FORGET_AFTER_S = 3_600.0


def _done(reply: Any) -> Awaitable[Any]:
    # redis-py types hash commands as "Awaitable | value" to share them with the sync client.
    return cast(Awaitable[Any], reply)


@dataclass(frozen=True)
class WorkerBeat:
    owner: str
    at: float  # epoch seconds
    concurrency: int
    reaped_last_hour: int  # stalled jobs this worker's housekeeping queued again


class WorkerHeartbeats:
    def __init__(
        self,
        redis: Redis,
        *,
        key: str = HEARTBEAT_KEY,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._redis = redis
        self._key = key
        self._clock = clock

    async def beat(self, beat: WorkerBeat) -> None:
        await _done(self._redis.hset(self._key, beat.owner, json.dumps(asdict(beat))))

    async def remove(self, owner: str) -> None:
        await _done(self._redis.hdel(self._key, owner))

    async def recent(self, max_age_s: float) -> list[WorkerBeat]:
        """Workers that beat within ``max_age_s`` seconds, by owner."""
        now = self._clock()
        live: list[WorkerBeat] = []
        gone: list[str] = []
        raw: dict[bytes | str, bytes | str] = await _done(self._redis.hgetall(self._key))
        for field, value in raw.items():
            owner = field.decode() if isinstance(field, bytes) else field
            try:
                beat = WorkerBeat(**json.loads(value))
            except (TypeError, ValueError):
                gone.append(owner)  # unreadable: written by an incompatible version
                continue
            if now - beat.at > FORGET_AFTER_S:
                gone.append(owner)
            elif now - beat.at <= max_age_s:
                live.append(beat)
        if gone:
            await _done(self._redis.hdel(self._key, *gone))
        return sorted(live, key=lambda beat: beat.owner)


class HeartbeatLoop:
    """Writes ``make_beat()`` every ``interval_s`` seconds until stopped; removes it on stop."""

    def __init__(
        self,
        heartbeats: WorkerHeartbeats,
        make_beat: Callable[[], WorkerBeat],
        *,
        interval_s: float = 5.0,
    ) -> None:
        self._heartbeats = heartbeats
        self._make_beat = make_beat
        self._interval_s = interval_s
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self._heartbeats.beat(self._make_beat())  # visible before the first job arrives
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        with contextlib.suppress(Exception):
            await self._heartbeats.remove(self._make_beat().owner)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._interval_s)
            try:
                await self._heartbeats.beat(self._make_beat())
            except Exception:
                log.warning("worker heartbeat failed", exc_info=True)
