"""The support helpdesk repository on every backend."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from scrapegate.domain.records import new_id
from scrapegate.domain.support_records import (
    SupportAttachment,
    SupportCategory,
    SupportErasure,
    SupportReply,
    SupportTicket,
    TicketQuery,
)
from scrapegate.storage.protocols import Storage
from tests.contract.factories import at

pytestmark = pytest.mark.asyncio(loop_scope="session")


def category(slug: str, sort_order: int, active: bool = True) -> SupportCategory:
    return SupportCategory(
        id=new_id(),
        slug=slug,
        name=slug.title(),
        description=None,
        sort_order=sort_order,
        active=active,
        created_at=at(0),
    )


def ticket(number: int, seconds: float = 0, **fields: Any) -> SupportTicket:
    values: dict[str, Any] = {
        "org_id": "org-1",
        "user_id": "user-1",
        "category_id": None,
        "subject": f"Ticket {number}",
        "status": "open",
        "priority": "medium",
        "source": "api",
        "created_at": at(seconds),
        "updated_at": at(seconds),
    }
    values.update(fields)
    return SupportTicket(id=new_id(), ticket_number=number, **values)


def reply(ticket_id: str, body: str, seconds: float = 0, internal: bool = False) -> SupportReply:
    return SupportReply(
        id=new_id(),
        ticket_id=ticket_id,
        author_id="user-1",
        author_type="agent" if internal else "user",
        author_name=None,
        body=body,
        is_internal_note=internal,
        created_at=at(seconds),
    )


def upload(seconds: float = 0, uploader: str = "user-1") -> SupportAttachment:
    return SupportAttachment(
        id=new_id(),
        uploader_id=uploader,
        org_id="org-1",
        filename="shot.png",
        content_type="image/png",
        size_bytes=10,
        created_at=at(seconds),
    )


async def stored(storage: Storage, record: SupportTicket, body: str = "body") -> SupportTicket:
    await storage.support.add_ticket(record, reply(record.id, body, record.created_at.second))
    return record


async def test_categories_sorted_unique_and_filtered(storage: Storage) -> None:
    repo = storage.support
    late, early, hidden = category("zz-late", 900), category("zz-early", 800), category("zz-off", 1)
    hidden.active = False
    assert all([await repo.add_category(c) for c in (late, early, hidden)])
    assert await repo.add_category(category("zz-late", 5)) is False
    active = [c.slug for c in await repo.categories(active_only=True) if c.slug.startswith("zz")]
    assert active == ["zz-early", "zz-late"]
    everything = await repo.categories(active_only=False)
    assert "zz-off" in [c.slug for c in everything]
    early.sort_order, early.name = 950, "Renamed"
    await repo.save_category(early)
    again = [c for c in await repo.categories(active_only=True) if c.slug.startswith("zz")]
    assert [(c.slug, c.name) for c in again] == [("zz-late", "Zz-Late"), ("zz-early", "Renamed")]


async def test_ticket_numbers_are_unique_under_concurrency(storage: Storage) -> None:
    numbers = await asyncio.gather(*(storage.support.next_ticket_number() for _ in range(25)))
    assert len(set(numbers)) == 25
    later = await storage.support.next_ticket_number()
    assert later > max(numbers)


async def test_ticket_round_trip_and_save(storage: Storage) -> None:
    record = ticket(
        7,
        ticket_metadata={"job_id": "j-1", "nested": {"n": 2}},
        satisfaction_comment=None,
        origin_ip_hash="abc",
    )
    await stored(storage, record)
    found = await storage.support.get_ticket(record.id)
    assert found == record
    assert found is not None and found.ref == "SG-000007"
    found.status, found.resolved_at, found.satisfaction_rating = "resolved", at(50), 4
    await storage.support.save_ticket(found)
    assert await storage.support.get_ticket(record.id) == found
    assert await storage.support.get_ticket(new_id()) is None


async def test_find_filters_by_owner_status_and_search(storage: Storage) -> None:
    repo = storage.support
    mine = await stored(storage, ticket(1, 10, subject="Login broken"), "cannot sign in")
    other = await stored(
        storage, ticket(2, 20, status="resolved", priority="high"), "Proxy 50% slow"
    )
    await stored(storage, ticket(3, 30, user_id="user-2"), "login too")
    await repo.add_reply(reply(other.id, "secret LOGIN note", 40, internal=True))
    own = TicketQuery(user_id="user-1", org_id="org-1")
    found, total = await repo.find_tickets(own)
    assert total == 2 and [t.id for t in found] == [other.id, mine.id]
    by_search, _ = await repo.find_tickets(TicketQuery("user-1", "org-1", search="LOGIN"))
    assert [t.id for t in by_search] == [mine.id]
    with_notes, _ = await repo.find_tickets(
        TicketQuery("user-1", "org-1", search="login", include_internal=True)
    )
    assert {t.id for t in with_notes} == {mine.id, other.id}
    literal, _ = await repo.find_tickets(TicketQuery("user-1", "org-1", search="50%"))
    assert [t.id for t in literal] == [other.id]
    assert (await repo.find_tickets(TicketQuery("user-1", "org-1", search="5_%")))[1] == 0
    high, _ = await repo.find_tickets(TicketQuery("user-1", "org-1", priority="high"))
    assert [t.id for t in high] == [other.id]
    everyone, total_all = await repo.find_tickets(TicketQuery(None, None, offset=1, limit=1))
    assert total_all == 3 and [t.id for t in everyone] == [other.id]


async def test_counts_and_resolved_before(storage: Storage) -> None:
    repo = storage.support
    await stored(storage, ticket(1, 0, origin_ip_hash="ip1"))
    await stored(storage, ticket(2, 100, status="awaiting_reply", origin_ip_hash="ip1"))
    done = await stored(storage, ticket(3, 0, status="resolved", resolved_at=at(10)))
    await stored(storage, ticket(4, 0, status="resolved", resolved_at=at(500)))
    assert await repo.count_open("user-1", "org-1") == 2
    assert await repo.count_open("user-1", "org-2") == 0
    assert await repo.count_from_origin("ip1", at(50)) == 1
    assert [t.id for t in await repo.resolved_before(at(100))] == [done.id]


async def test_replies_page_oldest_first_without_internal_notes(storage: Storage) -> None:
    repo = storage.support
    record = await stored(storage, ticket(1, 0), "first")
    for second, body in ((10, "second"), (20, "third"), (30, "fourth")):
        await repo.add_reply(reply(record.id, body, second))
    await repo.add_reply(reply(record.id, "note", 25, internal=True))
    page, total = await repo.replies(record.id, include_internal=False, offset=1, limit=2)
    assert total == 4 and [r.body for r in page] == ["second", "third"]
    _, with_notes = await repo.replies(record.id, include_internal=True, offset=0, limit=10)
    assert with_notes == 5
    latest = await repo.latest_replies(record.id, include_internal=True, limit=3)
    assert [r.body for r in latest] == ["third", "note", "fourth"]


async def test_attachments_link_once_and_expire(storage: Storage) -> None:
    repo = storage.support
    record = await stored(storage, ticket(1))
    first, second, stale = upload(10), upload(20), upload(0, uploader="user-2")
    for item in (first, second, stale):
        await repo.add_attachment(item)
    assert await repo.get_attachment(first.id) == first
    assert await repo.link_attachments([first.id, second.id], record.id, "reply-1") == 2
    assert await repo.link_attachments([first.id], record.id, "reply-2") == 0
    linked = await repo.get_attachment(first.id)
    assert linked is not None and (linked.ticket_id, linked.reply_id) == (record.id, "reply-1")
    assert [a.id for a in await repo.attachments_of_replies(["reply-1"])] == [first.id, second.id]
    assert len(await repo.attachments_of_ticket(record.id)) == 2
    assert await repo.count_uploads("user-1", at(15)) == 1
    assert [a.id for a in await repo.unattached_before(at(5))] == [stale.id]
    assert await repo.delete_attachment(stale.id) is True
    assert await repo.delete_attachment(stale.id) is False


async def test_erase_removes_every_row_and_logs_the_ref(storage: Storage) -> None:
    repo = storage.support
    record = await stored(storage, ticket(42))
    kept = await stored(storage, ticket(43))
    await repo.add_reply(reply(record.id, "more", 5))
    item = upload()
    await repo.add_attachment(item)
    await repo.link_attachments([item.id], record.id, None)
    erasure = SupportErasure("SG-000042", at(60), "user-1")
    assert await repo.erase_ticket(record.id, erasure) is True
    assert await repo.get_ticket(record.id) is None
    assert (await repo.replies(record.id, include_internal=True, offset=0, limit=10))[1] == 0
    assert await repo.get_attachment(item.id) is None
    assert await repo.erasures() == [erasure]
    assert await repo.erase_ticket(record.id, erasure) is False
    assert await repo.get_ticket(kept.id) is not None
