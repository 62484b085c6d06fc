"""Request bodies of the support routes, checked field by field."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, cast, get_args

import orjson

from scrapegate.domain.json_types import JsonObject
from scrapegate.domain.support_records import TicketPriority, TicketSource, TicketStatus
from scrapegate.errors import InvalidRequest

MAX_SUBJECT = 200
MAX_BODY = 20_000
MAX_METADATA_BYTES = 16 * 1024
MAX_ATTACHMENTS = 10
MAX_NAME = 100
MAX_COMMENT = 2_000
PRIORITIES: tuple[str, ...] = get_args(TicketPriority)
KEY_SOURCES = ("api", "dashboard", "email", "discord")  # contact_form is the public route's
AGENT_STATUSES: tuple[str, ...] = ("in_progress", "resolved", "closed", "merged")
STATUSES: tuple[str, ...] = get_args(TicketStatus)
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")


def json_object(body: Any) -> JsonObject:
    """The request body as sent, once known to be an object; fields are checked one by one."""
    if not isinstance(body, dict):
        raise InvalidRequest("Request body must be a JSON object")
    return body


def text_field(body: JsonObject, key: str, limit: int, *, required: bool = False) -> str | None:
    value = body.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise InvalidRequest(f"{key} must be a string of 1-{limit} characters", field=key)
    return value.strip()


def required_text(body: JsonObject, key: str, limit: int) -> str:
    return cast(str, text_field(body, key, limit, required=True))


def choice_field(body: JsonObject, key: str, allowed: tuple[str, ...]) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if value not in allowed:
        raise InvalidRequest(f"{key} must be one of {', '.join(allowed)}", field=key)
    return str(value)


def bool_field(body: JsonObject, key: str, *, default: bool | None = None) -> bool:
    value = body.get(key, default)
    if not isinstance(value, bool):
        raise InvalidRequest(f"{key} must be a boolean", field=key)
    return value


def attachment_ids(body: JsonObject) -> list[str]:
    entries = body.get("attachments") or []
    if not isinstance(entries, list) or len(entries) > MAX_ATTACHMENTS:
        raise InvalidRequest(
            f"attachments must be a list of at most {MAX_ATTACHMENTS}", field="attachments"
        )
    ids: list[str] = []
    for entry in entries:
        value = entry.get("attachment_id") if isinstance(entry, dict) else None
        if not isinstance(value, str) or not value:
            raise InvalidRequest("each attachment needs an attachment_id", field="attachments")
        ids.append(value)
    if len(set(ids)) != len(ids):
        raise InvalidRequest("an attachment is listed twice", field="attachments")
    return ids


def metadata_field(body: JsonObject) -> JsonObject:
    """The user's free-form ``ticket_metadata``, kept as sent."""
    value = body.get("ticket_metadata") or {}
    if not isinstance(value, dict) or len(orjson.dumps(value)) > MAX_METADATA_BYTES:
        raise InvalidRequest(
            "ticket_metadata must be an object of at most 16 KiB", field="ticket_metadata"
        )
    return value


@dataclass(frozen=True)
class NewTicket:
    subject: str
    body: str
    category_slug: str | None
    priority: TicketPriority
    source: TicketSource
    metadata: JsonObject = field(default_factory=dict)
    attachment_ids: list[str] = field(default_factory=list)


def parse_new_ticket(raw: Any) -> NewTicket:
    body = json_object(raw)
    return NewTicket(
        subject=required_text(body, "subject", MAX_SUBJECT),
        body=required_text(body, "body", MAX_BODY),
        category_slug=text_field(body, "category_slug", MAX_NAME),
        priority=cast(TicketPriority, choice_field(body, "priority", PRIORITIES) or "medium"),
        source=cast(TicketSource, choice_field(body, "source", KEY_SOURCES) or "api"),
        metadata=metadata_field(body),
        attachment_ids=attachment_ids(body),
    )


@dataclass(frozen=True)
class NewReply:
    body: str
    is_internal_note: bool
    attachment_ids: list[str]


def parse_reply(raw: Any) -> NewReply:
    body = json_object(raw)
    return NewReply(
        body=required_text(body, "body", MAX_BODY),
        is_internal_note=bool_field(body, "is_internal_note", default=False),
        attachment_ids=attachment_ids(body),
    )


@dataclass(frozen=True)
class ContactForm:
    name: str
    email: str
    subject: str
    message: str
    category_slug: str | None
    honeypot_filled: bool


def parse_contact_form(raw: Any) -> ContactForm:
    body = json_object(raw)
    email = required_text(body, "email", 254)
    if not _EMAIL.match(email):
        raise InvalidRequest("email must be a valid e-mail address", field="email")
    website = body.get("website")
    return ContactForm(
        name=required_text(body, "name", MAX_NAME),
        email=email,
        subject=required_text(body, "subject", MAX_SUBJECT),
        message=required_text(body, "message", MAX_BODY),
        category_slug=text_field(body, "category_slug", MAX_NAME),
        honeypot_filled=bool(website),
    )


def parse_satisfaction(raw: Any) -> tuple[int, str | None]:
    body = json_object(raw)
    rating = body.get("rating")
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise InvalidRequest("rating must be an integer from 1 to 5", field="rating")
    return rating, text_field(body, "comment", MAX_COMMENT)


def parse_mute(raw: Any) -> bool:
    return bool_field(json_object(raw), "muted")


@dataclass(frozen=True)
class AgentUpdate:
    status: str | None
    priority: TicketPriority | None
    merged_into_id: str | None


def parse_agent_update(raw: Any) -> AgentUpdate:
    body = json_object(raw)
    update = AgentUpdate(
        status=choice_field(body, "status", AGENT_STATUSES),
        priority=cast(TicketPriority | None, choice_field(body, "priority", PRIORITIES)),
        merged_into_id=text_field(body, "merged_into_id", 64),
    )
    if update.status is None and update.priority is None:
        raise InvalidRequest("Give status or priority")
    if (update.status == "merged") != (update.merged_into_id is not None):
        raise InvalidRequest(
            "merged_into_id goes with status merged, and only with it", field="merged_into_id"
        )
    return update


def page_params(page: int, page_size: int, max_size: int) -> tuple[int, int]:
    if page < 1:
        raise InvalidRequest("page must be at least 1", field="page")
    if not 1 <= page_size <= max_size:
        raise InvalidRequest(f"page_size must be 1-{max_size}", field="page_size")
    return page, page_size
