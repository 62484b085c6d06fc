"""The coordination half of the composition root: in-process or Redis (issue 3).

With ``SCRAPEGATE_REDIS_URL`` unset everything lives in this one process. With it set, the
queue is arq's, and events, completion signals, rate limits, concurrency slots, host pacing
and the response cache are shared through Redis by every API and worker process.
"""

from __future__ import annotations

from dataclasses import dataclass

from arq.connections import ArqRedis
from redis.asyncio import Redis

from scrapegate.accounts.ratelimit import (
    FailedAuthGuard,
    FailedAuthLimiter,
    InMemoryConcurrencyTracker,
    InMemoryRateLimiter,
    RateLimiter,
)
from scrapegate.accounts.redis_guard import RedisFailedAuthGuard
from scrapegate.accounts.redis_limits import RedisConcurrencyTracker, RedisRateLimiter
from scrapegate.config import Settings
from scrapegate.jobs.arq_queue import ArqJobQueue
from scrapegate.jobs.crawl_gate import HostPacer, InMemoryHostPacer
from scrapegate.jobs.events import BusJobSignals, CompletionSignals, JobSignals
from scrapegate.jobs.job_events import InMemoryJobEventBus, JobEventBus
from scrapegate.jobs.queue import InMemoryJobQueue, JobQueue
from scrapegate.jobs.redis_events import RedisJobEventBus
from scrapegate.jobs.redis_pacer import RedisHostPacer
from scrapegate.metering.concurrency import ConcurrencyTracker
from scrapegate.storage.protocols import CacheRepository, Storage
from scrapegate.storage.redis_cache import RedisCacheRepository
from scrapegate.storage.redis_client import open_redis


@dataclass
class Coordination:
    queue: JobQueue
    bus: JobEventBus
    signals: CompletionSignals
    slots: ConcurrencyTracker
    pacer: HostPacer
    rate_limiter: RateLimiter
    failed_auth: FailedAuthLimiter
    cache: CacheRepository
    redis: Redis | None = None  # None when embedded

    @property
    def embedded(self) -> bool:
        return self.redis is None

    async def aclose(self) -> None:
        if self.redis is not None:
            await self.redis.aclose()


def embedded_coordination(storage: Storage) -> Coordination:
    return Coordination(
        queue=InMemoryJobQueue(),
        bus=InMemoryJobEventBus(),
        signals=JobSignals(),
        slots=InMemoryConcurrencyTracker(),
        pacer=InMemoryHostPacer(),
        rate_limiter=InMemoryRateLimiter(),
        failed_auth=FailedAuthGuard(),
        cache=storage.cache,
    )


def redis_coordination(settings: Settings, url: str) -> Coordination:
    redis = open_redis(url)
    arq = ArqRedis(connection_pool=redis.connection_pool)
    bus = RedisJobEventBus(redis)
    return Coordination(
        queue=ArqJobQueue(arq),
        bus=bus,
        signals=BusJobSignals(bus),
        # Running jobs renew their slots every lease_s / 3 (JobDispatcher), so slots of a
        # killed worker lapse after three missed renewals.
        slots=RedisConcurrencyTracker(redis, slot_ttl_s=settings.jobs.lease_s),
        pacer=RedisHostPacer(redis),
        rate_limiter=RedisRateLimiter(redis),
        failed_auth=RedisFailedAuthGuard(redis),
        cache=RedisCacheRepository(redis),
        redis=redis,
    )


def build_coordination(settings: Settings, storage: Storage) -> Coordination:
    if settings.redis_url:
        return redis_coordination(settings, settings.redis_url)
    return embedded_coordination(storage)
