"""Callers of the support tests: an owner, a second user of the same organization, a user of
another organization, and the admin (support agent)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from scrapegate.accounts.keys import generate_key, hash_key
from scrapegate.domain.records import ApiKey, User, new_id
from tests.api.conftest import ADMIN_KEY, new_key
from tests.live_server import LiveServer

TICKET_KEYS = {
    "id", "ticket_ref", "ticket_number", "user_id", "category_id", "category", "subject",
    "status", "priority", "source", "is_muted", "ticket_metadata", "reply_count",
    "satisfaction_rating", "satisfaction_comment", "merged_into_id", "created_at", "updated_at",
    "last_reply_at", "resolved_at", "closed_at",
}  # fmt: skip
REPLY_KEYS = {
    "id", "ticket_id", "author_id", "author_type", "author_name", "body", "is_internal_note",
    "attachments", "created_at",
}  # fmt: skip
ATTACHMENT_KEYS = {
    "id", "ticket_id", "reply_id", "filename", "content_type", "size_bytes", "download_url",
    "created_at",
}  # fmt: skip


def colleague_key(server: LiveServer, raw_key: str) -> str:
    """A key of a new user in the organization of ``raw_key``."""

    async def mint() -> str:
        storage = server.services.storage
        existing = await storage.api_keys.get_by_hash(hash_key(raw_key))
        assert existing is not None
        user = await storage.users.create(
            User(id=new_id(), name=f"colleague-{new_id()[:8]}", personal_org_id=existing.org_id)
        )
        raw = generate_key()
        await storage.api_keys.create(
            ApiKey(
                id=new_id(),
                org_id=existing.org_id,
                user_id=user.id,
                name="colleague",
                key_hash=hash_key(raw),
                key_prefix=raw[:12],
            )
        )
        return raw

    return str(server.call(mint()))


@dataclass
class People:
    owner: httpx.Client
    colleague: httpx.Client
    stranger: httpx.Client
    admin: httpx.Client
    anonymous: httpx.Client

    def outsiders(self) -> tuple[httpx.Client, httpx.Client]:
        return self.colleague, self.stranger


def client(server: LiveServer, key: str | None) -> httpx.Client:
    headers = {"X-API-Key": key} if key else {}
    return httpx.Client(base_url=server.url, headers=headers, timeout=60)


def people_of(server: LiveServer, org: str) -> Iterator[People]:
    owner_key = new_key(server, f"{org}-owner")
    group = People(
        owner=client(server, owner_key),
        colleague=client(server, colleague_key(server, owner_key)),
        stranger=client(server, new_key(server, f"{org}-stranger")),
        admin=client(server, ADMIN_KEY),
        anonymous=client(server, None),
    )
    yield group
    for each in (group.owner, group.colleague, group.stranger, group.admin, group.anonymous):
        each.close()


def open_ticket(caller: httpx.Client, subject: str = "Scrape fails", **fields: Any) -> Any:
    body: dict[str, Any] = {"subject": subject, "body": f"Details about {subject}"}
    body.update(fields)
    created = caller.post("/api/v1/support/tickets", json=body)
    assert created.status_code == 201, created.text
    return created.json()
