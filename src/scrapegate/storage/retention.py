"""Retention purges: the step housekeeping runs for every store that keeps data for a while."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

Purge = Callable[[datetime], Awaitable[int]]  # deletes what expired by ``now``; returns the count


def keep_for(purge: Purge, keep: timedelta) -> Purge:
    """A retention purge: ``purge(older_than)`` run with ``now - keep``."""

    async def run(now: datetime) -> int:
        return await purge(now - keep)

    return run
