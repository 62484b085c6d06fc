"""Per-host politeness shared by every worker process, on Redis (see ``crawl_gate``).

The script reads Redis's own clock, so workers on machines whose clocks differ still agree.
"""

from __future__ import annotations

from typing import Any

from redis.asyncio import Redis

from scrapegate.storage.redis_client import DEFAULT_PREFIX

# KEYS[1] = the host's key; ARGV[1] = interval in microseconds. Returns the wait in microseconds.
RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local ready = tonumber(redis.call('GET', KEYS[1]) or '0')
if ready > now then
  return ready - now
end
local interval = tonumber(ARGV[1])
if interval > 0 then
  redis.call('SET', KEYS[1], tostring(now + interval), 'PX', math.ceil(interval / 1000) + 1000)
end
return 0
"""


class RedisHostPacer:
    def __init__(self, client: Redis, prefix: str = DEFAULT_PREFIX) -> None:
        self._client = client
        self._prefix = f"{prefix}pace:"
        self._script: Any = client.register_script(RESERVE)

    async def reserve(self, host: str, interval_s: float) -> float:
        waited = await self._script(keys=[self._prefix + host], args=[int(interval_s * 1_000_000)])
        return int(waited) / 1_000_000
