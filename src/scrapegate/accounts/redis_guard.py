"""Failed-authentication blocking on Redis, so a client IP blocked by one API process is blocked
by all of them (issue 3). Same rules as ``FailedAuthGuard``: ``limit`` failures within
``window_s`` block the IP for ``block_s``, and the count starts afresh once the block is set.
"""

from __future__ import annotations

import math
import uuid
from typing import Any

from redis.asyncio import Redis

from scrapegate.accounts.ratelimit import Clock
from scrapegate.accounts.redis_limits import NOW_LUA, now_arg
from scrapegate.storage.redis_client import DEFAULT_PREFIX

# KEYS[1]: failure times (sorted set), KEYS[2]: blocked-until. ARGV: now, window_s, limit,
# block_s, a unique member suffix, failures ttl ms, block ttl ms. Returns 1 when now blocked.
_RECORD_SCRIPT = (
    NOW_LUA
    + """
local window = tonumber(ARGV[2])
local recent = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
for i = 1, #recent, 2 do
  if now - tonumber(recent[i + 1]) >= window then
    redis.call('ZREM', KEYS[1], recent[i])
  end
end
local stamp = string.format('%.17g', now)
redis.call('ZADD', KEYS[1], stamp, stamp .. ':' .. ARGV[5])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  local until_ = now + tonumber(ARGV[4])
  redis.call('SET', KEYS[2], string.format('%.17g', until_), 'PX', ARGV[7])
  redis.call('DEL', KEYS[1])
  return 1
end
redis.call('PEXPIRE', KEYS[1], ARGV[6])
return 0
"""
)

# KEYS[1]: blocked-until. ARGV: now. Returns the seconds left as a '%.17g' string, '0' if none.
_BLOCKED_SCRIPT = (
    NOW_LUA
    + """
local until_ = redis.call('GET', KEYS[1])
if not until_ then
  return '0'
end
local left = tonumber(until_) - now
if left <= 0 then
  redis.call('DEL', KEYS[1])
  return '0'
end
return string.format('%.17g', left)
"""
)

_TTL_SLACK_MS = 1_000  # keys outlive their meaning by a second, for clocks that differ slightly


class RedisFailedAuthGuard:
    def __init__(
        self,
        client: Redis,
        prefix: str = DEFAULT_PREFIX,
        *,
        limit: int = 30,
        window_s: float = 60.0,
        block_s: float = 60.0,
        clock: Clock | None = None,
    ) -> None:
        self._failures_prefix = f"{prefix}authfail:"
        self._blocked_prefix = f"{prefix}authblock:"
        self._limit = limit
        self._window_s = window_s
        self._block_s = block_s
        self._clock = clock
        self._record = client.register_script(_RECORD_SCRIPT)
        self._blocked = client.register_script(_BLOCKED_SCRIPT)

    async def record_failure(self, ip: str) -> None:
        args: list[Any] = [
            now_arg(self._clock),
            repr(float(self._window_s)),
            self._limit,
            repr(float(self._block_s)),
            uuid.uuid4().hex,
            math.ceil(self._window_s * 1000) + _TTL_SLACK_MS,
            math.ceil(self._block_s * 1000) + _TTL_SLACK_MS,
        ]
        keys = [self._failures_prefix + ip, self._blocked_prefix + ip]
        await self._record(keys=keys, args=args)

    async def blocked(self, ip: str) -> int:
        """Whole seconds the IP stays blocked (rounded up), or 0."""
        left = await self._blocked(keys=[self._blocked_prefix + ip], args=[now_arg(self._clock)])
        return math.ceil(float(left))
