"""The in-memory playbook copy answers exactly what the repository under it answers."""

from __future__ import annotations

import pytest

from scrapegate.domain.records import DomainAttempt
from scrapegate.storage.playbook_cache import RecentAttemptsCache
from scrapegate.storage.protocols import Storage
from tests.contract.factories import at, make_attempt

pytestmark = pytest.mark.asyncio(loop_scope="session")

DOMAINS = ("example.com", "other.org")


async def both_agree(cache: RecentAttemptsCache, storage: Storage, limit: int = 50) -> None:
    for domain in DOMAINS:
        for org_id in ("org-1", "org-2", None):
            expected = await storage.playbook.recent(domain, org_id=org_id, limit=limit)
            assert await cache.recent(domain, org_id=org_id, limit=limit) == expected


async def test_records_keep_the_copy_exact(storage: Storage) -> None:
    cache = RecentAttemptsCache(storage.playbook, depth=4)
    await both_agree(cache, storage)  # loads empty copies, then every record updates them
    attempts: list[DomainAttempt] = [
        make_attempt("org-1", at(5), tier="1"),
        make_attempt("org-2", at(3), tier="2", success=False),
        make_attempt("org-1", at(9), domain="other.org"),
        make_attempt("org-1", at(1), tier="3"),  # older than what is kept: sorts last
        make_attempt("org-1", at(5), tier="4"),  # same time as the first: newer record first
        make_attempt("org-2", at(7), tier="1"),
        make_attempt("org-1", at(8), tier="2"),
    ]
    for attempt in attempts:
        await cache.record(attempt)
        await both_agree(cache, storage)
        await both_agree(cache, storage, limit=2)


async def test_a_deeper_read_goes_to_the_repository(storage: Storage) -> None:
    cache = RecentAttemptsCache(storage.playbook, depth=2)
    for second in range(5):
        await cache.record(make_attempt("org-1", at(second)))
    deeper = await cache.recent("example.com", org_id="org-1", limit=5)
    assert [a.created_at for a in deeper] == [at(s) for s in (4, 3, 2, 1, 0)]


@pytest.mark.parametrize("max_domains", [1, 2])
async def test_the_copy_is_bounded(storage: Storage, max_domains: int) -> None:
    cache = RecentAttemptsCache(storage.playbook, max_domains=max_domains)
    await both_agree(cache, storage)
    assert len(cache._recent) <= max_domains
