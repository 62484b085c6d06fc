"""The usage log and the per-domain attempt history."""

from __future__ import annotations

import pytest

from scrapegate.domain.records import UsageSummary
from scrapegate.storage.protocols import Storage
from tests.contract.factories import at, make_attempt, make_usage

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_usage_rows_roundtrip_newest_first(storage: Storage) -> None:
    rows = [make_usage("org-1", at(i), kind="scrape", credits=100 * i) for i in range(3)]
    full = make_usage(
        "org-1",
        at(10),
        kind="scrape",
        job_id="j1",
        url="https://example.com/a",
        domain="example.com",
        mode="auto",
        tier="3.5",
        credits=2_500,
        bytes=12_345,
        cache_hit=True,
        error_code="TIMEOUT",
        source="api",
    )
    for row in [*rows, full, make_usage("org-2", at(5)), make_usage(None, at(6))]:
        await storage.usage.append(row)

    listed = await storage.usage.list_for_org("org-1")

    assert listed == [full, rows[2], rows[1], rows[0]]
    assert await storage.usage.list_for_org("org-1", limit=2) == [full, rows[2]]
    assert await storage.usage.list_for_org("nobody") == []


async def test_append_many_writes_every_row(storage: Storage) -> None:
    rows = [make_usage("org-9", at(i), kind="scrape", credits=10) for i in range(50)]
    await storage.usage.append_many(rows)
    await storage.usage.append_many([])
    assert await storage.usage.list_for_org("org-9", limit=100) == list(reversed(rows))
    assert await storage.usage.summary("org-9", at(0), at(100)) == UsageSummary(50, 500)


async def test_append_many_again_after_a_lost_acknowledgement_writes_each_row_once(
    storage: Storage,
) -> None:
    rows = [make_usage("org-8", at(i), kind="scrape", credits=10) for i in range(5)]
    await storage.usage.append_many(rows[:3])
    await storage.usage.append_many(rows)  # the writer retries a batch it believes was lost
    assert await storage.usage.list_for_org("org-8", limit=100) == list(reversed(rows))


async def test_usage_summary_counts_scrapes_in_half_open_window(storage: Storage) -> None:
    for row in [
        make_usage("org-1", at(99), kind="scrape", credits=1),  # before the window
        make_usage("org-1", at(100), kind="scrape", credits=200),  # first instant: counted
        make_usage("org-1", at(150), kind="scrape", credits=300),
        make_usage("org-1", at(150), kind="request", credits=5_000),  # not a scrape
        make_usage("org-2", at(150), kind="scrape", credits=7_000),  # other organization
        make_usage("org-1", at(200), kind="scrape", credits=9),  # window end: excluded
    ]:
        await storage.usage.append(row)

    assert await storage.usage.summary("org-1", at(100), at(200)) == UsageSummary(2, 500)
    assert await storage.usage.summary("org-1", at(300), at(400)) == UsageSummary(0, 0)


async def test_playbook_recent_is_newest_first_per_domain(storage: Storage) -> None:
    attempts = [
        make_attempt("org-1", at(i), tier=str(i % 3 + 1), success=i % 2 == 0) for i in range(5)
    ]
    for attempt in attempts:
        await storage.playbook.record(attempt)
    await storage.playbook.record(make_attempt("org-1", at(9), domain="other.org"))

    recent = await storage.playbook.recent("example.com", org_id="org-1")

    assert recent == list(reversed(attempts))
    assert await storage.playbook.recent("example.com", org_id="org-1", limit=2) == [
        attempts[4],
        attempts[3],
    ]
    assert await storage.playbook.recent("unknown.net", org_id="org-1") == []


async def test_playbook_is_per_organization_unless_pooled(storage: Storage) -> None:
    mine = make_attempt("org-1", at(1), tier="1")
    theirs = make_attempt("org-2", at(2), tier="4", success=False)
    await storage.playbook.record(mine)
    await storage.playbook.record(theirs)

    assert await storage.playbook.recent("example.com", org_id="org-1") == [mine]
    assert await storage.playbook.recent("example.com", org_id="org-2") == [theirs]
    assert await storage.playbook.recent("example.com", org_id=None) == [theirs, mine]


async def test_playbook_ties_on_time_keep_recording_order(storage: Storage) -> None:
    first = make_attempt("org-1", at(5), tier="1")
    second = make_attempt("org-1", at(5), tier="2")
    await storage.playbook.record(first)
    await storage.playbook.record(second)

    assert await storage.playbook.recent("example.com", org_id="org-1") == [second, first]
