"""The public status page: service checks, samples and uptime.

The checks themselves are composed by the API layer (they reach the job queue and the worker
pool); this module turns their results into the page, records one sample per probe interval and
computes uptime from the recorded samples.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Literal

from redis.asyncio import Redis
from redis.exceptions import RedisError

from scrapegate.domain.records import HealthSample, new_id, utcnow
from scrapegate.domain.timefmt import iso
from scrapegate.storage.protocols import HealthSampleRepository

log = logging.getLogger(__name__)

ServiceStatus = Literal["operational", "degraded", "outage", "disabled"]
SERVICE_NAMES = ("api", "scraper", "browser", "search", "ocr", "webhooks", "database")
CORE_SERVICES = frozenset({"api", "scraper", "database"})
UPTIME_SERVICES = frozenset({"api", "scraper"})
UPTIME_WINDOW = timedelta(days=30)
SAMPLE_RETENTION = timedelta(days=31)
STATUS_PAGE_KEY = "scrapegate:status:page"
PROBER_LOCK_KEY = "scrapegate:status:prober"


@dataclass(frozen=True)
class ServiceCheck:
    name: str
    status: ServiceStatus
    latency_ms: int | None
    message: str


@dataclass(frozen=True)
class StatusReport:
    """The status page: every check, the worst condition and 30 days' uptime."""

    overall_status: str
    services: list[ServiceCheck]
    timestamp: datetime
    uptime_percentage: float

    def to_json(self) -> str:
        """The page as shared between processes through Redis: its wire shape."""
        return json.dumps(asdict(self) | {"timestamp": iso(self.timestamp)})

    @classmethod
    def from_json(cls, text: str | bytes) -> StatusReport:
        page = json.loads(text)
        return cls(
            overall_status=page["overall_status"],
            services=[ServiceCheck(**check) for check in page["services"]],
            timestamp=datetime.fromisoformat(page["timestamp"].replace("Z", "+00:00")),
            uptime_percentage=page["uptime_percentage"],
        )


Probe = Callable[[], Awaitable[Sequence[ServiceCheck]]]


def overall_status(checks: Sequence[ServiceCheck]) -> str:
    """The worst condition wins: a core outage, any outage, any degradation, else operational."""
    out = {check.name for check in checks if check.status == "outage"}
    if out & CORE_SERVICES:
        return "major_outage"
    if out:
        return "partial_outage"
    if any(check.status == "degraded" for check in checks):
        return "degraded"
    return "operational"


def core_operational(checks: Sequence[ServiceCheck]) -> bool:
    """What uptime counts: every service of ``UPTIME_SERVICES`` operational in this probe."""
    statuses = {check.name: check.status for check in checks}
    return all(statuses.get(name) == "operational" for name in UPTIME_SERVICES)


def sample_of(checks: Sequence[ServiceCheck], taken_at: datetime) -> HealthSample:
    return HealthSample(
        id=new_id(),
        taken_at=taken_at,
        overall_status=overall_status(checks),
        core_operational=core_operational(checks),
        services=[asdict(check) for check in checks],
    )


async def uptime_percentage(samples: HealthSampleRepository, now: datetime) -> float | None:
    """Share of the last 30 days' samples with api and scraper operational; None without any."""
    total, operational = await samples.uptime(now - UPTIME_WINDOW)
    if total == 0:
        return None
    return round(100.0 * operational / total, 2)


def sample_purger(samples: HealthSampleRepository) -> Callable[[datetime], Awaitable[int]]:
    """A housekeeping purge: samples older than 31 days (uptime looks back 30)."""

    async def purge(now: datetime) -> int:
        return await samples.purge(now - SAMPLE_RETENTION)

    return purge


class StatusPage:
    """The body of ``GET /api/v1/status``, computed at most once per ``cache_s`` seconds.

    With Redis the cached body is shared, so every API process answers the same page.
    """

    def __init__(
        self,
        probe: Probe,
        samples: HealthSampleRepository,
        *,
        cache_s: float = 15.0,
        clock: Callable[[], float] = time.monotonic,
        redis: Redis | None = None,
        cache_key: str = STATUS_PAGE_KEY,
    ) -> None:
        self._probe = probe
        self._samples = samples
        self._cache_s = cache_s
        self._clock = clock
        self._redis = redis
        self._cache_key = cache_key
        self._body: StatusReport | None = None
        self._computed_at = 0.0
        self._lock = asyncio.Lock()

    async def body(self) -> StatusReport:
        async with self._lock:  # one computation serves every request arriving meanwhile
            if self._redis is not None:
                with contextlib.suppress(RedisError):  # Redis down: this process's own page
                    return await self._shared_body(self._redis)
            if self._body is None or self._clock() - self._computed_at >= self._cache_s:
                self._body = await self._compute()
                self._computed_at = self._clock()
            return self._body

    async def _shared_body(self, redis: Redis) -> StatusReport:
        cached = await redis.get(self._cache_key)
        if cached is not None:
            return StatusReport.from_json(cached)
        body = await self._compute()
        # NX: when two processes compute at once, both answer the page the first one stored.
        await redis.set(self._cache_key, body.to_json(), nx=True, px=int(self._cache_s * 1000))
        stored = await redis.get(self._cache_key)
        return body if stored is None else StatusReport.from_json(stored)

    async def _compute(self) -> StatusReport:
        checks = await self._probe()
        now = utcnow()
        uptime = await uptime_percentage(self._samples, now)
        if uptime is None:  # no sample yet (first minute of a new install): this probe is all
            uptime = 100.0 if core_operational(checks) else 0.0
        return StatusReport(overall_status(checks), list(checks), now, uptime)


class StatusProber:
    """Records a sample every ``interval_s`` seconds; with Redis, one API process per interval."""

    def __init__(
        self,
        probe: Probe,
        samples: HealthSampleRepository,
        *,
        interval_s: float,
        redis: Redis | None = None,
        lock_key: str = PROBER_LOCK_KEY,
    ) -> None:
        self._probe = probe
        self._samples = samples
        self._interval_s = interval_s
        self._redis = redis
        self._lock_key = lock_key
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def record_once(self) -> HealthSample | None:
        """Probe and store a sample when this process has the turn; the sample or None."""
        if not await self._take_turn():
            return None
        sample = sample_of(await self._probe(), utcnow())
        await self._samples.add(sample)
        return sample

    async def _run(self) -> None:
        while True:
            try:
                await self.record_once()
            except Exception:
                log.warning("status probe failed", exc_info=True)
            await asyncio.sleep(self._interval_s)

    async def _take_turn(self) -> bool:
        if self._redis is None:
            return True
        # The lock lapses just before the next tick, so exactly one process wins each interval.
        ttl_ms = max(int(self._interval_s * 900), 1)
        taken = await self._redis.set(self._lock_key, b"1", nx=True, px=ttl_ms)
        return bool(taken)


@dataclass
class StatusBoard:
    """What one API process keeps for the status page: the cached page and the prober."""

    page: StatusPage
    prober: StatusProber
