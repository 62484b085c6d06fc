"""Credit reservations and settlement on the ledger."""

from __future__ import annotations

from scrapegate.errors import InsufficientBalance
from scrapegate.storage.protocols import LedgerRepository


class Reservation:
    """Microcents held for one job. Ledger idempotency keys make re-runs of a job hold and
    release exactly once, whatever happens to the worker in between."""

    def __init__(
        self, ledger: LedgerRepository, org_id: str, job_id: str, *, enabled: bool, held: int = 0
    ) -> None:
        self._ledger = ledger
        self._org_id = org_id
        self._job_id = job_id
        self._enabled = enabled
        self.held = held

    async def cover(self, total: int) -> bool:
        if not self._enabled or total <= self.held:
            return True
        entry = await self._ledger.apply(
            self._org_id,
            -(total - self.held),
            "reserve",
            job_id=self._job_id,
            idempotency_key=f"{self._job_id}:hold:{total}",
        )
        if entry is None:
            return False
        self.held = total
        return True

    async def settle(self, charged: int) -> int:
        """Keep ``charged`` and release the rest; returns what was released."""
        if not self._enabled:
            return 0
        release = max(self.held - charged, 0)
        if release:
            await self._ledger.apply(
                self._org_id,
                release,
                "release",
                job_id=self._job_id,
                idempotency_key=f"{self._job_id}:settle",
            )
        self.held = min(self.held, charged)
        return release


async def admit(reservation: Reservation, minimum: int, balance: int) -> None:
    """402 before any fetch when the balance cannot cover the request's starting cost."""
    if not await reservation.cover(minimum):
        raise InsufficientBalance(
            "Insufficient balance for this request",
            {"required_microcents": minimum, "balance_microcents": balance},
        )
