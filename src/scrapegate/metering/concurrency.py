"""Jobs running at once per organization: the tracker jobs and accounts both count against."""

from __future__ import annotations

from typing import Protocol


class ConcurrencyTracker(Protocol):
    async def acquire(self, org_id: str, job_id: str) -> None:
        """Count the job as running for the organization (idempotent per job)."""
        ...

    async def try_acquire(self, org_id: str, job_id: str, limit: int) -> bool:
        """Atomically acquire when fewer than ``limit`` jobs run (or the job already holds one)."""
        ...

    async def release(self, org_id: str, job_id: str) -> None:
        """Stop counting the job (idempotent: releasing twice or unknown jobs is harmless)."""
        ...

    async def current(self, org_id: str) -> int: ...
