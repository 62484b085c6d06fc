"""Support tickets end to end (platform-api A.12 #46, #52–#62 and the agent routes)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import httpx
import pytest

from scrapegate.domain.records import utcnow
from tests.api.conftest import new_key
from tests.api.support_people import (
    REPLY_KEYS,
    TICKET_KEYS,
    People,
    client,
    open_ticket,
    people_of,
)
from tests.live_server import LiveServer

DEFAULT_SLUGS = ["general", "billing", "technical", "bug-report", "feature-request", "account"]


@pytest.fixture(scope="module")
def people(server: LiveServer) -> Iterator[People]:
    yield from people_of(server, "tickets")


def set_status(admin: httpx.Client, ticket_id: str, **body: Any) -> Any:
    changed = admin.patch(f"/api/v1/admin/support/tickets/{ticket_id}", json=body)
    assert changed.status_code == 200, changed.text
    return changed.json()


def reply(caller: httpx.Client, ticket_id: str, text: str, **fields: Any) -> httpx.Response:
    body = {"body": text, **fields}
    return caller.post(f"/api/v1/support/tickets/{ticket_id}/replies", json=body)


def edit_ticket(server: LiveServer, ticket_id: str, **changes: Any) -> None:
    """Move a ticket's timestamps into the past, as if days had gone by."""

    async def change() -> None:
        repo = server.services.storage.support
        found = await repo.get_ticket(ticket_id)
        assert found is not None
        for name, value in changes.items():
            setattr(found, name, value)
        await repo.save_ticket(found)

    server.call(change())


def test_create_ticket_shape_and_first_reply(people: People) -> None:
    created = open_ticket(
        people.owner,
        "Proxy errors",
        category_slug="technical",
        priority="high",
        ticket_metadata={"job_id": "job-123"},
    )
    assert set(created) == TICKET_KEYS
    assert re.fullmatch(r"SG-\d{6}", created["ticket_ref"])
    assert created["ticket_ref"] == f"SG-{created['ticket_number']:06d}"
    assert (created["status"], created["priority"], created["source"]) == ("open", "high", "api")
    assert created["category"]["slug"] == "technical" and created["reply_count"] == 1
    assert created["ticket_metadata"] == {"job_id": "job-123"}
    replies = people.owner.get(f"/api/v1/support/tickets/{created['id']}/replies").json()
    assert replies["total"] == 1 and set(replies["replies"][0]) == REPLY_KEYS
    first = replies["replies"][0]
    assert (first["body"], first["author_type"]) == ("Details about Proxy errors", "user")


@pytest.mark.parametrize(
    "body",
    [
        {"body": "no subject"},
        {"subject": "x" * 201, "body": "long"},
        {"subject": "ok", "body": ""},
        {"subject": "ok", "body": "b", "category_slug": "no-such-category"},
        {"subject": "ok", "body": "b", "priority": "critical"},
        {"subject": "ok", "body": "b", "ticket_metadata": {"blob": "x" * 17_000}},
        {"subject": "ok", "body": "b", "attachments": [{"attachment_id": "nope"}]},
    ],
)
def test_invalid_ticket_bodies_are_400(people: People, body: dict[str, Any]) -> None:
    answer = people.owner.post("/api/v1/support/tickets", json=body)
    assert answer.status_code == 400
    assert answer.json()["error"] == "INVALID_REQUEST"


def test_detail_previews_the_last_three_replies(people: People) -> None:
    ticket = open_ticket(people.owner, "Preview me")
    for text in ("two", "three", "four"):
        assert reply(people.owner, ticket["id"], text).status_code == 201
    detail = people.owner.get(f"/api/v1/support/tickets/{ticket['id']}")
    assert detail.status_code == 200
    body = detail.json()
    assert set(body) == TICKET_KEYS | {"replies_preview"}
    assert [r["body"] for r in body["replies_preview"]] == ["two", "three", "four"]
    assert body["reply_count"] == 4


def test_list_filters_search_and_envelope(people: People, server: LiveServer) -> None:
    caller = client(server, new_key(server, "tickets-lister"))
    billing = open_ticket(caller, "Invoice question", category_slug="billing", priority="low")
    other = open_ticket(caller, "Crawl stuck")
    reply(caller, other["id"], "The WEBHOOK never fires")
    listed = caller.get("/api/v1/support/tickets").json()
    assert set(listed) == {"tickets", "total", "page", "page_size", "pages", "filters"}
    assert [t["id"] for t in listed["tickets"]] == [other["id"], billing["id"]]
    assert listed["filters"] == {
        "status": None,
        "priority": None,
        "category": None,
        "search": None,
    }
    by_category = caller.get("/api/v1/support/tickets", params={"category": "billing"}).json()
    assert [t["id"] for t in by_category["tickets"]] == [billing["id"]]
    assert by_category["filters"]["category"] == "billing"
    by_search = caller.get("/api/v1/support/tickets", params={"search": "webhook"}).json()
    assert [t["id"] for t in by_search["tickets"]] == [other["id"]]
    by_priority = caller.get("/api/v1/support/tickets", params={"priority": "low"}).json()
    assert by_priority["total"] == 1
    paged = caller.get("/api/v1/support/tickets", params={"page": 2, "page_size": 1}).json()
    assert (paged["total"], paged["pages"], paged["page"]) == (2, 2, 2)
    assert [t["id"] for t in paged["tickets"]] == [billing["id"]]
    for params in ({"page_size": 101}, {"page": 0}, {"status": "lost"}):
        assert caller.get("/api/v1/support/tickets", params=params).status_code == 400
    caller.close()


def test_users_see_only_their_own_tickets(people: People) -> None:
    mine = open_ticket(people.owner, "Private matter")
    for outsider in people.outsiders():
        ids = [t["id"] for t in outsider.get("/api/v1/support/tickets").json()["tickets"]]
        assert mine["id"] not in ids
    admin_view = people.admin.get("/api/v1/support/tickets", params={"page_size": 100}).json()
    assert mine["id"] in [t["id"] for t in admin_view["tickets"]]


ID_ROUTES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/api/v1/support/tickets/{id}", None),
    ("POST", "/api/v1/support/tickets/{id}/close", None),
    ("DELETE", "/api/v1/support/tickets/{id}/gdpr", None),
    ("PATCH", "/api/v1/support/tickets/{id}/mute", {"muted": True}),
    ("POST", "/api/v1/support/tickets/{id}/reopen", None),
    ("POST", "/api/v1/support/tickets/{id}/replies", {"body": "hello"}),
    ("GET", "/api/v1/support/tickets/{id}/replies", None),
    ("POST", "/api/v1/support/tickets/{id}/satisfaction", {"rating": 5}),
]


@pytest.mark.parametrize(("method", "path", "body"), ID_ROUTES)
def test_foreign_and_malformed_ids_are_404(
    people: People, method: str, path: str, body: dict[str, Any] | None
) -> None:
    ticket = open_ticket(people.owner, "Not yours")
    for outsider in people.outsiders():
        answer = outsider.request(method, path.format(id=ticket["id"]), json=body)
        assert answer.status_code == 404, (outsider, answer.text)
        assert answer.json()["error"] == "NOT_FOUND"
    malformed = people.owner.request(method, path.format(id="not-a-uuid"), json=body)
    assert malformed.status_code == 404
    # The owner's ticket is untouched by the refused calls.
    assert people.owner.get(f"/api/v1/support/tickets/{ticket['id']}").status_code == 200


def test_status_machine_through_replies_and_agent_updates(people: People) -> None:
    ticket = open_ticket(people.owner, "Status walk")
    tid = ticket["id"]
    answered = reply(people.admin, tid, "Which URL?")
    assert answered.status_code == 201 and answered.json()["author_type"] == "agent"
    assert people.owner.get(f"/api/v1/support/tickets/{tid}").json()["status"] == "awaiting_reply"
    assert reply(people.owner, tid, "example.com").json()["author_type"] == "user"
    assert people.owner.get(f"/api/v1/support/tickets/{tid}").json()["status"] == "open"
    assert set_status(people.admin, tid, status="in_progress")["status"] == "in_progress"
    resolved = set_status(people.admin, tid, status="resolved", priority="urgent")
    assert resolved["status"] == "resolved" and resolved["resolved_at"] is not None
    assert resolved["priority"] == "urgent"
    reopened = people.owner.post(f"/api/v1/support/tickets/{tid}/reopen")
    assert reopened.status_code == 200 and reopened.json()["status"] == "open"
    assert people.owner.post(f"/api/v1/support/tickets/{tid}/reopen").status_code == 409
    closed = people.owner.post(f"/api/v1/support/tickets/{tid}/close")
    assert closed.json()["status"] == "closed" and closed.json()["closed_at"] is not None
    again = people.owner.post(f"/api/v1/support/tickets/{tid}/close")
    assert again.status_code == 200 and again.json() == closed.json()
    assert reply(people.owner, tid, "One more thing").status_code == 201
    assert people.owner.get(f"/api/v1/support/tickets/{tid}").json()["status"] == "open"


def test_merged_tickets_refuse_replies(people: People) -> None:
    first, second = open_ticket(people.owner, "Dup A"), open_ticket(people.owner, "Dup B")
    merged = set_status(people.admin, second["id"], status="merged", merged_into_id=first["id"])
    assert (merged["status"], merged["merged_into_id"]) == ("merged", first["id"])
    refused = reply(people.owner, second["id"], "hello?")
    assert refused.status_code == 409 and refused.json()["error"] == "CONFLICT"
    assert people.owner.post(f"/api/v1/support/tickets/{second['id']}/close").status_code == 409
    bad = people.admin.patch(
        f"/api/v1/admin/support/tickets/{first['id']}",
        json={"status": "merged", "merged_into_id": first["id"]},
    )
    assert bad.status_code == 400


def test_reopen_only_within_thirty_days(people: People, server: LiveServer) -> None:
    ticket = open_ticket(people.owner, "Old one")
    people.owner.post(f"/api/v1/support/tickets/{ticket['id']}/close")
    edit_ticket(server, ticket["id"], closed_at=utcnow() - timedelta(days=31))
    late = people.owner.post(f"/api/v1/support/tickets/{ticket['id']}/reopen")
    assert late.status_code == 409
    edit_ticket(server, ticket["id"], closed_at=utcnow() - timedelta(days=29))
    assert people.owner.post(f"/api/v1/support/tickets/{ticket['id']}/reopen").status_code == 200


def test_satisfaction_rules(people: People, server: LiveServer) -> None:
    ticket = open_ticket(people.owner, "Rate me")
    path = f"/api/v1/support/tickets/{ticket['id']}/satisfaction"
    assert people.owner.post(path, json={"rating": 5}).status_code == 409
    set_status(people.admin, ticket["id"], status="resolved")
    rated = people.owner.post(path, json={"rating": 4, "comment": "Quick"})
    assert rated.status_code == 200
    assert (rated.json()["satisfaction_rating"], rated.json()["satisfaction_comment"]) == (
        4,
        "Quick",
    )
    assert people.owner.post(path, json={"rating": 5}).json()["satisfaction_rating"] == 5
    for bad in (
        {"rating": 0},
        {"rating": 6},
        {"rating": True},
        {"rating": 3, "comment": "x" * 2001},
    ):
        assert people.owner.post(path, json=bad).status_code == 400
    edit_ticket(server, ticket["id"], satisfaction_at=utcnow() - timedelta(days=15))
    assert people.owner.post(path, json={"rating": 1}).status_code == 409


def test_internal_notes_are_for_agents_only(people: People) -> None:
    ticket = open_ticket(people.owner, "Notes")
    refused = reply(people.owner, ticket["id"], "sneaky", is_internal_note=True)
    assert refused.status_code == 403 and refused.json()["error"] == "FORBIDDEN"
    note = reply(people.admin, ticket["id"], "customer is on the free plan", is_internal_note=True)
    assert note.status_code == 201 and note.json()["is_internal_note"] is True
    path = f"/api/v1/support/tickets/{ticket['id']}"
    owner_view = people.owner.get(f"{path}/replies").json()
    assert [r["body"] for r in owner_view["replies"]] == ["Details about Notes"]
    assert len(people.admin.get(f"{path}/replies").json()["replies"]) == 2
    detail = people.owner.get(path).json()
    assert detail["status"] == "open" and len(detail["replies_preview"]) == 1


def test_replies_page_oldest_first(people: People) -> None:
    ticket = open_ticket(people.owner, "Paging")
    for n in range(3):
        reply(people.owner, ticket["id"], f"r{n}")
    path = f"/api/v1/support/tickets/{ticket['id']}/replies"
    page = people.owner.get(path, params={"page": 2, "page_size": 2}).json()
    assert {k: page[k] for k in ("total", "page", "page_size", "pages")} == {
        "total": 4,
        "page": 2,
        "page_size": 2,
        "pages": 2,
    }
    assert [r["body"] for r in page["replies"]] == ["r1", "r2"]
    assert people.owner.get(path, params={"page_size": 201}).status_code == 400


def test_mute_toggles(people: People) -> None:
    ticket = open_ticket(people.owner, "Quiet please")
    path = f"/api/v1/support/tickets/{ticket['id']}/mute"
    muted = people.owner.patch(path, json={"muted": True})
    assert muted.status_code == 200
    assert muted.json()["ticket_id"] == ticket["id"] and muted.json()["is_muted"] is True
    assert isinstance(muted.json()["message"], str)
    assert people.owner.get(f"/api/v1/support/tickets/{ticket['id']}").json()["is_muted"] is True
    assert people.owner.patch(path, json={"muted": "yes"}).status_code == 400


def test_open_ticket_quota(server: LiveServer) -> None:
    caller = client(server, new_key(server, "tickets-quota"))
    tickets = [open_ticket(caller, f"Ticket {n}") for n in range(20)]
    refused = caller.post("/api/v1/support/tickets", json={"subject": "21st", "body": "b"})
    assert refused.status_code == 403 and refused.json()["error"] == "QUOTA_EXCEEDED"
    caller.post(f"/api/v1/support/tickets/{tickets[0]['id']}/close")
    assert (
        caller.post("/api/v1/support/tickets", json={"subject": "ok", "body": "b"}).status_code
        == 201
    )
    caller.close()


def test_concurrent_creates_get_distinct_numbers(server: LiveServer) -> None:
    callers = [client(server, new_key(server, f"tickets-race-{n}")) for n in range(4)]

    def create(index: int) -> int:
        return int(open_ticket(callers[index % 4], f"Race {index}")["ticket_number"])

    with ThreadPoolExecutor(max_workers=8) as pool:
        numbers = list(pool.map(create, range(16)))
    assert len(set(numbers)) == 16
    for each in callers:
        each.close()
