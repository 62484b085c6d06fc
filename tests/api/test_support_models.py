"""The support response models: attachment links come from the API's context, timestamps and
nulls look as they always did."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from scrapegate.api.support_models import (
    AttachmentBody,
    AttachmentLinks,
    ReplyBody,
    TicketBody,
)
from scrapegate.domain.support_records import SupportAttachment, SupportReply, SupportTicket
from scrapegate.platform.support.views import reply_view, ticket_view
from tests.api.support_people import ATTACHMENT_KEYS, TICKET_KEYS

AT = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)


def attachment() -> SupportAttachment:
    return SupportAttachment(
        id="a1", uploader_id="u1", org_id="o1", filename="f.txt", content_type="text/plain",
        size_bytes=3, created_at=AT, ticket_id="t1", reply_id="r1",
    )  # fmt: skip


def test_attachment_link_is_absolute_on_the_public_base_url() -> None:
    links = AttachmentLinks("https://scrape.example/")
    body = AttachmentBody.model_validate(attachment(), context=links).model_dump(mode="json")
    assert set(body) == ATTACHMENT_KEYS
    assert body["download_url"] == "https://scrape.example/api/v1/support/attachments/a1"
    assert body["created_at"] == "2024-05-06T07:08:09.123Z"


def test_attachments_without_links_are_refused() -> None:
    reply = SupportReply("r1", "t1", "u1", "user", None, "hi", False, AT)
    with pytest.raises(ValidationError, match="AttachmentLinks"):
        ReplyBody.model_validate(reply_view(reply, [attachment()]))


def test_ticket_keeps_its_keys_nulls_and_timestamps() -> None:
    ticket = SupportTicket(
        id="t1", ticket_number=42, org_id="o1", user_id="u1", category_id=None, subject="s",
        status="open", priority="medium", source="api", created_at=AT, updated_at=AT,
        ticket_metadata={"ratio": 1e-7},
    )  # fmt: skip
    body = TicketBody.model_validate(ticket_view(ticket, None)).model_dump(mode="json")
    assert set(body) == TICKET_KEYS
    assert list(body)[:3] == ["id", "ticket_ref", "ticket_number"]  # the order clients saw
    assert list(body)[-3:] == ["last_reply_at", "resolved_at", "closed_at"]
    assert body["ticket_ref"] == "SG-000042" and body["category"] is None
    assert body["last_reply_at"] is None and body["updated_at"] == "2024-05-06T07:08:09.123Z"
    assert body["ticket_metadata"] == {"ratio": 1e-7}
