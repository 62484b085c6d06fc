"""Support attachments: streamed uploads whose type is sniffed,
guarded downloads, admin deletion and the purge of uploads never attached."""

from __future__ import annotations

import asyncio
import logging
import os
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import Protocol

from scrapegate.config import SupportSettings
from scrapegate.domain.records import new_id, utcnow
from scrapegate.domain.support_records import SupportAttachment
from scrapegate.errors import InvalidRequest, NotFound, PayloadTooLarge, RateLimited
from scrapegate.platform.support.access import SupportActor, TicketAccess, is_uuid
from scrapegate.platform.support.files import SupportFileStore
from scrapegate.platform.support.sniff import UploadSniffer
from scrapegate.storage.support_protocol import SupportRepository

log = logging.getLogger(__name__)

CHUNK_BYTES = 64 * 1024
MAX_FILENAME_BYTES = 255
UPLOAD_WINDOW = timedelta(hours=1)


class ChunkSource(Protocol):
    async def read(self, size: int = -1) -> bytes: ...


@dataclass(frozen=True)
class Upload:
    """A file part of the multipart body: its stream and the name the client gave."""

    source: ChunkSource
    filename: str


def clean_filename(raw: str) -> str:
    """The base name without control characters, at most 255 bytes of UTF-8, suffix kept."""
    base = raw.replace("\\", "/").rsplit("/", 1)[-1]
    kept = "".join(ch for ch in base if unicodedata.category(ch) not in ("Cc", "Cf")).strip()
    name = kept if kept not in ("", ".", "..") else "upload"
    if len(name.encode()) <= MAX_FILENAME_BYTES:
        return name
    suffix = PurePosixPath(name).suffix[:16]
    budget = MAX_FILENAME_BYTES - len(suffix.encode())
    stem = name[: len(name) - len(suffix)].encode()[:budget].decode("utf-8", "ignore")
    return stem + suffix


class AttachmentService:
    def __init__(
        self,
        repository: SupportRepository,
        files: SupportFileStore,
        settings: SupportSettings,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._repository = repository
        self._files = files
        self._settings = settings
        self._clock = clock
        self._access = TicketAccess(repository)

    @property
    def files(self) -> SupportFileStore:
        return self._files

    async def _check_hourly_budget(self, actor: SupportActor, now: datetime) -> None:
        used = await self._repository.count_uploads(actor.user_id, now - UPLOAD_WINDOW)
        limit = self._settings.uploads_per_hour
        if used >= limit:
            raise RateLimited(
                f"At most {limit} uploads per hour.", 3600, {"retry_after": 3600, "limit": limit}
            )

    async def upload(
        self, actor: SupportActor, upload: Upload, ticket_id: str | None
    ) -> SupportAttachment:
        now = self._clock()
        await self._check_hourly_budget(actor, now)
        ticket = await self._access.visible(actor, ticket_id) if ticket_id else None
        filename = clean_filename(upload.filename)
        attachment_id = new_id()
        temporary, size, content_type = await self._receive(upload.source, filename)
        try:
            await self._files.commit(temporary, attachment_id)
        finally:
            await self._files.discard(temporary)
        attachment = SupportAttachment(
            id=attachment_id,
            uploader_id=actor.user_id,
            org_id=actor.org_id,
            filename=filename,
            content_type=content_type,
            size_bytes=size,
            created_at=now,
        )
        await self._repository.add_attachment(attachment)
        if ticket is not None:
            await self._repository.link_attachments([attachment.id], ticket.id, None)
            attachment.ticket_id = ticket.id
        return attachment

    async def _receive(self, source: ChunkSource, filename: str) -> tuple[Path, int, str]:
        """Copy the stream into a temporary file, counting and sniffing on the way."""
        temporary, fd = self._files.new_upload()
        sniffer, size = UploadSniffer(), 0
        try:
            with os.fdopen(fd, "wb") as sink:
                while chunk := await source.read(CHUNK_BYTES):
                    size += len(chunk)
                    if size > self._settings.upload_max_bytes:
                        raise PayloadTooLarge(
                            f"Files are limited to {self._settings.upload_max_bytes} bytes.",
                            {"limit_bytes": self._settings.upload_max_bytes},
                        )
                    sniffer.feed(chunk)
                    await asyncio.to_thread(sink.write, chunk)
            if size == 0:
                raise InvalidRequest("The file is empty", field="file")
            # JSON has to parse; the size cap above bounds this read.
            text = (
                await asyncio.to_thread(temporary.read_bytes) if sniffer.looks_like_text else None
            )
            return temporary, size, sniffer.content_type(filename, text)
        except BaseException:
            await self._files.discard(temporary)
            raise

    async def download(
        self, actor: SupportActor, attachment_id: str
    ) -> tuple[SupportAttachment, Path]:
        attachment = (
            await self._repository.get_attachment(attachment_id) if is_uuid(attachment_id) else None
        )
        if attachment is None or not await self._may_read(actor, attachment):
            raise NotFound("Attachment not found")
        path = self._files.path_of(attachment.id)
        if path is None:
            raise NotFound("Attachment not found")
        return attachment, path

    async def _may_read(self, actor: SupportActor, attachment: SupportAttachment) -> bool:
        if actor.is_admin:
            return True
        if attachment.ticket_id is None:
            return attachment.uploader_id == actor.user_id and attachment.org_id == actor.org_id
        ticket = await self._repository.get_ticket(attachment.ticket_id)
        return ticket is not None and actor.owns(ticket)

    async def delete(self, attachment_id: str) -> None:
        """The admin route (#45): the row and the file."""
        if not is_uuid(attachment_id) or not await self._repository.delete_attachment(
            attachment_id
        ):
            raise NotFound("Attachment not found")
        await self._files.delete(attachment_id)

    async def check_claimable(self, actor: SupportActor, attachment_ids: Sequence[str]) -> None:
        """Only the uploader may attach an upload, and only once."""
        for attachment_id in attachment_ids:
            found = (
                await self._repository.get_attachment(attachment_id)
                if is_uuid(attachment_id)
                else None
            )
            if (
                found is None
                or found.ticket_id is not None
                or found.uploader_id != actor.user_id
                or found.org_id != actor.org_id
            ):
                raise InvalidRequest(
                    "attachment_id is unknown, not yours, or already attached",
                    field="attachments",
                    attachment_id=attachment_id,
                )

    async def attach(
        self, attachment_ids: Sequence[str], ticket_id: str, reply_id: str | None
    ) -> None:
        linked = await self._repository.link_attachments(attachment_ids, ticket_id, reply_id)
        if linked != len(attachment_ids):
            log.warning("support: %d of %d attachments linked", linked, len(attachment_ids))

    async def remove_files(self, attachments: Sequence[SupportAttachment]) -> None:
        for attachment in attachments:
            await self._files.delete(attachment.id)

    async def purge_unattached(self, now: datetime) -> int:
        """Housekeeping: uploads never attached within ``unattached_ttl_s`` go away."""
        before = now - timedelta(seconds=self._settings.unattached_ttl_s)
        purged = 0
        for attachment in await self._repository.unattached_before(before):
            if await self._repository.delete_attachment(attachment.id):
                await self._files.delete(attachment.id)
                purged += 1
        return purged
