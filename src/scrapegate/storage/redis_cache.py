"""The response cache on Redis, shared by every API and worker process (issue 3).

Each entry is one JSON string that Redis drops by itself once its lifetime (``expires_at`` minus
``created_at``) has passed. Reads still compare ``expires_at`` with the caller's ``now``, like the
memory and SQL repositories, and a sorted set of expiry times lets ``purge`` remove entries that
are expired by the caller's clock and count them.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

import orjson
from redis.asyncio import Redis

from scrapegate.domain.records import CacheEntry
from scrapegate.storage.redis_client import DEFAULT_PREFIX

PURGE_BATCH = 500
MIN_TTL_MS = 1_000  # an entry already expired when written still gets a moment, then goes

# Deletes up to ARGV[3] entries whose expiry score is <= ARGV[1]; returns {deleted, examined}.
# KEYS[1]: the expiry index; ARGV[2]: the entry key prefix.
_PURGE_SCRIPT = """
local members = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
local deleted = 0
for _, member in ipairs(members) do
  deleted = deleted + redis.call('DEL', ARGV[2] .. member)
  redis.call('ZREM', KEYS[1], member)
end
return {deleted, #members}
"""


class RedisCacheRepository:
    def __init__(self, client: Redis, prefix: str = DEFAULT_PREFIX) -> None:
        self._client = client
        self._entry_prefix = f"{prefix}cache:entry:"
        self._index_key = f"{prefix}cache:expiry"
        self._purge = client.register_script(_PURGE_SCRIPT)

    async def get(self, key: str, now: datetime) -> CacheEntry | None:
        raw = await self._client.get(self._entry_prefix + key)
        if raw is None:
            return None
        entry = _decode_entry(raw)
        if entry.expires_at <= now:
            return None
        return entry

    async def put(self, entry: CacheEntry) -> None:
        lifetime_s = (entry.expires_at - entry.created_at).total_seconds()
        ttl_ms = max(MIN_TTL_MS, math.ceil(lifetime_s * 1000))
        async with self._client.pipeline(transaction=True) as pipe:
            pipe.set(self._entry_prefix + entry.key, _encode_entry(entry), px=ttl_ms)
            pipe.zadd(self._index_key, {entry.key: entry.expires_at.timestamp()})
            await pipe.execute()

    async def purge(self, now: datetime) -> int:
        cutoff = repr(now.timestamp())
        deleted_total = 0
        while True:
            result = await self._purge(
                keys=[self._index_key], args=[cutoff, self._entry_prefix, PURGE_BATCH]
            )
            deleted, examined = (int(value) for value in result)
            deleted_total += deleted
            # Batches keep each script short: Redis serves nobody else while one runs.
            if examined < PURGE_BATCH:
                return deleted_total


def _encode_entry(entry: CacheEntry) -> bytes:
    return orjson.dumps(
        {
            "key": entry.key,
            "org_id": entry.org_id,
            "response": entry.response,
            "created_at": entry.created_at.isoformat(),
            "expires_at": entry.expires_at.isoformat(),
        }
    )


def _decode_entry(raw: bytes) -> CacheEntry:
    data: dict[str, Any] = orjson.loads(raw)
    return CacheEntry(
        key=data["key"],
        org_id=data["org_id"],
        response=data["response"],
        created_at=datetime.fromisoformat(data["created_at"]),
        expires_at=datetime.fromisoformat(data["expires_at"]),
    )
