"""The response cache: ttl, replacement, purge."""

from __future__ import annotations

import pytest

from scrapegate.domain.records import CacheEntry
from scrapegate.storage.protocols import Storage
from tests.contract.factories import at

pytestmark = pytest.mark.asyncio(loop_scope="session")


def entry(key: str, expires_s: float, **response: object) -> CacheEntry:
    body = response or {"markdown": "# cached", "metadata": {"status_code": 200}}
    return CacheEntry(
        key=key, org_id="org-1", response=dict(body), created_at=at(0), expires_at=at(expires_s)
    )


async def test_live_entry_is_returned_until_it_expires(storage: Storage) -> None:
    cached = entry("k1", expires_s=60)
    await storage.cache.put(cached)

    assert await storage.cache.get("k1", at(59)) == cached
    assert await storage.cache.get("k1", at(60)) is None
    assert await storage.cache.get("k1", at(61)) is None
    assert await storage.cache.get("other", at(0)) is None


async def test_put_replaces_the_entry(storage: Storage) -> None:
    await storage.cache.put(entry("k1", expires_s=10, version=1))
    newer = entry("k1", expires_s=100, version=2)
    await storage.cache.put(newer)

    assert await storage.cache.get("k1", at(50)) == newer


async def test_purge_removes_only_expired_entries(storage: Storage) -> None:
    await storage.cache.put(entry("old-1", expires_s=10))
    await storage.cache.put(entry("old-2", expires_s=20))
    await storage.cache.put(entry("live", expires_s=100))

    assert await storage.cache.purge(at(20)) == 2
    assert await storage.cache.purge(at(20)) == 0
    assert await storage.cache.get("live", at(50)) is not None
    # A purged entry stays gone even when asked about with an earlier clock.
    assert await storage.cache.get("old-1", at(0)) is None
