"""The in-process LRU in front of storage."""

from __future__ import annotations

import time

from scrapegate.jobs.hot import HotCache


def test_keeps_at_most_capacity_dropping_least_recent() -> None:
    cache: HotCache[int] = HotCache(capacity=2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "a" is now the most recent
    cache.put("c", 3)
    assert cache.get("b") is None
    assert (cache.get("a"), cache.get("c")) == (1, 3)


def test_entries_lapse_at_their_ttl() -> None:
    cache: HotCache[str] = HotCache(hold_s=30)
    cache.put("short", "x", ttl_s=0.05)
    cache.put("gone", "y", ttl_s=0)
    assert cache.get("gone") is None
    assert cache.get("short") == "x"
    time.sleep(0.06)
    assert cache.get("short") is None


def test_drop_removes() -> None:
    cache: HotCache[str] = HotCache()
    cache.put("k", "v")
    cache.drop("k")
    assert cache.get("k") is None
