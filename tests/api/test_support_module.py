"""Support module level: categories (#46 and agent routes), the public contact form (#54),
housekeeping, the feedback entry point and the module switch."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any, cast

import httpx
import pytest

from scrapegate.domain.records import User, utcnow
from tests.api.support_people import People, open_ticket, people_of
from tests.live_server import LiveServer

DEFAULT_SLUGS = ["general", "billing", "technical", "bug-report", "feature-request", "account"]


@pytest.fixture(scope="module")
def people(server: LiveServer) -> Iterator[People]:
    yield from people_of(server, "module")


def set_status(admin: httpx.Client, ticket_id: str, **body: Any) -> Any:
    changed = admin.patch(f"/api/v1/admin/support/tickets/{ticket_id}", json=body)
    assert changed.status_code == 200, changed.text
    return changed.json()


def test_public_categories_are_seeded_in_sort_order(people: People) -> None:
    listed = people.anonymous.get("/api/v1/support/categories")
    assert listed.status_code == 200
    body = listed.json()
    slugs = [c["slug"] for c in body["categories"]]
    assert [s for s in slugs if s in DEFAULT_SLUGS] == DEFAULT_SLUGS
    assert body["total"] == len(body["categories"])
    assert set(body["categories"][0]) == {"id", "slug", "name", "description", "sort_order"}
    orders = [c["sort_order"] for c in body["categories"]]
    assert orders == sorted(orders)


def test_contact_form_honeypot_and_hourly_limit(people: People) -> None:
    form = {
        "name": "Ada",
        "email": "ada@example.org",
        "subject": "Pricing",
        "message": "Do you offer discounts?",
        "category_slug": "billing",
    }
    trap = people.anonymous.post("/api/v1/support/tickets/public", json=form | {"website": "x"})
    assert trap.status_code == 202 and trap.json()["status"] == "received"
    accepted = people.anonymous.post("/api/v1/support/tickets/public", json=form)
    assert accepted.status_code == 202
    body = accepted.json()
    assert body["message"] == "Thanks, we will reply by e-mail."
    found = people.admin.get("/api/v1/support/tickets", params={"search": "discounts"}).json()
    assert found["total"] == 1, "the honeypot submission must not be stored"
    stored = found["tickets"][0]
    assert stored["ticket_ref"] == body["ticket_ref"] and stored["source"] == "contact_form"
    assert stored["user_id"] is None
    assert stored["ticket_metadata"]["contact"] == {"name": "Ada", "email": "ada@example.org"}
    bad = people.anonymous.post("/api/v1/support/tickets/public", json=form | {"email": "nope"})
    assert bad.status_code == 400
    for _ in range(2):
        assert people.anonymous.post("/api/v1/support/tickets/public", json=form).status_code == 202
    limited = people.anonymous.post("/api/v1/support/tickets/public", json=form)
    assert limited.status_code == 429 and limited.json()["error"] == "RATE_LIMITED"


def test_agent_category_management(people: People) -> None:
    path = "/api/v1/admin/support/categories"
    assert people.owner.get(path).status_code == 403
    created = people.admin.post(
        path, json={"slug": "partners", "name": "Partners", "sort_order": 5}
    )
    assert created.status_code == 201 and created.json()["active"] is True
    assert people.admin.post(path, json={"slug": "partners", "name": "Again"}).status_code == 409
    public = people.anonymous.get("/api/v1/support/categories").json()["categories"]
    assert public[0]["slug"] == "partners"
    changed = people.admin.patch(f"{path}/{created.json()['id']}", json={"active": False})
    assert changed.status_code == 200 and changed.json()["active"] is False
    slugs = [
        c["slug"] for c in people.anonymous.get("/api/v1/support/categories").json()["categories"]
    ]
    assert "partners" not in slugs
    assert "partners" in [c["slug"] for c in people.admin.get(path).json()["categories"]]
    refused = people.owner.post(
        "/api/v1/support/tickets", json={"subject": "s", "body": "b", "category_slug": "partners"}
    )
    assert refused.status_code == 400


def test_housekeeping_auto_closes_resolved_tickets(people: People, server: LiveServer) -> None:
    ticket = open_ticket(people.owner, "Auto close")
    set_status(people.admin, ticket["id"], status="resolved")
    support = server.services.support
    server.call(support.housekeeping(utcnow() + timedelta(days=6)))
    path = f"/api/v1/support/tickets/{ticket['id']}"
    assert people.owner.get(path).json()["status"] == "resolved"
    server.call(support.housekeeping(utcnow() + timedelta(days=7, minutes=1)))
    after = people.owner.get(path).json()
    assert after["status"] == "closed" and after["closed_at"] is not None


def test_feedback_tickets_for_other_services(people: People, server: LiveServer) -> None:
    owner_id = open_ticket(people.owner, "Anchor")["user_id"]
    user = cast(User, server.call(server.services.storage.users.get(owner_id)))
    opened = server.services.support.open_feedback_ticket(
        user_id=owner_id,
        org_id=user.personal_org_id,
        subject="Scrape result was empty",
        body="https://example.com gave no markdown",
        metadata={"job_id": "job-9"},
    )
    ticket_id, ref = cast(tuple[str, str], server.call(opened))
    shown = people.owner.get(f"/api/v1/support/tickets/{ticket_id}").json()
    assert shown["ticket_ref"] == ref and shown["category"]["slug"] == "technical"
    assert (shown["source"], shown["priority"]) == ("api", "medium")
    assert shown["ticket_metadata"] == {"job_id": "job-9"}


def test_module_switch_off_hides_every_route(server_factory: Callable[..., LiveServer]) -> None:
    off = server_factory(modules={"support": False})
    with httpx.Client(base_url=off.url, headers={"X-API-Key": "sk_test_" + "A" * 32}) as admin:
        for method, path in (
            ("GET", "/api/v1/support/categories"),
            ("GET", "/api/v1/support/tickets"),
            ("POST", "/api/v1/support/tickets"),
            ("POST", "/api/v1/support/tickets/public"),
            ("POST", "/api/v1/support/upload"),
            ("GET", f"/api/v1/support/attachments/{'0' * 8}-0000-0000-0000-{'0' * 12}"),
            ("GET", "/api/v1/admin/support/categories"),
        ):
            answer = admin.request(method, path, json={})
            assert answer.status_code == 404, path
            assert answer.json()["error"] == "NOT_FOUND"
