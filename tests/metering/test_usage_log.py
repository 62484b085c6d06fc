"""The request-log writer keeps rows through a database outage and writes each once, in order."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from scrapegate.domain.records import UsageRow
from scrapegate.metering.usage_log import UsageLog, UsageLogLimits
from scrapegate.storage.memory import create_memory_storage
from tests.metering.test_usage_log_writer import Wrapped

# A flush gives up quickly while the database is down (the outcome, not the timing, is tested).
LIMITS = UsageLogLimits(linger_s=0.001, retry_max_s=0.01, flush_timeout_s=0.05)


class FlakyRepository(Wrapped):
    """Fails while ``down`` is set, like a database that cannot be reached."""

    def __init__(self) -> None:
        super().__init__(create_memory_storage().usage)
        self.down = True
        self.rows: list[UsageRow] = []

    async def append_many(self, rows: Sequence[UsageRow]) -> None:
        if self.down:
            raise ConnectionRefusedError(111, "Connection refused")
        await self.inner.append_many(rows)
        self.rows.extend(rows)


def row(index: int) -> UsageRow:
    return UsageRow(
        id=f"row-{index}",
        org_id="org",
        key_id=None,
        route="/x",
        method="GET",
        status_code=200,
        latency_ms=1,
    )


async def test_rows_survive_a_failed_write_and_are_written_once_in_order(tmp_path: Path) -> None:
    repository = FlakyRepository()
    writer = UsageLog(repository, tmp_path / "spool", LIMITS)
    writer.append(row(1))
    assert not await writer.flush()
    writer.append(row(2))
    assert not await writer.flush()
    assert repository.rows == []
    repository.down = False
    writer.append(row(3))
    assert await writer.flush()
    assert await writer.flush()
    await writer.aclose()
    assert [r.id for r in repository.rows] == ["row-1", "row-2", "row-3"]


async def test_past_the_memory_bound_rows_are_spooled_not_dropped(tmp_path: Path) -> None:
    repository = FlakyRepository()
    writer = UsageLog(repository, tmp_path / "spool", UsageLogLimits(max_queued_rows=3))
    for index in range(5):
        writer.append(row(index))
    assert list((tmp_path / "spool").glob("*.lock")), "the full queue went to the spool"
    repository.down = False
    assert await writer.flush()
    await writer.aclose()
    assert [r.id for r in repository.rows] == [f"row-{index}" for index in range(5)]
    assert list((tmp_path / "spool").glob("*.jsonl")) == []
