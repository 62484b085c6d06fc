"""The credit ledger: balance movements, idempotency and concurrency."""

from __future__ import annotations

import asyncio

import pytest

from scrapegate.errors import NotFound
from scrapegate.storage.protocols import Storage
from tests.contract.factories import add_org

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def assert_consistent(storage: Storage, org_id: str) -> None:
    balance = await storage.ledger.balance(org_id)
    entries = await storage.ledger.entries(org_id)
    assert balance >= 0
    assert balance == sum(e.amount for e in entries)


async def test_new_organization_has_zero_balance(storage: Storage) -> None:
    org = await add_org(storage)
    assert await storage.ledger.balance(org.id) == 0
    assert await storage.ledger.entries(org.id) == []


async def test_apply_moves_balance_and_records_entry(storage: Storage) -> None:
    org = await add_org(storage)
    deposit = await storage.ledger.apply(org.id, 1_000, "deposit", note="welcome")
    reserve = await storage.ledger.apply(org.id, -300, "reserve", job_id="job-1")

    assert deposit is not None and reserve is not None
    assert (deposit.amount, deposit.balance_after, deposit.kind) == (1_000, 1_000, "deposit")
    assert deposit.note == "welcome"
    assert (reserve.amount, reserve.balance_after, reserve.job_id) == (-300, 700, "job-1")
    assert reserve.created_at.tzinfo is not None
    assert await storage.ledger.balance(org.id) == 700
    assert await storage.ledger.entries(org.id) == [deposit, reserve]


async def test_debit_below_zero_changes_nothing(storage: Storage) -> None:
    org = await add_org(storage)
    await storage.ledger.apply(org.id, 500, "deposit")

    assert await storage.ledger.apply(org.id, -501, "reserve") is None
    assert await storage.ledger.balance(org.id) == 500
    assert len(await storage.ledger.entries(org.id)) == 1
    exact = await storage.ledger.apply(org.id, -500, "reserve")
    assert exact is not None and exact.balance_after == 0


async def test_debit_without_any_deposit_is_refused(storage: Storage) -> None:
    org = await add_org(storage)
    assert await storage.ledger.apply(org.id, -1, "reserve") is None
    assert await storage.ledger.balance(org.id) == 0


async def test_entries_filter_by_job_and_organization(storage: Storage) -> None:
    org = await add_org(storage)
    other = await add_org(storage, "other")
    await storage.ledger.apply(org.id, 1_000, "deposit")
    await storage.ledger.apply(other.id, 1_000, "deposit")
    reserve = await storage.ledger.apply(org.id, -200, "reserve", job_id="job-a")
    await storage.ledger.apply(org.id, -100, "reserve", job_id="job-b")
    release = await storage.ledger.apply(org.id, 50, "release", job_id="job-a")

    assert await storage.ledger.entries(org.id, job_id="job-a") == [reserve, release]
    assert len(await storage.ledger.entries(org.id)) == 4
    assert len(await storage.ledger.entries(other.id)) == 1
    assert await storage.ledger.entries(org.id, job_id="job-z") == []


async def test_idempotency_key_returns_earlier_entry(storage: Storage) -> None:
    org = await add_org(storage)
    first = await storage.ledger.apply(org.id, 1_000, "deposit", idempotency_key="grant-1")
    again = await storage.ledger.apply(org.id, 1_000, "deposit", idempotency_key="grant-1")
    different_amount = await storage.ledger.apply(org.id, 5, "deposit", idempotency_key="grant-1")

    assert first is not None
    assert again == first and different_amount == first
    assert await storage.ledger.balance(org.id) == 1_000
    assert len(await storage.ledger.entries(org.id)) == 1


async def test_idempotency_key_is_scoped_per_organization(storage: Storage) -> None:
    org = await add_org(storage)
    other = await add_org(storage, "other")
    mine = await storage.ledger.apply(org.id, 100, "deposit", idempotency_key="k")
    theirs = await storage.ledger.apply(other.id, 200, "deposit", idempotency_key="k")

    assert mine is not None and theirs is not None and mine.id != theirs.id
    assert await storage.ledger.balance(other.id) == 200


async def test_refused_debit_does_not_consume_idempotency_key(storage: Storage) -> None:
    org = await add_org(storage)
    assert await storage.ledger.apply(org.id, -100, "reserve", idempotency_key="r1") is None
    await storage.ledger.apply(org.id, 100, "deposit")
    retried = await storage.ledger.apply(org.id, -100, "reserve", idempotency_key="r1")
    assert retried is not None and retried.balance_after == 0


async def test_unknown_organization_is_refused(storage: Storage) -> None:
    with pytest.raises(NotFound):
        await storage.ledger.apply("no-such-org", 100, "deposit")


async def test_concurrent_debits_never_overdraw(storage: Storage) -> None:
    org = await add_org(storage)
    await storage.ledger.apply(org.id, 2_000, "deposit")

    results = await asyncio.gather(
        *(storage.ledger.apply(org.id, -100, "reserve", job_id=f"job-{i}") for i in range(50))
    )

    assert sum(1 for r in results if r is not None) == 20
    assert await storage.ledger.balance(org.id) == 0
    await assert_consistent(storage, org.id)
    balances_after = sorted(r.balance_after for r in results if r is not None)
    assert balances_after == list(range(0, 2_000, 100))


async def test_concurrent_mixed_movements_keep_balance_equal_to_entries(storage: Storage) -> None:
    org = await add_org(storage)
    await storage.ledger.apply(org.id, 500, "deposit")
    movements = [300 if i % 3 == 0 else -250 for i in range(30)]

    results = await asyncio.gather(
        *(storage.ledger.apply(org.id, amount, "adjustment") for amount in movements)
    )

    applied = [r for r in results if r is not None]
    assert await storage.ledger.balance(org.id) == 500 + sum(r.amount for r in applied)
    await assert_consistent(storage, org.id)


async def test_concurrent_same_idempotency_key_applies_once(storage: Storage) -> None:
    org = await add_org(storage)

    results = await asyncio.gather(
        *(storage.ledger.apply(org.id, 700, "deposit", idempotency_key="once") for _ in range(10))
    )

    assert all(r is not None for r in results)
    assert len({r.id for r in results if r is not None}) == 1
    assert await storage.ledger.balance(org.id) == 700
    await assert_consistent(storage, org.id)
