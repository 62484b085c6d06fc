"""How the engine asks whether it may spend more on a request (billing lives above the engine)."""

from __future__ import annotations

from typing import Protocol


class ChargeGuard(Protocol):
    async def cover(self, total: int) -> bool:
        """Make sure ``total`` microcents are held for this request; False when they cannot be."""
        ...


class UnlimitedGuard:
    """Billing disabled: prices are computed and reported, nothing is held."""

    async def cover(self, total: int) -> bool:
        return True
