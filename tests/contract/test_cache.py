"""The response cache: ttl, replacement, purge; on every storage backend and on Redis."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from scrapegate.domain.records import CacheEntry
from scrapegate.storage.protocols import CacheRepository
from scrapegate.storage.redis_cache import RedisCacheRepository
from tests.contract.conftest import BACKENDS, open_backend
from tests.contract.factories import at
from tests.redis_fixtures import redis_space

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest.fixture(params=[*BACKENDS, pytest.param("redis", id="redis")])
async def cache(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[CacheRepository]:
    if request.param == "redis":
        async with redis_space() as space:
            yield RedisCacheRepository(space.client, space.prefix)
        return
    store = await open_backend(request.param, tmp_path)
    try:
        yield store.cache
    finally:
        await store.close()


def entry(key: str, expires_s: float, **response: object) -> CacheEntry:
    body = response or {"markdown": "# cached", "metadata": {"status_code": 200}}
    return CacheEntry(
        key=key, org_id="org-1", response=dict(body), created_at=at(0), expires_at=at(expires_s)
    )


async def test_live_entry_is_returned_until_it_expires(cache: CacheRepository) -> None:
    cached = entry("k1", expires_s=60)
    await cache.put(cached)

    assert await cache.get("k1", at(59)) == cached
    assert await cache.get("k1", at(60)) is None
    assert await cache.get("k1", at(61)) is None
    assert await cache.get("other", at(0)) is None


async def test_put_replaces_the_entry(cache: CacheRepository) -> None:
    await cache.put(entry("k1", expires_s=10, version=1))
    newer = entry("k1", expires_s=100, version=2)
    await cache.put(newer)

    assert await cache.get("k1", at(50)) == newer


async def test_purge_removes_only_expired_entries(cache: CacheRepository) -> None:
    await cache.put(entry("old-1", expires_s=10))
    await cache.put(entry("old-2", expires_s=20))
    await cache.put(entry("live", expires_s=100))

    assert await cache.purge(at(20)) == 2
    assert await cache.purge(at(20)) == 0
    assert await cache.get("live", at(50)) is not None
    # A purged entry stays gone even when asked about with an earlier clock.
    assert await cache.get("old-1", at(0)) is None


async def test_redis_drops_an_entry_once_its_lifetime_has_passed() -> None:
    async with redis_space() as space:
        cache = RedisCacheRepository(space.client, space.prefix)
        await cache.put(entry("short", expires_s=2))
        await cache.put(entry("long", expires_s=3_600))

        ttls = {
            key: await space.client.pttl(f"{space.prefix}cache:entry:{key}")
            for key in ("short", "long")
        }
        # Lifetimes are expires_at - created_at, whatever the wall clock says about at(0).
        assert 0 < ttls["short"] <= 2_000
        assert 2_000 < ttls["long"] <= 3_600_000
        assert await cache.purge(at(2)) == 1
        assert await space.client.exists(f"{space.prefix}cache:entry:short") == 0
        assert await space.client.zcard(f"{space.prefix}cache:expiry") == 1
