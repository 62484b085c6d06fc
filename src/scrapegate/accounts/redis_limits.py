"""Rate limits and concurrency slots on Redis, shared by every API and worker process (issue 3).

Both do their read-modify-write in one Lua script, so two processes updating the same bucket or
slot set can never interleave. By default the time is Redis's own clock (``TIME``), so processes
on hosts whose clocks drift still agree; a ``clock`` may be passed instead (tests use a fake one).
"""

from __future__ import annotations

import math
from typing import Any

from redis.asyncio import Redis

from scrapegate.accounts.ratelimit import READ_COST, Clock, RateDecision, bucket_decision
from scrapegate.storage.redis_client import DEFAULT_PREFIX

DEFAULT_SLOT_TTL_S = 900.0

# Shared by both scripts: ``now`` is ARGV[1] when given, else the server's clock, in seconds.
NOW_LUA = """
local now = tonumber(ARGV[1])
if now == nil then
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
"""

# The token bucket of InMemoryRateLimiter, step for step, on a hash {tokens, updated_at}.
# KEYS[1]: bucket; ARGV: now, rpm, cost, window_s, take ('1' hit / '0' peek), idle ttl in ms.
# Numbers cross the Lua boundary as '%.17g' strings: Redis would truncate a Lua float to an integer.
_BUCKET_SCRIPT = (
    NOW_LUA
    + """
local rpm = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local window = tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'updated_at')
local tokens = rpm
if state[1] then
  local elapsed = math.max(0, now - tonumber(state[2]))
  tokens = math.min(rpm, tonumber(state[1]) + elapsed * rpm / window)
end
local allowed = 0
if ARGV[5] == '1' then
  local needed = math.min(cost, rpm)
  if tokens >= needed then
    tokens = tokens - needed
    allowed = 1
  end
  redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens),
             'updated_at', string.format('%.17g', now))
  redis.call('PEXPIRE', KEYS[1], ARGV[6])
end
return {allowed, string.format('%.17g', tokens), string.format('%.17g', now)}
"""
)

# Slots are members of a sorted set scored by their expiry; expired ones are dropped first.
# KEYS[1]: slot set; ARGV: now, ttl_s, job id ('' just counts), limit (-1 = no limit).
# Returns {granted (0/1), slots held after the call}.
_SLOTS_SCRIPT = (
    NOW_LUA
    + """
local ttl = tonumber(ARGV[2])
local job = ARGV[3]
local limit = tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.17g', now))
if job == '' then
  return {0, redis.call('ZCARD', KEYS[1])}
end
local held = redis.call('ZSCORE', KEYS[1], job)
if not held and limit >= 0 and redis.call('ZCARD', KEYS[1]) >= limit then
  return {0, redis.call('ZCARD', KEYS[1])}
end
redis.call('ZADD', KEYS[1], string.format('%.17g', now + ttl), job)
redis.call('PEXPIRE', KEYS[1], math.ceil(ttl * 1000))
return {1, redis.call('ZCARD', KEYS[1])}
"""
)


def now_arg(clock: Clock | None) -> str:
    # An empty string tells the script to read the server clock.
    return "" if clock is None else repr(float(clock()))


class RedisRateLimiter:
    """The ``InMemoryRateLimiter`` token bucket, one per credential, kept in Redis.

    Buckets of limiters with different windows never share a key; an idle bucket expires once it
    would have refilled completely, which is exactly when forgetting it changes nothing.
    """

    def __init__(
        self,
        client: Redis,
        prefix: str = DEFAULT_PREFIX,
        *,
        clock: Clock | None = None,
        window_s: float = 60.0,
    ) -> None:
        self._clock = clock
        self._window_s = window_s
        self._key_prefix = f"{prefix}ratelimit:{window_s:g}s:"
        # One extra second covers clock differences between the processes sharing a bucket.
        self._idle_ttl_ms = math.ceil(window_s * 1000) + 1000
        self._script = client.register_script(_BUCKET_SCRIPT)

    async def hit(self, credential: str, rpm: int, cost: int) -> RateDecision:
        allowed, tokens, now = await self._run(credential, rpm, cost, take=True)
        return self._decision(tokens, rpm, now, allowed)

    async def peek(self, credential: str, rpm: int) -> RateDecision:
        _, tokens, now = await self._run(credential, rpm, 0, take=False)
        return self._decision(tokens, rpm, now, tokens >= READ_COST)

    async def _run(
        self, credential: str, rpm: int, cost: int, *, take: bool
    ) -> tuple[bool, float, float]:
        args: list[Any] = [
            now_arg(self._clock),
            rpm,
            cost,
            repr(float(self._window_s)),
            "1" if take else "0",
            self._idle_ttl_ms,
        ]
        allowed, tokens, now = await self._script(keys=[self._key_prefix + credential], args=args)
        return bool(int(allowed)), float(tokens), float(now)

    def _decision(self, tokens: float, rpm: int, now: float, allowed: bool) -> RateDecision:
        return bucket_decision(tokens, rpm, now, allowed, self._window_s)


class RedisConcurrencyTracker:
    """Running jobs per organization (or crawl), as a sorted set of job ids scored by expiry.

    A slot lapses ``slot_ttl_s`` after its last ``acquire``/``try_acquire`` of the same job, so a
    process that dies without releasing cannot hold slots forever; a holder that runs longer than
    the ttl keeps its slot by acquiring again (idempotent, it only moves the expiry).
    """

    def __init__(
        self,
        client: Redis,
        prefix: str = DEFAULT_PREFIX,
        *,
        slot_ttl_s: float = DEFAULT_SLOT_TTL_S,
        clock: Clock | None = None,
    ) -> None:
        self._client = client
        self._key_prefix = f"{prefix}slots:"
        self._slot_ttl_s = slot_ttl_s
        self._clock = clock
        self._script = client.register_script(_SLOTS_SCRIPT)

    async def acquire(self, org_id: str, job_id: str) -> None:
        await self._run(org_id, job_id, limit=-1)

    async def try_acquire(self, org_id: str, job_id: str, limit: int) -> bool:
        granted, _ = await self._run(org_id, job_id, limit=limit)
        return granted

    async def release(self, org_id: str, job_id: str) -> None:
        await self._client.zrem(self._key_prefix + org_id, job_id)

    async def current(self, org_id: str) -> int:
        _, held = await self._run(org_id, "", limit=-1)
        return held

    async def _run(self, org_id: str, job_id: str, *, limit: int) -> tuple[bool, int]:
        args: list[Any] = [now_arg(self._clock), repr(float(self._slot_ttl_s)), job_id, limit]
        granted, held = await self._script(keys=[self._key_prefix + org_id], args=args)
        return bool(int(granted)), int(held)
