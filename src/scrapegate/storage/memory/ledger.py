"""The credit ledger in memory."""

from __future__ import annotations

from scrapegate.domain.records import LedgerEntry, LedgerKind, new_id, utcnow
from scrapegate.storage.memory.state import MemoryState, detached


class MemoryLedgerRepository:
    def __init__(self, state: MemoryState) -> None:
        self._state = state

    async def balance(self, org_id: str) -> int:
        return self._state.balances.get(org_id, 0)

    async def apply(
        self,
        org_id: str,
        amount: int,
        kind: LedgerKind,
        *,
        job_id: str | None = None,
        idempotency_key: str | None = None,
        note: str | None = None,
    ) -> LedgerEntry | None:
        state = self._state
        async with state.ledger_lock:
            if idempotency_key is not None:
                existing = state.ledger_keys.get((org_id, idempotency_key))
                if existing is not None:
                    return detached(existing)
            state.require_organization(org_id)
            balance_after = state.balances.get(org_id, 0) + amount
            if balance_after < 0:
                return None
            entry = LedgerEntry(
                id=new_id(),
                org_id=org_id,
                amount=amount,
                kind=kind,
                balance_after=balance_after,
                job_id=job_id,
                idempotency_key=idempotency_key,
                note=note,
                created_at=utcnow(),
            )
            state.balances[org_id] = balance_after
            state.ledger_entries.append(entry)
            if idempotency_key is not None:
                state.ledger_keys[(org_id, idempotency_key)] = entry
            return detached(entry)

    async def entries(self, org_id: str, *, job_id: str | None = None) -> list[LedgerEntry]:
        found = [
            e
            for e in self._state.ledger_entries
            if e.org_id == org_id and (job_id is None or e.job_id == job_id)
        ]
        found.sort(key=lambda e: (e.created_at, e.id))
        return detached(found)
