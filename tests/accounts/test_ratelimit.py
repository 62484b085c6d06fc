"""Token buckets, concurrency counts, balance tiers and headers, failed-auth blocking.

Limiter, tracker and guard tests run against the in-memory classes and their Redis versions.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest

from scrapegate.accounts.ratelimit import (
    FailedAuthGuard,
    InMemoryConcurrencyTracker,
    InMemoryRateLimiter,
    RateLimiter,
    balance_headers,
    format_balance,
    rate_limit_headers,
    request_cost,
    tier_for_balance,
)
from scrapegate.accounts.redis_guard import RedisFailedAuthGuard
from scrapegate.accounts.redis_limits import RedisConcurrencyTracker, RedisRateLimiter
from scrapegate.metering.concurrency import ConcurrencyTracker
from tests.redis_fixtures import RedisSpace, redis_space

START = 1_700_000_000.0
DOLLAR = 1_000_000


class FakeClock:
    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(params=["memory", "redis"])
async def space(request: pytest.FixtureRequest) -> AsyncIterator[RedisSpace | None]:
    """None for the in-memory classes, else where the Redis ones keep this test's state."""
    if request.param == "memory":
        yield None
        return
    async with redis_space() as redis:
        yield redis


MakeLimiter = Callable[..., RateLimiter]


@pytest.fixture
def make_limiter(space: RedisSpace | None, clock: FakeClock) -> MakeLimiter:
    def make(window_s: float = 60.0) -> RateLimiter:
        if space is None:
            return InMemoryRateLimiter(clock=clock, window_s=window_s)
        return RedisRateLimiter(space.client, space.prefix, clock=clock, window_s=window_s)

    return make


@pytest.fixture
def limiter(make_limiter: MakeLimiter) -> RateLimiter:
    return make_limiter()


@pytest.fixture
def tracker(space: RedisSpace | None) -> ConcurrencyTracker:
    if space is None:
        return InMemoryConcurrencyTracker()
    return RedisConcurrencyTracker(space.client, space.prefix)


@pytest.fixture
def guard(space: RedisSpace | None, clock: FakeClock) -> FailedAuthGuard | RedisFailedAuthGuard:
    if space is None:
        return FailedAuthGuard(clock=clock)
    return RedisFailedAuthGuard(space.client, space.prefix, clock=clock)


async def test_new_bucket_starts_full(limiter: RateLimiter) -> None:
    decision = await limiter.peek("key", 60)
    assert decision.allowed
    assert (decision.limit, decision.remaining, decision.retry_after) == (60, 60, 0)
    assert decision.reset_at == int(START)


async def test_reads_cost_one_and_writes_two(limiter: RateLimiter) -> None:
    assert (await limiter.hit("key", 60, request_cost("GET"))).remaining == 59
    assert (await limiter.hit("key", 60, request_cost("POST"))).remaining == 57
    assert (await limiter.hit("key", 60, request_cost("head"))).remaining == 56
    assert request_cost("DELETE") == 2


async def test_empty_bucket_refuses_without_taking(limiter: RateLimiter, clock: FakeClock) -> None:
    for _ in range(30):
        assert (await limiter.hit("key", 60, 2)).allowed
    refused = await limiter.hit("key", 60, 1)
    assert not refused.allowed
    assert refused.remaining == 0
    # 60 rpm refills one token a second: two tokens take two seconds.
    assert refused.retry_after == 2
    clock.advance(1)
    assert (await limiter.hit("key", 60, 1)).allowed


async def test_refill_rate_is_rpm_per_minute(limiter: RateLimiter, clock: FakeClock) -> None:
    for _ in range(60):
        await limiter.hit("key", 120, 2)
    assert (await limiter.peek("key", 120)).remaining == 0
    clock.advance(15)  # 120 rpm = 2 tokens/s
    assert (await limiter.peek("key", 120)).remaining == 30
    clock.advance(1_000)
    assert (await limiter.peek("key", 120)).remaining == 120  # capped at capacity


async def test_write_needs_two_tokens(limiter: RateLimiter, clock: FakeClock) -> None:
    for _ in range(59):
        await limiter.hit("key", 60, 1)
    write = await limiter.hit("key", 60, 2)
    assert not write.allowed
    assert write.retry_after == 1
    read = await limiter.hit("key", 60, 1)
    assert read.allowed and read.remaining == 0


async def test_reset_at_is_when_the_bucket_is_full(limiter: RateLimiter, clock: FakeClock) -> None:
    for _ in range(10):
        await limiter.hit("key", 60, 2)
    decision = await limiter.peek("key", 60)
    assert decision.remaining == 40
    assert decision.reset_at == int(START) + 20
    clock.advance(0.5)
    assert (await limiter.peek("key", 60)).reset_at == int(START) + 20


async def test_retry_after_is_at_least_one_and_at_most_sixty(make_limiter: MakeLimiter) -> None:
    limiter = make_limiter()
    # 1 rpm: the single token returns after 60 s, and a write is capped to the capacity.
    assert (await limiter.hit("slow", 1, 2)).allowed
    assert (await limiter.hit("slow", 1, 2)).retry_after == 60
    # 6000 rpm refills 100 tokens/s: any wait rounds up to one second.
    for _ in range(3_000):
        await limiter.hit("fast", 6_000, 2)
    refused = await limiter.hit("fast", 6_000, 2)
    assert not refused.allowed
    assert refused.retry_after == 1


async def test_credentials_have_separate_buckets(limiter: RateLimiter) -> None:
    for _ in range(15):
        await limiter.hit("a", 30, 2)
    assert not (await limiter.hit("a", 30, 1)).allowed
    assert (await limiter.hit("b", 30, 1)).allowed


async def test_lower_limit_applies_immediately(limiter: RateLimiter) -> None:
    await limiter.hit("key", 500, 2)
    decision = await limiter.hit("key", 30, 2)
    assert (decision.limit, decision.remaining) == (30, 28)


async def test_per_second_window_for_job_polling(
    make_limiter: MakeLimiter, clock: FakeClock
) -> None:
    polling = make_limiter(1.0)
    results = [(await polling.hit("key", 20, 1)).allowed for _ in range(21)]
    assert results.count(True) == 20
    clock.advance(0.1)
    assert (await polling.hit("key", 20, 1)).allowed


async def test_concurrency_counts_jobs_once(tracker: ConcurrencyTracker) -> None:
    await tracker.acquire("org", "j1")
    await tracker.acquire("org", "j1")
    await tracker.acquire("org", "j2")
    await tracker.acquire("other", "j3")
    assert await tracker.current("org") == 2
    await tracker.release("org", "j1")
    await tracker.release("org", "j1")
    await tracker.release("org", "unknown")
    await tracker.release("nobody", "j9")
    assert await tracker.current("org") == 1
    assert await tracker.current("other") == 1
    assert await tracker.current("nobody") == 0


async def test_try_acquire_respects_the_limit(tracker: ConcurrencyTracker) -> None:
    assert await tracker.try_acquire("org", "j1", 2)
    assert await tracker.try_acquire("org", "j2", 2)
    assert not await tracker.try_acquire("org", "j3", 2)
    assert await tracker.try_acquire("org", "j2", 2)  # already holds a slot
    await tracker.release("org", "j1")
    assert await tracker.try_acquire("org", "j3", 2)
    assert await tracker.current("org") == 2


@pytest.mark.parametrize(
    ("balance", "expected"),
    [
        (-1, ("free", 30, 3)),
        (0, ("free", 30, 3)),
        (5 * DOLLAR - 1, ("free", 30, 3)),
        (5 * DOLLAR, ("basic", 60, 10)),
        (50 * DOLLAR - 1, ("basic", 60, 10)),
        (50 * DOLLAR, ("growth", 100, 15)),
        (200 * DOLLAR - 1, ("growth", 100, 15)),
        (200 * DOLLAR, ("scale", 300, 25)),
        (500 * DOLLAR - 1, ("scale", 300, 25)),
        (500 * DOLLAR, ("high_volume", 500, 50)),
        (10_000 * DOLLAR, ("high_volume", 500, 50)),
    ],
)
def test_tier_table_edges(balance: int, expected: tuple[str, int, int]) -> None:
    assert tier_for_balance(balance) == expected


@pytest.mark.parametrize(
    ("balance", "text"),
    [
        (41_250_000, "$41.25"),
        (41_259_999, "$41.25"),
        (9_999, "$0.00"),
        (0, "$0.00"),
        (1_234_567_890_000, "$1234567.89"),
        (-5_000, "-$0.01"),
    ],
)
def test_balance_is_rounded_down(balance: int, text: str) -> None:
    assert format_balance(balance) == text


@pytest.mark.parametrize(
    ("balance", "warning"),
    [
        (5_000_000, None),
        (4_999_999, "low"),
        (1_000_000, "low"),
        (999_999, "critical"),
        (1, "critical"),
        (0, "exhausted"),
        (-100, "exhausted"),
    ],
)
def test_balance_warning_levels(balance: int, warning: str | None) -> None:
    headers = balance_headers(balance, 5_000_000, 1_000_000)
    assert headers["X-AlterLab-Balance-Microcents"] == str(balance)
    assert headers.get("X-AlterLab-Balance-Warning") == warning


def test_balance_headers_example_from_the_spec() -> None:
    assert balance_headers(41_250_000, 5_000_000, 1_000_000) == {
        "X-AlterLab-Balance": "$41.25",
        "X-AlterLab-Balance-Microcents": "41250000",
    }


async def test_rate_limit_headers(limiter: RateLimiter) -> None:
    decision = await limiter.hit("key", 600, 2)
    assert rate_limit_headers(decision, 20, 3) == {
        "X-RateLimit-Limit": "600",
        "X-RateLimit-Remaining": "598",
        "X-RateLimit-Reset": str(int(START) + 1),
        "X-Concurrency-Limit": "20",
        "X-Concurrency-Current": "3",
    }


async def test_failed_auth_blocks_after_thirty_in_a_minute(
    guard: FailedAuthGuard | RedisFailedAuthGuard, clock: FakeClock
) -> None:
    for _ in range(29):
        await guard.record_failure("10.0.0.1")
        clock.advance(1)
    assert await guard.blocked("10.0.0.1") == 0
    await guard.record_failure("10.0.0.1")
    assert await guard.blocked("10.0.0.1") == 60
    assert await guard.blocked("10.0.0.2") == 0
    clock.advance(59.5)
    assert await guard.blocked("10.0.0.1") == 1
    clock.advance(0.5)
    assert await guard.blocked("10.0.0.1") == 0
    # The count starts afresh after a block.
    await guard.record_failure("10.0.0.1")
    assert await guard.blocked("10.0.0.1") == 0


async def test_failures_older_than_a_minute_do_not_count(
    guard: FailedAuthGuard | RedisFailedAuthGuard, clock: FakeClock
) -> None:
    for _ in range(29):
        await guard.record_failure("ip")
    clock.advance(60)
    await guard.record_failure("ip")
    assert await guard.blocked("ip") == 0
    for _ in range(28):
        await guard.record_failure("ip")
    assert await guard.blocked("ip") == 0
    await guard.record_failure("ip")
    assert await guard.blocked("ip") == 60
