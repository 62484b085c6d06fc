"""Bounded shutdown: every stop step gets a share of one time budget, so SIGTERM ends the process.

uvicorn first waits up to ``GRACEFUL_SHUTDOWN_S`` for open requests (then cancels them), then
runs the lifespan shutdown, which has no bound of its own: ``ShutdownBudget`` supplies it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable

log = logging.getLogger(__name__)

GRACEFUL_SHUTDOWN_S = 3  # uvicorn: open requests and WebSockets get this long to finish
STOP_STEPS_BUDGET_S = 4.0  # the lifespan's stop steps together (the request log has its own)
STEP_CAP_S = 2.0  # no single step may use the whole budget
STEP_FLOOR_S = 0.1  # a step after the budget ran out still gets a moment to release resources


class ShutdownBudget:
    def __init__(self, total_s: float = STOP_STEPS_BUDGET_S) -> None:
        self._deadline = time.monotonic() + total_s

    async def step(self, what: str, stop: Awaitable[None], cap_s: float = STEP_CAP_S) -> None:
        """Run ``stop`` within its share of the budget; cancel it and move on when it overruns."""
        remaining = self._deadline - time.monotonic()
        timeout = max(min(cap_s, remaining), STEP_FLOOR_S)
        task = asyncio.ensure_future(stop)
        done, _ = await asyncio.wait({task}, timeout=timeout)
        if not done:
            log.warning("shutdown: %s did not stop within %.1f s; moving on", what, timeout)
            task.cancel()
            # Its cancellation handlers release what it holds (connections) before the next step.
            await asyncio.wait({task}, timeout=STEP_FLOOR_S)
            return
        if (exc := task.exception()) is not None:
            log.warning("shutdown: %s failed: %r", what, exc)
