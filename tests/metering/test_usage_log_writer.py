"""The request-log writer on a real SQLite file: one writer, no row lost, spool and replay."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from pathlib import Path

import pytest

from scrapegate.domain.records import UsageRow, UsageSummary
from scrapegate.metering.usage_log import UsageLog, UsageLogLimits
from scrapegate.metering.usage_spool import UsageSpool
from scrapegate.storage.protocols import Storage, UsageRepository
from scrapegate.storage.sql import open_sql_storage, upgrade_database

ORG = "org-usage-writer"
# Small bounds so a few hundred rows exercise batching, the spool and retries.
LIMITS = UsageLogLimits(
    max_queued_rows=100, batch_rows=40, linger_s=0.001, retry_max_s=0.01, flush_timeout_s=60
)


def row(index: int) -> UsageRow:
    return UsageRow(
        id=f"row-{index:06d}",
        org_id=ORG,
        key_id=None,
        route="/api/v1/scrape",
        method="POST",
        status_code=200,
        latency_ms=index,
        tiers_attempted=["http"],
        completed_at=datetime(2024, 5, 1, 12, 0, index % 60).astimezone(),
    )


class Wrapped:
    """A real repository underneath; subclasses observe or disturb ``append_many``."""

    def __init__(self, inner: UsageRepository) -> None:
        self.inner = inner

    async def append(self, row: UsageRow) -> None:
        await self.inner.append(row)

    async def append_once(self, row: UsageRow) -> None:
        await self.inner.append_once(row)

    async def append_many(self, rows: Sequence[UsageRow]) -> None:
        await self.inner.append_many(rows)

    async def summary(self, org_id: str, since: datetime, until: datetime) -> UsageSummary:
        return await self.inner.summary(org_id, since, until)

    async def list_for_org(self, org_id: str, *, limit: int = 100) -> list[UsageRow]:
        return await self.inner.list_for_org(org_id, limit=limit)


class OverlapCounter(Wrapped):
    def __init__(self, inner: UsageRepository) -> None:
        super().__init__(inner)
        self.active = self.most_active = self.calls = self.largest = 0

    async def append_many(self, rows: Sequence[UsageRow]) -> None:
        self.active += 1
        self.most_active = max(self.most_active, self.active)
        self.calls += 1
        self.largest = max(self.largest, len(rows))
        try:
            await asyncio.sleep(0)  # give a second writer every chance to start meanwhile
            await self.inner.append_many(rows)
        finally:
            self.active -= 1


class FailingFirst(Wrapped):
    """Raises for the first ``failures`` calls; notes whether the spool held files meanwhile."""

    def __init__(self, inner: UsageRepository, failures: int, spool: Path) -> None:
        super().__init__(inner)
        self.failures = failures
        self.spool = spool
        self.spool_files_seen = 0

    async def append_many(self, rows: Sequence[UsageRow]) -> None:
        self.spool_files_seen = max(self.spool_files_seen, len(list(self.spool.glob("*.jsonl"))))
        if self.failures > 0:
            self.failures -= 1
            raise ConnectionRefusedError(111, "Connection refused")
        await self.inner.append_many(rows)


class Stuck(Wrapped):
    """Every write waits for ``release``, then writes; ``written`` is set after that."""

    def __init__(self, inner: UsageRepository) -> None:
        super().__init__(inner)
        self.entered = asyncio.Event()
        self.release = asyncio.Event()
        self.written = asyncio.Event()

    async def append_many(self, rows: Sequence[UsageRow]) -> None:
        self.entered.set()
        await self.release.wait()
        await self.inner.append_many(rows)
        self.written.set()


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    url = f"sqlite:///{tmp_path / 'scrapegate.db'}"
    await upgrade_database(url)
    store = await open_sql_storage(url)
    yield store
    await store.close()


async def stored_ids(storage: Storage) -> list[str]:
    return sorted(r.id for r in await storage.usage.list_for_org(ORG, limit=1_000_000))


def spool_files(spool: Path) -> list[Path]:
    return sorted(spool.glob("*.jsonl"))


async def test_concurrent_appends_and_flushes_store_every_row_once_through_one_writer(
    storage: Storage, tmp_path: Path
) -> None:
    repository = OverlapCounter(storage.usage)
    writer = UsageLog(repository, tmp_path / "spool", UsageLogLimits(batch_rows=50))
    await writer.start()
    producers, per_producer = 16, 60
    appended: list[str] = []
    misses: list[set[str]] = []

    async def produce(first: int) -> None:
        for index in range(first, first + per_producer):
            appended.append(row(index).id)
            writer.append(row(index))
            await asyncio.sleep(0)

    async def flush_and_read() -> None:
        for _ in range(5):
            wanted = set(appended)
            assert await writer.flush()
            misses.append(wanted - set(await stored_ids(storage)))

    await asyncio.gather(
        *(produce(p * per_producer) for p in range(producers)),
        *(flush_and_read() for _ in range(8)),
    )
    assert await writer.flush()
    await writer.aclose()

    assert await stored_ids(storage) == sorted(row(i).id for i in range(producers * per_producer))
    assert repository.most_active == 1
    assert repository.largest <= 50
    assert all(not missing for missing in misses)  # read-your-writes after every flush
    assert spool_files(tmp_path / "spool") == []


async def test_a_failing_database_loses_no_row_the_spool_holds_them_until_recovery(
    storage: Storage, tmp_path: Path
) -> None:
    spool = tmp_path / "spool"
    repository = FailingFirst(storage.usage, failures=5, spool=spool)
    writer = UsageLog(repository, spool, LIMITS)
    await writer.start()
    total = 7 * LIMITS.max_queued_rows  # well past the memory bound
    for index in range(total):
        writer.append(row(index))
        if index % 25 == 0:
            await asyncio.sleep(0)  # let the writer fail meanwhile

    assert await writer.flush()
    await writer.aclose()

    assert repository.failures == 0
    assert repository.spool_files_seen > 0
    assert await stored_ids(storage) == sorted(row(i).id for i in range(total))
    assert spool_files(spool) == []


async def test_rows_not_written_by_shutdown_are_spooled_and_replayed_by_the_next_start(
    storage: Storage, tmp_path: Path
) -> None:
    spool = tmp_path / "spool"
    stuck = Stuck(storage.usage)
    first = UsageLog(stuck, spool, LIMITS)
    await first.start()
    for index in range(250):
        first.append(row(index))
    await stuck.entered.wait()  # a batch is in flight and cannot finish
    await first.aclose(timeout_s=0.01)
    assert spool_files(spool), "shutdown spooled what it could not write"
    first.append(row(250))  # a request that ended after the shutdown: straight to disk
    stuck.release.set()
    await stuck.written.wait()  # the in-flight batch commits too: the replay skips those ids

    second = UsageLog(storage.usage, spool, LIMITS)
    await second.start()
    assert await second.flush()
    await second.aclose()

    assert await stored_ids(storage) == sorted(row(i).id for i in range(251))
    assert spool_files(spool) == []
    assert list(spool.glob("*.lock")) == []


async def test_spool_files_of_a_running_process_are_left_to_it(
    storage: Storage, tmp_path: Path
) -> None:
    spool = tmp_path / "spool"
    running = UsageSpool(spool)  # another process's spool, its lock held
    running.write(running.new_path(), [row(index) for index in range(30)])

    other = UsageLog(storage.usage, spool, LIMITS)
    await other.start()
    assert await other.flush()
    await other.aclose()
    assert await stored_ids(storage) == []
    assert len(spool_files(spool)) == 1

    running.close()  # that process ended: the next start adopts its file
    third = UsageLog(storage.usage, spool, LIMITS)
    await third.start()
    assert await third.flush()
    await third.aclose()
    assert await stored_ids(storage) == sorted(row(i).id for i in range(30))
    assert spool_files(spool) == []
