"""Rate limits, concurrency slots and failed-auth blocks shared through Redis by several processes.

Each "process" is a limiter, tracker or guard with a client (and connection pool) of its own; the
single-process behaviour of these classes is covered with the in-memory ones in
tests/accounts/test_ratelimit.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from redis.asyncio import Redis

from scrapegate.accounts.ratelimit import InMemoryRateLimiter
from scrapegate.accounts.redis_guard import RedisFailedAuthGuard
from scrapegate.accounts.redis_limits import RedisConcurrencyTracker, RedisRateLimiter
from scrapegate.storage.redis_client import open_redis
from tests.redis_fixtures import RedisSpace, redis_space, running_private_redis

pytestmark = pytest.mark.asyncio(loop_scope="session")

START = 1_700_000_000.0


class FakeClock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def space() -> AsyncIterator[RedisSpace]:
    async with redis_space() as redis:
        yield redis


@pytest.fixture
async def second_client(space: RedisSpace) -> AsyncIterator[Redis]:
    """Another connection pool to the same server: what a second API process would hold."""
    url = space.client.connection_pool.connection_kwargs
    client = open_redis(f"redis://{url['host']}:{url['port']}/{url.get('db', 0)}")
    try:
        yield client
    finally:
        await client.aclose()


async def test_two_processes_share_one_bucket_exactly(
    space: RedisSpace, second_client: Redis
) -> None:
    clock = FakeClock()  # no refill while the hits race
    first = RedisRateLimiter(space.client, space.prefix, clock=clock)
    second = RedisRateLimiter(second_client, space.prefix, clock=clock)
    hits = [limiter.hit("key", 50, 1) for _ in range(40) for limiter in (first, second)]
    decisions = await asyncio.gather(*hits)

    alone = InMemoryRateLimiter(clock=clock)
    alone_allowed = [(await alone.hit("key", 50, 1)).allowed for _ in range(80)].count(True)
    allowed = [d for d in decisions if d.allowed]
    assert len(allowed) == alone_allowed == 50
    # Every token was handed out once: no two hits saw the same bucket state.
    assert sorted(d.remaining for d in allowed) == list(range(50))


async def test_server_clock_is_used_when_no_clock_is_given(space: RedisSpace) -> None:
    limiter = RedisRateLimiter(space.client, space.prefix)
    server_now, _ = await space.client.time()
    first = await limiter.hit("key", 1, 1)
    assert first.allowed and first.remaining == 0
    assert server_now <= first.reset_at <= server_now + 62
    refused = await limiter.hit("key", 1, 1)
    assert not refused.allowed
    assert 59 <= refused.retry_after <= 60


async def test_concurrency_slots_are_shared(space: RedisSpace, second_client: Redis) -> None:
    first = RedisConcurrencyTracker(space.client, space.prefix)
    second = RedisConcurrencyTracker(second_client, space.prefix)
    attempts = [
        tracker.try_acquire("org", f"job-{i}-{n}", 3)
        for i in range(5)
        for n, tracker in enumerate((first, second))
    ]
    assert (await asyncio.gather(*attempts)).count(True) == 3
    assert await first.current("org") == await second.current("org") == 3


async def test_release_by_another_process_frees_the_slot(
    space: RedisSpace, second_client: Redis
) -> None:
    first = RedisConcurrencyTracker(space.client, space.prefix)
    second = RedisConcurrencyTracker(second_client, space.prefix)
    assert await first.try_acquire("org", "j1", 1)
    assert not await second.try_acquire("org", "j2", 1)
    await second.release("org", "j1")
    assert await second.try_acquire("org", "j2", 1)


async def test_slot_of_a_crashed_holder_lapses(space: RedisSpace) -> None:
    clock = FakeClock()
    tracker = RedisConcurrencyTracker(space.client, space.prefix, slot_ttl_s=30, clock=clock)
    assert await tracker.try_acquire("org", "crashed", 1)
    clock.now += 29
    assert not await tracker.try_acquire("org", "other", 1)
    clock.now += 1  # 30 s after the last acquire, nobody released it
    assert await tracker.current("org") == 0
    assert await tracker.try_acquire("org", "other", 1)


async def test_acquiring_again_keeps_a_long_running_slot(space: RedisSpace) -> None:
    clock = FakeClock()
    tracker = RedisConcurrencyTracker(space.client, space.prefix, slot_ttl_s=30, clock=clock)
    await tracker.acquire("org", "long")
    clock.now += 20
    assert await tracker.try_acquire("org", "long", 1)  # its own slot: refreshed, not refused
    clock.now += 20
    assert await tracker.current("org") == 1
    assert not await tracker.try_acquire("org", "other", 1)


async def test_failed_auth_counts_across_processes(space: RedisSpace, second_client: Redis) -> None:
    clock = FakeClock()
    first = RedisFailedAuthGuard(space.client, space.prefix, clock=clock)
    second = RedisFailedAuthGuard(second_client, space.prefix, clock=clock)
    for _ in range(15):
        await first.record_failure("10.0.0.1")
        await second.record_failure("10.0.0.1")
    assert await first.blocked("10.0.0.1") == 60
    assert await second.blocked("10.0.0.1") == 60
    assert await second.blocked("10.0.0.2") == 0


async def test_every_key_expires_by_itself(space: RedisSpace) -> None:
    limiter = RedisRateLimiter(space.client, space.prefix)
    poller = RedisRateLimiter(space.client, space.prefix, window_s=1.0)
    tracker = RedisConcurrencyTracker(space.client, space.prefix, slot_ttl_s=120)
    guard = RedisFailedAuthGuard(space.client, space.prefix)
    await limiter.hit("key", 60, 2)
    await poller.hit("key", 20, 1)
    await tracker.acquire("org", "job")
    await guard.record_failure("10.0.0.1")
    await RedisFailedAuthGuard(space.client, space.prefix, limit=1).record_failure("10.0.0.2")

    keys = [key async for key in space.client.scan_iter(match=f"{space.prefix}*")]
    ttls = {key.decode().removeprefix(space.prefix): await space.client.pttl(key) for key in keys}
    # Limiters of different windows keep separate buckets for the same credential.
    assert set(ttls) == {
        "ratelimit:60s:key",
        "ratelimit:1s:key",
        "slots:org",
        "authfail:10.0.0.1",
        "authblock:10.0.0.2",
    }
    assert 0 < ttls["ratelimit:60s:key"] <= 61_000
    assert 0 < ttls["ratelimit:1s:key"] <= 2_000
    assert 0 < ttls["slots:org"] <= 120_000
    assert 0 < ttls["authfail:10.0.0.1"] <= 61_000
    assert 0 < ttls["authblock:10.0.0.2"] <= 61_000


async def test_state_survives_a_restart_with_append_only_persistence(tmp_path: Path) -> None:
    clock = FakeClock()
    with running_private_redis(tmp_path, appendonly=True) as server:
        client = open_redis(server.url)
        try:
            tracker = RedisConcurrencyTracker(client, "sg:", clock=clock)
            limiter = RedisRateLimiter(client, "sg:", clock=clock)
            assert await tracker.try_acquire("org", "j1", 1)
            await limiter.hit("key", 60, 2)

            server.stop()  # a clean shutdown writes the append-only file out
            server.start()

            # The first command after the restart retries on a stale pooled connection.
            assert not await tracker.try_acquire("org", "j2", 1)
            assert (await limiter.peek("key", 60)).remaining == 58
        finally:
            await client.aclose()


async def test_a_command_waits_out_a_short_outage(tmp_path: Path) -> None:
    with running_private_redis(tmp_path) as server:
        client = open_redis(server.url)
        try:
            await client.set("k", b"before")
            server.stop()
            # The server comes back while the command below is retrying with backoff.
            restart = asyncio.get_running_loop().run_in_executor(None, server.start)
            assert await client.set("k", b"after")
            await restart
            assert await client.get("k") == b"after"
        finally:
            await client.aclose()
