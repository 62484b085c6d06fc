"""The request-log writer keeps rows through a database outage and writes each once."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from scrapegate.domain.records import UsageRow
from scrapegate.platform import usage_log
from scrapegate.platform.usage_log import UsageLog


class FlakyRepository:
    """Fails while ``down`` is set, like a database that cannot be reached."""

    def __init__(self) -> None:
        self.down = True
        self.rows: list[UsageRow] = []

    async def append_many(self, rows: Sequence[UsageRow]) -> None:
        if self.down:
            raise ConnectionRefusedError(111, "Connection refused")
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


async def test_rows_survive_a_failed_write_and_are_written_once_in_order() -> None:
    repository = FlakyRepository()
    writer = UsageLog(repository)  # type: ignore[arg-type]
    writer.append(row(1))
    await writer.flush()
    writer.append(row(2))
    await writer.flush()
    assert repository.rows == []
    repository.down = False
    writer.append(row(3))
    await writer.flush()
    await writer.flush()
    assert [r.id for r in repository.rows] == ["row-1", "row-2", "row-3"]


async def test_the_buffer_is_bounded_and_drops_the_oldest(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(usage_log, "MAX_BUFFERED_ROWS", 3)
    repository = FlakyRepository()
    writer = UsageLog(repository)  # type: ignore[arg-type]
    for index in range(5):
        writer.append(row(index))
        await writer.flush()
    repository.down = False
    await writer.flush()
    assert [r.id for r in repository.rows] == ["row-2", "row-3", "row-4"]
