"""The support module as one object for the composition root and other services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from scrapegate.config import Settings, SupportSettings
from scrapegate.platform.support.attachments import AttachmentService
from scrapegate.platform.support.categories import CategoryService
from scrapegate.platform.support.files import SupportFileStore
from scrapegate.platform.support.intake import TicketIntake
from scrapegate.platform.support.replies import ReplyService
from scrapegate.platform.support.tickets import TicketService
from scrapegate.secret_keys import derive_key, master_secret
from scrapegate.storage.retention import Purge
from scrapegate.storage.support_protocol import SupportRepository

IP_KEY_LABEL = "support-contact-ip"


@dataclass(frozen=True)
class SupportService:
    categories: CategoryService
    attachments: AttachmentService
    replies: ReplyService
    tickets: TicketService
    intake: TicketIntake

    async def open_feedback_ticket(
        self, *, user_id: str, org_id: str, subject: str, body: str, metadata: dict[str, Any]
    ) -> tuple[str, str]:
        """For the scrape-feedback service: (ticket id, ticket_ref), category technical."""
        return await self.intake.open_feedback_ticket(
            user_id=user_id, org_id=org_id, subject=subject, body=body, metadata=metadata
        )

    async def housekeeping(self, now: datetime) -> int:
        """One purge step: auto-close resolved tickets, delete uploads never attached."""
        closed = await self.tickets.auto_close(now)
        return closed + await self.attachments.purge_unattached(now)


def build_support(
    repository: SupportRepository,
    settings: SupportSettings,
    files_root: Path,
    ip_key: bytes,
) -> SupportService:
    attachments = AttachmentService(repository, SupportFileStore(files_root), settings)
    categories = CategoryService(repository)
    replies = ReplyService(repository, attachments)
    return SupportService(
        categories=categories,
        attachments=attachments,
        replies=replies,
        tickets=TicketService(repository, attachments, replies, settings),
        intake=TicketIntake(repository, categories, attachments, settings, ip_key),
    )


def support_for(
    settings: Settings, repository: SupportRepository, add_purge: Callable[[Purge], None]
) -> SupportService:
    """The module as the composition root builds it; its purge joins housekeeping."""
    support = build_support(
        repository,
        settings.support,
        Path(settings.data_dir) / "support",
        derive_key(master_secret(settings), IP_KEY_LABEL),
    )
    add_purge(support.housekeeping)
    return support
