"""A small in-process LRU with expiry, in front of storage on the hottest read paths.

Only immutable things go in (cache entries until they expire, jobs once terminal), so a copy
held here can be stale only in one way: another process replaced it; the hold time bounds that.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Generic, TypeVar

V = TypeVar("V")


class HotCache(Generic[V]):
    def __init__(self, capacity: int = 2048, hold_s: float = 30.0) -> None:
        self._capacity = capacity
        self._hold_s = hold_s
        self._items: OrderedDict[str, tuple[float, V]] = OrderedDict()

    def get(self, key: str) -> V | None:
        item = self._items.get(key)
        if item is None:
            return None
        if item[0] <= time.monotonic():
            del self._items[key]
            return None
        self._items.move_to_end(key)
        return item[1]

    def put(self, key: str, value: V, ttl_s: float | None = None) -> None:
        hold = self._hold_s if ttl_s is None else min(ttl_s, self._hold_s)
        if hold <= 0:
            return
        self._items[key] = (time.monotonic() + hold, value)
        self._items.move_to_end(key)
        while len(self._items) > self._capacity:
            self._items.popitem(last=False)

    def drop(self, key: str) -> None:
        self._items.pop(key, None)
