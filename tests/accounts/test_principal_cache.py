"""Authenticated keys are remembered: one load per key at a time, refreshed without waiting."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from scrapegate.accounts.keys import KeyService
from scrapegate.domain.records import utcnow
from scrapegate.errors import Unauthorized
from scrapegate.storage.memory import create_memory_storage


class CountingKeys:
    """The real memory repository, with its key loads counted."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.loads = 0

    async def get_by_hash(self, key_hash: str) -> Any:
        self.loads += 1
        await asyncio.sleep(0)  # a real read yields to the loop
        return await self._inner.get_by_hash(key_hash)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


async def service(ttl_s: float) -> tuple[KeyService, CountingKeys, str, str]:
    storage = create_memory_storage()
    keys = KeyService(storage, 0, principal_ttl_s=ttl_s)
    minted = await keys.create_key(org_name="acme", name="k")
    counting = CountingKeys(storage.api_keys)
    storage.api_keys = counting  # type: ignore[misc]
    return keys, counting, minted.raw, minted.key.id


async def test_concurrent_requests_share_one_load() -> None:
    keys, counting, raw, _ = await service(ttl_s=60)
    found = await asyncio.gather(*(keys.authenticate(raw) for _ in range(50)))
    assert {p.key.id for p in found} == {found[0].key.id}
    assert counting.loads == 1


async def test_a_lapsed_key_is_served_while_it_is_read_again_and_revocation_follows() -> None:
    keys, counting, raw, key_id = await service(ttl_s=0)
    await keys.authenticate(raw)
    await counting._inner.revoke(key_id, utcnow())  # revoked by another process
    assert (await keys.authenticate(raw)).key.id == key_id  # stale, while the refresh runs
    for _ in range(10):  # the background refresh finishes within a few loop turns
        await asyncio.sleep(0)
    with pytest.raises(Unauthorized):
        await keys.authenticate(raw)
