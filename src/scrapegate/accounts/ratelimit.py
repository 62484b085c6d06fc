"""Request-rate limits, balance tiers and headers, failed-authentication blocking.

The protocols are narrow and async so a shared (Redis or database) backend can replace the
in-memory implementations in scale-out mode; in all-in-one mode the state is per process.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

Clock = Callable[[], float]

READ_COST = 1
WRITE_COST = 2
RETRY_AFTER_TOKENS = 2  # a 429 tells the client when a write would pass
RETRY_AFTER_MIN_S = 1
RETRY_AFTER_MAX_S = 60
MICROCENTS_PER_DOLLAR = 1_000_000
MICROCENTS_PER_CENT = 10_000
_PRUNE_THRESHOLD = 10_000  # tracked keys before idle entries are swept

# (slug, lower bound in microcents, rpm, concurrent jobs), highest bound first.
BALANCE_TIERS: tuple[tuple[str, int, int, int], ...] = (
    ("high_volume", 500 * MICROCENTS_PER_DOLLAR, 500, 50),
    ("scale", 200 * MICROCENTS_PER_DOLLAR, 300, 25),
    ("growth", 50 * MICROCENTS_PER_DOLLAR, 100, 15),
    ("basic", 5 * MICROCENTS_PER_DOLLAR, 60, 10),
    ("free", 0, 30, 3),
)


def request_cost(method: str) -> int:
    """Reads (GET/HEAD) take one token, everything else two."""
    return READ_COST if method.upper() in ("GET", "HEAD") else WRITE_COST


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    limit: int
    remaining: int  # whole tokens left
    reset_at: int  # unix seconds at which the bucket is full again
    retry_after: int  # 0 when allowed; otherwise seconds until 2 tokens, 1..60


class RateLimiter(Protocol):
    async def hit(self, credential: str, rpm: int, cost: int) -> RateDecision:
        """Take ``cost`` tokens from the credential's bucket when it holds them."""
        ...

    async def peek(self, credential: str, rpm: int) -> RateDecision:
        """The bucket's state without taking anything."""
        ...


@dataclass
class _Bucket:
    tokens: float
    updated_at: float


class InMemoryRateLimiter:
    """Token bucket per credential: capacity ``rpm``, refilled at ``rpm / window_s`` per second.

    ``window_s`` is 60 for the request rate; a 1 s window gives a per-second limit (job polling).
    """

    def __init__(self, *, clock: Clock = time.time, window_s: float = 60.0) -> None:
        self._clock = clock
        self._window_s = window_s
        self._buckets: dict[str, _Bucket] = {}

    async def hit(self, credential: str, rpm: int, cost: int) -> RateDecision:
        now = self._clock()
        bucket = self._refilled(credential, rpm, now)
        # A limit below the cost would otherwise refuse every write forever.
        needed = min(cost, rpm)
        allowed = bucket.tokens >= needed
        if allowed:
            bucket.tokens -= needed
        return self._decision(bucket.tokens, rpm, now, allowed)

    async def peek(self, credential: str, rpm: int) -> RateDecision:
        now = self._clock()
        bucket = self._buckets.get(credential)
        tokens = float(rpm) if bucket is None else self._refill_amount(bucket, rpm, now)
        return self._decision(tokens, rpm, now, tokens >= READ_COST)

    def _refill_amount(self, bucket: _Bucket, rpm: int, now: float) -> float:
        elapsed = max(0.0, now - bucket.updated_at)
        return min(float(rpm), bucket.tokens + elapsed * rpm / self._window_s)

    def _refilled(self, credential: str, rpm: int, now: float) -> _Bucket:
        bucket = self._buckets.get(credential)
        if bucket is None:
            if len(self._buckets) >= _PRUNE_THRESHOLD:
                self._prune(now)
            bucket = self._buckets[credential] = _Bucket(tokens=float(rpm), updated_at=now)
            return bucket
        bucket.tokens = self._refill_amount(bucket, rpm, now)
        bucket.updated_at = now
        return bucket

    def _prune(self, now: float) -> None:
        # A bucket untouched for a whole window is full whatever its rpm: forgetting it is exact.
        idle = [k for k, b in self._buckets.items() if now - b.updated_at >= self._window_s]
        for key in idle:
            del self._buckets[key]

    def _decision(self, tokens: float, rpm: int, now: float, allowed: bool) -> RateDecision:
        return bucket_decision(tokens, rpm, now, allowed, self._window_s)


def bucket_decision(
    tokens: float, rpm: int, now: float, allowed: bool, window_s: float
) -> RateDecision:
    """What a token bucket's state means for the caller (shared by every limiter backend)."""
    per_second = rpm / window_s
    reset_at = math.ceil(now + (rpm - tokens) / per_second)
    retry_after = 0
    if not allowed:
        wanted = min(RETRY_AFTER_TOKENS, rpm)
        seconds = math.ceil((wanted - tokens) / per_second)
        retry_after = max(RETRY_AFTER_MIN_S, min(RETRY_AFTER_MAX_S, seconds))
    return RateDecision(
        allowed=allowed,
        limit=rpm,
        remaining=max(0, math.floor(tokens)),
        reset_at=reset_at,
        retry_after=retry_after,
    )


class InMemoryConcurrencyTracker:
    """Running jobs per organization, as sets of job ids so double acquire/release cannot skew."""

    def __init__(self) -> None:
        self._running: dict[str, set[str]] = {}

    async def acquire(self, org_id: str, job_id: str) -> None:
        self._running.setdefault(org_id, set()).add(job_id)

    async def try_acquire(self, org_id: str, job_id: str, limit: int) -> bool:
        jobs = self._running.setdefault(org_id, set())
        if job_id in jobs:
            return True
        if len(jobs) >= limit:
            return False
        jobs.add(job_id)
        return True

    async def release(self, org_id: str, job_id: str) -> None:
        jobs = self._running.get(org_id)
        if jobs is None:
            return
        jobs.discard(job_id)
        if not jobs:
            del self._running[org_id]

    async def current(self, org_id: str) -> int:
        return len(self._running.get(org_id, ()))


def tier_for_balance(balance_microcents: int) -> tuple[str, int, int]:
    """(slug, rpm, concurrent jobs) of the balance-based tier; each lower bound is inclusive."""
    for slug, floor_microcents, rpm, concurrency in BALANCE_TIERS:
        if balance_microcents >= floor_microcents:
            return slug, rpm, concurrency
    _, _, rpm, concurrency = BALANCE_TIERS[-1]
    return "free", rpm, concurrency  # negative balances (manual adjustments) stay on free


def format_balance(balance_microcents: int) -> str:
    """Dollars with two decimals, rounded down: 41_259_999 → "$41.25"."""
    cents = balance_microcents // MICROCENTS_PER_CENT
    sign = "-" if cents < 0 else ""
    dollars, rest = divmod(abs(cents), 100)
    return f"{sign}${dollars}.{rest:02d}"


def balance_warning(balance_microcents: int, warn_low: int, warn_critical: int) -> str | None:
    if balance_microcents <= 0:
        return "exhausted"
    if balance_microcents < warn_critical:
        return "critical"
    if balance_microcents < warn_low:
        return "low"
    return None


def balance_headers(balance_microcents: int, warn_low: int, warn_critical: int) -> dict[str, str]:
    """Balance headers for an authenticated response when billing is enabled."""
    headers = {
        "X-AlterLab-Balance": format_balance(balance_microcents),
        "X-AlterLab-Balance-Microcents": str(balance_microcents),
    }
    warning = balance_warning(balance_microcents, warn_low, warn_critical)
    if warning is not None:
        headers["X-AlterLab-Balance-Warning"] = warning
    return headers


def rate_limit_headers(
    decision: RateDecision, concurrency_limit: int, concurrency_current: int
) -> dict[str, str]:
    """Rate-limit headers carried by every authenticated response."""
    return {
        "X-RateLimit-Limit": str(decision.limit),
        "X-RateLimit-Remaining": str(decision.remaining),
        "X-RateLimit-Reset": str(decision.reset_at),
        "X-Concurrency-Limit": str(concurrency_limit),
        "X-Concurrency-Current": str(concurrency_current),
    }


class FailedAuthLimiter(Protocol):
    async def record_failure(self, ip: str) -> None: ...
    async def blocked(self, ip: str) -> int:
        """Seconds the address must wait, 0 when it is not blocked."""
        ...


class FailedAuthGuard:
    """Blocks a client IP for ``block_s`` after ``limit`` failed authentications in ``window_s``."""

    def __init__(
        self,
        *,
        limit: int = 30,
        window_s: float = 60.0,
        block_s: float = 60.0,
        clock: Clock = time.time,
    ) -> None:
        self._limit = limit
        self._window_s = window_s
        self._block_s = block_s
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._blocked_until: dict[str, float] = {}

    async def record_failure(self, ip: str) -> None:
        now = self._clock()
        if len(self._failures) >= _PRUNE_THRESHOLD:
            self._prune(now)
        failures = self._failures.setdefault(ip, deque())
        self._drop_old(failures, now)
        failures.append(now)
        if len(failures) >= self._limit:
            self._blocked_until[ip] = now + self._block_s
            del self._failures[ip]  # the count starts afresh once the block ends

    async def blocked(self, ip: str) -> int:
        """Whole seconds the IP stays blocked (rounded up), or 0."""
        until = self._blocked_until.get(ip)
        if until is None:
            return 0
        left = until - self._clock()
        if left <= 0:
            del self._blocked_until[ip]
            return 0
        return math.ceil(left)

    def _drop_old(self, failures: deque[float], now: float) -> None:
        while failures and now - failures[0] >= self._window_s:
            failures.popleft()

    def _prune(self, now: float) -> None:
        for ip in list(self._failures):
            self._drop_old(self._failures[ip], now)
            if not self._failures[ip]:
                del self._failures[ip]
        for ip in [ip for ip, until in self._blocked_until.items() if until <= now]:
            del self._blocked_until[ip]
